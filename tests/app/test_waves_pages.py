"""Wave comparison pages and API: change per dimension with intervals and the
reliable-change verdict, team mapping, the trend chart over three waves, in English
and German."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.services import Invalid
from app.services.waves import BAD_MAP, CANNOT_COMPARE, TOO_FEW, parse_team_map
from consultant_world import world  # noqa: F401 - fixture
from page_text import english_on


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
    two = (
        world.client("consultant")
        .get(f"/api/v1/organizations/{oid}/waves", params={"campaign": world.campaigns["Alpha Logistics"][:2]})
        .json()
    )
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
    assert r.status_code == 422 and r.json()["detail"] == CANNOT_COMPARE
    assert r.json()["errors"] == ["team_map: 'Nowhere' is not a group of any wave but the last"]
    # the page says the same in the reader's language, the line of a malformed mapping too
    page = html.unescape(c.get(f"/orgs/{oid}/waves", params={"team_map": "Nowhere -> Team B", "lang": "de"}).text)
    assert "die gewählten Befragungen lassen sich nicht vergleichen" in page
    assert "Teamzuordnung: 'Nowhere' ist in keiner Welle außer der letzten eine Gruppe" in page
    page = html.unescape(
        c.get(f"/orgs/{oid}/waves", params={"team_map": "A -> B\nTeam A => Team B", "lang": "de"}).text
    )
    assert "Zeile 2: schreiben Sie „altes Team -> neues Team“" in page and not english_on(page)


def test_waves_page_with_trend_chart(world):
    oid = world.orgs["Alpha Logistics"]
    page = world.client("consultant").get(f"/orgs/{oid}/waves")
    assert page.status_code == 200
    text = page.text
    assert 'id="trend-figure"' in text and "/static/vendor/plotly.min.js" in text and "cdn" not in text.lower()
    assert "Diagnostic 1 → Diagnostic 3" in text and "no reliable change" in text
    page = world.client("viewer_a").get(f"/orgs/{oid}/waves?measure=structure&span=0&trend=team:Team%20A")
    assert page.status_code == 200 and "Diagnostic 1 → Diagnostic 2: Structure index" in page.text


def test_waves_page_in_german(world):
    oid = world.orgs["Alpha Logistics"]
    page = world.client("consultant").get(f"/orgs/{oid}/waves?lang=de")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="de">' in text
    for german in (
        "<h1>Wellen</h1>",
        "Befragungen und Teamänderungen",
        "Teamzuordnung",
        "Vergleichen",
        "Verlauf über 3 Wellen",
        "Diagnostic 1 → Diagnostic 3: Wahrnehmungswert",
        "Veränderung (95\u2011%\u2011KI)",
        "keine verlässliche Veränderung",
        "Eine Veränderung gilt nur dann als <strong>verbessert</strong>",
        "<code>alt -&gt; neu</code>",
        "Ausrichtung",
        "Organisation",
    ):
        assert german in text, german
    for english in (
        "Campaigns and team changes",
        "Team mapping",
        "Trend over",
        "perception score",
        "Verdict",
        "no reliable change",
        "Decision rights",
        ">Compare<",
    ):
        assert english not in text, english
    figure = json.loads(re.search(r'<script type="application/json" id="trend-figure">(.*?)</script>', text, re.S)[1])
    assert figure["layout"]["title"]["text"].startswith("Verlauf über die Wellen")
    assert figure["layout"]["yaxis"]["title"]["text"] == "Wahrnehmungswert (0–100)"
    assert [t["name"] for t in figure["data"]] == ["Ausrichtung", "Entscheidungsrechte", "Rückkopplung"]
    # the form, the way back to the portfolio and the switch to English keep the language
    assert '<input type="hidden" name="lang" value="de">' in text and 'href="/portfolio?lang=de"' in text


def test_waves_page_team_notes_in_german(world):
    oid = world.orgs["Alpha Logistics"]
    text = (
        world.client("consultant")
        .get(f"/orgs/{oid}/waves", params={"lang": "de", "team_map": "Team A -> Team A, Team B", "span": 0})
        .text
    )
    assert "(neu zugeschnitten: Team A, Team B)" in text and "restructured" not in text


def test_language_links_keep_the_other_parameters(world):
    oid = world.orgs["Alpha Logistics"]
    ids = world.campaigns["Alpha Logistics"][:2]
    query = [("campaign", ids[0]), ("campaign", ids[1]), ("measure", "structure"), ("lang", "de")]
    text = world.client("consultant").get(f"/orgs/{oid}/waves", params=query).text
    english = html.unescape(re.search(r'<a href="([^"]+)" hreflang="en">English</a>', text)[1])
    assert english.startswith(f"/orgs/{oid}/waves?")
    assert parse_qsl(urlsplit(english).query) == [*query[:3], ("lang", "en")]
    assert "Diagnostic 1 → Diagnostic 2: Strukturindex" in text
    page = world.client("consultant").get(english).text
    assert '<html lang="en">' in page and "Diagnostic 1 → Diagnostic 2: Structure index" in page


def test_waves_page_is_english_by_default(world):
    text = world.client("consultant").get(f"/orgs/{world.orgs['Alpha Logistics']}/waves").text
    assert '<html lang="en">' in text and "Campaigns and team changes" in text and "Wellen" not in text
    assert '<input type="hidden" name="lang" value="en">' in text and 'href="/portfolio?lang=en"' in text


def test_one_wave_is_not_enough(world):
    oid = world.orgs["Beta Software"]
    c = world.client("consultant")
    assert "1 closed campaign so far" in c.get(f"/orgs/{oid}/waves").text
    assert "Bisher 1 abgeschlossene Befragung." in c.get(f"/orgs/{oid}/waves?lang=de").text
    r = c.get(f"/api/v1/organizations/{oid}/waves")
    assert r.status_code == 422 and r.json()["detail"] == TOO_FEW
    other = world.campaigns["Gamma Finance"][0]
    assert (
        c.get(f"/api/v1/organizations/{world.orgs['Alpha Logistics']}/waves", params={"campaign": other}).status_code
        == 404
    )
