"""Texts of ``analysis`` in the product's translation catalogue.

The texts that ``analysis`` writes into figures are English catalogue messages, marked
with :func:`N_` (``scripts/messages`` extracts them with the rest of the product's
messages, docs/architecture.md "Languages"); :func:`translate` gives them in another
language from the catalogue's ``.po`` file, which ships in the same distribution
(``app/locale/<lang>/LC_MESSAGES/messages.po``). ``analysis`` imports nothing from
``app``: without the file a text stays English.
"""

from __future__ import annotations

import functools
from pathlib import Path

from analysis.messages import N_

__all__ = ["N_", "translate", "translated"]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "app" / "locale"


@functools.cache
def _messages(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    }


def translate(message: str, lang: str) -> str:
    """``message`` (an English catalogue message) in ``lang``; English where the
    catalogue has no translation."""
    return _messages(lang).get(message, message)


def translated(texts: dict[str, str], lang: str) -> dict[str, str]:
    """A table of catalogue messages (key → English text) in ``lang``."""
    return {key: translate(text, lang) for key, text in texts.items()}
