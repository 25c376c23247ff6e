"""The consultant portfolio: every organization of the user with its latest released
figures, the organization switcher and a new client organization."""

from __future__ import annotations

import re
import uuid

from consultant_world import SCOPED_UNIT, world  # noqa: F401 - fixture
from web_helpers import login, new_client


def test_portfolio_lists_the_consultants_organizations_with_released_figures(world):
    rows = world.client("consultant").get("/api/v1/portfolio").json()
    assert [r["name"] for r in rows][:2] == ["Alpha Logistics", "Beta Software"]
    assert "Gamma Finance" not in [r["name"] for r in rows]
    alpha = rows[0]
    assert alpha["role"] == "consultant" and alpha["benchmark_opt_in"] is True
    assert alpha["closed_campaign"]["id"] == world.campaigns["Alpha Logistics"][-1]
    assert alpha["typology"] in {"aligned_autonomy", "ambiguity", "fragmentation", "drift", "central_control"}
    assert set(alpha["dimensions"]) == {"direction", "decision_rights", "feedback"}
    assert all(1 <= d["level"] <= 5 and 0 <= d["score"] <= 100 for d in alpha["dimensions"].values())
    assert 0 < alpha["response_rate"] <= 1 and alpha["n_respondents"] == 60


def test_portfolio_queries_do_not_grow_with_organizations_without_closed_campaigns(world):
    """Memberships with their units, latest and latest closed campaigns: one query each,
    however many organizations the user belongs to."""
    from sqlalchemy import event

    from app.core.db import session_scope
    from app.models import Role
    from app.services.organizations import create_organization
    from app.services.portfolio import portfolio
    from app.services.users import create_user

    engine = world.app.state.engine
    statements = []

    def count(*args):
        statements.append(args[2])

    with session_scope(engine, write=True) as s:
        user = create_user(s, email=f"prospector-{uuid.uuid4().hex[:8]}@example.org", password="x" * 16)
        s.commit()
        create_organization(s, user=user, name="Prospect 0", creator_role=Role.consultant)
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert len(portfolio(s, user=user)) == 1
            once = len(statements)
            for i in range(1, 6):
                create_organization(s, user=user, name=f"Prospect {i}", creator_role=Role.consultant)
            del statements[:]
            assert len(portfolio(s, user=user)) == 6
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == once


def test_portfolio_page(world):
    page = world.client("consultant").get("/portfolio")
    assert page.status_code == 200
    text = page.text
    assert "Alpha Logistics" in text and "Beta Software" in text and "Gamma Finance" not in text
    assert "Maturity (1–5)" in text and "Response rate" in text
    assert f'/campaigns/{world.campaigns["Alpha Logistics"][-1]}/benchmark' in text
    assert f'/orgs/{world.orgs["Alpha Logistics"]}/waves' in text
    assert 'action="/portfolio/switch"' in text


def test_an_hr_admin_sees_only_their_organization(world):
    rows = world.client("hr_a").get("/api/v1/portfolio").json()
    assert [(r["name"], r["role"]) for r in rows] == [("Alpha Logistics", "hr_admin")]


def test_a_unit_viewer_sees_no_organization_wide_figures_and_no_drafts(world):
    """A viewer of Alpha's unit "Division 1" used to see Alpha's typology, maturity and
    response rate and the name of a draft campaign; now the latest launched campaign
    and the reason why no figure is shown."""
    alpha, closed = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    r = world.post(
        "consultant",
        f"/api/v1/organizations/{alpha}/campaigns",
        json={"name": "Draft restructuring survey", "questionnaire_id": "aligned-autonomy-v1"},
    )
    assert r.status_code == 201
    full = next(x for x in world.client("consultant").get("/api/v1/portfolio").json() if x["organization_id"] == alpha)
    assert full["latest_campaign"]["name"] == "Draft restructuring survey" and full["typology"] and full["unit"] is None

    (row,) = world.client("unit_viewer_a").get("/api/v1/portfolio").json()
    assert row["organization_id"] == alpha and row["role"] == "viewer" and row["unit"] == SCOPED_UNIT
    assert (row["typology"], row["dimensions"], row["n_respondents"], row["response_rate"]) == (None, {}, None, None)
    assert row["hidden"] == "your access is limited to the results of one unit"
    assert row["latest_campaign"]["id"] == row["closed_campaign"]["id"] == closed
    for lang, hidden in (
        ("en", "your access is limited to the results of one unit"),
        ("de", "Ihr Zugriff ist auf die Ergebnisse eines Bereichs beschränkt"),
    ):
        page = world.client("unit_viewer_a").get(f"/portfolio?lang={lang}").text
        assert "Draft restructuring survey" not in page and hidden in page and SCOPED_UNIT in page
        assert 'class="maturity"' not in page and not re.search(r"\d %", page)
        assert f"/campaigns/{closed}/results?lang={lang}" in page and f"/campaigns/{closed}/benchmark" not in page
        assert full["typology"].replace("_", " ") not in page.lower()


def test_switcher(world):
    c = world.client("consultant")
    r = c.get(f"/portfolio/switch?organization_id={world.orgs['Beta Software']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/orgs/{world.orgs['Beta Software']}"
    assert c.get(f"/portfolio/switch?organization_id={world.orgs['Gamma Finance']}").status_code == 404
    assert c.get(f"/portfolio/switch?organization_id={uuid.uuid4()}").status_code == 404
    assert c.get("/portfolio/switch?organization_id=nope").status_code == 422


def test_create_a_client_organization(world):
    r = world.post(
        "consultant",
        "/portfolio/organizations",
        data={"name": "Delta Retail", "industry": "Retail", "size_band": "50-249"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/portfolio?lang=en"
    rows = world.client("consultant").get("/api/v1/portfolio").json()
    delta = next(r for r in rows if r["name"] == "Delta Retail")
    assert delta["role"] == "consultant" and delta["latest_campaign"] is None and delta["typology"] is None
    assert "Delta Retail" not in world.client("hr_a").get("/portfolio").text
    r = world.post("consultant", "/portfolio/organizations", data={"name": " ", "size_band": "huge"})
    assert r.status_code == 422
    r = world.client("consultant").post("/portfolio/organizations", data={"name": "No CSRF"})
    assert r.status_code == 403


def test_opt_in_from_the_portfolio(world):
    page = world.client("consultant").get("/portfolio").text
    assert f'action="/orgs/{world.orgs["Alpha Logistics"]}/benchmark"' in page
    assert (
        f'action="/orgs/{world.orgs["Alpha Logistics"]}/benchmark"'
        not in world.client("viewer_a").get("/portfolio").text
    )
    world.post(
        "consultant", "/portfolio/organizations", data={"name": "Epsilon", "industry": "Retail", "size_band": "5000+"}
    )
    eps = next(x for x in world.client("consultant").get("/api/v1/portfolio").json() if x["name"] == "Epsilon")
    r = world.post(
        "consultant",
        f"/orgs/{eps['organization_id']}/benchmark",
        data={"opt_in": "true", "back": "/portfolio"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/portfolio"
    eps = next(x for x in world.client("consultant").get("/api/v1/portfolio").json() if x["name"] == "Epsilon")
    assert eps["benchmark_opt_in"] is True
    r = world.post(
        "consultant",
        f"/orgs/{eps['organization_id']}/benchmark",
        data={"opt_in": "false", "back": "//evil.example"},
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/orgs/{eps['organization_id']}"


def test_portfolio_page_in_german(world):
    alpha, last = world.orgs["Alpha Logistics"], world.campaigns["Alpha Logistics"][-1]
    text = world.client("consultant").get("/portfolio?lang=de").text
    assert '<html lang="de">' in text
    for german in (
        "Zur Organisation",
        "Letzte Befragung",
        "Rücklaufquote",
        "Reife\u00adgrad (1–5)",
        "Ausrichtung",
        "Entscheidungsrechte",
        "Ihre Rolle: Beratung",
        "Neue Kundenorganisation",
        "Organisation anlegen",
        "Aus dem Benchmark zurückziehen",
        "abgeschlossen",
    ):
        assert german in text, german
    for english in (
        "Go to organization",
        "Latest campaign",
        "Response rate",
        "Maturity",
        "Direction",
        "New client organization",
        "Create organization",
        "Take part in the benchmark",
        "your role",
    ):
        assert english not in text, english
    # every link to a further page and every form back to the portfolio keeps the language
    for path in (f"/campaigns/{last}/results", f"/campaigns/{last}/benchmark", f"/orgs/{alpha}/waves"):
        assert f'href="{path}?lang=de"' in text
    assert 'name="back" value="/portfolio?lang=de"' in text and 'name="lang" value="de"' in text
    assert 'href="/portfolio?lang=en" hreflang="en">English</a>' in text and "<strong>Deutsch</strong>" in text


def test_portfolio_language_is_negotiated_and_remembered(world):
    c = new_client(world.app)
    login(c, "consultant@example.org")
    text = c.get("/portfolio").text
    assert '<html lang="en">' in text and "Latest campaign" in text and "Letzte Befragung" not in text
    assert 'href="/portfolio?lang=de" hreflang="de">Deutsch</a>' in text and "<strong>English</strong>" in text
    assert c.get("/portfolio?lang=fr").status_code == 422
    assert "Letzte Befragung" in c.get("/portfolio", headers={"Accept-Language": "de-CH,de;q=0.9,en;q=0.5"}).text
    assert "Letzte Befragung" in c.get("/portfolio?lang=de").text
    assert "Letzte Befragung" in c.get("/portfolio").text  # the explicit choice is remembered
    assert "Latest campaign" in c.get("/portfolio?lang=en").text and "Latest campaign" in c.get("/portfolio").text


def test_a_new_organization_returns_to_the_portfolio_in_its_language(world):
    r = world.post(
        "consultant", "/portfolio/organizations", data={"name": "Zeta", "lang": "de"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/portfolio?lang=de"
    text = world.client("consultant").get(r.headers["location"]).text
    card = re.search(r"<h2><a[^>]*>Zeta</a></h2>.*?</li>", text, re.S).group(0)
    assert "Branche nicht angegeben" in card and "Größe nicht angegeben" in card and "noch keine" in card
