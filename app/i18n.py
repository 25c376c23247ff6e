"""The choice of language: the languages offered, the negotiation (``?lang=``, the
remembered choice, the browser's preference) and the links to a page in each language.
The texts themselves are in the translation catalogue (:mod:`app.catalogue`)."""

from __future__ import annotations

from collections.abc import Mapping

from urllib.parse import urlencode

from analysis.translate import LANGUAGES

#: Each language by its own name (the language switch shows them untranslated).
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
#: Cookie that remembers an explicit choice of language (``?lang=``).
LANGUAGE_COOKIE = "aad_lang"


def translator(lang: str, *tables: Mapping[str, Mapping[str, str]]):
    """``tx(key, **values)``: the text ``key`` in ``lang`` from the first of ``tables``
    that has it, with ``values`` filled in (for the modules whose texts have not yet
    moved into the catalogue)."""

    def tx(key: str, **values) -> str:
        for table in tables:
            if key in table:
                text = table[key].get(lang, table[key]["en"])
                return text.format(**values) if values else text
        raise KeyError(key)

    return tx


def language_links(path: str, query: list[tuple[str, str]]) -> dict[str, str]:
    """The address of the page at ``path`` in each language, keeping every other
    parameter of ``query`` (repeated ones too)."""
    kept = [(k, v) for k, v in query if k != "lang"]
    return {code: f"{path}?{urlencode([*kept, ('lang', code)])}" for code in LANGUAGES}


def choose_language(*, requested: str | None, cookie: str | None, accept: str | None, allowed=LANGUAGES) -> str:
    """The explicit choice, else the remembered one, else the browser's preference, else
    the first allowed language."""
    for candidate in (requested, cookie):
        if candidate is not None and candidate in allowed:
            return candidate
    prefs = []
    for part in (accept or "")[:500].split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        prefs.append((weight, lang.split("-")[0].strip().lower()))
    for _, lang in sorted(prefs, key=lambda p: -p[0]):
        if lang in allowed:
            return lang
    return allowed[0]
