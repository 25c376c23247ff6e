"""Checks of raw input text shared by the request guard (:mod:`app.middleware`) and the
file parsers: C0 control characters and the nesting depth of JSON."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = "text must not contain control characters (only tab and line breaks)"
TOO_DEEP = "the request body is nested too deeply"
#: Deepest JSON nesting (arrays and objects) a request body may have.
MAX_JSON_DEPTH = 32

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f]")
# a JSON escape of such a character: \u0000 … \u001f except tab, LF, CR, and \b, \f;
# a backslash escapes only when an even number of backslashes precedes it
_ESCAPED = re.compile(r"(?<!\\)(?:\\\\)*(\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[bf]))")
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)
_BRACKET = re.compile(rb"[\[\]{}]")


def control_character(text: str, *, line_breaks: bool = True) -> str | None:
    """The first C0 control character of ``text`` as ``U+00XX`` (None if there is none);
    tab, LF and CR are allowed unless ``line_breaks`` is false."""
    found = (_CONTROL if line_breaks else _ANY_CONTROL).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def json_control_character(text: str) -> str | None:
    """Where JSON text holds a control character other than tab and line breaks, raw or
    as an escape (``\\u0000``, ``\\b``, ``\\f``): ``"line L, column C: U+00XX"``."""
    raw, escaped = _CONTROL.search(text), _ESCAPED.search(text)
    hits = [(raw.start(), f"U+{ord(raw.group()):04X}")] if raw else []
    if escaped:
        code = escaped.group(1)
        char = {"\\b": 8, "\\f": 12}.get(code) or int(code[2:], 16)
        hits.append((escaped.start(1), f"U+{char:04X}"))
    if not hits:
        return None
    pos, code_point = min(hits)
    line, line_start = text.count("\n", 0, pos) + 1, text.rfind("\n", 0, pos) + 1
    return f"line {line}, column {pos - line_start + 1}: {code_point}"


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``limit`` (brackets inside
    JSON strings do not count); linear in the size, and it stops at the first level too
    deep."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False
