"""CSRF on by default: routers built with ``CsrfRoute`` check the session's token on
every unsafe method, an exemption names its reason, and the application refuses to
start while a write route has neither."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

import app.routers.docs as docs_router
from app.deps import CsrfRoute, csrf_exempt, unprotected_write_routes
from app.main import create_app
from web_helpers import login, make_admin, make_settings, new_client

EXEMPT = {
    "POST /login",
    "POST /api/v1/login",
    "POST /survey",
    "POST /api/v1/survey/session",
    "POST /api/v1/survey/responses",
}


def _router(route_class=CsrfRoute) -> APIRouter:
    router = APIRouter(route_class=route_class)

    @router.get("/thing")
    def read_thing():
        return {}

    @router.post("/thing")
    def write_thing():
        return {}

    @router.delete("/thing")
    @csrf_exempt("a test of the opt-out")
    def drop_thing():
        return {}

    return router


def test_csrf_route_protects_every_unsafe_method_unless_exempt():
    app = FastAPI()
    app.include_router(_router())
    assert unprotected_write_routes(app) == []
    plain = FastAPI()
    plain.include_router(_router(route_class=APIRoute))
    assert unprotected_write_routes(plain) == ["POST /thing"]


def test_an_exemption_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        csrf_exempt(" ")


def test_the_app_refuses_to_start_with_an_unprotected_write_route(monkeypatch, database_url):
    router = APIRouter()

    @router.post("/new-feature")
    def new_feature():
        return {}

    monkeypatch.setattr(docs_router, "router", router)
    with pytest.raises(RuntimeError, match="POST /new-feature"):
        create_app(make_settings(database_url))


def test_only_the_login_and_survey_routes_are_exempt(app):
    exempt = {
        f"{'/'.join(sorted(r.methods))} {r.path}"
        for r in iter_route_contexts(app.routes)
        if hasattr(r.endpoint, "csrf_exempt")
    }
    assert exempt == EXEMPT


def test_write_routes_refuse_a_missing_or_wrong_token(app):
    admin = make_admin(app)
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        r = admin.client.put(
            f"/api/v1/organizations/{admin.org_id}/live-results", json={"live_results": True}, headers=headers
        )
        assert r.status_code == 403 and r.json()["detail"] == "CSRF token missing or wrong"
        r = admin.client.post("/api/v1/logout", headers=headers)
        assert r.status_code == 403
    r = admin.client.put(
        f"/api/v1/organizations/{admin.org_id}/live-results",
        json={"live_results": True},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert r.status_code == 200, r.text
    other = new_client(app)
    assert login(other, admin.email)
