"""What a reader of a page sees, and which English texts of the catalogue are among it
(for the tests that pages in German show no English)."""

from __future__ import annotations

import functools
import html
import re

from babel.messages.pofile import read_po

from analysis.translate import po_path

_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_LABELS = re.compile(r'\b(?:aria-label|title|placeholder|alt|data-confirm)="([^"]*)"')
_SPLIT = re.compile(r"%\(\w+\)[sd]|%%|<[^>]*>|\{\{.*?\}\}")


def visible_text(page: str) -> str:
    """The text a reader sees or hears: text nodes and the labels of elements."""
    body = _HIDDEN.sub(" ", page[page.find("<body") :])
    labels = " ".join(_LABELS.findall(body))
    text = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(f"{text} {labels}"))


@functools.cache
def _english_fragments() -> tuple:
    """``(fragment, msgid)``: the English runs of three or more words of every message whose
    German text differs, that the German text does not contain itself."""
    with po_path("de").open("rb") as f:
        catalog = read_po(f, locale="de")
    fragments = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        german = " ".join(m.string if isinstance(m.string, tuple) else (m.string,))
        for msgid in ids:
            for part in _SPLIT.split(msgid):
                part = part.strip(" .,;:()–—")
                if len(part.split()) >= 3 and part not in german:
                    fragments.append((part, ids[0]))
    return tuple(fragments)


#: Example texts of the catalogue that the test data uses as real names.
DATA_NAMES = {"Operations / Plant North"}


def english_on(page: str) -> list[str]:
    """The catalogue messages whose English text is on ``page`` (but for names of the test
    data that a message happens to use as an example)."""
    text = visible_text(page)
    return sorted({msgid for fragment, msgid in _english_fragments() if fragment in text and msgid not in DATA_NAMES})


_ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|your|with|this|for|from|is|are|to|not)\b")
#: Names in the test data and the examples of the pages that hold English words.
EXAMPLE_NAMES = ("Legal and Procurement",)


def english_words(page: str) -> list[str]:
    """English function words in the visible text of a page in German, each with its
    context — text that bypassed the catalogue altogether."""
    text = visible_text(page)
    for name in EXAMPLE_NAMES:
        text = text.replace(name, " ")
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in _ENGLISH_WORDS.finditer(text)]
