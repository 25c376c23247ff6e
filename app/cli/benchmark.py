"""``aad benchmark export FILE`` and ``aad benchmark import FILE``: the benchmark pool as
a versioned file of organization-level aggregates (see :mod:`app.services.benchmarks`).
The export is the operator's: it needs no account, and writes the same generalized file
as a consultant's download (refused while fewer than 5 entries are released)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli import CLIError, check_output_path, write_output


def register(sub) -> None:
    bench = sub.add_parser("benchmark", help="export or import the benchmark pool")
    actions = bench.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the released benchmark pool to FILE ('-' for stdout), "
        "industry, size band and closing date generalized",
    )
    export.add_argument("file", metavar="FILE")
    export.set_defaults(handler=_export)
    imp = actions.add_parser("import", help="add the entries of a benchmark FILE (pending until released)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--source", default="", help="label of the file's origin (default: the file name)")
    imp.set_defaults(handler=_import)


def _run(action):
    from app.cli.server import _settings
    from app.core.db import make_engine, session_scope, upgrade
    from app.services import ServiceError

    settings = _settings()
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine, write=True) as session:
            return action(session)
    except ServiceError as exc:
        raise CLIError("; ".join([exc.detail, *exc.errors])) from None
    finally:
        engine.dispose()


def _export(args) -> int:
    from app.services.benchmarks import export_file, pool_status, sync_pool

    if args.file != "-":
        check_output_path(args.file)

    def action(session):
        sync_pool(session)
        return export_file(session, user=None), pool_status(session)["released"]

    data, count = _run(action)
    if args.file == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_output(args.file, lambda fh: fh.write(data))
    print(f"{count} benchmark entries written to {args.file}")
    return 0


def _import(args) -> int:
    from analysis.benchmark import MAX_FILE_BYTES
    from app.services.benchmarks import import_file, pool_status

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CLIError(f"{args.file}: the file is larger than {MAX_FILE_BYTES:,} bytes; nothing was imported")
        data = path.read_bytes()
    except OSError as exc:
        raise CLIError(f"{args.file}: cannot read ({exc.strerror})") from None

    def action(session):
        return import_file(session, data=data, source=args.source or path.name), pool_status(session)

    try:
        added, status = _run(action)
    except CLIError as exc:
        raise CLIError(f"{args.file}: {exc}; nothing was imported") from None
    print(
        f"{added} new benchmark entries imported from {args.file}; "
        f"{status['released']} released, {status['pending']} pending"
    )
    return 0
