"""Service functions: keyword-only, given a session, raising :class:`ServiceError`."""

from __future__ import annotations

from collections.abc import Sequence

from app.problems import Problem


class ServiceError(Exception):
    """A request that cannot be carried out: ``problem`` (a code with parameters, or a
    fixed message) and, where the input had several, each in ``problems``. ``detail``
    and ``errors`` are their stable English texts (the API's answer); pages show them
    translated (:meth:`app.problems.Problem.text`)."""

    status_code = 400

    def __init__(self, detail: Problem | str, *, errors: Sequence[Problem | str] | None = None):
        self.problem = Problem.of(detail)
        self.problems = [Problem.of(e) for e in errors or []]
        self.detail = self.problem.english()
        self.errors = [p.english() for p in self.problems]
        super().__init__(self.detail)


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Invalid(ServiceError):
    status_code = 422
