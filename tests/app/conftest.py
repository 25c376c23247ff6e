"""Web tests run on the real app against a temporary database: every test that uses
``database_url`` runs on SQLite (a temp file) and, when ``AAD_TEST_POSTGRES_URL`` is set,
on PostgreSQL too (a fresh database per test session, emptied after each test and dropped
at the end). With ``AAD_REQUIRE_POSTGRES=1`` an unreachable server fails the run."""

from __future__ import annotations

import os
import secrets
import shutil

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import deps
from app.core import security
from app.core.db import upgrade
from transactions import RequestCommits
from app.main import create_app
from pg_reset import truncate_postgres
from web_helpers import Admin, make_admin, make_settings, new_client


def _postgres_unavailable(reason: str):
    if os.environ.get("AAD_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"AAD_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "aad.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    base = os.environ.get("AAD_TEST_POSTGRES_URL")
    if not base:
        _postgres_unavailable("AAD_TEST_POSTGRES_URL is not set")
    name = f"aad_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure
        admin.dispose()
        _postgres_unavailable(f"PostgreSQL at {make_url(base).render_as_string()} is unreachable: {exc}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, sqlite_template):
    """A migrated, empty database: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "aad.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        truncate_postgres(url)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """argon2id with small costs: the tests log in hundreds of times."""
    monkeypatch.setattr(security, "_password_hash", PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024),)))


@pytest.fixture(autouse=True)
def _one_transaction_per_request(monkeypatch):
    """Every request in every web test is one unit of work: a session opened for a
    request that commits more than once fails the test (docs/architecture.md,
    "Transactions")."""
    with RequestCommits(monkeypatch, deps) as commits:
        yield
    assert not commits.violations, f"requests that committed more than once: {commits.violations}"


@pytest.fixture
def app(database_url):
    application = create_app(make_settings(database_url))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app):
    return new_client(app)


@pytest.fixture
def admin(app) -> Admin:
    return make_admin(app)
