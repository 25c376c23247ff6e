"""An employee answers the whole survey on a phone; HR sees the response count rise."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from analysis import load_questionnaire
from app.core.db import make_engine, session_scope
from app.models import CampaignTeam, Role
from app.services.campaigns import create_campaign, launch_campaign
from app.services.invitations import create_personal_links
from app.services.organizations import create_organization
from app.services.teams import import_teams
from app.services.users import create_user

pytestmark = pytest.mark.browser

HR_EMAIL, HR_PASSWORD = "hr@browser.example", "a long enough password"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
Q = load_questionnaire("aligned-autonomy-v1")


@pytest.fixture(scope="module")
def campaign(server):
    """An organization with a launched campaign and five links for team Assembly."""
    engine = make_engine(server["db_url"])
    with session_scope(engine, write=True) as session:
        user = create_user(session, email=HR_EMAIL, password=HR_PASSWORD)
        session.commit()
        org = create_organization(session, user=user, name="Browser Test AG", creator_role=Role.hr_admin)
        import_teams(
            session, organization=org, data=b"unit path,team,headcount\nPlant,Assembly,5\nPlant,Paint Shop,6\n"
        )
        c = create_campaign(session, organization=org, name="Spring", questionnaire_id=Q.id)
        launch_campaign(session, campaign=c, organization=org)
        team = session.exec(
            select(CampaignTeam).where(CampaignTeam.campaign_id == c.id, CampaignTeam.name == "Assembly")
        ).one()
        links = create_personal_links(
            session, campaign=c, counts={team.id: 5}, base_url=server["base"], created_by=HR_EMAIL
        )
        other = session.exec(
            select(CampaignTeam).where(CampaignTeam.campaign_id == c.id, CampaignTeam.name == "Paint Shop")
        ).one()
        create_personal_links(session, campaign=c, counts={other.id: 6}, base_url=server["base"], created_by=HR_EMAIL)
        result = {"id": str(c.id), "links": [row["link"] for row in links]}
    engine.dispose()
    return result


def _hr_page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server['base']}/login")
    page.get_by_label("E-mail").fill(HR_EMAIL)
    page.get_by_label("Password").fill(HR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    return context, page


def _total(page) -> int:
    return int(page.get_by_test_id("total-responses").inner_text())


def test_employee_answers_every_item_on_a_phone_and_hr_sees_the_count_rise(browser, server, campaign, tmp_path):
    hr_context, hr = _hr_page(browser, server)
    hr.goto(f"{server['base']}/campaigns/{campaign['id']}")
    before = _total(hr)

    link = campaign["links"][0]
    token = link.rsplit("/", 1)[1]
    phone = browser.new_context(**PHONE, locale="en-US")
    page = phone.new_page()
    page.goto(link)
    assert page.url == f"{server['base']}/survey"
    assert token not in page.content()
    for item in Q.items:
        if item.kind == "comment":
            page.get_by_label(item.text["en"]).fill("Decisions wait for the weekly meeting.")
            continue
        group = page.locator(f"#q-{item.id}")
        group.get_by_label(item.options[0].label["en"], exact=True).check()
    assert page.locator("#progress .progress-text").inner_text() == f"{len(Q.items)} of {len(Q.items)} answered"
    page.screenshot(path=str(tmp_path / "survey-phone.png"), full_page=False)
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/survey/thanks"))
    assert page.get_by_role("heading", name="Thank you!").is_visible()

    page.goto(link)
    assert page.get_by_role("heading", name="Already answered").is_visible()

    hr.reload()
    assert _total(hr) == before + 1
    phone.close()
    hr_context.close()


def test_survey_is_usable_by_keyboard_and_in_german(browser, server, campaign):
    context = browser.new_context(**PHONE, locale="de-DE")
    page = context.new_page()
    page.goto(campaign["links"][1])
    assert page.get_by_role("heading", name="Ihre Privatsphäre").is_visible()
    first = page.locator("#q-dir_p1 input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.keyboard.press("ArrowDown")
    assert page.locator("#q-dir_p1 input[type=radio]").nth(1).is_checked()
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Your privacy").is_visible()
    assert page.locator("#q-dir_p1 input[type=radio]").nth(1).is_checked()  # restored from this device
    context.close()


def test_survey_works_without_javascript(browser, server, campaign):
    context = browser.new_context(**PHONE, java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(campaign["links"][2])
    page.locator("#q-role").get_by_label("Team member", exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    context.close()
