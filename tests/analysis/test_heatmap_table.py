"""The table alternative of a heatmap carries the same figures as the chart: the same
rows in the same order, the same cell labels, and the reason where a cell is hidden."""

import html

import numpy as np
import pytest

from analysis import figures
from analysis.diagnosis import diagnose
from analysis.simulate import simulate_responses


@pytest.fixture(scope="module")
def dx():
    return diagnose(simulate_responses("aligned-autonomy-v1", respondents=150, teams=16, units=3, seed=3))


def _chart_cells(fig):
    """Cell texts of the chart: the value layer where shown, else the status layer."""
    layers = [t for t in fig["data"] if t["type"] == "heatmap"]
    value = np.array(layers[-1]["text"], dtype=object)
    if len(layers) == 2:
        status = np.array(layers[0]["text"], dtype=object)
        value = np.where(value == "", status, value)
    return [[html.unescape(str(x)) for x in row] for row in value.tolist()]


@pytest.mark.parametrize("metric", ["perception", "structure", "misconception"])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_team_table_matches_the_chart(dx, metric, lang):
    fig = figures.team_heatmap(dx, metric, lang=lang, as_dict=True)
    table = figures.heatmap_table(dx, metric, level="team", lang=lang)
    assert [r["label"] for r in table["rows"]] == [dx.teams.labels[i] for i in figures.group_order(dx, level="team")]
    assert [r["cells"] for r in table["rows"]] == _chart_cells(fig)
    hidden = [r for r in table["rows"] if r["n"] is None]
    assert hidden and all(c in ("n < 5", "hidden", "verborgen") for r in hidden for c in r["cells"])
    assert len(table["columns"]) == len(fig["layout"]["xaxis"]["tickvals"])


def test_unit_table_and_findings(dx):
    table = figures.heatmap_table(dx, "finding", level="unit", sort="name")
    assert [r["label"] for r in table["rows"]] == sorted(dx.units.labels)
    named = {c for r in table["rows"] for c in r["cells"]}
    assert named & {
        "mixed",
        "structural gap",
        "anchored strength",
        "not precise enough to classify",
        "proclaimed, not anchored",
        "unseen structure",
        "divided (members disagree)",
    }
    with pytest.raises(ValueError):
        figures.heatmap_table(dx, "perception", level="division")
