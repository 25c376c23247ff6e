"""A consultant fills in the fact sheet of a demo team — the form says it is not
anonymous — and finds it on the decision map beside the members' answers."""

from __future__ import annotations

import re

import pytest

from app.core.config import Settings
from app.demo import DEMO_ORG, seed_demo
from app.demo_register import CAMPAIGN

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(server):
    settings = Settings(
        env="development",
        secret_key="browser-test-" + "s" * 40,
        database_url=server["db_url"],
        data_dir=str(server["data"]),
        migrate_on_start=False,
    )
    return seed_demo(settings=settings)


def test_fill_the_fact_sheet_and_see_it_on_the_decision_map(browser, server, demo, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = server["base"]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", demo.email)
    page.fill("input[name=password]", demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/orgs")
    page.get_by_role("link", name=DEMO_ORG).first.click()
    page.get_by_role("link", name=CAMPAIGN).first.click()
    page.wait_for_url(re.compile(r"/campaigns/[0-9a-f-]+$"))
    campaign_id = page.url.rsplit("/", 1)[1]

    page.locator("#fact-sheets").get_by_role("link", name="Technology / Data", exact=True).click()
    page.wait_for_url(re.compile(r"/facts"))
    assert "This form is not anonymous." in page.get_by_test_id("not-anonymous").inner_text()
    page.locator("input[name=goals_written][value=yes]").check()
    page.get_by_label("Where are the goals written down? (optional)").fill("Team wiki, page Goals 2026")
    page.locator("input[name=decision_record][value=no]").check()
    page.get_by_label("How often are the team's decisions reviewed?").select_option("monthly")
    page.get_by_label(re.compile("When did a lesson last change the framework")).fill("2026-10-01")
    page.get_by_role("button", name="Save the fact sheet").click()
    page.wait_for_selector("text=The fact sheet was saved.")
    assert demo.email in page.get_by_test_id("filled-by").inner_text()
    page.screenshot(path=str(tmp_path / "fact-sheet.png"), full_page=True)

    page.goto(f"{base}/campaigns/{campaign_id}/results/decisions")
    row = page.locator("[data-testid='fact-sheets'] tr[data-team='Data']")
    assert demo.email in row.inner_text()
    # most of Data's members say there are written goals, a decision record (the sheet
    # says none: differs) and reviews at least quarterly
    assert [c.get_attribute("data-state") for c in row.locator("td[data-state]").all()] == [
        "agree",
        "disagree",
        "agree",
    ]
    assert "no_sheet" in page.locator("[data-testid='fact-sheets']").inner_html()  # the other teams
    page.locator("#fact-sheets").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "decision-map-facts.png"), full_page=True)

    page.get_by_test_id("decision-map").get_by_role("link", name="Data", exact=True).click()
    section = page.get_by_test_id("fact-sheet")
    assert "Team wiki, page Goals 2026" in section.inner_text() and demo.email in section.inner_text()
    assert errors == []
    context.close()
