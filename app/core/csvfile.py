"""Reading an uploaded CSV file: size, UTF-8, a header line, comma or semicolon, and
every bad line named."""

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


def read_rows(reader, *, header, parse, detail: str, limit: int, noun: str) -> list:
    """The rows of ``reader`` after its header: ``header(fields)`` checks the first line
    (raising :class:`Invalid`), ``parse(line, fields)`` returns a row or a problem (str)
    for every line that is not blank. :class:`Invalid` with ``detail`` names each bad
    line (the first 100), more than ``limit`` rows, or a file without ``noun``."""
    rows: list = []
    errors: list[str] = []
    try:
        header(next(reader))
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            line = reader.line_num
            result = parse(line, fields)
            if isinstance(result, str):
                errors.append(f"line {line}: {result}")
                continue
            rows.append(result)
            if len(rows) > limit:
                errors.append(f"line {line}: more than {limit} {noun}")
                break
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: {exc}")
    if not rows and not errors:
        errors.append(f"the file has no {noun}")
    if errors:
        raise Invalid(detail, errors=errors[:100])
    return rows
