"""The benchmark pages in English and German: the ``lang`` switch, translated texts,
links and forms that keep the language, and the pool page's export refusal."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.demo import simulated_benchmark
from app.main import create_app
from app.models import BenchmarkEntryRow, Membership, Organization, Role
from consultant_world import world  # noqa: F401 - fixture
from page_text import english_on, english_words
from web_helpers import add_user, login, make_settings, new_client


def test_pool_page_says_why_nothing_may_be_exported(database_url):
    app = create_app(make_settings(database_url))
    try:
        user_id = add_user(app, "solo@example.org")
        with session_scope(app.state.engine, write=True) as s:
            org = Organization(name="Solo", industry="Retail", size_band="1-49")
            s.add(org)
            s.flush()
            s.add(Membership(user_id=user_id, organization_id=org.id, role=Role.consultant))
            s.commit()
            assert s.exec(select(BenchmarkEntryRow)).all() == []
        c = new_client(app)
        login(c, "solo@example.org")
        page = c.get("/benchmark?lang=de").text
        assert "Ein Export braucht mindestens 5 freigegebene Einträge; der Pool enthält 0." in page
        assert 'href="/benchmark/export"' not in page
        assert "An export needs at least 5 released entries; the pool holds 0." in c.get("/benchmark?lang=en").text
        r = c.get("/api/v1/benchmark/export")
        assert r.status_code == 409 and "nothing may leave this installation" in r.json()["detail"]
    finally:
        app.state.engine.dispose()


def test_comparison_page_in_german(world):
    cid = world.campaigns["Beta Software"][-1]
    c = world.client("consultant")
    page = c.get(f"/campaigns/{cid}/benchmark?lang=de")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert '<html lang="de">' in text
    for german in (
        "Nicht gezeigt: weniger als 5 vergleichbare Organisationen",
        "Perzentilrang (Intervall)",
        "Alle vergleichbaren Organisationen",
        "Ausrichtung",
        "Wahrnehmungswert",
        "So lesen Sie die Tabelle",
        "Aus dem Benchmark zurückziehen",
        "freigegebene Einträge",
        "Abmelden",
        "Zum Inhalt springen",
    ):
        assert german in text, german
    for english in ("Not shown:", "How to read this", "Percentile rank (interval)", "released entries"):
        assert english not in text, english
    english = c.get(f"/campaigns/{cid}/benchmark?lang=en").text
    assert "How to read this" in english and "So lesen Sie" not in english


def test_comparison_page_links_keep_the_language(world):
    cid = world.campaigns["Alpha Logistics"][-1]
    oid = world.orgs["Alpha Logistics"]
    page = world.client("consultant").get(f"/campaigns/{cid}/benchmark?lang=de").text
    for href in ("/portfolio?lang=de", f"/orgs/{oid}?lang=de", f"/campaigns/{cid}/results?lang=de"):
        assert f'href="{href}"' in page
    assert f'href="/campaigns/{cid}/benchmark?lang=en" hreflang="en"' in page
    assert f'name="back" value="/campaigns/{cid}/benchmark?lang=de"' in page
    assert re.search(r'<td class="num">\d+,\d</td>', page)  # decimal comma
    assert re.search(
        r'<td class="num">\d+\.\d</td>', world.client("consultant").get(f"/campaigns/{cid}/benchmark").text
    )
    r = world.post(
        "consultant",
        f"/orgs/{oid}/benchmark",
        data={"opt_in": "true", "back": f"/campaigns/{cid}/benchmark?lang=de"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/campaigns/{cid}/benchmark?lang=de"


def test_pool_page_in_german(world):
    c = world.client("consultant")
    page = html.unescape(c.get("/benchmark?lang=de").text)
    for german in (
        "Benchmark-Pool",
        "Was der Pool enthält",
        "Freigegebene Einträge",
        "Benchmark-Datei herunterladen",
        "mit mindestens 4 anderen Zeilen",
        "Benchmark-Datei (JSON, höchstens 1.000.000 Bytes)",
        "Importieren",
        "diese Installation",
    ):
        assert german in page, german
    assert "Released entries" not in page and "this installation" not in page
    assert '<input type="hidden" name="lang" value="de">' in page
    assert "Benchmark file (JSON, at most 1,000,000 bytes)" in c.get("/benchmark?lang=en").text


def test_import_keeps_the_language(world):
    data = simulated_benchmark((("retail", "50-249"),) * 5)
    r = world.post(
        "consultant",
        "/benchmark/import",
        data={"source": "Normen", "lang": "de"},
        files={"file": ("normen.json", data, "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/benchmark?imported=5&lang=de"
    page = world.client("consultant").get(r.headers["location"]).text
    assert "5 neue Einträge importiert." in page
    assert 'href="/benchmark?imported=5&amp;lang=en" hreflang="en"' in page


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"opt_in": True}},
        {"json": {"opt_in": False}},
        {"content": b""},
        {"data": {"back": "/portfolio"}},
        {"data": {"opt_in": "maybe"}},
    ],
    ids=["json-true", "json-false", "empty", "no-choice", "unreadable"],
)
def test_the_opt_in_form_without_a_readable_choice_changes_nothing(world, body):
    """A JSON or empty body, or a form without a readable choice, used to withdraw the
    organization from the pool (a missing field meant "no")."""
    alpha = world.orgs["Alpha Logistics"]

    def state():
        row = next(
            r for r in world.client("consultant").get("/api/v1/portfolio").json() if r["organization_id"] == alpha
        )
        return row["benchmark_opt_in"], world.client("consultant").get("/api/v1/benchmark").json()

    before = state()
    assert before[0] is True
    r = world.post("consultant", f"/orgs/{alpha}/benchmark", follow_redirects=False, **body)
    assert r.status_code == 422 and "invalid input" in r.text and "opt_in" in r.text
    assert state() == before


def test_the_withdraw_buttons_send_the_choice(world):
    alpha, cid = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    for url in ("/portfolio", f"/campaigns/{cid}/benchmark"):
        form = re.search(
            rf'<form method="post" action="/orgs/{alpha}/benchmark".*?</form>',
            world.client("consultant").get(url).text,
            re.S,
        ).group(0)
        assert '<input type="hidden" name="opt_in" value="false">' in form


LEFTOVERS = (
    re.compile(r"\{[a-z_0-9]+\}"),
    re.compile(r"<built-in|object at 0x"),
    re.compile(r"not shown: not shown|nicht gezeigt: nicht gezeigt", re.I),
)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_code_or_doubled_words_on_screen(world, lang):
    """Placeholders left unfilled, Python object reprs and doubled prefixes never reach a page."""
    oid = world.orgs["Alpha Logistics"]
    cid = world.campaigns["Alpha Logistics"][-1]
    c = world.client("consultant")
    for url in (f"/orgs/{oid}", f"/campaigns/{cid}/results", f"/campaigns/{cid}/benchmark", "/benchmark"):
        text = html.unescape(c.get(f"{url}?lang={lang}").text)
        body = text[text.index("<body") :]
        visible = re.sub(r"<script.*?</script>", "", body, flags=re.S)
        for pattern in LEFTOVERS:
            assert not pattern.search(visible), (url, pattern.pattern, pattern.search(visible))
    overview = html.unescape(c.get(f"/campaigns/{cid}/results?lang={lang}").text)
    assert re.search(r"R² = 0[.,]\d\d", overview)
    if lang == "de":
        assert not re.search(r'class="num">\d+\.\d', overview)  # decimal comma in German tables


def test_every_comparison_says_how_many_organizations_are_simulated(world):
    """The world's pool holds local organizations and at least eleven simulated ones (other
    tests of the module may add entries); the page and the JSON name the simulated share of
    every comparison, and the export marks each simulated entry."""
    cid = world.campaigns["Alpha Logistics"][-1]
    c = world.client("consultant")
    cells = [
        cell
        for s in c.get(f"/api/v1/campaigns/{cid}/benchmark").json()["benchmark"]["scopes"].values()
        for ms in s["dimensions"].values()
        for cell in ms.values()
        if cell["released"]
    ]
    assert cells and all(0 < cell["n_simulated"] <= cell["n_organizations"] for cell in cells)
    top = max(cells, key=lambda cell: cell["n_organizations"])
    n, sim = top["n_organizations"], top["n_simulated"]
    assert sim >= 11
    page = html.unescape(c.get(f"/campaigns/{cid}/benchmark?lang=en").text)
    assert f"Compared with up to {n} organizations: {n - sim} real, {sim} simulated" in page
    assert f"compared with {n} organizations: {n - sim} real, {sim} simulated" in page
    german = html.unescape(c.get(f"/campaigns/{cid}/benchmark?lang=de").text)
    assert f"Verglichen mit bis zu {n} Organisationen: {n - sim} echte, {sim} simulierte" in german
    assert f"verglichen mit {n} Organisationen: {n - sim} echte, {sim} simulierte" in german
    # every released comparison names its real and simulated organizations, in both languages
    for text, word in ((page, "simulated"), (german, "simulierte")):
        rows = re.findall(r'<tr class="">.*?</tr>', text, re.S)
        assert rows and all(word in row for row in rows)
        # a percentile rank is labelled as a rank, never as a count of organizations
        assert re.search(r"<strong>PR \d+</strong>", text) and not re.search(r"\b\d+ of \d+ organizations", text)
    export = c.get("/api/v1/benchmark/export")
    assert export.status_code == 200, export.text
    marks = [e["simulated"] for e in export.json()["entries"]]
    assert marks.count(True) >= 11 and marks.count(False) >= 3


def test_the_consultant_pages_show_no_english_in_german(world):
    """The benchmark, pool, portfolio and waves pages in German: no English text of the
    catalogue, numbers with a decimal comma."""
    c = world.client("consultant")
    oid, cid = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    for url in (f"/campaigns/{cid}/benchmark", "/benchmark", "/portfolio", f"/orgs/{oid}/waves"):
        page = c.get(f"{url}?lang=de").text
        assert '<html lang="de">' in page and not english_on(page), (url, english_on(page))
        assert not english_words(page), (url, english_words(page))
        assert english_on(c.get(f"{url}?lang=en").text), url  # the check reads this page
    waves = c.get(f"/orgs/{oid}/waves?lang=de").text  # three closed campaigns
    assert "Verlauf über 3 Wellen" in waves and 'id="trend-figure"' in waves
    assert re.search(r'<td class="num">\d+,\d</td>', waves) and not re.search(r'<td class="num">[−+]?\d+\.\d', waves)
    figure = json.loads(
        re.search(r'<script type="application/json" id="trend-figure">(.*?)</script>', waves, re.S).group(1)
    )
    assert figure["layout"]["title"]["text"].startswith("Verlauf über die Wellen")
    assert any("," in h for t in figure["data"] for h in t["hovertext"])
