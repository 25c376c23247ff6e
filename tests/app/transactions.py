"""Counting the commits of the sessions that requests open: a request is one unit of
work, so its session commits at most once (docs/architecture.md, "Transactions")."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session


def _caller() -> str:
    """Where in the product the commit came from: the innermost frame of ``app/`` (the
    stack is walked without reading source files: this runs at every commit)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if f"{os.sep}app{os.sep}" in name and "tests" not in name and not name.endswith(f"core{os.sep}db.py"):
            return f"{name}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return "outside app/"


class RequestCommits:
    """While active, marks the sessions that ``module``'s ``session_scope`` opens (the
    request dependencies in :mod:`app.deps`) and records each one that commits twice."""

    def __init__(self, monkeypatch, module):
        self.violations: list[str] = []
        self.key = f"aad_test_request_{id(self)}"
        original = module.session_scope

        @contextmanager
        def marked(engine, **kw):
            with original(engine, **kw) as session:
                session.info[self.key] = []
                yield session

        monkeypatch.setattr(module, "session_scope", marked)

    def _committed(self, session: Session) -> None:
        if self.key in session.info and not session.in_nested_transaction():
            session.info[self.key].append(_caller())
            if len(session.info[self.key]) > 1:
                self.violations.append(" then ".join(session.info[self.key]))

    def __enter__(self) -> RequestCommits:
        event.listen(Session, "after_commit", self._committed)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(Session, "after_commit", self._committed)
