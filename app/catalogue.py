"""The translation catalogue: gettext messages in ``app/locale/<lang>/LC_MESSAGES/messages.po``.

The English text is the message id; each other language has a ``.po`` file, read with
Babel and compiled in memory when first used (no build step, no binary in the tree).
Templates use ``{% trans %}`` / ``_()`` (Jinja's i18n extension), Python code
:func:`gettext`; both follow the language of the request being rendered, set with
:func:`use_language` (docs/architecture.md, "Languages"). ``scripts/messages`` extracts
the messages and updates the catalogue; a test fails when a message lacks a translation.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_decimal

from analysis.translate import translations
from app.i18n import LANGUAGES

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=LANGUAGES[0])


def current_language() -> str:
    return _language.get()


@contextmanager
def use_language(lang: str):
    """Translate into ``lang`` inside the block (templates rendered in it included)."""
    token = _language.set(lang if lang in LANGUAGES else LANGUAGES[0])
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here (it is translated
    where it is shown)."""
    return message


def format_number(x, decimals: int = 0, lang: str | None = None) -> str:
    """``x`` with ``decimals`` fixed decimals in the conventions of ``lang`` (decimal
    comma and thousands separator in German); ``–`` when missing."""
    if x is None or x != x:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(x, format=pattern, locale=lang or _language.get()).replace("-", "−")


def format_signed(x, decimals: int = 1, lang: str | None = None) -> str:
    """``x`` with its sign (``+2.5``, ``−1,0``) in the conventions of ``lang``."""
    text = format_number(x, decimals, lang)
    return text if text == "–" or text.startswith("−") or x == 0 else f"+{text}"


def format_percent(share, decimals: int = 0, lang: str | None = None) -> str:
    """A share (0–1) as a percentage in the conventions of ``lang`` (``87 %``, ``12,5 %``);
    ``–`` when missing."""
    if share is None or share != share:
        return "–"
    return f"{format_number(100 * share, decimals, lang)}\u00a0%"


def format_date(day, lang: str | None = None, form: str = "medium") -> str:
    """``day`` (a date or datetime) in the conventions of ``lang`` (``3 Dec 2026``,
    ``03.12.2026``); ``–`` when missing."""
    if day is None:
        return "–"
    return _format_date(day, format=form, locale=lang or _language.get())


def format_datetime(moment, lang: str | None = None) -> str:
    """``moment`` (a datetime) to the minute in the conventions of ``lang``
    (``Dec 3, 2026, 9:05 AM``, ``03.12.2026, 09:05``); ``–`` when missing."""
    if moment is None:
        return "–"
    locale = Locale.parse(lang or _language.get())
    pattern = f"{locale.date_formats['medium'].pattern}, {locale.time_formats['short'].pattern}"
    return _format_datetime(moment, format=pattern, locale=locale)


class Localized(Mapping[str, str]):
    """A catalogue message read per language: ``msg["de"]`` is its German translation
    (the message id itself in English); an unknown language is a ``KeyError``. For the
    tables that reports and pages read as ``TEXTS[key][lang]``."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return translations(lang).gettext(self.message)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __repr__(self) -> str:
        return f"L({self.message!r})"


def L(message: str) -> Localized:  # noqa: N802 - reads like the N_() it wraps
    """The catalogue message ``message`` (marked with ``N_()``) per language."""
    return Localized(message)
