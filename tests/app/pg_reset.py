"""Emptying the shared PostgreSQL test database between tests and modules."""

from sqlalchemy import create_engine, text


def truncate_postgres(url: str) -> None:
    """Delete every row of every table except Alembic's version table."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()
