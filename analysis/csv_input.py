"""Reading survey responses from a CSV file (exports of any survey tool).

Format
------
* UTF-8 text, with or without a byte-order mark; comma as delimiter; the first line
  is the header; one row per respondent; an empty cell is a missing answer.
* Columns: ``team`` (required, never empty), ``unit``, ``role`` (``lead`` /
  ``member``), ``tenure`` (``lt1``, ``y1_3``, ``y3_10``, ``gt10``), ``comment``
  (all optional, any order), and one column per answer item of the questionnaire
  (every item with options that is not a background item) holding the option
  *value* (e.g. 1–5). All item columns must be present; a form that did not ask some
  items needs its own questionnaire file (such as the pulse form).
* A file is at most :data:`MAX_CSV_BYTES` bytes.

Parsing and validation are columnar (``pyarrow.csv`` and numpy): 100,000 rows take a
fraction of a second. Only when something is wrong is the file scanned row by row, to
name the exact line and column in the error message.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.instrument import Questionnaire, load_questionnaire
from analysis.groups import Groups
from analysis.responses import AnswerError, ResponseData, answer_items, build_responses
from analysis.arrays import StrArray

__all__ = ["CSVInputError", "MAX_CSV_BYTES", "BACKGROUND_COLUMNS", "read_responses_csv", "read_responses_with_extra"]

#: Largest accepted file (512 MiB, about 5 million respondents of the full form).
MAX_CSV_BYTES = 512 * 1024 * 1024
#: Optional columns besides the items (``team`` is required).
BACKGROUND_COLUMNS = ("team", "unit", "role", "tenure", "comment")
_NON_SPACE = re.compile(rb"\S")
_HEADER_MAX = 1 << 20  # the header line must fit in the first MiB
_BLOCK = 16 << 20  # parse in 16 MiB blocks: few chunks, still multi-threaded


class CSVInputError(ValueError):
    """A malformed responses file; the message names the file, the line and the column.

    Attributes
    ----------
    file : str
    line : int or None
        1-based line of the file (the header is line 1).
    column : str or None
        Column name (or number when there is no name).
    problem : str
    """

    def __init__(self, file: str, problem: str, *, line: int | None = None, column: str | None = None):
        self.file, self.line, self.column, self.problem = file, line, column, problem
        where = ""
        if line is not None:
            where += f" line {line}"
        if column is not None:
            where += f"{',' if where else ''} column {column!r}"
        super().__init__(f"{file}:{where}: {problem}" if where else f"{file}: {problem}")


def _keys(q: Questionnaire, background: str) -> tuple[str, ...]:
    for it in q.items_of("background"):
        if it.background == background:
            return tuple(str(o.key) for o in it.options or ())
    return ()


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, fields)`` of every non-empty CSV record (error path only)."""
    reader = csv.reader(io.StringIO(text))
    start = 1
    for fields in reader:
        if fields:
            yield start, fields
        start = reader.line_num + 1


def _line_of_row(text: str, row: int) -> int:
    """Line on which data row ``row`` (0-based, after the header) starts."""
    for i, (line, _) in enumerate(_records(text)):
        if i == row + 1:
            return line
    return row + 2


def _header(raw: bytes, name: str, q: Questionnaire, extra: Iterable[str] = ()) -> list[Any]:
    first = raw.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CSVInputError(
            name, f"not UTF-8 text (byte {exc.start + 1} of the header); save the file as UTF-8", line=1
        ) from None
    if "," not in text and (";" in text or "\t" in text):
        found = "';'" if ";" in text else "a tab"
        raise CSVInputError(name, f"wrong delimiter: expected ',' but the header is separated by {found}", line=1)
    columns = next(csv.reader([text]))
    names = [c.strip() for c in columns]
    items = answer_items(q)
    seen = set()
    for pos, col in enumerate(names, start=1):
        label = col or f"#{pos}"
        if not col:
            raise CSVInputError(name, f"column {pos} has no name", line=1, column=label)
        if col in seen:
            raise CSVInputError(name, "duplicate column", line=1, column=col)
        seen.add(col)
        if col not in items and col not in BACKGROUND_COLUMNS and col not in extra:
            hint = " (role and tenure are columns 'role' and 'tenure')" if col in ("role", "tenure") else ""
            raise CSVInputError(
                name,
                f"unknown column: not an item of {q.id} nor one of {', '.join(BACKGROUND_COLUMNS)}{hint}",
                line=1,
                column=col,
            )
    for col in ("role", "tenure"):
        if col in seen and not _keys(q, col):
            raise CSVInputError(name, f"{q.id} has no {col} question", line=1, column=col)
    if "team" not in seen:
        raise CSVInputError(name, "the required column 'team' is missing", line=1)
    missing = [i for i in items if i not in seen]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise CSVInputError(
            name,
            f"{len(missing)} item column(s) of {q.id} are missing: {shown} "
            "(is this another form? pass its questionnaire)",
            line=1,
        )
    return names


def _scan_for_error(raw: bytes, name: str, names: list[Any], items: set[Any]) -> CSVInputError:
    """Find the first problem row by row (only called after the fast path failed)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return CSVInputError(name, "not UTF-8 text (wrong encoding?); save the file as UTF-8", line=line)
    width = len(names)
    for line, fields in _records(text):
        if len(fields) != width:
            return CSVInputError(name, f"expected {width} fields as in the header, found {len(fields)}", line=line)
        if line == 1:
            continue
        for col, cell in zip(names, fields):
            if col in items and cell.strip():
                try:
                    float(cell)
                except ValueError:
                    return CSVInputError(name, f"{cell.strip()!r} is not a number", line=line, column=col)
    return CSVInputError(name, "the file cannot be parsed as CSV")


def _strings(table: pa.Table, col: str) -> tuple[StrArray, Groups]:
    """A text column as a numpy str array (whitespace-trimmed, null as ``""``) and its
    :class:`~analysis.groups.Groups`. The CSV reader encodes text columns as dictionaries
    (one per block): only the distinct labels are converted, trimmed and sorted."""
    parts, codes_of = [], []
    offset = 0
    for chunk in table.column(col).chunks:
        labels = np.asarray(chunk.dictionary.to_numpy(zero_copy_only=False), dtype=str)
        idx = chunk.indices.to_numpy(zero_copy_only=False)  # float with NaN where a cell is empty
        if idx.dtype.kind == "f":
            labels = np.append(labels, "")
            idx = np.where(np.isnan(idx), labels.size - 1, idx)
        parts.append(labels)
        codes_of.append(idx.astype(np.intp) + offset)
        offset += labels.size
    trimmed = np.char.strip(np.concatenate(parts))
    labels, remap = np.unique(trimmed, return_inverse=True)  # trimming may merge labels
    codes = remap.reshape(-1)[np.concatenate(codes_of)]
    counts = np.bincount(codes, minlength=labels.size)
    if not counts.all():  # a label of a block's dictionary that no row uses
        used = counts > 0
        labels, counts, codes = labels[used], counts[used], (np.cumsum(used) - 1)[codes]
    groups = Groups(codes=codes, labels=tuple(labels.tolist()), counts=counts)
    return labels[codes], groups


def read_responses_csv(
    path: str | os.PathLike[str],
    questionnaire: Questionnaire | str,
    *,
    progress: Callable[[str], object] | None = None,
    max_bytes: int = MAX_CSV_BYTES,
) -> ResponseData:
    """Read and validate a responses CSV (format in the module docstring).

    See :func:`read_responses_with_extra` for the parameters.
    """
    return read_responses_with_extra(path, questionnaire, progress=progress, max_bytes=max_bytes)[0]


def read_responses_with_extra(
    path: str | os.PathLike[str],
    questionnaire: Questionnaire | str,
    extra: Mapping[str, Sequence[int]] | None = None,
    *,
    progress: Callable[[str], object] | None = None,
    max_bytes: int = MAX_CSV_BYTES,
) -> tuple[ResponseData, dict[str, Any]]:
    """Read and validate a responses CSV and optional further answer columns.

    Parameters
    ----------
    path : str or os.PathLike
    questionnaire : Questionnaire or str
        The instrument (object, bundled id or path to a YAML file).
    progress : callable, optional
        Called with a short message (``"parsing"``, ``"validating"``) at each stage.
    max_bytes : int
        Size limit; larger files are refused.
    extra : mapping of str to sequence of int, optional
        Further answer columns the file may have (e.g. the register items
        ``decides.<decision>``) and their allowed values; an absent column is all
        missing.

    Returns
    -------
    (ResponseData, dict)
        The responses, and every ``extra`` column as float values per row (NaN missing).

    Raises
    ------
    CSVInputError
        (a ``ValueError``) for a missing, empty, oversized, non-UTF-8 or malformed file:
        wrong delimiter, missing ``team`` column, unknown or duplicate column, missing
        item columns, a row with the wrong number of fields, a non-numeric item cell, a
        value that is not an option of its item, an empty team, an unknown role or
        tenure, a team in two units. The message names the file, the line and the
        column.
    """
    q = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
    name = os.fspath(path)
    note = progress or (lambda message: None)
    p = Path(path)
    if not p.is_file():
        raise CSVInputError(name, "no such file")
    size = p.stat().st_size
    if size > max_bytes:
        raise CSVInputError(name, f"file is {size:,} bytes, more than the limit of {max_bytes:,}")
    raw = p.read_bytes()
    body = memoryview(raw)[3:] if raw.startswith(b"\xef\xbb\xbf") else memoryview(raw)
    if _NON_SPACE.search(body) is None:
        raise CSVInputError(name, "the file is empty")
    extra = dict(extra or {})
    names = _header(bytes(body[:_HEADER_MAX]), name, q, extra)
    items = answer_items(q)
    note("parsing")
    # text columns dictionary-encoded by the reader (few distinct labels); the comment as text
    text_type = pa.dictionary(pa.int32(), pa.string())
    types = {
        c: (pa.float64() if c in items or c in extra else pa.string() if c == "comment" else text_type) for c in names
    }
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK),
            # only free text may contain line breaks; allowing them elsewhere costs time
            parse_options=pacsv.ParseOptions(delimiter=",", newlines_in_values="comment" in names),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise _scan_for_error(raw, name, names, set(items) | set(extra)) from None
    if table.num_rows == 0:
        raise CSVInputError(name, "the file has a header but no responses", line=2)
    note("validating")
    strings = {col: _strings(table, col) for col in ("team", "unit", "role", "tenure") if col in names}
    team = strings["team"][0]
    comments: tuple[tuple[str, str], ...] = ()
    if "comment" in names:
        limit = next((i.max_length for i in q.items_of("comment")), 2000)
        text = table.column("comment").to_numpy(zero_copy_only=False)
        has = np.flatnonzero(np.not_equal(text, np.array(None, dtype=object)))
        comments = tuple(zip(team[has].tolist(), (t[:limit] for t in text[has].tolist())))
    answers = {i: table.column(i).to_numpy() for i in items}  # empty cells as NaN
    background = {col: strings[col][0] for col in ("unit", "role", "tenure") if col in strings}
    further = {c: (table.column(c).to_numpy() if c in names else np.full(table.num_rows, np.nan)) for c in extra}
    for col, values in further.items():
        bad = np.flatnonzero(~np.isnan(values) & ~np.isin(values, np.asarray(extra[col], dtype=float)))
        if bad.size:
            raise CSVInputError(
                name,
                f"{values[bad[0]]:g} is not one of the answer values {', '.join(str(v) for v in extra[col])}",
                line=_line_of_row(raw.decode("utf-8-sig"), int(bad[0])),
                column=col,
            )
    try:
        data = build_responses(
            q,
            team=team,
            answers=answers,
            comments=comments,
            team_groups=strings["team"][1],
            unit_groups=strings["unit"][1] if "unit" in strings else None,
            **background,
        )
    except AnswerError as exc:
        text = raw.decode("utf-8-sig")
        problem = (
            {"team": "the team is empty", "unit": "the unit is empty (fill it in every row or drop the column)"}.get(
                exc.field
            )
            if exc.problem == "empty label"
            else None
        )
        if exc.other_row is not None:
            problem = (
                f"team {str(team[exc.row])!r} is in unit {str(background['unit'][exc.row])!r} "
                f"here but in {str(background['unit'][exc.other_row])!r} on line "
                f"{_line_of_row(text, exc.other_row)}"
            )
        raise CSVInputError(
            name, problem or exc.problem.removeprefix("value "), line=_line_of_row(text, exc.row), column=exc.field
        ) from None
    return data, further
