"""A consultant opens the demo client's decision register, edits it, launches a campaign
that asks register items, closes it after the teams answered, and sees the escalation
beyond the design — and the practice that overrides it (approvals and overrulings where
the design lets the team decide) — on the decision map, the team page and in a report."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from app.core.config import Settings
from app.demo import DEMO_ORG, seed_demo

pytestmark = pytest.mark.browser
TEAMS = ("Platform", "Data", "Integration")  # in Technology


@pytest.fixture(scope="module")
def consultant(browser, server):
    demo = seed_demo(
        settings=Settings(
            env="development",
            secret_key="browser-test-" + "s" * 40,
            database_url=server["db_url"],
            data_dir=server["data"],
        )
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before launch and close
    page.goto(f"{server['base']}/login")
    page.get_by_label("E-mail").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    yield page, errors
    context.close()


def _answer(page, base: str, token: str, decides: dict, practice: dict) -> None:
    """One employee answers through the survey's JSON interface."""
    r = page.request.post(f"{base}/api/v1/survey/session", data={"token": token})
    assert r.ok, r.text()
    items = r.json()["survey"]["items"]
    assert {"decides.priorities", "decides.methods"} <= {i["id"] for i in items if i["kind"] == "decision"}
    answers = {i["id"]: i["options"][0]["value"] for i in items if i["options"] and i["kind"] != "decision"}
    assert {"dr_s4", "dr_s5"} <= set(answers)  # instrument v2 asks about approvals and overrulings
    r = page.request.post(
        f"{base}/api/v1/survey/responses",
        data={"answers": {**answers, **practice, **decides}},
        headers={"X-CSRF-Token": r.json()["csrf_token"]},
    )
    assert r.status == 201, r.text()


def test_register_to_decision_map(consultant, server, tmp_path):
    page, errors = consultant
    base = server["base"]
    page.goto(f"{base}/orgs")
    page.get_by_role("link", name=DEMO_ORG).click()
    org_id = page.url.rsplit("/", 1)[1]

    # the register: the demo's version 1; Technology's teams now decide their priorities
    page.get_by_role("link", name="Edit the register").click()
    page.wait_for_url(re.compile(r"/register"))
    assert "Version 1" in page.inner_text("h1")
    page.get_by_label("the team's priorities within the strategy · Technology", exact=True).select_option("team")
    page.locator(
        "tr", has=page.get_by_label("the team's priorities within the strategy · Technology", exact=True)
    ).get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"saved=2"))
    assert "Saved as version 2" in page.content()
    assert (
        page.locator("tr", has_text="Platform").locator(".effective[data-decision='priorities']").inner_text()
        == "→ the team (from its unit)"
    )
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)

    # a campaign asking two register items
    page.goto(f"{base}/orgs/{org_id}")
    page.get_by_label("Name").first.fill("Who decides? 2027")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/campaigns/"))
    # a new campaign uses version 2, which needs the list of priorities before launch
    page.get_by_label("Priorities (English)").fill("Deliver on time\nWin back key accounts")
    page.get_by_label("Priorities (German)").fill("Pünktlich liefern\nSchlüsselkunden zurückgewinnen")
    page.get_by_role("button", name="Save priorities").click()
    page.wait_for_selector("[data-testid=priorities]")
    page.get_by_label("the team's priorities").check()
    page.get_by_label("the choice of tools and methods").check()
    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_selector("text=frozen at launch")
    assert "version 2, frozen at launch" in page.inner_text("#register-items")
    campaign_id = page.url.split("/campaigns/")[1].split("/")[0]

    # the teams answer: in Technology most believe the unit or the centre sets their priorities,
    # and all report that decisions left to the team still need outside approval (three or
    # more in the past month); most say the last one was overruled from above without a reason
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    teams = {
        t["team"]: t["campaign_team_id"]
        for t in page.request.get(f"{base}/api/v1/campaigns/{campaign_id}/invitations").json()
    }
    r = page.request.post(
        f"{base}/api/v1/campaigns/{campaign_id}/invitations",
        data={"counts": {teams[t]: 5 for t in TEAMS}},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status == 201, r.text()
    for n, link in enumerate(row["link"] for row in r.json()):
        _answer(
            page,
            base,
            link.rsplit("/", 1)[1],
            {"decides.priorities": 3 if n % 5 else 2, "decides.methods": 0},
            {"dr_s4": 4, "dr_s5": 3} if n % 5 else {"dr_s4": 3, "dr_s5": 4},
        )
    page.reload()
    page.get_by_role("button", name="Close campaign").click()
    page.wait_for_selector("[data-testid='results-link']")

    # the decision map shows the escalation
    page.get_by_test_id("results-link").click()
    page.get_by_role("link", name="Decision map").click()
    page.wait_for_selector("[data-testid='decision-map']")
    for team in TEAMS:
        cell = page.locator("tr", has=page.get_by_role("link", name=team, exact=True)).locator(
            "td[data-decision='priorities']"
        )
        assert cell.get_attribute("data-verdict") == "escalation_beyond_design"
        assert "escalation beyond the design" in cell.inner_text()
        practice = page.locator("tr", has=page.get_by_role("link", name=team, exact=True)).locator("td[data-practice]")
        assert practice.get_attribute("data-practice") == "practice_overrides_design"
        assert "100 % · practice overrides the design" in practice.inner_text()
    page.screenshot(path=str(tmp_path / "decision-map.png"), full_page=True)

    # the team page explains it, in German too
    page.get_by_test_id("decision-map").get_by_role("link", name=TEAMS[0], exact=True).click()
    page.wait_for_selector("[data-testid='practice']")
    assert page.get_by_test_id("practice").get_attribute("data-verdict") == "practice_overrides_design"
    assert "the design exists on paper, not in practice" in page.get_by_test_id("practice").inner_text()
    page.goto(page.url.replace("lang=en", "lang=de") if "lang=en" in page.url else page.url + "&lang=de")
    assert "Praxis übergeht das Vorgesehene" in page.get_by_test_id("practice").inner_text()
    page.goto(page.url.replace("lang=de", "lang=en"))

    # and in a report
    page.get_by_role("link", name="Overview").first.click()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_test_id("download-xlsx").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path, read_only=True)
    findings = [row for row in book["Register findings"].iter_rows(values_only=True)]
    assert {(row[0], row[4]) for row in findings} >= {(t, "escalation beyond the design") for t in TEAMS}
    practice = {row[0]: row for row in book["Practice"].iter_rows(values_only=True)}
    assert all(practice[t][-1] == "practice overrides the design" for t in TEAMS)
    assert {(row[0], row[2]) for row in findings} >= {(t, "decisions the register leaves to the team") for t in TEAMS}
    assert errors == []
