"""Figures of a diagnosis: suppression and divided markings, row order, paging for many
teams, escaping of labels, determinism and German texts."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from analysis import figures
from analysis.diagnosis import diagnose
from analysis.instrument import DIMENSIONS
from analysis.responses import ResponseData
from analysis.simulate import simulate

HOSTILE = "<script>alert(1)</script>"
K = 5


def _rebuild(data, *, team=None, unit=None, blank=None):
    """The same responses with other team/unit labels and some answers blanked
    (``blank``: {team: [item ids]})."""
    team = data.team if team is None else team
    values = {iid: data.values[:, j].copy() for j, iid in enumerate(data.item_ids)}
    for t, items in (blank or {}).items():
        for iid in items:
            values[iid][team == t] = np.nan
    comments = tuple((team[np.flatnonzero(data.team == t)[0]], text) for t, text in data.comments)
    return ResponseData.from_columns(
        data.questionnaire,
        team=team,
        answers=values,
        unit=data.unit if unit is None else unit,
        role=data.role,
        tenure=data.tenure,
        comments=comments,
    )


@pytest.fixture(scope="module")
def sim():
    return simulate(respondents=400, teams=20, units=2, seed=7)


@pytest.fixture(scope="module")
def nodata_team(sim):
    """A released team whose feedback questions nobody answered."""
    return next(
        t for t in sorted(set(sim.data.team.tolist())) if t not in sim.planted and (sim.data.team == t).sum() >= 10
    )


@pytest.fixture(scope="module")
def diag(sim, nodata_team):
    feedback = [i.id for i in sim.data.questionnaire.items if getattr(i, "dimension", None) == "feedback"]
    data = _rebuild(sim.data, blank={nodata_team: feedback})
    return diagnose(data, min_group_size=K)


@pytest.fixture(scope="module")
def big():
    return diagnose(simulate(respondents=10_000, teams=500, units=25, seed=3).data)


def _strings(obj):
    """Every string inside a figure dictionary."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


def _row(fig: dict, label: str) -> int:
    ticks = fig["layout"]["yaxis"]["ticktext"]
    return next(i for i, t in enumerate(ticks) if t.split(" · ")[0] == label)


def _traces(fig: dict):
    """(status layer or None, value layer) of a heatmap dictionary."""
    heat = [t for t in fig["data"] if t["type"] == "heatmap"]
    return (heat[0], heat[1]) if len(heat) == 2 else (None, heat[0])


# ------------------------------------------------------------------- suppression


@pytest.mark.parametrize("metric", figures.METRICS)
def test_suppressed_cells_say_n_below_k_and_carry_no_number(diag, metric):
    fig = figures.team_heatmap(diag, metric, as_dict=True)
    status, value = _traces(fig)
    hidden = [t for t, r in zip(diag.teams.labels, diag.teams.suppression_reason) if r == "fewer_than_k"]
    assert hidden
    for team in hidden:
        r = _row(fig, team)
        assert [html.unescape(x) for x in status["text"][r]] == [f"n < {K}"] * len(status["text"][r])
        assert all(z == 1 for z in status["z"][r])
        assert value["z"][r] == [None] * len(value["z"][r])
        assert value["text"][r] == [""] * len(value["text"][r])
        for hover in status["hovertext"][r]:
            assert hover.endswith(f"not shown: fewer than {K} responses")


@pytest.mark.parametrize("metric", figures.METRICS)
def test_a_hidden_teams_figures_appear_nowhere(diag, metric):
    fig = figures.team_heatmap(diag, metric, as_dict=True)
    text = json.dumps(fig, ensure_ascii=False)
    for i in np.flatnonzero(diag.teams.suppressed):
        team, unit = diag.teams.labels[i], diag.teams.parent[i]
        mentions = [s for s in _strings(fig) if team in s]
        assert mentions, team
        for s in mentions:
            rest = html.unescape(s).replace(team, "").replace(unit, "").replace(f"n < {K}", "")
            rest = rest.replace(f"fewer than {K}", "")
            assert not re.search(r"\d", rest), s
        r = _row(fig, team)
        assert all(v is None for v in _traces(fig)[1]["z"][r])
    assert "NaN" not in text


def test_no_data_is_distinct_from_suppression(diag, nodata_team):
    fig = figures.team_heatmap(diag, "perception", as_dict=True)
    status, value = _traces(fig)
    r = _row(fig, nodata_team)
    j = DIMENSIONS.index("feedback")
    assert status["text"][r][j] == "no data"
    assert status["z"][r][j] == 3
    assert value["z"][r][j] is None
    assert "no answers" in status["hovertext"][r][j]
    # the other dimensions of that team are shown
    assert value["z"][r][0] is not None
    # the colour scale maps n < k (1) and no data (3) to different colours
    scale = dict((round(p * 2) + 1, c) for p, c in status["colorscale"])
    assert scale[1] != scale[3]
    legend = html.unescape(fig["layout"]["annotations"][0]["text"])
    assert f"n < {K}: fewer than {K} responses" in legend and "no data: no answers" in legend


def test_complementary_hidden_teams_say_so():
    d = diagnose(simulate(respondents=300, teams=24, units=4, seed=1).data)
    hidden = [t for t, r in zip(d.teams.labels, d.teams.suppression_reason) if r == "complementary"]
    assert hidden
    fig = figures.team_heatmap(d, "structure", as_dict=True)
    status, _ = _traces(fig)
    r = _row(fig, hidden[0])
    assert set(status["text"][r]) == {"hidden"}
    assert "worked out by subtraction" in status["hovertext"][r][0]


# -------------------------------------------------------------------- markings


def test_divided_cells_are_marked_without_colour(sim, diag):
    team = sim.teams_with("divided")[0]
    j = DIMENSIONS.index("decision_rights")
    assert diag.team(team)["dimensions"]["decision_rights"]["finding"] == "divided"
    fig = figures.team_heatmap(diag, "perception", as_dict=True)
    r = _row(fig, team)
    _, value = _traces(fig)
    assert value["text"][r][j].startswith("÷ ")
    hatch = [t for t in fig["data"] if t["type"] == "scatter" and t.get("fill") == "toself"]
    assert len(hatch) == 1 and hatch[0]["fillpattern"]["shape"] == "/"
    xs, ys = hatch[0]["x"], hatch[0]["y"]
    corners = {(x, y) for x, y in zip(xs, ys) if x is not None}
    assert {(j - 0.5, r - 0.5), (j + 0.5, r + 0.5)} <= corners
    assert "÷ divided" in fig["layout"]["annotations"][0]["text"]
    finding = figures.team_heatmap(diag, "finding", as_dict=True)
    assert _traces(finding)[1]["text"][_row(finding, team)][j] == "÷ divided"


def test_cells_are_labelled_with_scores_and_coloured_relative_to_the_organization(diag):
    fig = figures.team_heatmap(diag, "perception", as_dict=True)
    _, value = _traces(fig)
    org = diag.organization.dims["score"][0]
    team = next(t for t, s in zip(diag.teams.labels, diag.teams.suppressed) if not s)
    rec = diag.team(team)
    r = _row(fig, team)
    for j, d in enumerate(DIMENSIONS):
        score = rec["dimensions"][d]["score"]
        assert value["text"][r][j].lstrip("÷ ").startswith(f"{score:.0f}")
        assert value["z"][r][j] == pytest.approx(score - org[j], abs=0.01)  # records are rounded
        hover = value["hovertext"][r][j]
        assert "n = " in hover and "95 % CI" in hover and "r<sub>wg(j)</sub>" in hover
        assert "level" in hover and "finding:" in hover
    assert value["zmid"] == 0 and value["zmin"] == -value["zmax"]


def test_flagged_differences_carry_a_triangle(diag):
    fig = figures.team_heatmap(diag, "structure", as_dict=True)
    _, value = _traces(fig)
    order = figures.group_order(diag)
    flagged = np.asarray(diag.teams.structure_vs_rest_flagged)[order]
    up = np.asarray(diag.teams.dims["structure_vs_rest_difference"])[order] > 0
    assert flagged.any()
    for r, j in zip(*np.nonzero(flagged)):
        assert value["text"][r][j].endswith(" ▲" if up[r, j] else " ▼")
    for r, j in zip(*np.nonzero(~flagged)):
        assert "▲" not in value["text"][r][j] and "▼" not in value["text"][r][j]


def test_misconception_heatmap_shows_shares(diag):
    fig = figures.unit_heatmap(diag, "misconception", as_dict=True)
    _, value = _traces(fig)
    rec = diag.unit(diag.units.labels[0])
    r = _row(fig, diag.units.labels[0])
    m = diag.units.misconceptions[0]
    assert value["text"][r][0] == f"{100 * rec['misconceptions'][m]:.0f} %"
    assert value["reversescale"] is True
    assert fig["layout"]["xaxis"]["ticktext"][0].startswith("Autonomy as a")


# ------------------------------------------------------------------- order, size


def test_a_questionnaire_without_misconceptions_has_no_misconception_heatmap(diag):
    pulse = diagnose(simulate("aligned-autonomy-pulse-v1", respondents=120, teams=6, units=2, seed=3).data)
    assert figures.available_metrics(diag) == figures.METRICS
    assert figures.available_metrics(pulse) == ("perception", "structure", "finding")
    for metric in figures.available_metrics(pulse):
        assert figures.unit_heatmap(pulse, metric, as_dict=True)["data"]
        assert figures.team_heatmap(pulse, metric, unit=pulse.units.labels[0], as_dict=True)["data"]
    message = "metric: 'misconception', but the questionnaire asks no misconceptions"
    with pytest.raises(ValueError, match=f"^{message}$"):
        figures.unit_heatmap(pulse, "misconception")
    with pytest.raises(ValueError, match=f"^{message}$"):
        figures.team_heatmap(pulse, "misconception")


def test_rows_are_sorted_by_unit_then_score(diag):
    order = figures.group_order(diag)
    t = diag.teams
    units = [t.parent[i] for i in order]
    assert units == sorted(units)
    for u in diag.units.labels:
        rows = [i for i in order if t.parent[i] == u]
        visible = [i for i in rows if not t.suppressed[i]]
        assert rows[: len(visible)] == visible
        means = [np.nanmean(t.dims["combined"][i]) for i in visible]
        assert means == sorted(means, reverse=True)
    fig = figures.team_heatmap(diag, "perception", as_dict=True)
    assert [s.split(" · ")[0] for s in fig["layout"]["yaxis"]["ticktext"]] == [t.labels[i] for i in order]
    assert len(fig["layout"]["shapes"]) == len(diag.units.labels) - 1  # lines between units


def _sort_value(t, i, sort):
    combined = np.asarray(t.dims["combined"][i], dtype=float)
    if sort in DIMENSIONS:
        v = combined[DIMENSIONS.index(sort)]
        return v if np.isfinite(v) else np.inf
    if sort == "attention":
        return -int(np.isin(np.asarray(t.finding[i], dtype=object), figures.ACTION_FINDINGS).sum())
    if sort == "name":
        return t.labels[i]
    return np.nanmean(combined) * (1 if sort == "weakest" else -1)


@pytest.mark.parametrize("sort", figures.SORTS)
def test_every_sort_keeps_units_together_and_hidden_rows_last(diag, sort):
    t = diag.teams
    order = figures.group_order(diag, sort=sort)
    assert sorted(order.tolist()) == list(range(len(t.labels)))
    assert [t.parent[i] for i in order] == sorted(t.parent[i] for i in order)
    for u in diag.units.labels:
        rows = [i for i in order if t.parent[i] == u]
        visible = [i for i in rows if not t.suppressed[i]]
        assert rows[: len(visible)] == visible
        keys = [(_sort_value(t, i, sort), t.labels[i]) for i in visible]
        assert keys == sorted(keys)
    units = figures.group_order(diag, level="unit", sort=sort)
    visible = [i for i in units.tolist() if not diag.units.suppressed[i]]
    keys = [(_sort_value(diag.units, i, sort), diag.units.labels[i]) for i in visible]
    assert keys == sorted(keys)


def test_sorts_differ_and_the_subtitle_names_the_order(diag):
    best, weakest = figures.group_order(diag, sort="best"), figures.group_order(diag, sort="weakest")
    assert best.tolist() != weakest.tolist()
    fig = figures.team_heatmap(diag, "perception", sort="decision_rights", as_dict=True)
    assert "lowest Decision rights first" in fig["layout"]["title"]["subtitle"]["text"]
    fig = figures.unit_heatmap(diag, "finding", sort="attention", lang="de", as_dict=True)
    assert "meiste handlungsrelevante Befunde zuerst" in fig["layout"]["title"]["subtitle"]["text"]
    with pytest.raises(ValueError, match="sort: must be one of"):
        figures.group_order(diag, sort="random")
    with pytest.raises(ValueError, match="sort"):
        figures.team_heatmap(diag, sort="n")


def test_five_teams_without_units():
    d = diagnose(simulate(respondents=75, teams=5, seed=2).data)
    for metric in figures.METRICS:
        fig = figures.team_heatmap(d, metric)
        assert isinstance(fig, go.Figure)
        assert len(fig.layout.yaxis.ticktext) == 5
        assert 200 <= fig.layout.height <= 500
    with pytest.raises(ValueError, match="diagnosis: has no unit level"):
        figures.unit_heatmap(d)
    with pytest.raises(ValueError, match="unit: 'U1' given"):
        figures.team_heatmap(d, unit="U1")
    assert isinstance(figures.organization_overview(d), go.Figure)
    assert isinstance(figures.role_gap_chart(d), go.Figure)


def test_five_hundred_teams_are_aggregated_and_paged(big):
    units = figures.unit_heatmap(big, "perception")
    assert len(units.layout.yaxis.ticktext) == 25
    assert all(s.endswith("teams") for s in units.layout.yaxis.ticktext)
    assert figures.page_count(big) == 9
    first = figures.team_heatmap(big, "finding", page=0, as_dict=True)
    last = figures.team_heatmap(big, "finding", page=8, as_dict=True)
    assert len(first["layout"]["yaxis"]["ticktext"]) == figures.PAGE_SIZE
    assert len(last["layout"]["yaxis"]["ticktext"]) == 500 - 8 * figures.PAGE_SIZE
    assert "teams 1–60 of 500" in first["layout"]["title"]["subtitle"]["text"]
    with pytest.raises(ValueError, match="page: 9 is beyond the last page"):
        figures.team_heatmap(big, page=9)
    unit = big.units.labels[3]
    drill = figures.team_heatmap(big, "perception", unit=unit, as_dict=True)
    members = [t for t, p in zip(big.teams.labels, big.teams.parent) if p == unit]
    assert sorted(s.split(" · ")[0] for s in drill["layout"]["yaxis"]["ticktext"]) == sorted(members)
    assert drill["layout"]["height"] < 1000
    # heights grow with rows; labels stay short
    assert first["layout"]["height"] > drill["layout"]["height"]
    assert max(len(s) for s in first["layout"]["yaxis"]["ticktext"]) <= 45


def test_long_and_hostile_labels_are_shortened_and_escaped(sim):
    data = sim.data
    long_name = "A very long team name that goes on and on and on"
    rename = {"T01": HOSTILE, "T02": long_name, "T16": '"; alert(1)//'}
    team = np.array([rename.get(t, t) for t in data.team.tolist()])
    d = diagnose(_rebuild(data, team=team))
    for metric in figures.METRICS:
        text = json.dumps(figures.team_heatmap(d, metric, as_dict=True), ensure_ascii=False)
        assert HOSTILE not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    fig = figures.team_heatmap(d, "perception", as_dict=True)
    ticks = fig["layout"]["yaxis"]["ticktext"]
    short = next(s for s in ticks if s.startswith("A very long"))
    assert short.split(" · ")[0].endswith("…") and len(short.split(" · ")[0]) == 28
    assert any(long_name in h for row in _traces(fig)[1]["hovertext"] for h in row)


# ---------------------------------------------------------- overview, role gaps


def test_organization_overview_shows_perception_and_structure(diag):
    fig = figures.organization_overview(diag, as_dict=True)
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert len(bars) == 2
    org = diag.organization.dims
    assert bars[0]["y"] == pytest.approx(list(org["score"][0]), abs=1e-3)
    assert bars[1]["y"] == pytest.approx(list(org["structure"][0]), abs=1e-3)
    assert bars[1]["marker"]["pattern"]["shape"] == "/"
    assert bars[0]["error_y"]["array"] == pytest.approx(list(org["ci_high"][0] - org["score"][0]), abs=1e-3)
    assert all("level" in tick for tick in fig["layout"]["xaxis"]["ticktext"])


def test_overview_of_a_hidden_organization_has_no_numbers():
    d = diagnose(simulate(respondents=4, teams=2, seed=1).data)
    fig = figures.organization_overview(d, as_dict=True)
    assert fig["data"] == []
    assert "fewer than 5 responses" in fig["layout"]["annotations"][0]["text"]


def test_role_gap_chart_shows_released_gaps(diag):
    fig = figures.role_gap_chart(diag, as_dict=True)
    rows = list(diag.role_gaps)
    assert rows
    lead = next(t for t in fig["data"] if t.get("name") == "team leads")
    member = next(t for t in fig["data"] if t.get("name") == "members")
    assert sorted(lead["x"]) == pytest.approx(sorted(r["lead"] for r in rows))
    assert sorted(member["x"]) == pytest.approx(sorted(r["member"] for r in rows))
    assert fig["layout"]["yaxis"]["ticktext"][0].startswith("Organization · ")


def test_role_gap_chart_limits_the_groups(big):
    fig = figures.role_gap_chart(big, max_groups=3, as_dict=True)
    groups = {t.split(" · ")[0] for t in fig["layout"]["yaxis"]["ticktext"]} - {"Organization"}
    assert len(groups) <= 3
    if len({r["group"] for r in big.role_gaps if r["level"] != "organization"}) > 3:
        assert "largest gaps" in fig["layout"]["title"]["text"]


# ------------------------------------------------------ determinism, language, API


def test_figures_are_deterministic():
    a = diagnose(simulate(respondents=300, teams=15, units=3, seed=11).data)
    b = diagnose(simulate(respondents=300, teams=15, units=3, seed=11).data)
    for fn in (
        lambda d: figures.team_heatmap(d, "finding"),
        lambda d: figures.unit_heatmap(d, "perception"),
        figures.organization_overview,
        figures.role_gap_chart,
    ):
        assert fn(a).to_json() == fn(b).to_json()


def test_as_dict_is_the_same_figure(diag):
    for metric in figures.METRICS:
        spec = figures.team_heatmap(diag, metric, as_dict=True)
        fig = figures.team_heatmap(diag, metric)
        assert json.loads(go.Figure(spec).to_json()) == json.loads(fig.to_json())


def test_german_texts(diag):
    fig = figures.team_heatmap(diag, "perception", lang="de", as_dict=True)
    assert fig["layout"]["title"]["text"].startswith("Wahrnehmung")
    assert fig["layout"]["xaxis"]["ticktext"][0] == "Ausrichtung"
    hovers = [h for row in _traces(fig)[1]["hovertext"] for h in row if h]
    assert any(re.search(r"r<sub>wg\(j\)</sub> = \d,\d\d", h) for h in hovers)
    assert any("Stufe" in h and "KI" in h for h in hovers)
    status, _ = _traces(fig)
    assert "keine Daten" in {s for row in status["text"] for s in row}
    assert "weniger als 5 Antworten" in fig["layout"]["annotations"][0]["text"]
    assert figures.organization_overview(diag, lang="de").layout.title.text.startswith("Organisation")
    assert "Teamleitungen" in figures.role_gap_chart(diag, lang="de").to_json()
    names = figures.misconception_names(diag, lang="de")
    assert names["granted_autonomy"].startswith("Autonomie als etwas")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"metric": "happiness"}, "metric: must be one of"),
        ({"lang": "fr"}, "lang: must be one of"),
        ({"page": -1}, "page: must be an integer >= 0"),
        ({"page_size": 0}, "page_size: must be an integer >= 1"),
        ({"unit": "nowhere"}, "unit: unknown unit 'nowhere'"),
    ],
)
def test_bad_arguments_are_named(diag, kwargs, message):
    with pytest.raises(ValueError, match=message):
        figures.team_heatmap(diag, **kwargs)


def test_labels_of_withheld_cells_are_readable():
    """WCAG contrast of the dark label on both greys of withheld cells (AA needs 4.5:1)."""
    from analysis.figures_heatmap import _GREY_HIDDEN, _GREY_PRIMARY, _STATUS_TEXT

    def luminance(colour):
        c = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    def contrast(a, b):
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    assert contrast(_STATUS_TEXT, _GREY_PRIMARY) >= 7 and contrast(_STATUS_TEXT, _GREY_HIDDEN) >= 7
    assert contrast(_GREY_PRIMARY, _GREY_HIDDEN) >= 1.4  # the two greys stay apart
