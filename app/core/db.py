"""Engine, sessions and migrations.

SQLite (the default) runs in WAL mode with a busy timeout; transactions are opened
explicitly, ``BEGIN IMMEDIATE`` for a write session so that concurrent writers queue on
the database lock instead of failing half-way. Within one process, writers first queue
on a lock of the engine (a fair queue that holds no connection while it waits, instead
of SQLite's polling busy wait, which a crowd of writers on a loaded machine can outlast);
one that has waited :data:`WRITE_WAIT_S` gets :class:`DatabaseBusy`. PostgreSQL is used
as configured.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
WRITE_WAIT_S = 60
POOL_OVERFLOW = 8
POOL_TIMEOUT_S = 30
WRITE = {"aad_write": True}


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url`` whose pool keeps ``pool_size`` connections (the service
    sizes it to its handler threads, so that no admitted request waits for a
    connection) and lends up to :data:`POOL_OVERFLOW` more to background work; for
    SQLite the file's directory is created if needed."""
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT_S}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **pool)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        **(pool if parsed.database and parsed.database != ":memory:" else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("aad_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    _WRITERS[engine] = threading.Lock()
    return engine


class DatabaseBusy(Exception):
    """A write waited too long for the database (SQLite's single writer)."""


_WRITERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A unit of work: one transaction, committed when the block ends normally and rolled
    back when it raises (docs/architecture.md, "Transactions"). Services never commit;
    the request's session, a command or a background job is the unit. ``write=True``
    takes the write lock at once (SQLite ``BEGIN IMMEDIATE``, after the engine's writer
    queue)."""
    queue = _WRITERS.get(engine) if write else None
    if queue is not None and not queue.acquire(timeout=WRITE_WAIT_S):
        raise DatabaseBusy
    try:
        with Session(engine) as session:
            if write:
                session.connection(execution_options=WRITE)
            try:
                yield session
            except BaseException:
                _discard(session)
                raise
            session.expire_on_commit = False  # what was loaded stays readable after the unit ends
            session.commit()
    finally:
        if queue is not None:
            queue.release()


_AFTER_COMMIT = "aad_after_commit"
_AFTER_ROLLBACK = "aad_after_rollback"


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run ``action`` once the session's transaction has committed, and never if it is
    rolled back: for work that must see the committed rows (a background thread)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def after_rollback(session: Session, action: Callable[[], object]) -> None:
    """Run ``action`` if the session's transaction is rolled back (not a savepoint), and
    never once it has committed: to drop what was cached from rows that did not last."""
    session.info.setdefault(_AFTER_ROLLBACK, []).append(action)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    session.info.pop(_AFTER_ROLLBACK, None)
    for action in session.info.pop(_AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        _undo(session)


def _undo(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    for action in session.info.pop(_AFTER_ROLLBACK, []):
        action()


def _discard(session: Session) -> None:
    """End a failed unit of work: its transaction is rolled back when the session closes,
    which, unlike ``rollback()``, leaves what was loaded readable for the error page."""
    _undo(session)
    session.close()


def lock_key(session: Session, key: uuid.UUID) -> None:
    """Serialize writers that touch ``key`` (e.g. one campaign team) until the end of the
    transaction: a PostgreSQL advisory transaction lock, which leaves no trace in any
    row. On SQLite a write session already holds the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key.int % (1 << 63)})


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (creating the SQLite file if needed)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)
