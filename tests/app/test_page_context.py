"""The common part of every page (user, CSRF token, consultant links, language and the
links to the page in each language) comes from one page context: the ``Page``
dependency of signed-in pages, and :func:`app.templating.render` for the others."""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts

from app.deps import page_context, page_language
from app.i18n import LANGUAGE_COOKIE
from consultant_world import world  # noqa: F401 - fixture


def _direct_calls(dependant) -> set:
    return {d.call for d in dependant.dependencies}


def test_pages_take_their_language_from_the_page_context(world):  # noqa: F811 - fixture
    """No handler negotiates the language beside the page context (one place decides
    it), and the pages that choose a language do so through ``Page``."""
    routes = [c for c in iter_route_contexts(world.app.routes) if isinstance(c.original_route, APIRoute)]
    beside = [c.path for c in routes if page_language in _direct_calls(c.dependant)]
    assert beside == []
    with_page = {c.path for c in routes if page_context in _direct_calls(c.dependant)}
    assert {
        "/campaigns/{campaign_id}/results",
        "/campaigns/{campaign_id}/results/heatmaps",
        "/campaigns/{campaign_id}/results/questions",
        "/orgs/{organization_id}/waves",
        "/benchmark",
        "/portfolio",
        "/orgs/{organization_id}/register",
        "/campaigns/{campaign_id}/teams/{team_id}/facts",
        "/orgs",
        "/orgs/{organization_id}",
        "/orgs/{organization_id}/teams",
        "/campaigns/{campaign_id}",
        "/campaigns/{campaign_id}/mail",
        "/campaigns/{campaign_id}/link-log",
        "/account",
    } <= with_page
    assert not any(p.startswith("/api/") for p in with_page)  # JSON answers have no page frame


def test_the_frame_is_the_same_on_every_kind_of_page(world):  # noqa: F811 - fixture
    oid = world.orgs["Alpha Logistics"]
    cid = world.campaigns["Alpha Logistics"][-1]
    c = world.client("consultant")
    token = world.csrf["consultant"]
    pages = (f"/orgs/{oid}/waves", f"/campaigns/{cid}/results", f"/orgs/{oid}", f"/campaigns/{cid}", "/account")
    for path in pages:
        text = c.get(path, params={"lang": "de"}).text
        assert '<html lang="de">' in text and "Abmelden" in text, path
        assert 'href="/benchmark?lang=de"' in text, path  # a consultant's link
        assert f'value="{token}"' in text, path  # the logout form's CSRF token
        assert f'href="{path}?lang=en" hreflang="en"' in text, path
    # an error page of a signed-in reader keeps the frame
    text = c.get("/orgs/00000000-0000-0000-0000-000000000000", params={"lang": "de"}).text
    assert "Abmelden" in text and 'href="/benchmark?lang=de"' in text
    # an HR admin sees no consultant link
    text = world.client("hr_a").get(f"/orgs/{oid}/waves").text
    assert "Log out" in text and 'href="/benchmark' not in text


def test_an_explicit_language_is_remembered_and_a_wrong_one_refused(world):  # noqa: F811 - fixture
    oid = world.orgs["Alpha Logistics"]
    c = world.client("consultant")
    r = c.get(f"/orgs/{oid}/register", params={"lang": "de"})
    assert r.status_code == 200 and r.cookies.get(LANGUAGE_COOKIE) == "de"
    assert '<html lang="de">' in c.get(f"/orgs/{oid}/waves").text  # the next page keeps it
    assert c.get(f"/orgs/{oid}/waves", params={"lang": "fr"}).status_code == 422
