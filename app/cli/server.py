"""``aad serve``, ``aad demo reset``, ``aad db upgrade`` and ``aad user add``.

``aad serve --demo`` keeps everything of the demo — its SQLite database, secret key,
password and report files — in a directory of its own (``AAD_DEMO_DIR``, default
``.aad-demo`` in the current directory, i.e. the checkout for ``make run``), whatever
``AAD_DATA_DIR`` or ``AAD_DATABASE_URL`` say: the demo organization and its accounts
never enter a real installation's database. ``aad demo reset`` deletes that directory.
"""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

from app.cli import CLIError

SECRET_FILE = "secret-key"
DEMO_DIR = ".aad-demo"
#: marks a directory as the demo's, so that ``aad demo reset`` never deletes another one
DEMO_MARKER = "AAD-DEMO-DIRECTORY"


def register(sub) -> None:
    serve = sub.add_parser("serve", help="start the web service (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (use PostgreSQL for more than 1)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="development mode with a seeded demo organization; prints a login and survey links",
    )
    serve.set_defaults(handler=_serve)

    demo = sub.add_parser("demo", help="the demo's own data directory")
    demo_actions = demo.add_subparsers(dest="action", required=True, metavar="ACTION")
    demo_actions.add_parser(
        "reset",
        help=f"delete the demo's data (AAD_DEMO_DIR, default ./{DEMO_DIR}); the next "
        "`aad serve --demo` seeds a fresh demo",
    ).set_defaults(handler=_demo_reset)

    db = sub.add_parser("db", help="database schema")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_actions.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=_db_upgrade)

    user = sub.add_parser("user", help="user accounts")
    user_actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = user_actions.add_parser("add", help="create a user (the password is read from the terminal or stdin)")
    add.add_argument("email")
    add.add_argument(
        "--consultant-of",
        metavar="ORGANIZATION_NAME",
        help="also make the user a consultant of a new organization with this name",
    )
    add.set_defaults(handler=_user_add)
    reset = user_actions.add_parser(
        "reset-password",
        help="set a new password for a user and end their login sessions (the password is read "
        "from the terminal or stdin)",
    )
    reset.add_argument("email")
    reset.set_defaults(handler=_user_reset_password)


def _settings():
    from pydantic import ValidationError

    from app.core.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        raise CLIError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None


def demo_dir() -> Path:
    return Path(os.environ.get("AAD_DEMO_DIR") or DEMO_DIR).absolute()


def _demo_environment() -> Path:
    """Development mode in the demo's own directory (module docstring), with a secret
    generated once and kept next to the SQLite file."""
    data_dir = demo_dir()
    if data_dir.exists() and any(data_dir.iterdir()) and not (data_dir / DEMO_MARKER).exists():
        raise CLIError(f"{data_dir} is not empty and not a demo directory; set AAD_DEMO_DIR to another one")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARKER).write_text("The data of `aad serve --demo`; `aad demo reset` deletes it.\n")
    os.environ["AAD_DATABASE_URL"] = f"sqlite:///{data_dir / 'aad.db'}"
    secret_file = data_dir / SECRET_FILE
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    os.environ["AAD_ENV"] = "development"
    os.environ["AAD_DATA_DIR"] = str(data_dir)
    os.environ["AAD_SECRET_KEY"] = secret_file.read_text().strip()
    os.environ.pop("AAD_PREVIOUS_SECRET_KEYS", None)
    return data_dir


def _demo_reset(args) -> int:
    data_dir = demo_dir()
    if not data_dir.exists():
        print(f"no demo data in {data_dir}")
        return 0
    if not (data_dir / DEMO_MARKER).exists():
        raise CLIError(f"{data_dir} is not a demo directory (no {DEMO_MARKER} file); nothing was deleted")
    shutil.rmtree(data_dir)
    print(f"deleted the demo data in {data_dir}")
    return 0


def _check_port_free(host: str, port: int) -> None:
    """Refuse at once (before seeding and printing a login) when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CLIError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with "
                f"--port (make run PORT=…) or another interface with --host (make run HOST=…)"
            ) from None


def _serve(args) -> int:
    import uvicorn

    if not 0 < args.port < 65536:
        raise CLIError(f"--port: {args.port} is not a port number")
    _check_port_free(args.host, args.port)
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
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        server_header=False,
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
            if args.consultant_of:
                from app.models import Role

                create_organization(session, user=user, name=args.consultant_of, creator_role=Role.consultant)
    except ServiceError as exc:
        raise CLIError(exc.detail) from None
    finally:
        engine.dispose()
    print(f"user {args.email} created")
    return 0
