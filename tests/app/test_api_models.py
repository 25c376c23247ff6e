"""Every JSON route of the API declares what it returns: a response model that OpenAPI
lists, and that passes the body through unchanged (no field of the analysis documents
is silently dropped by the model, none is added)."""

from __future__ import annotations

import json
import math

import fastapi.routing
import pytest
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python

from app.main import create_app
from consultant_world import SCOPED_UNIT, world  # noqa: F401 - fixture
from results_helpers import close, store_responses
from web_helpers import make_settings

NO_BODY = {204, 304}


def _api_routes(app):
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path.startswith("/api/"):
            yield context, route


def _returns_json(route: APIRoute) -> bool:
    """A route answers JSON unless its response class is another Response (files,
    CSV, PDF) or its status has no body."""
    response_class = getattr(route.response_class, "value", route.response_class)
    return issubclass(response_class, JSONResponse) and route.status_code not in NO_BODY


def _untyped_schema(schema: dict, defs: dict) -> bool:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if "items" in schema:
        return _untyped_schema(schema["items"], defs)
    if "anyOf" in schema or "oneOf" in schema:
        return any(
            _untyped_schema(s, defs) for s in schema.get("anyOf", schema.get("oneOf")) if s.get("type") != "null"
        )
    return not schema.get("properties")


def _untyped(model) -> bool:
    """No model, or one whose body (or list items) is an object without named fields."""
    if model is None:
        return True
    schema = TypeAdapter(model).json_schema(mode="serialization")
    return _untyped_schema(schema, schema.get("$defs", {}))


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory, sqlite_template):
    app = create_app(make_settings(f"sqlite:///{sqlite_template}"))
    yield app
    app.state.engine.dispose()


def test_every_json_api_route_has_a_response_model(bare_app):
    routes = list(_api_routes(bare_app))
    assert len(routes) > 50  # the walk sees the included routers
    untyped = [
        f"{'/'.join(sorted(c.methods))} {c.path}"
        for c, route in routes
        if _returns_json(route) and _untyped(route.response_model)
    ]
    assert untyped == []


def test_the_check_sees_an_untyped_route(bare_app):
    """The walk above fails for a JSON route without a model (the check can fail)."""
    router = fastapi.APIRouter()

    @router.get("/api/v1/untyped")
    def untyped():
        return {"a": 1}

    @router.get("/api/v1/loose")
    def loose() -> list[dict]:
        return [{"a": 1}]

    @router.get("/api/v1/file", response_class=fastapi.responses.Response)
    def a_file():
        return fastapi.responses.Response(b"x")

    app = fastapi.FastAPI()
    app.include_router(router)
    found = [c.path for c, route in _api_routes(app) if _returns_json(route) and _untyped(route.response_model)]
    assert found == ["/api/v1/untyped", "/api/v1/loose"]


def test_openapi_lists_a_schema_for_every_json_route(bare_app):
    document = bare_app.openapi()
    components = document["components"]["schemas"]
    missing = []
    for context, route in _api_routes(bare_app):
        if not _returns_json(route) or not route.include_in_schema:
            continue
        for method in context.methods:
            status = str(route.status_code or 200)
            answer = document["paths"][context.path][method.lower()]["responses"].get(status, {})
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if not schema:
                missing.append(f"{method} {context.path}")
                continue
            if _untyped_schema(schema, components):  # never a bare object, nor a list of them
                missing.append(f"{method} {context.path} (untyped object)")
    assert missing == []


# ------------------------------------------------------------------ nothing dropped


def _differences(raw, out, path="body") -> list[str]:
    """Where ``out`` (the body the model sends) differs from ``raw`` (what the handler
    returned, as JSON)."""
    if isinstance(raw, dict) and isinstance(out, dict):
        found = [f"{path}.{k}: dropped by the model" for k in raw.keys() - out.keys()]
        found += [f"{path}.{k}: added by the model" for k in out.keys() - raw.keys()]
        for k in raw.keys() & out.keys():
            found += _differences(raw[k], out[k], f"{path}.{k}")
        return found
    if isinstance(raw, list) and isinstance(out, list):
        if len(raw) != len(out):
            return [f"{path}: {len(raw)} items became {len(out)}"]
        return [d for i, (a, b) in enumerate(zip(raw, out)) for d in _differences(a, b, f"{path}[{i}]")]
    if isinstance(raw, float) and isinstance(out, float) and math.isnan(raw) and math.isnan(out):
        return []
    if isinstance(raw, (int, float)) and isinstance(out, (int, float)) and not isinstance(raw, bool):
        return [] if raw == out and type(raw) is type(out) else [f"{path}: {raw!r} became {out!r}"]
    return [] if raw == out else [f"{path}: {raw!r} became {out!r}"]


@pytest.fixture
def compared(monkeypatch):
    """Record, for every answer with a response model, how the model changed the body."""
    seen: list[tuple[str, list[str]]] = []
    original = fastapi.routing.serialize_response

    async def serialize_response(*, field=None, response_content, **kwargs):
        out = await original(field=field, response_content=response_content, **kwargs)
        if field is not None:
            raw = to_jsonable_python(response_content)
            body = json.loads(out) if isinstance(out, (bytes, str)) else to_jsonable_python(out)
            seen.append((str(field.field_info.annotation), _differences(raw, body)))
        return out

    monkeypatch.setattr(fastapi.routing, "serialize_response", serialize_response)
    return seen


def test_models_pass_the_analysis_documents_through_unchanged(world, compared):  # noqa: F811 - fixture
    oid = world.orgs["Alpha Logistics"]
    cid = world.campaigns["Alpha Logistics"][-1]
    c = world.client("consultant")
    paths = [
        f"/api/v1/campaigns/{cid}/results",
        f"/api/v1/campaigns/{cid}/results/heatmap",
        f"/api/v1/campaigns/{cid}/results/heatmap?metric=finding&unit={SCOPED_UNIT}",
        f"/api/v1/campaigns/{cid}/results/heatmap?metric=misconception",
        f"/api/v1/campaigns/{cid}/results/view?role=lead",
        f"/api/v1/campaigns/{cid}/results/view?tenure=lt1",
        f"/api/v1/campaigns/{cid}/results/questions",
        f"/api/v1/campaigns/{cid}/benchmark",
        f"/api/v1/campaigns/{cid}/preview",
        f"/api/v1/campaigns/{cid}/rates",
        f"/api/v1/campaigns/{cid}/invitations",
        f"/api/v1/campaigns/{cid}/link-log",
        f"/api/v1/organizations/{oid}/waves",
        f"/api/v1/organizations/{oid}/waves?team_map=Team A -> Team A, Team B",
        f"/api/v1/organizations/{oid}/register",
        f"/api/v1/organizations/{oid}/register/versions",
        f"/api/v1/organizations/{oid}/campaigns",
        f"/api/v1/organizations/{oid}/teams",
        f"/api/v1/organizations/{oid}/members",
        "/api/v1/benchmark",
        "/api/v1/portfolio",
        "/api/v1/questionnaires",
        "/api/v1/me",
    ]
    for path in paths:
        r = c.get(path)
        assert r.status_code == 200, (path, r.text)
    teams = c.get(f"/api/v1/campaigns/{cid}/results/heatmap", params={"unit": SCOPED_UNIT}).json()["rows"]
    for team in teams:
        assert c.get(f"/api/v1/campaigns/{cid}/results/team", params={"name": team}).status_code == 200
    # a viewer of one unit reads the restricted document
    scoped = world.client("unit_viewer_a")
    for path in (f"/api/v1/campaigns/{cid}/results", f"/api/v1/campaigns/{cid}/results/questions"):
        assert scoped.get(path).status_code == 200, path
    assert len(compared) >= len(paths) + len(teams) + 2
    changed = {model: diffs[:5] for model, diffs in compared if diffs}
    assert changed == {}


def test_models_pass_hidden_records_through_unchanged(app, admin, compared):
    """Hidden groups (below k, or hidden to protect another) keep their short records."""
    cid = admin.campaign()
    store_responses(
        app.state.engine, cid, {"Assembly": 8, "Logistics": 6, "Quality": 5, "Key Accounts": 7, "Inside Sales": 2}
    )
    close(app.state.engine, cid)
    c = admin.client
    for path, params in (
        ("results", {}),
        ("results/heatmap", {"unit": "Sales", "metric": "finding"}),
        ("results/team", {"name": "Inside Sales"}),
        ("results/team", {"name": "Key Accounts"}),
        ("results/questions", {}),
        ("results/questions", {"team": "Inside Sales"}),
        ("results/view", {"role": "lead"}),
    ):
        r = c.get(f"/api/v1/campaigns/{cid}/{path}", params=params)
        assert r.status_code == 200, (path, r.text)
    hidden = c.get(f"/api/v1/campaigns/{cid}/results/questions", params={"team": "Inside Sales"}).json()["teams"]
    assert hidden and hidden[0]["suppressed"] and "items" not in hidden[0]
    assert len(compared) >= 7
    assert {model: diffs[:5] for model, diffs in compared if diffs} == {}
