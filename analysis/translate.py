"""Texts of ``analysis`` in the product's translation catalogue.

The texts that ``analysis`` writes into figures and narratives are English catalogue
messages, marked with :func:`N_` (or, with a plural, written as the first two arguments of
:func:`ntranslate`; ``scripts/messages`` extracts both with the rest of the product's
messages, docs/architecture.md "Languages"); :func:`translate` and :func:`ntranslate` give
them in another language from the catalogue, which ships in the same distribution
(``app/locale/<lang>/LC_MESSAGES/messages.po``), with the plural forms of that language.
``analysis`` imports nothing from ``app``: without the file a text stays English.

The compiled catalogue (``messages.mo`` beside the ``.po``, written by
:func:`compile_catalogue` from ``scripts/messages``) is read by the standard library's
``gettext``, once per process (about 1 ms, where compiling the ``.po`` with Babel takes
60–70 ms); ``tests/analysis/test_translate.py`` fails when it is older than its ``.po``.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

from analysis.messages import N_

__all__ = [
    "LANGUAGES",
    "N_",
    "compile_catalogue",
    "mo_path",
    "ntranslate",
    "po_path",
    "translate",
    "translated",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "app" / "locale"
#: The languages of the product, English (the message ids) first.
LANGUAGES = ("en", "de")


def po_path(lang: str) -> Path:
    """The catalogue file of ``lang`` (the translators' text)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def mo_path(lang: str) -> Path:
    """The compiled catalogue of ``lang``."""
    return po_path(lang).with_suffix(".mo")


def compile_catalogue(lang: str) -> bytes:
    """The ``.po`` file of ``lang`` compiled by Babel (fuzzy and untranslated messages left
    out), as ``messages.mo`` holds it."""
    from datetime import datetime, timezone
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    # the .po has no header, so Babel would date the file now: a fixed date makes the
    # compiled file depend on the .po alone
    catalog.creation_date = catalog.revision_date = datetime(2000, 1, 1, tzinfo=timezone.utc)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``, read once per process for ``analysis`` and the
    application alike (English, or no file: the message ids themselves)."""
    path = mo_path(lang)
    if lang == LANGUAGES[0] or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        return gettext.GNUTranslations(f)


def translate(message: str, lang: str) -> str:
    """``message`` (an English catalogue message) in ``lang``; English where the
    catalogue has no translation."""
    return translations(lang).gettext(message)


def ntranslate(singular: str, plural: str, n: int, lang: str) -> str:
    """The form of a plural catalogue message for ``n`` in ``lang`` (``singular`` and
    ``plural`` are the English forms; English where the catalogue has no translation)."""
    return translations(lang).ngettext(singular, plural, n)


def translated(texts: dict[str, str], lang: str) -> dict[str, str]:
    """A table of catalogue messages (key → English text) in ``lang``."""
    return {key: translate(text, lang) for key, text in texts.items()}
