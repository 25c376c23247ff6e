"""The demo's v1 campaigns keep their figures when instruments change (docs/methodology.md §19)."""

import json

import pytest

from tests.app.demo_figures import FIXTURE, demo_figures


def test_demo_v1_campaigns_show_the_same_figures_as_before(tmp_path):
    expected = json.loads(FIXTURE.read_text())
    actual = demo_figures(tmp_path)
    assert set(expected) <= set(actual)  # campaigns added to the demo later are not part of the snapshot
    assert "Nordlicht Logistics (demo)/Diagnostic spring 2027 (version 2)/aligned-autonomy-v2" in actual
    for campaign, figures in expected.items():
        assert campaign.endswith("aligned-autonomy-v1")
        got = actual[campaign]
        assert not set(figures) - set(got), campaign  # figures added later (new blocks) are not compared
        for path, value in figures.items():
            assert got[path] == pytest.approx(value, rel=1e-9, abs=1e-12), f"{campaign}{path}"
