"""Every endpoint answers malformed, oversized and hostile input with a 4xx and a clear
message — never a server error — and changes nothing."""

from __future__ import annotations

import importlib

import pytest

BODYLESS = ("/launch", "/close", "/delete", "/logout")  # actions that read no body
MODULES = ("campaigns", "invitations", "login", "organizations", "survey", "teams")
BAD_BODIES = [
    (b"{not json", "application/json"),
    (b'{"name": ' + b'"x"' * 10 + b"}", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'{"name": "\\ud800", "k": "5", "counts": {"x": -1}, "team_ids": [1]}', "application/json"),
    (b"\xff\xfe\x00\x01", "application/octet-stream"),
    (b"name=%00&k=abc&csrf_token=", "application/x-www-form-urlencoded"),
    (b"x" * 1_200_000, "text/csv"),
]


def _routes():
    for name in MODULES:
        for route in importlib.import_module(f"app.routers.{name}").router.routes:
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def _fill(path: str, ids: dict) -> str:
    return path.format(**ids)


@pytest.fixture
def world(admin):
    cid = admin.campaign()
    tid = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()[0]["id"]
    return {"organization_id": admin.org_id, "campaign_id": cid, "team_id": tid, "token": "no-such-token"}


def test_every_endpoint_refuses_hostile_bodies_without_a_server_error(admin, world):
    before = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()
    for method, path in _routes():
        if method in ("GET", "DELETE") or path.endswith(BODYLESS):
            continue
        for body, kind in BAD_BODIES:
            r = admin.client.request(method, _fill(path, world), content=body, follow_redirects=False,
                                     headers={**admin.h, "content-type": kind})
            assert 400 <= r.status_code < 500, (method, path, body[:40], r.status_code, r.text[:200])
    assert admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json() == before
    assert admin.client.get(f"/api/v1/campaigns/{world['campaign_id']}").json()["status"] == "open"


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "0871f4b9-7f13-4480-8aef-862d3f20e13d", "1 OR 1=1", "'; DROP TABLE team; --"])
def test_every_endpoint_refuses_bad_ids(admin, world, bad_id):
    for method, path in _routes():
        if "{" not in path or "{token}" in path:
            continue
        ids = {key: bad_id for key in world}
        r = admin.client.request(method, _fill(path, ids), headers=admin.h, json={})
        assert r.status_code in (404, 422), (method, path, r.status_code)


def test_unknown_query_and_huge_headers_are_harmless(admin, world):
    r = admin.client.get(f"/campaigns/{world['campaign_id']}/preview?lang=xx&lang=de&<script>=1")
    assert r.status_code == 200 and "<script>=1" not in r.text
    r = admin.client.get("/survey", headers={"accept-language": "de;q=abc," * 2000})
    assert r.status_code == 401
