"""Property-based fuzzing of every operation of the API schema (``/api/v1/openapi.json``)
with Schemathesis, logged in as an HR admin (who is a consultant of another
organization too, so the benchmark pool's operations answer): no request may give a
server error, and every response must match its schema. Path ids are those of a real
organization, team and campaign (one of two closed ones, with released results, for the
results and benchmark operations), so that handlers run past their first lookup; bad ids
are the hostile-input sweep's part. Operations run in the schema's order with positive
and negative examples, derandomized, so a run is reproducible (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlmodel import select

from app.core.db import session_scope
from app.demo import simulated_benchmark
from app.main import create_app
from app.models import Role, User
from app.services.benchmarks import import_file
from app.services.organizations import create_organization
from app.services.results import clear_cache
from pg_reset import truncate_postgres
from results_helpers import store_responses
from web_helpers import Admin, login, make_admin, make_settings, new_client

MAX_EXAMPLES = 10
PROFILES = (("logistics", "250-999"),) * 5
RESULTS = "/api/v1/campaigns/{campaign_id}/results"
KNOWN = {
    f"GET {RESULTS}/heatmap": [{"query": {"unit": "Operations", "metric": "finding", "lang": "de"}}],
    f"GET {RESULTS}/team": [{"query": {"name": "Assembly"}}],
    f"GET {RESULTS}/view": [{"query": {"role": "member"}}, {"query": {"unit": "Sales"}}],
    f"POST {RESULTS}/jobs": [{"body": {"format": "csv"}, "media_type": "application/json"}],
    "POST /api/v1/benchmark/import": [
        {"body": json.loads(simulated_benchmark(PROFILES[:1])), "media_type": "application/json"}
    ],
}


@dataclass
class FuzzWorld:
    app: object
    admin: Admin
    ids: dict
    cookie: str


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_world(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "aad.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(make_settings(url, warm_up=False))
    clear_cache()
    admin = make_admin(app)
    with session_scope(app.state.engine, write=True) as s:  # a consultant elsewhere: reaches the pool too
        user = s.exec(select(User).where(User.email == admin.email)).one()
        create_organization(s, user=user, name="Client", creator_role=Role.consultant)
        import_file(s, data=simulated_benchmark(PROFILES), source="simulated")
    open_id = admin.campaign()
    for seed, name in enumerate(("Spring", "Autumn")):
        closed_id = admin.campaign(name=name)
        store_responses(app.state.engine, closed_id, {"Assembly": 7, "Logistics": 6, "Key Accounts": 7}, seed=seed)
        assert admin.post(f"/api/v1/campaigns/{closed_id}/close").status_code == 200
    team_id = admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()[0]["id"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in admin.client.cookies.jar)
    yield FuzzWorld(
        app=app,
        admin=admin,
        cookie=cookie,
        ids={"organization_id": admin.org_id, "team_id": team_id, "campaign_id": open_id, "closed_id": closed_id},
    )
    app.state.engine.dispose()
    if request.param == "postgresql":
        truncate_postgres(url)


def _path_ids(operation, world: FuzzWorld) -> dict:
    """Real ids for the operation's path: results and benchmark operations get the
    closed campaign, every other one the open campaign."""
    names = {p.name for p in operation.path_parameters}
    results = "/results" in operation.path or "/benchmark" in operation.path
    ids = {**world.ids, "campaign_id": world.ids["closed_id" if results else "campaign_id"], "fmt_key": "csv"}
    return {name: ids[name] for name in names if name in ids}


def _auth(operation, world: FuzzWorld) -> dict:
    """The admin's session; logging out ends a session of its own."""
    if operation.path.endswith("/logout"):
        client = new_client(world.app)
        csrf = login(client, world.admin.email)
        return {"cookie": "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar), "x-csrf-token": csrf}
    return {"cookie": world.cookie, "x-csrf-token": world.admin.csrf}


def _check(case, operation, world: FuzzWorld):
    response = case.call(headers=_auth(operation, world))
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    return response


def test_every_operation_gives_no_server_error_and_keeps_to_the_schema(fuzz_world):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_world.app)
    failures, runs, labels = [], 0, set()
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.add(operation.label)
        for known in KNOWN.get(operation.label, ()):  # answers that random input seldom reaches
            try:
                response = _check(
                    operation.Case(path_parameters=_path_ids(operation, fuzz_world), **known), operation, fuzz_world
                )
                assert response.status_code < 300, (response.status_code, response.text[:300])
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures are reported together
                failures.append(f"{operation.label} {known}: {exc}")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(operation.as_strategy(mode, path_parameters=_path_ids(operation, fuzz_world)))
            def run(case):
                nonlocal runs
                runs += 1
                _check(case, operation, fuzz_world)

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid once the path is fixed
                continue
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all failures are reported together
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert runs > 300 and set(KNOWN) <= labels
