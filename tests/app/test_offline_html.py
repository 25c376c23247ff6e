"""The self-contained offline HTML page of ``aad analyze --format html``."""

import re

import pytest

from analysis.diagnosis import diagnose
from analysis.responses import ResponseData
from analysis.simulate import simulate
from app.reports.offline_html import render_html


@pytest.fixture(scope="module")
def diagnosis():
    return diagnose(simulate(respondents=1500, teams=60, units=3, seed=11).data)


def test_page_is_self_contained_and_readable_in_both_languages(diagnosis):
    for lang, heading in (("en", "Most important findings"), ("de", "Wichtigste Befunde")):
        html = render_html(diagnosis, lang=lang)
        assert f'<html lang="{lang}">' in html and heading in html
        assert "<script" not in html and "<link" not in html and "src=" not in html
        for finding in diagnosis.to_dict()["findings"]:
            assert finding[lang].split(":")[0].replace("'", "&#39;") in html
    html = render_html(diagnosis)
    hidden = [t for t in diagnosis.to_dict()["teams"] if t["suppressed"]]
    assert html.count('class="hidden"') >= len(hidden)
    assert "fewer than 5 responses" in html and "docs/methodology.md" in html


def test_divided_cells_are_marked(diagnosis):
    html = render_html(diagnosis)
    divided = sum(1 for t in diagnosis.to_dict()["teams"] if not t["suppressed"]
                  for c in t["dimensions"].values() if c["finding"] == "divided")
    assert len(re.findall(r'class="num divided"', html)) == divided > 0


def test_organization_below_k_shows_only_the_reason():
    d = diagnose(ResponseData.from_columns("aligned-autonomy-v1", team=["a", "b"], answers={}))
    html = render_html(d, lang="de")
    assert "weniger als 5 Antworten" in html and "Reliabilität" not in html
    with pytest.raises(ValueError, match="lang: must be 'en' or 'de'"):
        render_html(d, lang="fr")
