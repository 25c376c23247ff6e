"""The benchmark in the service: the released pool, its release steps, the comparison
pages and API (no other organization named or isolated), opt-in, and benchmark files
(who may export them, what they hold, and their import elsewhere)."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections import Counter

import numpy as np
import pytest
from scipy import stats
from sqlmodel import select

from analysis import diagnose
from analysis.benchmark import ANY, BenchmarkPool, dump_benchmark, entry_from_diagnosis, load_benchmark
from analysis.simulate import simulate_responses
from app.core.db import make_engine, session_scope
from app.models import BenchmarkEntryRow, Organization, User
from app.services import Conflict, Forbidden, Invalid
from app.services.benchmarks import (
    BAD_FILE,
    CONSULTANTS_ONLY,
    NEEDS_PROFILE,
    RELEASE_STEP,
    TOO_FEW_TO_EXPORT,
    compare,
    export_file,
    import_file,
    industry_code,
    pool_status,
    released_pool,
)
from consultant_world import SIMULATED_SOURCE, world  # noqa: F401 - fixture


def _entries(n, *, seed=0, industry="retail", size_band="50-249") -> bytes:
    out = []
    for i in range(n):
        dx = diagnose(simulate_responses(respondents=30, teams=3, units=1, seed=seed + i))
        out.append(entry_from_diagnosis(dx, industry=industry, size_band=size_band, closed_on="2026-05"))
    return dump_benchmark(BenchmarkPool(out))


@pytest.fixture(scope="module")
def small_files():
    return {"four": _entries(4, seed=500), "one": _entries(1, seed=600)}


def test_industry_code():
    assert industry_code("Logistics & Transport") == "logistics_transport"
    assert industry_code("  Software ") == "software"
    assert industry_code("123 !!") is None
    assert industry_code("") is None
    assert industry_code(" Any ") is None  # the generalized value of exported files


def test_entries_are_released_only_in_steps_of_k(database_url, small_files):
    engine = make_engine(database_url)
    try:
        with session_scope(engine, write=True) as s:
            assert import_file(s, data=small_files["four"], source="batch one") == 4
            assert pool_status(s)["released"] == 0 and pool_status(s)["pending"] == 4
            assert len(released_pool(s)) == 0
            assert import_file(s, data=small_files["four"], source="again") == 0  # known ids: nothing new
            assert import_file(s, data=small_files["one"], source="batch two") == 1
            status = pool_status(s)
            assert status["released"] == RELEASE_STEP and status["pending"] == 0
            assert {x["source"] for x in status["sources"]} == {"batch one", "batch two"}
    finally:
        engine.dispose()


def test_released_pool_is_rebuilt_only_when_the_released_set_changes(database_url, small_files):
    engine = make_engine(database_url)
    try:
        with session_scope(engine, write=True) as s:
            import_file(s, data=small_files["four"], source="four")
            import_file(s, data=small_files["one"], source="one")
            first = released_pool(s)
            assert len(first) == RELEASE_STEP and released_pool(s) is first  # cached
            s.delete(s.exec(select(BenchmarkEntryRow)).first())  # a withdrawal
            s.commit()
            second = released_pool(s)
            assert second is not first and len(second) == RELEASE_STEP - 1
    finally:
        engine.dispose()


def test_malformed_file_changes_nothing(database_url, small_files):
    engine = make_engine(database_url)
    bad = json.loads(small_files["four"])
    bad["entries"][2]["dimensions"]["direction"]["score"] = 120.0
    try:
        with session_scope(engine, write=True) as s:
            for data, fragment in (
                (json.dumps(bad).encode(), "entries[2].dimensions.direction.score"),
                (b"{not json", "JSON"),
                (b'{"format": "aad-benchmark", "version": 9, "entries": []}', "version"),
            ):
                with pytest.raises(Invalid) as info:
                    import_file(s, data=data, source="x")
                assert info.value.detail == BAD_FILE
                assert fragment.lower() in " ".join(info.value.errors).lower()
            assert s.exec(select(BenchmarkEntryRow)).all() == []
    finally:
        engine.dispose()


def test_export_needs_five_released_entries(database_url, small_files):
    engine = make_engine(database_url)
    try:
        with session_scope(engine, write=True) as s:
            with pytest.raises(Conflict) as info:
                export_file(s, user=None)
            assert info.value.detail == TOO_FEW_TO_EXPORT
            import_file(s, data=small_files["four"], source="four")
            import_file(s, data=small_files["one"], source="one")
            assert len(load_benchmark(export_file(s, user=None))) == 5
            s.delete(s.exec(select(BenchmarkEntryRow)).first())  # a withdrawal leaves 4
            s.commit()
            with pytest.raises(Conflict, match="fewer than 5 released entries; nothing may leave"):
                export_file(s, user=None)
    finally:
        engine.dispose()


def test_pulse_form_compares_on_scores_only_and_says_so(world):
    dx = diagnose(simulate_responses("aligned-autonomy-pulse-v1", respondents=40, teams=4, units=1, seed=9))
    with session_scope(world.app.state.engine) as s:
        org = s.get(Organization, uuid.UUID(world.orgs["Beta Software"]))
        result = compare(s, organization=org, diagnosis=dx)
    assert result.note is not None and "pulse" in result.note["en"]
    assert result.comparable_on == ("score",)


def test_benchmark_api_excludes_the_organization_and_names_no_other(world):
    c = world.client("consultant")
    cid = world.campaigns["Alpha Logistics"][-1]
    r = c.get(f"/api/v1/campaigns/{cid}/benchmark")
    assert r.status_code == 200, r.text
    body = r.json()
    text = r.text
    for name, oid in world.orgs.items():
        assert name not in text and oid not in text
    for cids in world.campaigns.values():
        assert all(x not in text for x in cids)
    b = body["benchmark"]
    assert set(b["scopes"]) == {"all", "industry", "size_band", "industry_and_size_band"}
    cell = b["scopes"]["all"]["dimensions"]["direction"]["score"]
    # Alpha's own entry never takes part: the pool minus its own entry
    with session_scope(world.app.state.engine) as s:
        pool = released_pool(s)
        own = s.exec(
            select(BenchmarkEntryRow.entry_id).where(
                BenchmarkEntryRow.organization_id == uuid.UUID(world.orgs["Alpha Logistics"])
            )
        ).all()
    others = [e for e in pool if e.entry_id not in own]
    assert cell["n_organizations"] == len(others)
    values = np.array([e.dimensions["direction"].score for e in others])
    assert cell["percentile_rank"] == pytest.approx(
        stats.percentileofscore(values, cell["value"], kind="strict"), abs=1e-3
    )
    assert cell["median"] == pytest.approx(np.quantile(values, 0.5), abs=1e-3)
    assert cell["percentile_rank_low"] <= cell["percentile_rank"] <= cell["percentile_rank_high"]


def test_withheld_cells_carry_the_reason(world):
    c = world.client("consultant")
    cid = world.campaigns["Beta Software"][-1]
    b = c.get(f"/api/v1/campaigns/{cid}/benchmark").json()["benchmark"]
    withheld = [
        cell
        for s in b["scopes"].values()
        for d in s["dimensions"].values()
        for cell in d.values()
        if not cell["released"]
    ]
    assert withheld, "software has 3 simulated organizations: its cells are below 5"
    for cell in withheld:
        assert cell["reason_text"]["en"] and cell["n_organizations"] is None and cell["median"] is None
    page = c.get(f"/campaigns/{cid}/benchmark")
    assert page.status_code == 200
    assert "Not shown: fewer than 5 comparable organizations" in page.text
    assert "Gamma Finance" not in page.text and "Alpha Logistics" not in page.text


def test_opt_in_needs_a_profile_and_is_for_admins(world):
    r = world.post(
        "viewer_a", f"/api/v1/organizations/{world.orgs['Alpha Logistics']}/benchmark", json={"opt_in": False}
    )
    assert r.status_code == 403
    r = world.post("consultant", "/api/v1/organizations", json={"name": "No Profile Ltd"})
    oid = r.json()["id"]
    r = world.post("consultant", f"/api/v1/organizations/{oid}/benchmark", json={"opt_in": True})
    assert r.status_code == 422 and r.json()["detail"] == NEEDS_PROFILE


def test_pool_files_are_for_consultants(world):
    for who in ("hr_a", "viewer_a", "hr_c"):
        for url in ("/api/v1/benchmark/export", "/benchmark/export"):
            r = world.client(who).get(url)
            assert r.status_code == 403 and CONSULTANTS_ONLY in r.text
        assert world.client(who).get("/api/v1/benchmark/export").json()["detail"] == CONSULTANTS_ONLY
        assert world.post(who, "/api/v1/benchmark/import", content=b"{}").status_code == 403
        assert world.client(who).get("/benchmark").status_code == 403
    with session_scope(world.app.state.engine) as s:
        hr = s.exec(select(User).where(User.email == "hr_a@example.org")).one()
        with pytest.raises(Forbidden) as info:
            export_file(s, user=hr)
        assert info.value.detail == CONSULTANTS_ONLY
    for url in ("/api/v1/benchmark/export", "/benchmark/export"):
        r = world.client("consultant").get(url)
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        pool = load_benchmark(r.content)
        assert len(pool) == world.client("consultant").get("/api/v1/benchmark").json()["released"]
        assert all(n not in r.text for n in world.orgs)


def test_exported_rows_are_generalized_and_shuffled(world):
    c = world.client("consultant")
    with session_scope(world.app.state.engine) as s:
        released = {e.entry_id: e for e in released_pool(s)}
    files = [c.get("/api/v1/benchmark/export").content for _ in range(3)]
    orders = {tuple(e["entry_id"] for e in json.loads(f)["entries"]) for f in files}
    assert len(orders) > 1  # a random order each time, never the pool's
    pool = load_benchmark(files[0])
    assert {e.entry_id for e in pool} == set(released)
    combos = Counter((e.industry, e.size_band, e.closed_on) for e in pool)
    assert min(combos.values()) >= 5
    profiles = Counter((e.industry, e.size_band) for e in pool)
    # software (4) and finance (3) are rarer than 5 and become "any"; logistics (7) is kept
    assert profiles[(ANY, ANY)] >= 5 and profiles[("logistics", "250-999")] == 7
    for e in pool:
        original = released[e.entry_id]
        for d, a in e.dimensions.items():  # figures kept, answer counts dropped
            assert a.n is None and (a.score, a.structure, a.icc1, a.level) == (
                original.dimensions[d].score,
                original.dimensions[d].structure,
                original.dimensions[d].icc1,
                original.dimensions[d].level,
            )
        assert e.industry in (original.industry, ANY) and e.size_band in (original.size_band, ANY)
        assert e.closed_on == ANY or re.fullmatch(rf"{original.closed_on[:4]}(-Q[1-4])?", e.closed_on)


def test_exported_file_imports_on_another_installation(world, tmp_path, sqlite_template):
    data = world.client("consultant").get("/api/v1/benchmark/export").content
    path = tmp_path / "other.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with session_scope(engine, write=True) as s:
            assert import_file(s, data=data, source="norms") == len(load_benchmark(data))
            assert import_file(s, data=data, source="again") == 0
            pool = released_pool(s)
            generalized = sum(e.industry == ANY for e in pool)
            logistics = sum(e.industry == "logistics" for e in pool)
            assert generalized >= 5 and logistics >= 5
            dx = diagnose(simulate_responses(respondents=60, teams=6, units=1, seed=77))
            org = Organization(name="Elsewhere", industry="Logistics", size_band="250-999")
            result = compare(s, organization=org, diagnosis=dx)
            # a generalized entry counts among all organizations, never in the industry cell
            assert result.cell("direction", "score", "all").n_organizations == len(pool)
            assert result.cell("direction", "score", "industry").n_organizations == logistics
    finally:
        engine.dispose()


def test_import_in_the_ui_and_api(world):
    before = world.client("consultant").get("/api/v1/benchmark").json()
    r = world.post("consultant", "/api/v1/benchmark/import", content=b'{"format": "nope"}')
    assert r.status_code == 422 and r.json()["detail"] == BAD_FILE and r.json()["errors"]
    r = world.post(
        "consultant",
        "/benchmark/import",
        files={"file": ("norms.json", b"[1, 2]", "application/json")},
        data={"source": "norms"},
    )
    assert r.status_code == 422 and BAD_FILE in r.text
    r = world.post(
        "consultant", "/benchmark/import", files={"file": ("big.json", b" " * 1_000_001, "application/json")}
    )
    assert r.status_code in (413, 422)
    assert world.client("consultant").get("/api/v1/benchmark").json() == before
    r = world.post(
        "consultant",
        "/benchmark/import",
        data={"source": "x"},
        files={"file": ("new.json", _entries(5, seed=700), "application/json")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/benchmark?imported=5&lang=en"
    after = world.client("consultant").get("/api/v1/benchmark").json()
    assert after["released"] == before["released"] + 5
    assert "5 new entries imported" in world.client("consultant").get("/benchmark?imported=5").text


def test_withdrawal_removes_the_entries_at_once(world):
    gamma = uuid.UUID(world.orgs["Gamma Finance"])
    with session_scope(world.app.state.engine) as s:
        assert s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.organization_id == gamma)).all()
    r = world.post("hr_c", f"/api/v1/organizations/{gamma}/benchmark", json={"opt_in": False})
    assert r.status_code == 200 and r.json()["opt_in"] is False
    with session_scope(world.app.state.engine) as s:
        assert s.exec(select(BenchmarkEntryRow).where(BenchmarkEntryRow.organization_id == gamma)).all() == []
    assert SIMULATED_SOURCE in world.client("consultant").get("/benchmark").text


def test_dashboard_and_downloads_show_the_benchmark(world):
    c = world.client("hr_a")
    cid = world.campaigns["Alpha Logistics"][-1]
    page = c.get(f"/campaigns/{cid}/results")
    assert page.status_code == 200 and 'data-testid="benchmark"' in page.text
    assert f'href="/campaigns/{cid}/benchmark"' in page.text
    rows = c.get(f"/api/v1/campaigns/{cid}/results/download/csv").text.splitlines()
    assert any(r.startswith("benchmark,all,,direction,score_percentile_rank,") for r in rows)
    beta = world.campaigns["Beta Software"][-1]
    assert world.client("consultant").get(f"/api/v1/campaigns/{beta}/results/download/csv").status_code == 200
