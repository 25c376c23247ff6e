"""Emptying the shared PostgreSQL test database between tests and modules."""

import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

ATTEMPTS = 5


def truncate_postgres(url: str) -> None:
    """Delete every row of every table except Alembic's version table. A background
    diagnosis that a closing started may still be reading; where PostgreSQL resolves the
    lock conflict by aborting the truncation, it is tried again."""
    engine = create_engine(url)
    try:
        for attempt in range(ATTEMPTS):
            try:
                with engine.begin() as conn:
                    tables = (
                        conn.execute(
                            text(
                                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                            )
                        )
                        .scalars()
                        .all()
                    )
                    if tables:
                        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
                return
            except OperationalError as exc:
                if "deadlock detected" not in str(exc) or attempt == ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
    finally:
        engine.dispose()
