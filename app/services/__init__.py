"""Service functions: keyword-only, given a session, raising :class:`ServiceError`."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; ``detail`` is the fixed text shown to the user."""

    status_code = 400

    def __init__(self, detail: str, *, errors: list[str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Invalid(ServiceError):
    status_code = 422
