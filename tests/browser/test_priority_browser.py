"""HR reads the version-2 campaign of the demo: the top-priority consensus and the
language check on the results page, in English and German, without script errors."""

from __future__ import annotations

import pytest

from test_results_browser import demo, hr  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_priority_consensus_on_the_results_page(hr, server, tmp_path):  # noqa: F811
    page, errors = hr
    base = server["base"]
    campaigns = page.request.get(f"{base}/api/v1/organizations").json()
    org = next(o for o in campaigns if o["name"].startswith("Nordlicht"))
    listed = page.request.get(f"{base}/api/v1/organizations/{org['id']}/campaigns").json()
    v2 = next(c for c in listed if c["questionnaire_id"] == "aligned-autonomy-v2" and c["status"] == "closed")
    assert len(v2["priorities"]) == 4
    page.goto(f"{base}/campaigns/{v2['id']}/results")
    section = page.get_by_test_id("priority")
    section.scroll_into_view_if_needed()
    assert "Top priority" in section.inner_text() and "Deliver on time in every hub" in section.inner_text()
    assert "Same pick (pairs)" in section.inner_text()
    assert "two groups of 200" in page.get_by_test_id("invariance").inner_text()
    section.screenshot(path=str(tmp_path / "priority.png"))
    page.goto(f"{base}/campaigns/{v2['id']}/results?lang=de")
    assert "Wichtigste Priorität" in page.get_by_test_id("priority").inner_text()
    body = page.request.get(f"{base}/api/v1/campaigns/{v2['id']}/results").json()
    shown = [t for t in body["priority"]["teams"] if t["n"] is not None]
    assert shown and all(t["n"] >= body["campaign"]["k"] for t in shown)
    assert not errors, errors
