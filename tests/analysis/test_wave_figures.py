"""The trend chart of a wave comparison in English and German (its texts from the
translation catalogue, its numbers in the reader's conventions)."""

import pytest

from app.catalogue import format_number, gettext, use_language

from analysis import diagnose
from analysis.simulate import simulate_responses
from analysis.wave_figures import trend_figure, trend_groups
from analysis.waves import compare_waves


@pytest.fixture(scope="module")
def diagnoses():
    return [diagnose(simulate_responses(respondents=40, teams=8, units=2, seed=s)) for s in (1, 2, 3)]


@pytest.fixture(scope="module")
def comparison(diagnoses):
    return compare_waves(diagnoses)


def test_trend_figure(comparison, diagnoses):
    assert trend_groups(comparison)[0] == ("organization", "")
    fig = trend_figure(comparison, as_dict=True)
    assert [t["name"] for t in fig["data"]] == ["Direction", "Decision rights", "Feedback"]
    row = next(
        r
        for r in comparison.trend
        if r["level"] == "organization" and r["dimension"] == "direction" and r["measure"] == "score"
    )
    assert fig["data"][0]["y"] == [v["value"] for v in row["values"]]
    assert fig["data"][0]["x"] == ["W1", "W2", "W3"]
    with pytest.raises(ValueError, match="at least 3 waves"):
        trend_figure(compare_waves(diagnoses[:2]))
    with pytest.raises(ValueError, match="group"):
        trend_figure(comparison, level="team", group="nobody")
    with pytest.raises(ValueError, match="measure"):
        trend_figure(comparison, measure="icc1")


def _german(comparison, **options):
    with use_language("de"):
        return trend_figure(comparison, translate=gettext, number=format_number, as_dict=True, **options)


def test_trend_figure_in_german(comparison):
    layout = _german(comparison, measure="structure")["layout"]
    assert layout["title"]["text"] == "Verlauf über die Wellen: Organisation"
    assert layout["title"]["subtitle"]["text"].startswith("Balken: 95-%-Konfidenzintervall")
    assert layout["yaxis"]["title"]["text"] == "Strukturindex (0–100)"
    names = [t["name"] for t in _german(comparison)["data"]]
    assert names == ["Ausrichtung", "Entscheidungsrechte", "Rückkopplung"]


def test_unreleased_waves_say_why_in_the_chosen_language(comparison):
    """T3's first wave is hidden so that no smaller group can be subtracted, its last one
    has fewer than k responses: gaps in the lines, explained on hover."""
    hover = {
        "en": trend_figure(comparison, level="team", group="T3", as_dict=True)["data"][0],
        "de": _german(comparison, level="team", group="T3")["data"][0],
    }
    assert hover["en"]["y"][0] is None and hover["en"]["y"][2] is None
    assert hover["en"]["hovertext"][0].endswith("not released: a smaller group could be worked out by subtraction")
    assert hover["en"]["hovertext"][2].endswith("not released: fewer than k responses")
    assert hover["de"]["hovertext"][0].startswith("Ausrichtung · W1<br>")
    assert hover["de"]["hovertext"][2].endswith("nicht freigegeben: weniger als k Antworten")


def test_the_interval_in_the_subtitle_follows_the_comparison(diagnoses):
    layout = trend_figure(compare_waves(diagnoses, confidence=0.9), as_dict=True)["layout"]
    assert layout["title"]["subtitle"]["text"].startswith("Bars: 90 % confidence interval")


def test_the_subtitle_says_the_marks_are_corrected_for_many_comparisons(comparison):
    en = trend_figure(comparison, as_dict=True)["layout"]["title"]["subtitle"]["text"]
    de = _german(comparison)["layout"]["title"]["subtitle"]["text"]
    assert "corrected for the number<br>of comparisons" in en
    assert "für die Zahl der<br>Vergleiche korrigiert" in de


def test_quotes_in_wave_labels_are_shown_as_quotes(diagnoses):
    """Plotly decodes numeric entities but not ``&quot;``: html.escape used to put
    ``&quot;`` on screen in the hover text and the axis labels."""
    labels = ['Spring "pulse"', "Mitarbeiter's Sommer", "Q3 <final> & more"]
    fig = trend_figure(compare_waves(diagnoses, labels=labels), as_dict=True)
    texts = [*fig["data"][0]["hovertext"], *fig["layout"]["xaxis"]["ticktext"]]
    assert not any("&quot;" in t or "&#x27;" in t for t in texts)
    assert any("&#34;pulse&#34;" in t for t in texts) and any("&#39;s" in t for t in texts)
    assert any("&lt;final&gt; &amp; more" in t for t in texts)


def test_german_hover_figures_have_a_decimal_comma(comparison):
    hover = [h for t in _german(comparison)["data"] for h in t["hovertext"] if "[" in h]
    assert hover and all("," in h.split("<br>")[1].split(" ")[0] for h in hover)
    assert not any("." in h.split("<br>")[1].split(" [")[0] for h in hover)
