"""Texts of ``analysis`` in the product's translation catalogue.

The texts that ``analysis`` writes into figures and narratives are English catalogue
messages, marked with :func:`N_` (or, with a plural, written as the first two arguments of
:func:`ntranslate`; ``scripts/messages`` extracts both with the rest of the product's
messages, docs/architecture.md "Languages"); :func:`translate` and :func:`ntranslate` give
them in another language from the catalogue's ``.po`` file, which ships in the same
distribution (``app/locale/<lang>/LC_MESSAGES/messages.po``), with the plural forms of that
language. ``analysis`` imports nothing from ``app``: without the file a text stays English.

The ``.po`` file is read here and compiled in memory, once per process (about 10 ms,
where Babel's reader with its import takes 60–70 ms); it is what ``scripts/messages``
writes (``pybabel update``), and ``tests/analysis/test_translate.py`` checks that every
message translates as Babel's compilation of the same file gives it.
"""

from __future__ import annotations

import functools
import gettext
import re
import struct
from io import BytesIO
from pathlib import Path

from analysis.messages import N_

__all__ = [
    "LANGUAGES",
    "N_",
    "PLURAL_FORMS",
    "compile_po",
    "ntranslate",
    "po_path",
    "translate",
    "translated",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "app" / "locale"
#: The languages of the product, English (the message ids) first.
LANGUAGES = ("en", "de")
#: The plural rule of each translated language (gettext's ``Plural-Forms``, as Babel has it).
PLURAL_FORMS = {"de": "nplurals=2; plural=(n != 1);"}


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
    return gettext.GNUTranslations(BytesIO(compile_po(path.read_text(encoding="utf-8"), PLURAL_FORMS[lang])))


_ESCAPE = re.compile(r'\\([\\trn"])')
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}
_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _unquote(quoted: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), quoted[1:-1])


def _entries(text: str) -> list[dict[str, str]]:
    """The entries of a ``.po`` file, keyword → string (``msgstr[i]`` under that name),
    without the fuzzy and the obsolete (``#~``) ones, which are not compiled."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    flags: set[str] = set()
    key = None
    for line in text.splitlines():
        line = line.strip()
        match = _KEYWORD.match(line)
        starts = not line or line.startswith("#") or (match is not None and match.group(1) in ("msgctxt", "msgid"))
        if starts and any(k.startswith("msgstr") for k in entry):
            if "fuzzy" not in flags:
                entries.append(entry)
            entry, flags = {}, set()
        if not line:
            entry, flags = {}, set()
        if line.startswith("#,"):
            flags.update(f.strip() for f in line[2:].split(","))
        if match is not None:
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key is not None:
            entry[key] += _unquote(line)
        else:
            key = None
    if any(k.startswith("msgstr") for k in entry) and "fuzzy" not in flags:
        entries.append(entry)
    return entries


def compile_po(text: str, plural_forms: str) -> bytes:
    """A ``.po`` file's text as a GNU ``.mo`` catalogue, as Babel's ``write_mo`` writes it:
    untranslated and fuzzy messages left out, an untranslated plural form falling back to
    the English one, and a header with the language's ``plural_forms``."""
    n_plurals = int(plural_forms.partition("nplurals=")[2].partition(";")[0])
    messages = {"": f"Content-Type: text/plain; charset=utf-8\nPlural-Forms: {plural_forms}\n"}
    for e in _entries(text):
        key = e.get("msgid", "")
        if "msgid_plural" in e:
            ids = (key, e["msgid_plural"])
            key = "\0".join(ids)
            string = "\0".join(e.get(f"msgstr[{i}]") or ids[min(i, 1)] for i in range(n_plurals))
        else:
            string = e.get("msgstr", "")
        if "msgctxt" in e:
            key = f"{e['msgctxt']}\x04{key}"
        if key and string:  # the file's own header ("") gives way to the language's rule
            messages[key] = string
    keys = sorted(messages)
    blobs = [k.encode() for k in keys] + [messages[k].encode() for k in keys]
    table: list[int] = []
    offset = 7 * 4 + 16 * len(keys)  # the header, the two index tables, then the strings
    for b in blobs:
        table += [len(b), offset]
        offset += len(b) + 1
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return head + struct.pack(f"<{len(table)}I", *table) + b"".join(b + b"\0" for b in blobs)


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
