"""Every endpoint answers malformed, oversized and hostile input with a 4xx and a clear
message — never a server error — and changes nothing. The sweeps cover every route the
application registers (a new router is covered without being named here): bad bodies,
bad ids, control characters in the path, the query string and the body, huge query
strings and deeply nested JSON."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from app.core.db import session_scope
from app.core.inputs import CONTROL_CHARACTERS, TOO_DEEP, json_control_character, json_too_deep
from app.demo import simulated_benchmark
from app.models import Organization, Role, Team
from app.services import Invalid
from app.services.organizations import create_organization
from app.services.teams import create_team, import_teams, update_team
from app.services.users import create_user
from results_helpers import store_responses
from web_helpers import PASSWORD, login, new_client

BODYLESS = ("/launch", "/close", "/delete", "/logout")  # actions that read no body
ANSWERS = ("/survey", "/api/v1/survey/responses")  # control characters dropped from the comment
#: Forms whose every field has a default (an unticked checkbox sends nothing): a body
#: without those fields is a valid request, answered with the redirect.
ALL_DEFAULTS = (("POST", "/orgs/{organization_id}/benchmark"), ("POST", "/campaigns/{campaign_id}/mail/retention"))
BAD_BODIES = [
    (b"{not json", "application/json"),
    (b'{"name": ' + b'"x"' * 10 + b"}", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'{"name": "\\ud800", "k": "5", "counts": {"x": -1}, "team_ids": [1]}', "application/json"),
    (b"\xff\xfe\x00\x01", "application/octet-stream"),
    (b"name=%00&k=abc&csrf_token=", "application/x-www-form-urlencoded"),
    (b"x" * 1_200_000, "text/csv"),
    (
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n\x00\x01\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    (b"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + b"x" * 2_000_000, "multipart/form-data"),
]
#: Bodies the guard refuses before any route sees them (whatever the method).
CONTROL_BODIES = [
    (b'{"name": "a\\u0000b", "email": "x@example.org", "password": "p"}', "application/json"),
    (b'{"name": "tab\\t ok",\n "industry": "bell\\u0007"}', "application/json"),
    (b'{"name": "a\\bb"}', "application/json"),
    (b'{"name": "a\x01b"}', "application/json"),
    (b'{"name": "a\\u001Bb"}', None),
    (b"name=a%00b&csrf_token=x", "application/x-www-form-urlencoded"),
    (b"name=ok&industry=%1B%5B2J", "application/x-www-form-urlencoded"),
    (
        b"--b\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nnorms\x00\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
]
NESTED_BODIES = [  # each within the survey's 64 KB body limit
    (b"[" * 30_000 + b"]" * 30_000, "application/json"),
    (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "application/json"),
    (b'{"token": ' + b"[" * 40 + b"]" * 40 + b"}", None),
    (b"[" * 50_000, "text/plain"),
]


def _routes(app):
    """``(method, path)`` of every route of ``app`` (included routers followed)."""
    stack = [("", route) for route in app.routes]
    while stack:
        prefix, route = stack.pop(0)
        if hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            stack[:0] = [(inner, r) for r in route.original_router.routes]
        elif getattr(route, "methods", None):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def _fill(path: str, ids: dict) -> str:
    return path.format(**ids)


def _has_params(path: str) -> bool:
    return "{" in path


@pytest.fixture
def world(app, admin):
    """An open campaign and two closed ones with released results (so that the results,
    benchmark and waves handlers get past their first check), viewed once."""
    cid = admin.campaign()
    closed = []
    for name in ("Autumn", "Winter"):
        c = admin.campaign(name=name)
        store_responses(app.state.engine, c, {"Assembly": 7, "Logistics": 6, "Key Accounts": 7}, seed=len(name))
        assert admin.post(f"/api/v1/campaigns/{c}/close").status_code == 200
        assert admin.client.get(f"/api/v1/campaigns/{c}/results").status_code == 200
        closed.append(c)
    tid = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()[0]["id"]
    return {
        "organization_id": admin.org_id,
        "campaign_id": cid,
        "closed_id": closed[-1],
        "team_id": tid,
        "token": "no-such-token",
        "fmt_key": "xlsx",
        "job_id": "no-such-job",
        "index": "0",
        "number": "1",
        "kind": "invitation",
        "language": "en",
    }


def _ids_for(path: str, world: dict) -> dict:
    """Results, reports and benchmark routes get a closed campaign, the others the open one."""
    if "/results" in path or "/benchmark" in path:
        return {**world, "campaign_id": world["closed_id"]}
    return world


def _state(app, admin, world) -> dict:
    """Everything a request could change: the row count of every table, and what the API
    shows of the organization, its teams, campaigns and members."""
    with session_scope(app.state.engine) as s:
        counts = {t.name: s.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}
    counts.pop("user_session", None)  # logging in elsewhere in the test is not a change by the sweep
    counts.pop("rate_counter", None)  # the rate limits count requests (on PostgreSQL in the database)
    api = {
        url: admin.client.get(url).json()
        for url in (
            f"/api/v1/organizations/{admin.org_id}",
            f"/api/v1/organizations/{admin.org_id}/teams",
            f"/api/v1/organizations/{admin.org_id}/campaigns",
            f"/api/v1/organizations/{admin.org_id}/members",
        )
    }
    return {"counts": counts, "api": api}


def _request(admin, method, url, *, body=None, kind=None, **kw):
    headers = {**admin.h, **({"content-type": kind} if kind else {})}
    return admin.client.request(method, url, content=body, headers=headers, follow_redirects=False, **kw)


def test_every_endpoint_refuses_hostile_bodies_without_a_server_error(app, admin, world):
    before = _state(app, admin, world)
    routes = list(_routes(app))
    assert len(routes) > 80 and ("GET", "/api/v1/organizations/{organization_id}/waves") in routes
    for method, path in routes:
        if method in ("GET", "DELETE") or path.endswith(BODYLESS):
            continue
        for body, kind in BAD_BODIES:
            r = _request(admin, method, _fill(path, _ids_for(path, world)), body=body, kind=kind)
            low = 300 if (method, path) in ALL_DEFAULTS and len(body) < 1_000_000 else 400
            assert low <= r.status_code < 500, (method, path, body[:40], r.status_code, r.text[:200])
    assert _state(app, admin, world) == before
    assert admin.client.get(f"/api/v1/campaigns/{world['campaign_id']}").json()["status"] == "open"


def test_control_characters_and_deep_nesting_in_a_body_are_refused_everywhere(app, admin, world):
    before = _state(app, admin, world)
    for method, path in _routes(app):
        url = _fill(path, _ids_for(path, world))
        for body, kind in CONTROL_BODIES + NESTED_BODIES:
            r = _request(admin, method, url, body=body, kind=kind)
            if path in ANSWERS and (body, kind) in CONTROL_BODIES:
                assert 400 <= r.status_code < 500, (method, path, body[:40], r.status_code, r.text[:200])
                continue
            nested = (body, kind) in NESTED_BODIES
            assert r.status_code == 422, (method, path, body[:40], r.status_code, r.text[:200])
            detail = TOO_DEEP if nested else CONTROL_CHARACTERS
            if path.startswith("/api/"):
                assert r.json()["detail"] == detail and len(r.json()["errors"]) == 1, (method, path, r.text)
            else:
                assert detail in r.text and "Nothing was stored." in r.text, (method, path, r.text[:300])
    assert _state(app, admin, world) == before


@pytest.mark.parametrize(
    "bad_id",
    [
        "not-a-uuid",
        "0871f4b9-7f13-4480-8aef-862d3f20e13d",
        "1 OR 1=1",
        "'; DROP TABLE team; --",
        "..%2F..%2Fetc%2Fpasswd",
        "x" * 5000,
    ],
)
def test_every_endpoint_refuses_bad_ids(app, admin, world, bad_id):
    before = _state(app, admin, world)
    for method, path in _routes(app):
        if not _has_params(path) or "{token}" in path:
            continue
        r = admin.client.request(
            method,
            _fill(path, {key: bad_id for key in world}),
            headers=admin.h,
            json={},
            follow_redirects=method == "GET",
        )
        assert r.status_code in (404, 422), (method, path, r.status_code, r.text[:200])
    assert _state(app, admin, world) == before


@pytest.mark.parametrize("char", ["%00", "%01", "%1B", "%7F%00", "%09", "%0A"])
def test_control_characters_in_a_path_parameter_are_refused(app, admin, world, char):
    for method, path in _routes(app):
        if not _has_params(path):
            continue
        ids = {key: f"{value}{char}" for key, value in _ids_for(path, world).items()}
        r = admin.client.request(method, _fill(path, ids), headers=admin.h)
        if "{token}" in path:  # an unknown survey link, with the survey's own page
            assert r.status_code == 404 and "This link is not valid" in r.text
            continue
        assert r.status_code == 422, (method, path, r.status_code, r.text[:200])
        if path.startswith("/api/"):
            assert r.json() == {"detail": CONTROL_CHARACTERS, "errors": [r.json()["errors"][0]]}
            assert r.json()["errors"][0].startswith("path: U+00")


@pytest.mark.parametrize(
    "query", ["lang=en%00", "unit=Ops%01&lang=de", "x%00=1", "team_map=a%0B-%3Eb", "name=%1B%5B2J", "source=norms%0C"]
)
def test_control_characters_in_the_query_string_are_refused(app, admin, world, query):
    before = _state(app, admin, world)
    for method, path in _routes(app):
        r = admin.client.request(method, f"{_fill(path, _ids_for(path, world))}?{query}", headers=admin.h)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:200])
        if path.startswith("/api/"):
            assert r.json()["detail"] == CONTROL_CHARACTERS
            assert r.json()["errors"][0].startswith("query parameter '")
    assert _state(app, admin, world) == before


@pytest.mark.parametrize(
    "query",
    [
        "&".join(f"p{i}={'x' * 400}" for i in range(120)),  # httpx sends at most 64 KB of URL
        "lang=" + "x" * 60_000,
        "unit=" + quote("<script>" * 2000) + "&name=" + quote("Ä" * 3000) + "&page=99999999999999999999",
        "campaign="
        + "&campaign=".join(str(uuid.uuid4()) for _ in range(200))
        + "&team_map="
        + quote("a -> b\n" * 3000),
        "metric=misconception&sort=%27;--&role=lead&tenure=lt1&team=" + quote("\u202eevil") + "&span=-1&trend=x:y",
    ],
)
def test_huge_and_odd_query_strings_are_harmless(app, admin, world, query):
    before = _state(app, admin, world)
    for method, path in _routes(app):
        if method != "GET":
            continue
        url = f"{_fill(path, _ids_for(path, world))}?{query}"
        r = admin.client.get(url, follow_redirects=False)
        assert r.status_code < 500, (path, query[:60], r.status_code, r.text[:200])
    assert _state(app, admin, world) == before


def test_multi_line_text_keeps_tabs_and_line_breaks(admin, world):
    r = admin.client.get(
        f"/api/v1/organizations/{admin.org_id}/waves",
        params={"team_map": "Assembly -> Assembly\r\n\tLogistics -> Logistics\n"},
    )
    assert r.status_code == 200, r.text
    r = admin.client.get(f"/api/v1/organizations/{admin.org_id}/waves", params={"team_map": "a -> b\x0bc"})
    assert r.status_code == 422 and r.json()["errors"] == ["query parameter 'team_map': U+000B"]
    # an escaped backslash before the letters u0000 is text, not a control character
    r = admin.patch(
        f"/api/v1/organizations/{admin.org_id}",
        content=b'{"name": "C:\\\\u0000"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200 and r.json()["name"] == "C:\\u0000"


@pytest.mark.parametrize(
    ("method", "url", "body", "where"),
    [
        ("POST", "/api/v1/organizations", {"name": "Acme\x00"}, "body line 1, column 15: U+0000"),
        ("PATCH", "/api/v1/organizations/{org}", {"industry": "Logistics\x00"}, "body line 1, column 24: U+0000"),
        ("PATCH", "/api/v1/organizations/{org}", {"name": "A\x1b[2J"}, "body line 1, column 12: U+001B"),
        (
            "POST",
            "/api/v1/organizations/{org}/members",
            {"email": "v\x00@example.org", "role": "viewer", "password": "long enough password"},
            "body line 1, column 13: U+0000",
        ),
        (
            "POST",
            "/api/v1/organizations/{org}/campaigns",
            {"name": "Spring\x00", "questionnaire_id": "aligned-autonomy-v1"},
            "body line 1, column 17: U+0000",
        ),
        (
            "POST",
            "/api/v1/organizations/{org}/teams",
            {"name": "Ops\x00", "headcount": 5},
            "body line 1, column 14: U+0000",
        ),
        ("PATCH", "/api/v1/teams/{team}", {"name": "Assem\x00bly"}, "body line 1, column 16: U+0000"),
        ("PATCH", "/api/v1/teams/{team}", {"unit_path": "Ops / \x07North"}, "body line 1, column 22: U+0007"),
    ],
)
def test_control_characters_in_json_fields_are_refused_and_nothing_is_stored(
    app, admin, world, method, url, body, where
):
    """A NUL gave 500 on PostgreSQL and was stored on SQLite; other control characters
    were stored everywhere."""
    before = _state(app, admin, world)
    r = admin.client.request(
        method,
        url.format(org=admin.org_id, team=world["team_id"]),
        content=json.dumps(body),
        headers={**admin.h, "content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json() == {"detail": CONTROL_CHARACTERS, "errors": [where]}
    assert _state(app, admin, world) == before


@pytest.mark.parametrize("email", ["hr@example.org\x00", "\x00", "a\x00' OR 1=1 --"])
def test_a_nul_in_the_login_e_mail_is_refused_without_a_session(app, email):
    """Unauthenticated: gave 500 on PostgreSQL."""
    client = new_client(app)
    r = client.post("/api/v1/login", json={"email": email, "password": "x"})
    assert r.status_code == 422 and r.json()["detail"] == CONTROL_CHARACTERS
    r = client.post("/login", data={"email": email, "password": "x"}, follow_redirects=False)
    assert r.status_code == 422 and CONTROL_CHARACTERS in r.text and "aad_session" not in str(r.cookies)


@pytest.mark.parametrize(
    ("url", "fields", "where"),
    [
        ("/orgs", {"name": "New\x00 org"}, "field 'name': U+0000"),
        ("/orgs/{org}", {"name": "Acme", "industry": "Retail\x00"}, "field 'industry': U+0000"),
        ("/orgs/{org}/members", {"email": "x\x00@example.org", "role": "viewer"}, "field 'email': U+0000"),
        (
            "/orgs/{org}/campaigns",
            {"name": "Q\x003", "questionnaire_id": "aligned-autonomy-v1"},
            "field 'name': U+0000",
        ),
        ("/orgs/{org}/teams", {"name": "Ops\x1f", "headcount": "3"}, "field 'name': U+001F"),
        ("/portfolio/organizations", {"name": "Client\x00"}, "field 'name': U+0000"),
    ],
)
@pytest.mark.parametrize("multipart", [False, True])
def test_control_characters_in_form_fields_are_refused(app, admin, world, url, fields, where, multipart):
    before = _state(app, admin, world)
    data = {**fields, "csrf_token": admin.csrf}
    kw = {"files": {k: (None, v) for k, v in data.items()}} if multipart else {"data": data}
    r = admin.client.post(url.format(org=admin.org_id), follow_redirects=False, **kw)
    assert r.status_code == 422 and CONTROL_CHARACTERS in r.text, r.text[:300]
    assert f"<li>{where.replace(chr(39), '&#x27;')}</li>" in r.text
    assert _state(app, admin, world) == before


def test_team_files_name_the_line_of_a_control_character(app, admin, world):
    before = _state(app, admin, world)
    csv = "unit path,team,headcount\nOps,Assembly,8\nOps,Logi\x00stics,6\nSales,Key\x1bAccounts,7\n"
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/teams/import", content=csv.encode(), headers={"content-type": "text/csv"}
    )
    assert r.status_code == 422 and r.json() == {
        "detail": "the file has errors; nothing was stored",
        "errors": [
            "line 3: control character U+0000 is not allowed",
            "line 4: control character U+001B is not allowed",
        ],
    }
    r = admin.client.post(
        f"/orgs/{admin.org_id}/teams/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("teams.csv", csv.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "line 3: control character U+0000 is not allowed" in r.text
    assert _state(app, admin, world) == before


def test_benchmark_files_name_the_line_of_a_control_character(app):
    with session_scope(app.state.engine, write=True) as s:
        user = create_user(s, email="consultant@example.org", password=PASSWORD)
        create_organization(s, user=user, name="Clients", creator_role=Role.consultant)
    client = new_client(app)
    headers = {"X-CSRF-Token": login(client, "consultant@example.org")}
    text = json.dumps(json.loads(simulated_benchmark((("retail", "50-249"),) * 5)), indent=1)
    line = text[: text.index('"retail"')].count("\n") + 1
    bad = text.replace('"retail"', '"ret\\u0000ail"', 1).encode()
    r = client.post("/api/v1/benchmark/import", content=bad, headers={**headers, "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == CONTROL_CHARACTERS
    assert r.json()["errors"][0].startswith(f"body line {line}, column ")
    r = client.post(
        "/benchmark/import",
        files={"file": ("norms.json", bad, "application/json")},
        data={"source": "norms"},
        headers=headers,
    )
    assert r.status_code == 422 and f"data: line {line}: the control character \\u0000 is not allowed" in r.text
    assert client.get("/api/v1/benchmark").json()["released"] == 0


def test_a_team_name_with_a_nul_never_reaches_the_results(app, admin):
    """Defence in depth below the request guard: the team service refuses it (on
    PostgreSQL the insert itself failed with a server error)."""
    with session_scope(app.state.engine, write=True) as s:
        org = s.get(Organization, uuid.UUID(admin.org_id))
        team = s.exec(select(Team).where(Team.organization_id == org.id)).first()
        with pytest.raises(Invalid) as info:
            import_teams(s, organization=org, data=b"unit path,team,headcount\nOps,A,1\nOps,B\x00,2\n")
        assert info.value.errors == ["line 3: control character U+0000 is not allowed"]
        for call in (
            lambda: update_team(s, team=team, name="Assem\x00bly"),
            lambda: update_team(s, team=team, unit_path_text="Ops\x00 / North"),
            lambda: create_team(s, organization=org, name="N\x00ew", headcount=3),
        ):
            with pytest.raises(Invalid, match="^control character U\\+0000 is not allowed$"):
                call()
    r = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams")
    assert not any("\x00" in t["name"] or "\x00" in t["unit_path"] for t in r.json())


def test_nested_json_on_the_survey_is_refused(app):
    """Gave 500 (RecursionError in the JSON parser) from about 1,000 levels on."""
    client = new_client(app)
    for url in ("/api/v1/survey/session", "/api/v1/survey/responses"):
        for kind in ("application/json", "text/plain"):
            r = client.post(url, content=b"[" * 20_000 + b"]" * 20_000, headers={"content-type": kind})
            assert r.status_code == 422 and r.json() == {
                "detail": TOO_DEEP,
                "errors": ["more than 32 levels of JSON arrays and objects"],
            }
        r = client.post(url, content=b"[" * 100_000 + b"]" * 100_000, headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["detail"] == "request body larger than 65536 bytes"
    ok = b'{"token": ' + b"[" * 31 + b"]" * 31 + b"}"
    r = client.post("/api/v1/survey/session", content=ok, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "token: a text is required"


def test_depth_and_control_characters_of_json_text():
    assert not json_too_deep(b"[" * 32 + b"]" * 32) and json_too_deep(b"[" * 33 + b"]" * 33)
    assert not json_too_deep(b'{"a": "' + b"[{" * 1000 + b'"}') and json_too_deep(b'{"a": "\\"' + b"[" * 40)
    assert json_control_character('{"a":\n "x\\\\\\u001f"}') == "line 2, column 6: U+001F"
    assert json_control_character('{"a": "C:\\\\u0000 \\t\\n\\r\\u0009\\u000A\\u000d"}') is None
    assert json_control_character('{"a": "\\f", "b": "\x02"}') == "line 1, column 8: U+000C"


def test_unknown_query_and_huge_headers_are_harmless(admin, world):
    r = admin.client.get(f"/campaigns/{world['campaign_id']}/preview?lang=xx&lang=de&<script>=1")
    assert r.status_code == 200 and "<script>=1" not in r.text
    r = admin.client.get("/survey", headers={"accept-language": "de;q=abc," * 2000})
    assert r.status_code == 401
