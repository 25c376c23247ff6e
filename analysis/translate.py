"""Texts of ``analysis`` in the product's translation catalogue.

The texts that ``analysis`` writes into figures and narratives are English catalogue
messages, marked with :func:`N_` (or, with a plural, written as the first two arguments of
:func:`ntranslate`; ``scripts/messages`` extracts both with the rest of the product's
messages, docs/architecture.md "Languages"); :func:`translate` and :func:`ntranslate` give
them in another language from the catalogue's ``.po`` file, which ships in the same
distribution (``app/locale/<lang>/LC_MESSAGES/messages.po``), with the plural forms of that
language. ``analysis`` imports nothing from ``app``: without the file a text stays English.
"""

from __future__ import annotations

import functools
import gettext
from io import BytesIO
from pathlib import Path

from analysis.messages import N_

__all__ = ["LANGUAGES", "N_", "ntranslate", "po_path", "translate", "translated", "translations"]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "app" / "locale"
#: The languages of the product, English (the message ids) first.
LANGUAGES = ("en", "de")


def po_path(lang: str) -> Path:
    """The catalogue file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``, read once per process for ``analysis`` and the
    application alike (English, or no file: the message ids themselves)."""
    path = po_path(lang)
    if lang == LANGUAGES[0] or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


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
