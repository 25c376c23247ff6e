"""``aad serve``, ``aad db upgrade`` and ``aad user add``."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path

from pydantic import ValidationError

from app.cli import CLIError

SECRET_FILE = "secret-key"


def register(sub) -> None:
    serve = sub.add_parser("serve", help="start the web service (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (use PostgreSQL for more than 1)")
    serve.add_argument("--demo", action="store_true",
                       help="development mode with a seeded demo organization; prints a login and survey links")
    serve.set_defaults(handler=_serve)

    db = sub.add_parser("db", help="database schema")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_actions.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=_db_upgrade)

    user = sub.add_parser("user", help="user accounts")
    user_actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = user_actions.add_parser("add", help="create a user (the password is read from the terminal or stdin)")
    add.add_argument("email")
    add.add_argument("--consultant-of", metavar="ORGANIZATION_NAME",
                     help="also make the user a consultant of a new organization with this name")
    add.set_defaults(handler=_user_add)
    reset = user_actions.add_parser(
        "reset-password", help="set a new password for a user and end their login sessions (the password is read "
                               "from the terminal or stdin)")
    reset.add_argument("email")
    reset.set_defaults(handler=_user_reset_password)


def _settings():
    from app.core.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        raise CLIError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None


def _demo_environment() -> Path:
    """Development mode with a secret generated once and kept next to the SQLite file."""
    from app.core.config import default_data_dir

    data_dir = Path(os.environ.get("AAD_DATA_DIR") or default_data_dir())
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_file = data_dir / SECRET_FILE
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    os.environ["AAD_ENV"] = "development"
    os.environ["AAD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("AAD_SECRET_KEY", secret_file.read_text().strip())
    return data_dir


def _serve(args) -> int:
    import uvicorn

    if not 0 < args.port < 65536:
        raise CLIError(f"--port: {args.port} is not a port number")
    if args.demo:
        _demo_environment()
    settings = _settings()
    if args.workers > 1 and settings.sqlalchemy_url.startswith("sqlite"):
        raise CLIError("--workers above 1 needs PostgreSQL (AAD_DATABASE_URL)")
    from app.core.db import upgrade

    upgrade(settings.sqlalchemy_url)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    base_url = settings.base_url or f"http://{host}:{args.port}"
    if args.demo:
        from app.demo import seed_demo

        info = seed_demo(settings=settings)
        print(f"Demo ready: {base_url}/login")
        print(f"  e-mail:   {info.email}")
        print(f"  password: {info.password}")
        print(f"  viewer of the unit Technology only: {info.unit_viewer} (same password)")
        for link in info.links:
            print(f"  survey link ({link['kind']}, {link['team']}): {base_url}/s/{link['token']}")
        sys.stdout.flush()
    os.environ["AAD_MIGRATE_ON_START"] = "0"
    uvicorn.run(
        "app.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
        proxy_headers=True, server_header=False,
    )
    return 0


def _db_upgrade(args) -> int:
    from app.core.db import upgrade

    settings = _settings()
    upgrade(settings.sqlalchemy_url)
    print(f"database is up to date ({_describe(settings.sqlalchemy_url)})")
    return 0


def _describe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _read_password() -> str:
    """From the terminal (asked twice) or the first line of stdin."""
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise CLIError("the passwords differ")
        return password
    return sys.stdin.readline().rstrip("\n")


def _user_reset_password(args) -> int:
    from app.core.db import make_engine, session_scope, upgrade
    from app.services import ServiceError
    from app.services.users import reset_password

    settings = _settings()
    upgrade(settings.sqlalchemy_url)
    password = _read_password()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine, write=True) as session:
            reset_password(session, email=args.email, password=password)
    except ServiceError as exc:
        raise CLIError(exc.detail) from None
    finally:
        engine.dispose()
    print(f"password of {args.email} reset; their login sessions have ended")
    return 0


def _user_add(args) -> int:
    from app.core.db import make_engine, session_scope, upgrade
    from app.services import ServiceError
    from app.services.organizations import create_organization
    from app.services.users import create_user

    settings = _settings()
    upgrade(settings.sqlalchemy_url)
    password = _read_password()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine, write=True) as session:
            user = create_user(session, email=args.email, password=password)
            session.commit()
            if args.consultant_of:
                from app.models import Role

                create_organization(session, user=user, name=args.consultant_of, creator_role=Role.consultant)
    except ServiceError as exc:
        raise CLIError(exc.detail) from None
    finally:
        engine.dispose()
    print(f"user {args.email} created")
    return 0
