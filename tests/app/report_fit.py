"""Whether rendered reports fit their pages: PDF text boxes within the page margins
(``pdftotext -bbox``), PPTX shapes and table cells within the slide, with a text-fit
estimate measured in DejaVu Sans (wider than the deck's default font, so the estimate
errs on the safe side)."""

from __future__ import annotations

import functools
import io
import re
import subprocess
from xml.etree import ElementTree

from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu

_FONTS = "/usr/share/fonts/truetype/dejavu/"
_EMU_PER_PT = 12700
_LINE = 1.2  # line height per point of font size
_CELL_MARGIN_X, _CELL_MARGIN_Y = 91440, 45720  # default table cell margins (0.1", 0.05")
_BOX_MARGIN_X, _BOX_MARGIN_Y = 91440, 45720  # default text box insets


@functools.cache
def _font(size_pt: float, bold: bool):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(_FONTS + name, size=max(1, round(size_pt * 10)))  # tenths of a point


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` in points at ``size_pt``."""
    return _font(size_pt, bold).getlength(text) / 10


def wrap_lines(text: str, width_pt: float, size_pt: float, bold: bool = False) -> tuple[int, list]:
    """Lines ``text`` needs in a box ``width_pt`` wide (words wrap at spaces), and the
    words wider than the box (PowerPoint would break those mid-word)."""
    lines, too_wide = 0, []
    for para in (text or "").split("\n"):
        words, line = para.split(), ""
        lines += 1
        for w in words:
            if text_width_pt(w, size_pt, bold) > width_pt:
                too_wide.append(w)
            candidate = f"{line} {w}".strip()
            if line and text_width_pt(candidate, size_pt, bold) > width_pt:
                lines += 1
                line = w
            else:
                line = candidate
    return lines, too_wide


def _run_size(paragraph, default: float) -> tuple[float, bool]:
    for r in paragraph.runs:
        if r.font.size is not None:
            return r.font.size.pt, bool(r.font.bold)
    return default, False


def pptx_problems(data: bytes) -> list[str]:
    """Everything in a deck that does not fit: shapes past the slide's edge, text boxes
    whose text needs more height than the box, table cells whose words are wider than
    the cell (mid-word breaks) and tables that grow past the slide's bottom."""
    prs = Presentation(io.BytesIO(data))
    sw, sh = prs.slide_width, prs.slide_height
    out = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            x, y, w, h = shape.left, shape.top, shape.width, shape.height
            where = f"slide {n} {shape.shape_type} {shape.name}"
            if x < 0 or y < 0 or x + w > sw + 1 or y + h > sh + 1:
                out.append(f"{where}: outside the slide")
            if shape.has_text_frame and shape.text_frame.text.strip():
                inner = (w - 2 * _BOX_MARGIN_X) / _EMU_PER_PT
                need = 2 * _BOX_MARGIN_Y / _EMU_PER_PT
                for p in shape.text_frame.paragraphs:
                    size, bold = _run_size(p, 18)
                    lines, wide = wrap_lines(p.text, inner, size, bold)
                    need += lines * size * _LINE + (p.space_after.pt if p.space_after is not None else 0)
                    out += [f"{where}: word {word!r} wider than the box" for word in wide]
                if need > h / _EMU_PER_PT * 1.04:
                    out.append(
                        f"{where}: text needs {need:.0f} pt, box is {h / _EMU_PER_PT:.0f} pt "
                        f"({shape.text_frame.text[:60]!r})"
                    )
            if shape.has_table:
                table = shape.table
                widths = [c.width for c in table.columns]
                total = 0
                for r, row in enumerate(table.rows):
                    row_need = row.height / _EMU_PER_PT
                    for c, cell in enumerate(row.cells):
                        if cell.is_spanned:
                            continue
                        span = cell.span_width if cell.is_merge_origin else 1
                        inner = (sum(widths[c : c + span]) - 2 * _CELL_MARGIN_X) / _EMU_PER_PT
                        size, bold = (
                            _run_size(cell.text_frame.paragraphs[0], 18) if cell.text_frame.paragraphs else (18, False)
                        )
                        lines, wide = wrap_lines(cell.text, inner, size, bold)
                        out += [f"slide {n} table cell ({r}, {c}): word {word!r} breaks mid-word" for word in wide]
                        row_need = max(row_need, lines * size * _LINE + 2 * _CELL_MARGIN_Y / _EMU_PER_PT)
                    total += row_need
                if y / _EMU_PER_PT + total > sh / _EMU_PER_PT + 1:
                    out.append(
                        f"slide {n} table: {total:.0f} pt high from {y / _EMU_PER_PT:.0f} pt, past the slide's bottom"
                    )
    return out


def pptx_slide_row_counts(data: bytes) -> list[int]:
    """Body rows (rows after the header rows, which have a dark fill) of every table."""
    prs = Presentation(io.BytesIO(data))
    counts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                counts.append(len(shape.table.rows))
    return counts


# ---------------------------------------------------------------------------------- PDF


def pdf_words(pdf_path) -> list:
    """``(page, xmin, ymin, xmax, ymax, page_width, page_height, word)`` of every word."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, check=True).stdout
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", xml)
    root = ElementTree.fromstring(xml)
    out = []
    for n, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        pw, ph = float(page.get("width")), float(page.get("height"))
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            out.append(
                (
                    n,
                    float(word.get("xMin")),
                    float(word.get("yMin")),
                    float(word.get("xMax")),
                    float(word.get("yMax")),
                    pw,
                    ph,
                    word.text or "",
                )
            )
    return out


def pdf_page_texts(pdf_path) -> list[str]:
    """The text of every page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def emu_to_inches(x) -> float:
    return Emu(x).inches


def rendered_slide_problems(data: bytes, folder) -> list[str]:
    """The deck rendered to images as a person would see it (LibreOffice to PDF, then
    ``pdftoppm``): one image per slide, none blank, and nothing in the strip along the
    right edge (a table or text that runs off its slide). ``folder`` holds the files."""
    import shutil

    import numpy as np
    from PIL import Image

    deck = folder / "deck.pptx"
    deck.write_bytes(data)
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo-profile",  # one profile per run: parallel tests
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(deck),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(folder / "deck.pdf"), str(folder / "slide")], check=True)
    images = sorted(folder.glob("slide-*.png"))
    slides = len(Presentation(io.BytesIO(data)).slides)
    problems = [] if len(images) == slides else [f"{len(images)} images for {slides} slides"]
    for i, png in enumerate(images, 1):
        gray = np.asarray(Image.open(png).convert("L")).astype(int)
        h, w = gray.shape
        ink = np.abs(gray - gray[2, 2]) > 40  # differs from the slide's background
        if w <= h:
            problems.append(f"slide {i} is not landscape")
        if ink.mean() < 0.01:
            problems.append(f"slide {i} is blank")
        if ink[:, int(w * 0.985) :].mean() > 0.0005:
            problems.append(f"slide {i}: something runs off the right edge")
    return problems
