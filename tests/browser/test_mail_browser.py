"""In the demo, HR uploads a participant list, sends the invitations, watches their
progress, sends a reminder that reaches only those who have not answered, and downloads
the posters — against a real SMTP server on loopback."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from analysis import load_questionnaire
from app.core.config import Settings
from app.demo import DEMO_ORG, seed_demo
from conftest import log_in, running_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))
from smtp_server import smtp_server  # noqa: E402

pytestmark = pytest.mark.browser
LINK = re.compile(r"http://127\.0\.0\.1:\d+/s/\S+")


@pytest.fixture(scope="module")
def world(browser, tmp_path_factory):
    """The demo served with a mail server; a logged-in HR page on its open campaign."""
    with smtp_server() as (recorder, port):
        env = {
            "AAD_SMTP_HOST": "127.0.0.1",
            "AAD_SMTP_PORT": str(port),
            "AAD_SMTP_STARTTLS": "0",
            "AAD_MAIL_FROM": "Nordlicht survey <survey@demo.example>",
            "AAD_MAIL_RATE_PER_MINUTE": "240",
        }
        with running_server(tmp_path_factory.mktemp("mail-server"), **env) as server:
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
            log_in(page, server["base"], demo.email, demo.password)
            yield {"page": page, "base": server["base"], "recorder": recorder, "errors": errors, "browser": browser}
            context.close()


def _open_campaign(page, base: str) -> str:
    org = next(o for o in page.request.get(f"{base}/api/v1/organizations").json() if o["name"] == DEMO_ORG)
    campaigns = page.request.get(f"{base}/api/v1/organizations/{org['id']}/campaigns").json()
    return next(c["id"] for c in campaigns if c["status"] == "open")


def _answer(browser, link: str, questionnaire) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(link)
    for item in questionnaire.items:
        if item.kind != "comment":
            page.locator(f"#q-{item.id}").get_by_label(item.options[0].label["en"], exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/survey/thanks"))
    context.close()


def test_hr_invites_reminds_and_prints_posters(world, tmp_path):
    page, base, recorder = world["page"], world["base"], world["recorder"]
    cid = _open_campaign(page, base)
    seats = [
        r
        for r in page.request.get(f"{base}/api/v1/campaigns/{cid}/invitations").json()
        for _ in range(r["headcount"] - r["personal_links"])
    ]  # teams with room under their headcount
    addresses = [f"employee{i}@demo.example" for i in range(6)]
    rows = [f"{a},{seats[i]['unit_path']},{seats[i]['team']},{'de' if i == 0 else ''}" for i, a in enumerate(addresses)]
    csv = ("email,unit path,team,language\n" + "\n".join(rows) + "\n").encode()

    page.goto(f"{base}/campaigns/{cid}")
    page.get_by_test_id("mail-link").click()
    page.wait_for_url(re.compile(r"/mail$"))
    page.get_by_label("Participant list (CSV)").set_input_files(
        {"name": "list.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.get_by_role("button", name="Check and add").click()
    page.get_by_role("button", name="Send invitations to 6 new addresses").click()
    progress = page.locator("#mail-progress [data-field='text']").first
    progress.wait_for()
    page.screenshot(path=str(tmp_path / "sending.png"), full_page=True)
    expect(progress).to_have_text("6 sent, 0 failed, 0 waiting of 6", timeout=20_000)  # updated in place
    assert sorted(recorder.to()) == addresses
    assert page.locator("#mail-progress [data-count='sent']").inner_text() == "6"

    links = {m["To"]: LINK.search(m.get_content()).group() for m in recorder.messages}
    assert next(m for m in recorder.messages if m["To"] == addresses[0])["Subject"].startswith("Ihre Stimme")
    questionnaire = load_questionnaire(page.request.get(f"{base}/api/v1/campaigns/{cid}").json()["questionnaire_id"])
    for address in addresses[:2] + addresses[3:4]:
        _answer(world["browser"], links[address], questionnaire)

    recorder.messages.clear()
    page.get_by_role("button", name="Remind everyone who has not answered, now").click()
    expect(progress).to_have_text("3 sent, 0 failed, 0 waiting of 3", timeout=20_000)
    assert sorted(recorder.to()) == [addresses[2], addresses[4], addresses[5]]
    page.screenshot(path=str(tmp_path / "reminded.png"), full_page=True)
    log = page.locator("table.send-log tbody tr")
    assert log.count() == 6

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download posters for all teams (PDF)").click()
    assert dialogs == ["New open links replace the teams' earlier open links. Continue?"]
    pdf = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    teams = page.request.get(f"{base}/api/v1/campaigns/{cid}/invitations").json()
    assert len(reader.pages) == len(teams)
    assert "Ihre Stimme zählt" in reader.pages[0].extract_text()
    (tmp_path / "posters.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(tmp_path / "posters.pdf"), str(tmp_path / "poster")],
        check=True,
    )
    assert world["errors"] == []
