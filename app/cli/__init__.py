"""The ``aad`` command line.

Each sub-command lives in its own module with a ``register(subparsers)`` function;
handlers return an exit code and raise :class:`CLIError` for a user-facing failure
(printed as ``aad: error: …``, exit code 2). Every output file is written with
:func:`write_output`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

COMMAND_MODULES = ("app.cli.questionnaire", "app.cli.server", "app.cli.offline", "app.cli.benchmark")


class CLIError(Exception):
    """A failure caused by the user's input; the message is shown as is."""


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def check_output_path(path: str) -> None:
    """Refuse (exit 2) an output path that is not a regular file or a new path in an
    existing directory; commands call it before their work, :func:`write_output` again."""
    parent = Path(path).parent
    if not parent.is_dir():
        raise CLIError(f"{path}: the directory {str(parent)!r} does not exist")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CLIError(f"{path}: cannot write ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise CLIError(f"{path}: is {kind}; nothing was written (give a new path or a regular file)")


def write_output(path: str, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(binary_file)`` on a temporary file next to ``path``, then rename it
    to ``path``, so that a failure never leaves a partial file. ``path`` must be new or a
    regular file: a directory, symbolic link, device, FIFO or socket is refused (exit 2)
    and never replaced."""
    check_output_path(path)
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise CLIError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        check_output_path(path)  # again, in case it was replaced meanwhile
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CLIError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aad", description="Aligned Autonomy Diagnostic: survey, statistics and reports."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CLIError as exc:
        print(f"aad: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aad: interrupted", file=sys.stderr)
        return 130
