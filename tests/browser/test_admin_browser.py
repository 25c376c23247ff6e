"""An HR person on the admin pages in German: the pages speak German after choosing it
once, launching asks first (declining changes nothing), and a refused form keeps the input."""

from __future__ import annotations

import pytest

from app.core.config import Settings
from app.demo import seed_demo

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


def test_launch_asks_first_and_pages_stay_german(browser, server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = server["base"]
    page.goto(f"{base}/login?lang=de")
    assert page.get_by_role("heading", name="Anmelden").is_visible()
    page.fill("input[name=email]", demo.email)
    page.fill("input[name=password]", demo.password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/orgs")
    assert page.get_by_role("heading", name="Organisationen").is_visible()  # the choice is remembered

    page.get_by_role("link", name="Nordlicht Logistics (demo)").first.click()
    page.get_by_label("Name", exact=True).first.fill("Herbst 2027")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_selector("text=Vor dem Start")
    # a new campaign uses version 2, which needs the list of priorities before launch
    page.get_by_label("Prioritäten (Englisch)").fill("Grow in the north\nCut costs")
    page.get_by_label("Prioritäten (Deutsch)").fill("Wachstum im Norden\nKosten senken")
    page.get_by_role("button", name="Prioritäten speichern").click()
    page.wait_for_selector("[data-testid=priorities]")
    draft_url = page.url

    dialogs = []

    def decline(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.get_by_role("button", name="Befragung starten").click()
    page.wait_for_timeout(300)
    assert dialogs and dialogs[0].startswith("Herbst 2027 starten?")
    assert page.url == draft_url and page.get_by_text("Vor dem Start").is_visible()  # nothing happened

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Befragung starten").click()
    page.wait_for_selector("text=Persönliche Links")
    assert page.get_by_role("button", name="Befragung beenden").is_visible()

    page.goto(f"{base}/orgs")
    page.get_by_label("Name", exact=True).fill("Neue Kundin")
    page.select_option("#size_band", "50-249")
    page.get_by_label("Mindestgruppengröße k").fill("3")
    page.get_by_role("button", name="Organisation anlegen").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Name", exact=True).input_value() == "Neue Kundin"
    assert page.locator("#size_band").input_value() == "50-249"
    assert not errors, errors
    context.close()
