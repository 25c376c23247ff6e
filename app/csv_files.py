"""CSV files for people: UTF-8 with a byte-order mark, so that spreadsheet programs read
the encoding, and on request the dialect of German-speaking Excel: ``;`` between fields
and a decimal comma (a comma-separated file with decimal points is garbled there)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Literal

BOM = "\ufeff"
SEPARATORS = {"comma": ",", "semicolon": ";"}
Separator = Literal["comma", "semicolon"]


def csv_text(header: Iterable, rows: Iterable[Iterable], *, sep: Separator = "comma", bom: bool = False) -> str:
    """The rows as CSV (CRLF line ends); floats keep every digit (``repr``), with a decimal
    comma when ``sep`` is ``"semicolon"``."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=SEPARATORS[sep], lineterminator="\r\n")
    writer.writerow(header)
    comma = sep == "semicolon"
    for row in rows:
        writer.writerow([(repr(v).replace(".", ",") if comma else repr(v)) if isinstance(v, float) else v for v in row])
    return out.getvalue()
