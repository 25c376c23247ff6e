"""Opening an uploaded CSV file: size, UTF-8, a header line, comma or semicolon."""

from __future__ import annotations

import csv
import io

from app.services import Invalid


def open_csv(data: bytes, *, max_bytes: int, detail: str, header: str):
    """A ``csv.reader`` over ``data`` (the delimiter that the first line uses more of);
    :class:`Invalid` with ``detail`` when the file is too large, not UTF-8 or has no
    ``header`` line."""
    if len(data) > max_bytes:
        raise Invalid(detail, errors=[f"the file is larger than {max_bytes} bytes"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(detail, errors=[f"the file is not UTF-8 text (byte {exc.start})"]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Invalid(detail, errors=[f"line 1: the header '{header}' is missing"])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
