"""Wave comparison pages and API: change per dimension with intervals and the
reliable-change verdict, team mapping, and the trend chart over three waves."""

from __future__ import annotations

import pytest

from analysis.wave_figures import trend_figure, trend_groups
from analysis.waves import compare_waves
from app.services import Invalid
from app.services.waves import BAD_MAP, CANNOT_COMPARE, TOO_FEW, parse_team_map
from consultant_world import world  # noqa: F401 - fixture


def test_parse_team_map():
    assert parse_team_map("A -> B\nC -> D, E\nF + G -> H\n\n") == {"A": "B", "C": ["D", "E"], ("F", "G"): "H"}
    for text, line in (("A => B", 1), ("A -> B\nA, B -> C, D", 2), ("-> B", 1)):
        with pytest.raises(Invalid) as info:
            parse_team_map(text)
        assert info.value.detail == BAD_MAP and f"line {line}" in info.value.errors[0]


def test_waves_api(world):
    oid = world.orgs["Alpha Logistics"]
    r = world.client("consultant").get(f"/api/v1/organizations/{oid}/waves")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["id"] for c in body["campaigns"]] == world.campaigns["Alpha Logistics"]
    comp = body["comparison"]
    assert comp["labels"] == ["Diagnostic 1", "Diagnostic 2", "Diagnostic 3"]
    org = [c for c in comp["changes"] if c["level"] == "organization" and c["measure"] == "score"]
    assert len(org) == 3 * 3  # two steps and first → last, three dimensions
    for c in org:
        assert c["available"] and c["ci_low"] <= c["difference"] <= c["ci_high"]
        assert c["change"] in ("improved", "declined", "no_reliable_change")
    assert {row["level"] for row in comp["trend"]} >= {"organization", "team"}
    # two chosen waves only
    two = world.client("consultant").get(f"/api/v1/organizations/{oid}/waves",
                                          params={"campaign": world.campaigns["Alpha Logistics"][:2]}).json()
    assert two["comparison"]["labels"] == ["Diagnostic 1", "Diagnostic 2"] and two["comparison"]["trend"] == []


def test_team_mapping(world):
    oid = world.orgs["Alpha Logistics"]
    c = world.client("consultant")
    body = c.get(f"/api/v1/organizations/{oid}/waves", params={"team_map": "Team A -> Team A, Team B"}).json()
    joined = [x for x in body["comparison"]["changes"] if x["level"] == "team" and x["match"] != "same"]
    assert joined and all(x["match"] == "restructured" and "Team A" in x["groups_before"] for x in joined)
    assert all(x["groups_after"] == ["Team A", "Team B"] for x in joined)
    r = c.get(f"/api/v1/organizations/{oid}/waves", params={"team_map": "Team A => Team B"})
    assert r.status_code == 422 and r.json()["detail"] == BAD_MAP
    r = c.get(f"/api/v1/organizations/{oid}/waves", params={"team_map": "Nowhere -> Team B"})
    assert r.status_code == 422 and r.json()["detail"] == CANNOT_COMPARE and "Nowhere" in r.json()["errors"][0]


def test_waves_page_with_trend_chart(world):
    oid = world.orgs["Alpha Logistics"]
    page = world.client("consultant").get(f"/orgs/{oid}/waves")
    assert page.status_code == 200
    text = page.text
    assert 'id="trend-figure"' in text and "/static/vendor/plotly.min.js" in text and "cdn" not in text.lower()
    assert "Diagnostic 1 → Diagnostic 3" in text and "no reliable change" in text
    page = world.client("viewer_a").get(f"/orgs/{oid}/waves?measure=structure&span=0&trend=team:Team%20A")
    assert page.status_code == 200 and "Diagnostic 1 → Diagnostic 2: structure index" in page.text


def test_one_wave_is_not_enough(world):
    oid = world.orgs["Beta Software"]
    c = world.client("consultant")
    assert "1 closed campaign so far" in c.get(f"/orgs/{oid}/waves").text
    r = c.get(f"/api/v1/organizations/{oid}/waves")
    assert r.status_code == 422 and r.json()["detail"] == TOO_FEW
    other = world.campaigns["Gamma Finance"][0]
    assert c.get(f"/api/v1/organizations/{world.orgs['Alpha Logistics']}/waves",
                 params={"campaign": other}).status_code == 404


def test_trend_figure():
    from analysis import diagnose
    from analysis.simulate import simulate_responses

    dxs = [diagnose(simulate_responses(respondents=40, teams=4, units=2, seed=s)) for s in (1, 2, 3)]
    comp = compare_waves(dxs)
    assert trend_groups(comp)[0] == ("organization", "")
    fig = trend_figure(comp, as_dict=True)
    assert [t["name"] for t in fig["data"]] == ["Direction", "Decision rights", "Feedback"]
    row = next(r for r in comp.trend if r["level"] == "organization" and r["dimension"] == "direction"
               and r["measure"] == "score")
    assert fig["data"][0]["y"] == [v["value"] for v in row["values"]]
    assert fig["data"][0]["x"] == ["W1", "W2", "W3"]
    with pytest.raises(ValueError, match="at least 3 waves"):
        trend_figure(compare_waves(dxs[:2]))
    with pytest.raises(ValueError, match="group"):
        trend_figure(comp, level="team", group="nobody")
    with pytest.raises(ValueError, match="measure"):
        trend_figure(comp, measure="icc1")
