"""Reading an uploaded CSV file: size, UTF-8, a header line, comma or semicolon, and
every bad line named."""

from __future__ import annotations

import csv
import io

from app.problems import Problem, at_line, located
from app.services import Invalid


def open_csv(data: bytes, *, max_bytes: int, detail: str, header: str):
    """A ``csv.reader`` over ``data`` (the delimiter that the first line uses more of);
    :class:`Invalid` with ``detail`` when the file is too large, not UTF-8 or has no
    ``header`` line."""
    if len(data) > max_bytes:
        raise Invalid(detail, errors=[Problem("file_too_large", {"max": max_bytes})])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(detail, errors=[Problem("file_not_utf8", {"byte": exc.start})]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Invalid(detail, errors=[Problem("header_missing", {"header": header}, at_line(1))])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_rows(reader, *, header, parse, detail: str, limit: int, noun: str) -> list:
    """The rows of ``reader`` after its header: ``header(fields)`` checks the first line
    (raising :class:`Invalid`), ``parse(line, fields)`` returns a row or a problem (a
    :class:`~app.problems.Problem` or a fixed message) for every line that is not blank.
    :class:`Invalid` with ``detail`` names each bad line (the first 100), more than
    ``limit`` rows, or a file without ``noun`` (a message of the catalogue)."""
    rows: list = []
    errors: list[Problem] = []
    what = Problem.of(noun)
    try:
        header(next(reader))
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            line = reader.line_num
            result = parse(line, fields)
            if isinstance(result, (str, Problem)):
                errors.append(located(result, at_line(line)))
                continue
            rows.append(result)
            if len(rows) > limit:
                errors.append(Problem("too_many_rows", {"limit": limit, "noun": what}, at_line(line)))
                break
    except csv.Error as exc:
        errors.append(located(str(exc), at_line(reader.line_num)))
    if not rows and not errors:
        errors.append(Problem("no_rows", {"noun": what}))
    if errors:
        raise Invalid(detail, errors=errors[:100])
    return rows
