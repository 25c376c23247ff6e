"""A consultant opens the portfolio of the demo workspace, a benchmark view and the
waves page with its trend chart, on a laptop and on a phone, in English and German,
without JavaScript errors."""

from __future__ import annotations

import pytest

from app.core.config import Settings
from app.demo import seed_demo

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


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


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_portfolio_benchmark_and_waves(browser, server, demo, device):
    context = browser.new_context(**device)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # failed loads are checked by their response (the browser's own favicon request is not ours)
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )
    base = server["base"]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", demo.email)
    page.fill("input[name=password]", demo.password)
    page.click("button[type=submit]")
    page.goto(f"{base}/portfolio")
    cards = page.locator("ul.portfolio > li")
    assert cards.count() >= 4
    assert page.locator("ul.portfolio").get_by_role("link", name="Nordlicht Logistics (demo)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"] + 1

    card = cards.filter(has_text="Nordlicht Logistics (demo)")
    card.get_by_role("link", name="Benchmark").click()
    page.wait_for_url("**/benchmark?lang=en")
    assert page.get_by_role("heading", name="All comparable organizations").is_visible()
    assert page.locator("table.bench").first.get_by_text("Perception score").count() == 3
    assert page.get_by_text("Brightwater").count() == 0 and page.get_by_text("Kestrel").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"] + 1

    page.goto(f"{base}/portfolio")
    page.locator("ul.portfolio > li").filter(has_text="Nordlicht Logistics (demo)").get_by_role(
        "link", name="Waves"
    ).click()
    page.wait_for_selector(".trend-figure .main-svg")
    assert page.locator(".trend-figure .scatterlayer .trace").count() == 3
    assert page.locator("table.waves tbody tr").count() > 3

    # in German, with the longer words, nothing is wider than the screen either
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_selector(".trend-figure .main-svg")
    assert page.get_by_role("heading", name="Wellen", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"] + 1
    page.locator(".crumbs").get_by_role("link", name="Portfolio").click()
    page.wait_for_url("**/portfolio?lang=de")
    assert page.get_by_role("button", name="Organisation anlegen").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"] + 1
    assert page.evaluate(
        "[...document.querySelectorAll('ul.portfolio > li')].every(card => card.scrollWidth <= card.clientWidth + 1)"
    )
    context.close()
    assert errors == []
