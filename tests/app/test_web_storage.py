"""Settings, the SQLite set-up, migrations, the CLI and the demo seed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlmodel import SQLModel, func, select

from app.cli import main as aad
from app.core.config import Settings
from app.core.db import make_engine, session_scope, upgrade
from app.demo import DEMO_EMAIL, DEMO_ORG, seed_demo
from app.services.organizations import unit_scope
from app.models import Campaign, Comment, Invitation, Organization, Response, Team
from app.services.users import authenticate


def test_placeholder_or_short_secret_is_refused_outside_development(monkeypatch):
    monkeypatch.delenv("AAD_SECRET_KEY", raising=False)
    monkeypatch.delenv("AAD_BASE_URL", raising=False)
    monkeypatch.delenv("AAD_ENV", raising=False)
    with pytest.raises(ValidationError, match="AAD_SECRET_KEY is the placeholder"):
        Settings()
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(secret_key="short")
    assert Settings(env="development").development
    monkeypatch.setenv("AAD_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("AAD_BASE_URL", "https://survey.example.org")
    monkeypatch.setenv("AAD_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = Settings()
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@h/db" and settings.cookie_secure


def test_the_public_address_is_required_outside_development(monkeypatch, tmp_path, capsys):
    """Survey links start with AAD_BASE_URL; without it (or with a plain http:// address)
    the service refuses to start outside development, naming the setting."""
    monkeypatch.delenv("AAD_BASE_URL", raising=False)
    monkeypatch.setenv("AAD_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("AAD_ENV", "production")
    monkeypatch.setenv("AAD_DATA_DIR", str(tmp_path))
    with pytest.raises(ValidationError, match="AAD_BASE_URL is not set; set the public address"):
        Settings()
    for bad, message in (
        ("http://survey.example.org", "must start with https://"),
        ("survey.example.org", "must be an address like"),
        ("https://x.org/?a=1", "no query"),
        ("https://user@x.org", "must be an address like"),
        ("https://[::1", "must be an address"),
    ):
        with pytest.raises(ValidationError, match=message):
            Settings(base_url=bad)
    assert Settings(base_url="https://survey.example.org/aad/").base_url == "https://survey.example.org/aad"
    assert aad(["serve"]) == 2
    assert "AAD_BASE_URL is not set" in capsys.readouterr().err
    dev = Settings(env="development", trusted_hosts="localhost, aad.test", base_url="http://[::1]:8000")
    assert dev.allowed_hosts == ["localhost", "aad.test", "[::1]"]


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path):
    settings = Settings(env="development", data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'aad.db'}"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_immediate_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with session_scope(engine, write=True) as session:
        session.connection()
        other = sqlite3.connect(tmp_path / "a.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # the write session holds the write lock from its start
        other.close()
    engine.dispose()


def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_responses_and_comments_have_no_rowid_on_sqlite(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite storage detail")
    conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    conn.close()
    assert sql["response"].rstrip().endswith("WITHOUT ROWID")
    assert sql["comment"].rstrip().endswith("WITHOUT ROWID")


def test_cli_db_upgrade_and_user_add(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AAD_ENV", "development")
    monkeypatch.setenv("AAD_DATA_DIR", str(tmp_path))
    assert aad(["db", "upgrade"]) == 0
    assert "database is up to date" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("a long password\n"))
    assert aad(["user", "add", "new@example.org", "--consultant-of", "Client A"]) == 0
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("a long password\n"))
    assert aad(["user", "add", "new@example.org"]) == 2
    assert "a user with this e-mail exists already" in capsys.readouterr().err


def test_cli_refuses_the_placeholder_secret(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AAD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "db", "upgrade"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "AAD_SECRET_KEY is the placeholder" in proc.stderr


def test_demo_seed_is_idempotent_and_prints_working_links(tmp_path):
    settings = Settings(env="development", data_dir=tmp_path)
    upgrade(settings.sqlalchemy_url)
    first = seed_demo(settings=settings)
    second = seed_demo(settings=settings)
    assert first.password == second.password and first.links == second.links
    assert {link["kind"] for link in first.links} == {"personal", "open"}
    engine = make_engine(settings.sqlalchemy_url)
    with session_scope(engine) as session:
        assert authenticate(session, email=DEMO_EMAIL, password=first.password) is not None
        viewer = authenticate(session, email=first.unit_viewer, password=first.password)
        assert (
            viewer is not None
            and unit_scope(
                session,
                user=viewer,
                organization=session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one(),
            )
            == "Technology"
        )
        assert session.exec(select(func.count()).select_from(Organization)).one() == 4  # demo + 3 clients
        demo = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
        assert (
            20
            <= session.exec(select(func.count()).select_from(Team).where(Team.organization_id == demo.id)).one()
            <= 30
        )
        statuses = sorted(
            c.status.value for c in session.exec(select(Campaign).where(Campaign.organization_id == demo.id)).all()
        )
        assert statuses == ["closed", "closed", "closed", "closed", "closed", "open"]
        assert session.exec(select(func.count()).select_from(Response)).one() > 100
        assert session.exec(select(func.count()).select_from(Comment)).one() > 0
        assert session.exec(select(func.count()).select_from(Invitation).where(~Invitation.used)).one() > 100
    engine.dispose()
    assert (tmp_path / "demo.json").stat().st_mode & 0o077 == 0


def test_access_log_never_shows_survey_tokens():
    import logging

    from app.main import RedactSurveyTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.1:5000", "GET", "/s/AbCdEf123-_xyz?lang=de", "1.1", 303),
        None,
    )
    RedactSurveyTokens().filter(record)
    assert "AbCdEf" not in record.getMessage() and "/s/…?lang=de" in record.getMessage()


def test_serve_refuses_several_workers_on_sqlite(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AAD_ENV", "development")
    monkeypatch.setenv("AAD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AAD_DATABASE_URL", raising=False)
    assert aad(["serve", "--workers", "2"]) == 2
    assert "--workers above 1 needs PostgreSQL" in capsys.readouterr().err
