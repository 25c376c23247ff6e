"""Texts of ``analysis`` that people read, marked for the application's translation
catalogue (``scripts/messages`` extracts every ``N_("…")``); ``analysis`` itself stays
English and free of the application: whoever shows a text translates it."""

from __future__ import annotations

__all__ = ["N_", "CodedError"]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


class CodedError(ValueError):
    """A refusal that a person can act on: ``message`` (English, ``%(name)s``
    placeholders, marked with :func:`N_`) with its ``params``, and ``where`` (the
    argument concerned). ``str()`` is the English text ``"where: message"``."""

    def __init__(self, where: str, message: str, **params: object) -> None:
        self.where, self.message, self.params = where, message, params
        super().__init__(f"{where}: {message % params}")
