"""Per-team tables of the PDF: monospaced text lines over a bitmap of cell fills.

WeasyPrint spends milliseconds on every table cell, so a heatmap of 500 teams as an HTML
table takes minutes. A grid block is instead one preformatted text element in a
monospaced font whose columns are fixed numbers of characters, with the cell fills drawn
underneath from one small PNG (a block of pixels per cell, scaled without
interpolation). Numbers and labels remain text — searchable and readable in black and
white — and 500 rows take about a second.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from app.reports.common import Cell

__all__ = ["CHAR_EM", "Row", "grid_blocks"]

#: Advance width of every glyph of DejaVu Sans Mono, in em.
CHAR_EM = 0.60205
_MM_PER_PT = 25.4 / 72
_PX_CHAR, _PX_ROW = 2, 6  # bitmap pixels per character and per line (the last is a white rule)
_WHITE = b"\xff\xff\xff"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Row:
    """One line of a grid: a text or :class:`~app.reports.common.Cell` per column; when
    there are fewer cells than columns the last one spans the rest. ``band`` fills the
    whole line (headings of units, the organization)."""

    cells: tuple
    band: str | None = None


def _rgb(fill: str) -> bytes:
    return bytes.fromhex(fill.lstrip("#"))


def _png(rows: list, width: int) -> bytes:
    """A minimal RGB PNG from rows of ``3 * width`` bytes."""
    raw = b"".join(b"\x00" + row for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def _fit(text: str, width: int, align: str) -> str:
    """``text`` in a field of ``width`` characters, shortened with an ellipsis if needed:
    centred (``'num'``) or after one space (``'left'``), or flush left (``'head'``)."""
    text = _CONTROL.sub(" ", text)
    lead = "" if align == "head" else " "
    room = width - 1 - len(lead)
    if len(text) > room:
        text = text[:room - 1] + "…"
    return (lead + (text.center(room) if align == "num" else text.ljust(room)) + " ")[:width]


def grid_blocks(columns, header, rows, *, font_pt: float, line_mm: float, rows_per_block: int,
                images: dict, name: str, first_block: int | None = None) -> list:
    """Lay out ``rows`` as grid blocks of at most ``rows_per_block`` lines.

    Parameters
    ----------
    columns : sequence of (width, align)
        Width in characters, and ``'num'`` (centred) or ``'left'``.
    header : sequence of sequence of (text, span)
        Header lines; each text spans ``span`` columns.
    rows : sequence of Row
    font_pt, line_mm : float
        Font size and line height of the block.
    rows_per_block : int
    first_block : int, optional
        Lines of the first block, to fill a page that already holds something else.
    images : dict
        Receives ``{url: png bytes}`` for the URL fetcher.
    name : str
        Prefix of the image URLs.

    Returns
    -------
    list of dict
        ``{"header", "body", "image", "font_pt", "line_mm", "width_mm", "height_mm"}``
        per block.
    """
    total = sum(w for w, _ in columns)
    starts = [sum(w for w, _ in columns[:i]) for i in range(len(columns))] + [total]

    def items(r: Row):
        """(text, align, first column, columns spanned, cell) of every cell of a row."""
        n, out = len(r.cells), []
        for i, c in enumerate(r.cells):
            span = len(columns) - i if i == n - 1 else 1
            align = columns[i][1] if isinstance(c, Cell) and span == 1 else "left"
            out.append((c.text if isinstance(c, Cell) else str(c), align, i, span, c))
        return out

    def line(parts) -> str:
        return "".join(_fit(text, starts[col + span] - starts[col], align)
                       for text, align, col, span, *_ in parts).rstrip()

    def header_line(h) -> str:
        parts, col = [], 0
        for text, span in h:
            parts.append((text, "head", col, span))
            col += span
        return line(parts)

    head = "\n".join(header_line(h) for h in header)
    width = total * _PX_CHAR
    white = _WHITE * width
    blocks = []
    if not rows:
        return []
    head_rows = max(1, min(first_block or rows_per_block, rows_per_block))
    bounds = [0] + list(range(head_rows, len(rows), rows_per_block)) + [len(rows)]
    for b, (first, end) in enumerate(zip(bounds[:-1], bounds[1:])):
        chunk = rows[first:end]
        pixels = []
        for r in chunk:
            line_px = bytearray(_rgb(r.band) * width if r.band else white)
            for _, _, col, span, c in items(r):
                if isinstance(c, Cell) and c.fill.lower() != "#ffffff":
                    a, z = starts[col] * _PX_CHAR, starts[col + span] * _PX_CHAR - 1
                    line_px[3 * a:3 * z] = _rgb(c.fill) * (z - a)
            pixels += [bytes(line_px)] * (_PX_ROW - 1) + [white]
        url = f"aad-report:{name}-{b}.png"
        images[url] = _png(pixels, width)
        blocks.append({"header": head, "body": "\n".join(line(items(r)) for r in chunk),
                       "image": url, "font_pt": font_pt, "line_mm": line_mm,
                       "width_mm": round(total * CHAR_EM * font_pt * _MM_PER_PT, 3),
                       "height_mm": round(len(chunk) * line_mm, 3)})
    return blocks
