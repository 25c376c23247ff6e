"""The ``aad`` command line.

Each sub-command lives in its own module with a ``register(subparsers)`` function;
handlers return an exit code and raise :class:`CLIError` for a user-facing failure
(printed as ``aad: error: …``, exit code 2).
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = ("app.cli.questionnaire", "app.cli.server", "app.cli.offline", "app.cli.benchmark")


class CLIError(Exception):
    """A failure caused by the user's input; the message is shown as is."""


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

