"""Sessions, CSRF, rate limits, security headers and tenant scoping."""

from __future__ import annotations

import importlib
import re

import pytest

from fastapi.testclient import TestClient

from app.core.ratelimit import RateLimiter
from app.main import create_app
from live_server import live_server, together
from web_helpers import PASSWORD, add_user, login, make_admin, make_settings, new_client


def _session_cookie(client):
    return client.cookies.get("__Host-aad_session")


def test_session_cookie_has_secure_flags(app):
    add_user(app, "a@example.org")
    r = new_client(app).post("/api/v1/login", json={"email": "a@example.org", "password": PASSWORD})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-aad_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert "domain" not in cookie.lower()


def test_wrong_password_and_unknown_user_get_the_same_401(app):
    add_user(app, "a@example.org")
    client = new_client(app)
    wrong = client.post("/api/v1/login", json={"email": "a@example.org", "password": "nope"})
    unknown = client.post("/api/v1/login", json={"email": "b@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong e-mail or password"}


def test_login_rotates_the_session_and_the_old_cookie_stops_working(app):
    add_user(app, "a@example.org")
    client = new_client(app)
    login(client, "a@example.org")
    first = _session_cookie(client)
    login(client, "a@example.org")
    second = _session_cookie(client)
    assert first != second
    stale = new_client(app)
    stale.cookies.set("__Host-aad_session", first)
    assert stale.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200


def test_logout_ends_the_session(app):
    add_user(app, "a@example.org")
    client = new_client(app)
    csrf = login(client, "a@example.org")
    token = _session_cookie(client)
    assert client.post("/api/v1/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    again = new_client(app)
    again.cookies.set("__Host-aad_session", token)
    assert again.get("/api/v1/me").status_code == 401


def test_pages_redirect_to_login_and_api_answers_401(client):
    r = client.get("/orgs", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/orgs"
    assert client.get("/api/v1/organizations").json() == {"detail": "not authenticated"}


def test_login_form_works_and_needs_its_csrf_token(app):
    add_user(app, "a@example.org")
    client = new_client(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    bad = client.post("/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": "x"})
    assert bad.status_code == 403 and "the login form expired" in bad.text
    ok = client.post(
        "/login",
        data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/orgs"


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}])
def test_api_writes_without_the_csrf_token_are_refused(admin, headers):
    r = admin.client.post("/api/v1/organizations", json={"name": "Other"}, headers=headers)
    assert r.status_code == 403
    assert r.json() == {"detail": "CSRF token missing or wrong"}
    names = [o["name"] for o in admin.client.get("/api/v1/organizations").json()]
    assert names == ["Acme"]


@pytest.mark.parametrize("path", ["/orgs", "/logout"])
def test_form_posts_without_the_csrf_token_are_refused(admin, path):
    r = admin.client.post(path, data={"name": "Other"})
    assert r.status_code == 403
    assert "CSRF token missing or wrong" in r.text


def test_every_cookie_authenticated_write_route_checks_csrf(app, admin):
    """Walk the routes: each unsafe admin route refuses a request without the token."""
    cid = admin.campaign()
    tid = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()[0]["id"]
    ids = {"organization_id": admin.org_id, "campaign_id": cid, "team_id": tid}
    checked = 0
    modules = [
        importlib.import_module(f"app.routers.{m}")
        for m in ("campaigns", "invitations", "login", "organizations", "teams")
    ]
    routes = [r for m in modules for r in m.router.routes]
    for route in routes:
        methods = getattr(route, "methods", set()) - {"GET", "HEAD", "OPTIONS"}
        if not methods or route.path.startswith(("/api/v1/survey", "/survey", "/login", "/api/v1/login")):
            continue
        url = route.path.format(**ids)
        for method in methods:
            r = admin.client.request(method, url)
            assert r.status_code == 403, (method, url, r.status_code)
            checked += 1
    assert checked >= 20


def test_login_is_rate_limited(database_url):
    app = create_app(make_settings(database_url, login_attempts_per_minute=3))
    client = new_client(app)
    codes = [
        client.post("/api/v1/login", json={"email": "x@example.org", "password": "p"}).status_code for _ in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    form = client.post("/login", data={"email": "x@example.org", "password": "p", "csrf_token": ""})
    assert form.status_code in (403, 429)
    app.state.engine.dispose()


def _from(app, address: str):
    return TestClient(app, base_url="https://testserver", client=(address, 50000))


def test_login_is_throttled_per_account_from_rotating_addresses(database_url):
    """70 wrong passwords from 70 addresses: after the fifth failure the account answers
    429 even to the right password, and an unknown e-mail the same way; other accounts
    are not affected."""
    app = create_app(make_settings(database_url, login_attempts_per_minute=3, login_failures_per_account_per_minute=5))
    add_user(app, "a@example.org")
    add_user(app, "b@example.org")
    for email in ("a@example.org", "ghost@example.org"):
        answers = [
            _from(app, f"10.0.{i // 200}.{i % 200}").post(
                "/api/v1/login", json={"email": email, "password": f"guess {i}"}
            )
            for i in range(70)
        ]
        assert [r.status_code for r in answers] == [401] * 5 + [429] * 65
        assert {r.text for r in answers[5:]} == {'{"detail":"too many requests; try again in a minute"}'}
    right = _from(app, "192.0.2.1").post("/api/v1/login", json={"email": " A@example.org", "password": PASSWORD})
    assert right.status_code == 429 and right.json() == {"detail": "too many requests; try again in a minute"}
    page = _from(app, "192.0.2.2")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get("/login").text).group(1)
    form = page.post("/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token})
    assert form.status_code == 429 and "too many requests" in form.text
    assert (
        _from(app, "192.0.2.3").post("/api/v1/login", json={"email": "b@example.org", "password": PASSWORD}).status_code
        == 200
    )
    app.state.engine.dispose()


def test_the_account_limit_counts_failures_in_a_sliding_minute():
    now = [0.0]
    limiter = RateLimiter(limit=2, clock=lambda: now[0])
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0
    assert limiter.hit("a") == 60 and limiter.hit("b") == 0
    limiter.undo("b")
    assert [limiter.hit("b") for _ in range(3)] == [0, 0, 60]
    now[0] = 59.5
    assert limiter.hit("a") == 0.5
    now[0] = 60.0
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0 and limiter.hit("a") == 60
    limiter.undo("a")
    assert limiter.hit("a") == 0


def test_concurrent_wrong_passwords_do_not_pass_the_account_limit_together(database_url):
    app = create_app(make_settings(database_url, login_failures_per_account_per_minute=5))
    add_user(app, "a@example.org")
    with live_server(app) as base:
        answers = together(
            base, 20, lambda c, i: c.post("/api/v1/login", json={"email": "a@example.org", "password": f"guess {i}"})
        )
    assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 15
    app.state.engine.dispose()


def test_survey_links_are_rate_limited(database_url):
    app = create_app(make_settings(database_url, survey_requests_per_minute=2))
    client = new_client(app)
    codes = [client.get(f"/s/guess{i}").status_code for i in range(4)]
    assert codes == [404, 404, 429, 429]
    assert "Too many requests" in client.get("/s/guess").text
    app.state.engine.dispose()


def test_survey_links_never_follow_the_host_header(app, admin, database_url):
    """Outside development links start with AAD_BASE_URL whatever the request's host; in
    development (no AAD_BASE_URL) the service answers only trusted hosts, so a link built
    from the request's address starts with a trusted one."""
    cid = admin.campaign()
    r = admin.post(f"/api/v1/campaigns/{cid}/open-links", json={}, headers={"host": "evil.example"})
    assert r.status_code == 201 and all(row["link"].startswith("https://testserver/s/") for row in r.json())

    dev = create_app(make_settings(database_url, env="development", base_url=""))
    for base in ("http://evil.example", "http://localhost.evil.example"):
        r = TestClient(dev, base_url=base).get("/login")
        assert r.status_code == 400 and r.text == "Invalid host header"
    client = TestClient(dev, base_url="http://localhost:8000")
    csrf = login(client, admin.email)
    r = client.post(f"/api/v1/campaigns/{cid}/open-links", json={}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201 and all(row["link"].startswith("http://localhost:8000/s/") for row in r.json())
    r = client.post(
        f"/api/v1/campaigns/{cid}/open-links", json={}, headers={"X-CSRF-Token": csrf, "host": "evil.example"}
    )
    assert r.status_code == 400
    dev.state.engine.dispose()


def test_security_headers(client):
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_another_tenants_ids_answer_404(app, admin):
    cid = admin.campaign()
    team_id = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()[0]["id"]
    other = make_admin(app, email="other@example.org", org="Other Corp")
    for url in (
        f"/api/v1/organizations/{admin.org_id}",
        f"/api/v1/organizations/{admin.org_id}/teams",
        f"/api/v1/organizations/{admin.org_id}/campaigns",
        f"/api/v1/campaigns/{cid}",
        f"/api/v1/campaigns/{cid}/rates",
        f"/api/v1/campaigns/{cid}/invitations",
        f"/api/v1/campaigns/{cid}/preview",
        f"/orgs/{admin.org_id}",
        f"/orgs/{admin.org_id}/teams",
        f"/campaigns/{cid}",
        f"/campaigns/{cid}/preview",
    ):
        assert other.client.get(url).status_code == 404, url
    writes = [
        ("PATCH", f"/api/v1/organizations/{admin.org_id}", {"name": "Mine"}),
        ("PATCH", f"/api/v1/teams/{team_id}", {"headcount": 1}),
        ("DELETE", f"/api/v1/teams/{team_id}", None),
        ("POST", f"/api/v1/campaigns/{cid}/close", None),
        ("POST", f"/api/v1/campaigns/{cid}/invitations", {}),
        ("POST", f"/api/v1/campaigns/{cid}/open-links", {}),
        (
            "POST",
            f"/api/v1/organizations/{admin.org_id}/campaigns",
            {"name": "x", "questionnaire_id": "aligned-autonomy-v1"},
        ),
    ]
    for method, url, body in writes:
        r = other.client.request(method, url, json=body, headers=other.h)
        assert r.status_code == 404, (method, url, r.status_code)
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json()["status"] == "open"
    assert len(admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()) == 5


def test_viewers_can_read_but_not_write(app, admin):
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/members",
        json={"email": "viewer@example.org", "role": "viewer", "password": PASSWORD},
    )
    assert r.status_code == 204
    viewer = new_client(app)
    csrf = login(viewer, "viewer@example.org")
    assert viewer.get(f"/api/v1/organizations/{admin.org_id}").json()["role"] == "viewer"
    members = viewer.get(f"/api/v1/organizations/{admin.org_id}/members").json()
    assert {(m["email"], m["role"]) for m in members} == {
        ("hr@example.org", "hr_admin"),
        ("viewer@example.org", "viewer"),
    }
    r = viewer.patch(f"/api/v1/organizations/{admin.org_id}", json={"k": 10}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403
    assert r.json() == {"detail": "your role may only view this organization"}
