"""Every report rendered and looked at: the leadership PDF (organization and unit scope,
English and German) keeps its leadership part to eight pages with the appendix on its
own page and no text past the margins; the deck's shapes and table cells fit their
slide without words broken mid-word; the HTML report fits 1,440 px and 390 px without
horizontal page overflow and prints without a cut figure. The headline follows from
the figures beside it, and the advice is specific to dimension and finding."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader

from analysis.diagnosis import diagnose
from analysis.instrument import DIMENSIONS
from analysis.scope import restrict_to_unit
from analysis.simulate import simulate
from app.reports.html_report import render_report_html
from analysis.narrative import ADVICE, shown_typology
from app.reports.leadership import advice, headline, pattern_line
from app.reports.pdf_report import LEADERSHIP_TEAMS, render_report_pdf
from app.reports.pptx_report import render_report_pptx
from app.reports.texts import FINDING_SHORT
from report_fit import pdf_page_texts, pdf_words, pptx_problems, rendered_slide_problems

K = 5
MARGIN_PT = 16 / 25.4 * 72  # left and right page margin of the PDF (report.css)
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def diagnoses():
    d = diagnose(simulate(respondents=250, teams=25, units=4, seed=1).data, min_group_size=K)
    big = diagnose(simulate(respondents=1000, teams=90, units=6, seed=2).data, min_group_size=K)
    assert len(big.teams.labels) > LEADERSHIP_TEAMS
    return {"org": d, "unit": restrict_to_unit(d, d.units.labels[0]), "big": big}


@pytest.fixture(scope="module")
def pdfs(diagnoses, tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("pdf")
    for name, lang in (("org", "en"), ("org", "de"), ("unit", "en"), ("unit", "de"), ("big", "de")):
        path = folder / f"{name}_{lang}.pdf"
        path.write_bytes(
            render_report_pdf(diagnoses[name], lang=lang, organization_name="Example Ltd", campaign_name="Spring 2026")
        )
        out[name, lang] = path
    return out


def _appendix_page(texts: list, word: str) -> int:
    """1-based number of the page whose first line is the appendix heading."""
    for n, page in enumerate(texts, start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and lines[0] == word:
            return n
    raise AssertionError(f"no page starts with {word!r}")


# -------------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("key", [("org", "en"), ("org", "de"), ("unit", "en"), ("unit", "de"), ("big", "de")])
def test_leadership_part_is_at_most_eight_pages_and_the_appendix_starts_its_own_page(pdfs, key):
    texts = pdf_page_texts(pdfs[key])
    word = "Appendix" if key[1] == "en" else "Anhang"
    first = _appendix_page(texts, word)
    assert 3 <= first - 1 <= 8, f"leadership part has {first - 1} pages"
    leadership = "\n".join(texts[: first - 1])
    summary, what = ("Executive summary", "What to do") if key[1] == "en" else ("Zusammenfassung", "Was zu tun ist")
    assert summary in leadership and what in leadership
    # nothing of the appendix in the leadership part, and no pages of withheld rows anywhere
    for appendix_only in ("CFI", "RMSEA", "Cronbach", "References" if key[1] == "en" else "Literatur"):
        assert appendix_only not in leadership, appendix_only
    assert appendix_only in "\n".join(texts[first - 1 :])
    everything = "\n".join(texts)
    assert not re.search(r"not shown: not shown", everything, re.I)
    assert "{" not in everything and "}" not in everything
    assert len(PdfReader(str(pdfs[key])).pages) == len(texts)


@pytest.mark.parametrize("key", [("org", "en"), ("org", "de"), ("unit", "de"), ("big", "de")])
def test_no_text_runs_past_the_page_margins(pdfs, key):
    words = pdf_words(pdfs[key])
    assert words
    out = [(p, w) for p, x0, _, x1, _, pw, _, w in words if x1 > pw - MARGIN_PT + 1.5 or x0 < MARGIN_PT - 1.5]
    assert out == [], out[:10]


@pytest.mark.parametrize("key", [("org", "en"), ("unit", "de")])
def test_rendered_pages_are_portrait_filled_and_clear_of_the_margins(pdfs, key, tmp_path):
    """Every page as an image: not blank, and the strip right of the text area empty
    (no cut or overflowing heatmap column)."""
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(pdfs[key]), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(PdfReader(str(pdfs[key])).pages)
    for png in pngs:
        gray = np.asarray(Image.open(png).convert("L"))
        h, w = gray.shape
        assert h > w, f"{png.name} is not portrait"
        assert (gray < 200).mean() > 0.002, f"{png.name} is blank"
        strip = gray[:, int(w * (1 - 14 / 210)) :]  # right of 196 mm, inside the 16 mm margin
        assert (strip < 200).mean() < 0.001, f"{png.name}: something in the right margin"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_team_report_keeps_to_its_margins(diagnoses, lang, tmp_path):
    from app.reports.pdf_report import render_team_report_pdf

    d = diagnoses["org"]
    team = next(t for t, hidden in zip(d.teams.labels, d.teams.suppressed) if not hidden)
    path = tmp_path / "team.pdf"
    path.write_bytes(render_team_report_pdf(d, team, lang=lang))
    words = pdf_words(path)
    assert words
    assert [w for _, x0, _, x1, _, pw, _, w in words if x1 > pw - MARGIN_PT + 1.5 or x0 < MARGIN_PT - 1.5] == []


def test_german_pdf_uses_decimal_commas_only(pdfs):
    text = "\n".join(pdf_page_texts(pdfs["org", "de"]))
    assert re.search(r"\b0,\d\d\b", text)
    assert not re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", text)  # no "0.87" next to "0,70"
    assert "Cronbachs α" in text and "McDonalds ω" in text


def test_unit_report_summary_stays_in_the_unit_scope(pdfs, diagnoses):
    texts = pdf_page_texts(pdfs["unit", "en"])
    first = texts[0]
    unit = diagnoses["unit"].scope
    # the pattern is named only where the findings beside it confirm it
    confirmed = shown_typology(diagnoses["unit"].units.records()[0]) is not None
    assert f"Unit {unit}:" in first and (f"Pattern of Unit {unit}" in first) == confirmed
    assert confirmed or "Pattern of" not in first
    assert "Pattern of Example Ltd" not in "\n".join(texts)
    other_units = [u for u in diagnoses["org"].units.labels if u != unit]
    assert not any(f"Unit {u}" in "\n".join(texts) for u in other_units)


# ------------------------------------------------------------------ headline and advice


def _cell(score, structure, finding):
    return {"suppressed": False, "score": score, "structure": structure, "finding": finding}


def test_headline_names_every_dimension_with_its_own_finding():
    names = {"direction": "Direction", "decision_rights": "Decision rights", "feedback": "Feedback"}
    subject = {
        "suppressed": False,
        "dimensions": {
            "direction": _cell(40, 30, "structural_gap"),
            "decision_rights": _cell(68, 40, "proclaimed_not_anchored"),
            "feedback": _cell(70, 72, "anchored_strength"),
        },
    }
    text = headline(subject, names, "en", "Example Ltd")
    assert text == (
        "Example Ltd: Direction is neither felt nor anchored; Decision rights is felt more than it is "
        "anchored; Feedback is felt and anchored."
    )
    subject["dimensions"]["feedback"] = _cell(41, 30, "structural_gap")
    assert headline(subject, names, "en", "X").startswith("X: Direction and Feedback are neither felt nor anchored")
    de = headline(subject, {d: n + "!" for d, n in names.items()}, "de", "Bereich U1")
    assert de.startswith("Bereich U1: Direction! und Feedback! sind weder gefühlt noch verankert")
    why = pattern_line(subject, names, 60, "en")
    assert why.endswith("none of the 3 does.")
    subject["dimensions"]["direction"] = _cell(61, 60, "anchored_strength")
    assert pattern_line(subject, names, 60, "de").endswith("1 erreicht das: Direction.")
    assert headline({"suppressed": True}, names, "en", "X") is None


def test_advice_is_specific_to_dimension_and_finding_in_both_languages():
    assert {(d, f) for d, by_finding in ADVICE.items() for f in by_finding} == {
        (d, f) for d in DIMENSIONS for f in FINDING_SHORT
    }
    for lang in ("en", "de"):
        texts = [advice(d, f, lang) for d in DIMENSIONS for f in FINDING_SHORT]
        assert all(len(x) > 80 for x in texts)
        assert len(set(texts)) == len(texts)
    assert advice("direction", "structural_gap", "de") != advice("direction", "structural_gap", "en")
    assert advice("other", "structural_gap", "en", "fallback") == "fallback"


# ------------------------------------------------------------------------------- PPTX


def _soffice():
    if shutil.which("soffice") is None:
        if os.environ.get("AAD_REQUIRE_BROWSER"):
            pytest.fail("LibreOffice (soffice) is needed to render the decks (scripts/install-system-deps)")
        pytest.skip("LibreOffice is not installed")


@pytest.mark.parametrize("name, lang", [("org", "de"), ("unit", "en")])
def test_rendered_slides_are_filled_and_nothing_runs_off_them(diagnoses, name, lang, tmp_path):
    _soffice()
    data = render_report_pptx(diagnoses[name], lang=lang, organization_name="Example Ltd", campaign_name="Spring")
    assert rendered_slide_problems(data, tmp_path) == []


def test_the_rendered_slide_check_finds_a_table_that_runs_off_its_slide(tmp_path):
    _soffice()
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(6), Inches(1)).text_frame.text = "Summary"
    table = slide.shapes.add_table(3, 4, Inches(8), Inches(2), Inches(8), Inches(2)).table
    table.cell(0, 0).text = "runs off"
    prs.slides.add_slide(prs.slide_layouts[6])  # and a blank slide
    buf = io.BytesIO()
    prs.save(buf)
    assert rendered_slide_problems(buf.getvalue(), tmp_path) == [
        "slide 1: something runs off the right edge",
        "slide 2 is blank",
    ]


@pytest.mark.parametrize("name, lang", [("org", "en"), ("org", "de"), ("unit", "de"), ("big", "de")])
def test_deck_shapes_and_cells_fit_their_slides(diagnoses, name, lang):
    data = render_report_pptx(diagnoses[name], lang=lang, organization_name="Example Ltd", campaign_name="Spring")
    assert pptx_problems(data) == []
    prs = Presentation(io.BytesIO(data))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                assert len(shape.table.rows) >= 2
                # paged tables never end with a slide of a single row
                title = slide.shapes[0].text_frame.text
                if re.search(r"\(\d+/\d+\)$", title):
                    assert len(shape.table.rows) - 2 >= 2, title
            if shape.has_chart:
                chart = shape.chart
                labels = chart.plots[0].data_labels.number_format
                assert chart.value_axis.tick_labels.number_format == labels


def test_deck_colours_come_from_the_palette(diagnoses):
    from analysis.palette import FINDING_COLORS, PERCEPTION_COLOR

    data = render_report_pptx(diagnoses["org"], lang="en")
    xml = b"".join(
        part.blob for part in Presentation(io.BytesIO(data)).part.package.iter_parts() if part.partname.endswith(".xml")
    )
    assert PERCEPTION_COLOR.lstrip("#").upper().encode() in xml
    assert FINDING_COLORS["structural_gap"].lstrip("#").upper().encode() in xml
    assert b"457B9D" not in xml  # the old blue of its own


# ------------------------------------------------------------------------------- HTML


def _browser():
    if not CHROMIUM.exists():
        if os.environ.get("AAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AAD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    return sync_playwright()


@pytest.mark.browser
@pytest.mark.parametrize("name, lang", [("org", "de"), ("unit", "en")])
def test_html_report_fits_desktop_and_phone_and_prints_uncut(diagnoses, name, lang, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render_report_html(diagnoses[name], lang=lang), encoding="utf-8")
    with _browser() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        for width in (1440, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('.fig[data-drawn] .main-svg').length > 0")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_timeout(300)
            assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth"), width
            # a wide table scrolls inside its own container
            wide = page.evaluate("""() => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().width > innerWidth)
                .map(t => getComputedStyle(t.parentElement).overflowX)""")
            assert all(o == "auto" for o in wide), wide
            page.close()
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.fig[data-drawn] .main-svg').length > 0")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_timeout(800)
        assert page.evaluate("getComputedStyle(document.querySelector('.sw.scale')).printColorAdjust") == "exact"
        # every drawn figure is laid out at the printable width of A4, none wider
        widths = page.evaluate("""() => [...document.querySelectorAll('.fig[data-drawn] svg.main-svg')]
            .map(s => s.getBoundingClientRect().width)""")
        assert widths and max(widths) <= 700, widths
        page.pdf(path=str(tmp_path / "print.pdf"), format="A4")
        browser.close()
    words = pdf_words(tmp_path / "print.pdf")
    assert words
    cut = [(pg, w) for pg, _, _, x1, _, pw, _, w in words if x1 > pw + 0.5]
    assert cut == []


# ------------------------------------------------------------------------ catalogue


def test_report_texts_are_catalogue_messages_with_matching_fields():
    """No hand-made English/German table is left in the report modules, and every
    translation has the ``{fields}`` of its message."""
    import ast

    from babel.messages.pofile import read_po

    from analysis.translate import po_path

    root = Path(__file__).resolve().parents[2] / "app" / "reports"
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                values = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
                locale_codes = all(re.fullmatch(r"[a-z]{2}-[A-Z]{2}", v) for v in values)
                assert not (keys >= {"en", "de"} and not locale_codes), f"{path.name}:{node.lineno}"
    field = re.compile(r"\{(\w*)\}")
    with po_path("de").open("rb") as f:
        catalog = read_po(f, locale="de")
    for m in catalog:
        if m.id and isinstance(m.id, str) and m.string:
            assert sorted(field.findall(m.id)) == sorted(field.findall(m.string)), m.id


def test_unit_deck_stays_in_the_unit_scope(diagnoses):
    d = diagnoses["unit"]
    prs = Presentation(io.BytesIO(render_report_pptx(d, lang="en", organization_name="Example Ltd")))
    slides = [[sh.text_frame.text for sh in s.shapes if sh.has_text_frame] for s in prs.slides]
    summary = next(s for s in slides if s[0] == "Executive summary")
    assert summary[1].startswith(f"Unit {d.scope}:")
    confirmed = shown_typology(d.units.records()[0]) is not None
    assert any(x.startswith(f"Pattern of Unit {d.scope}:") for x in summary) == confirmed
    assert confirmed or not any(x.startswith("Pattern of") for x in summary)
    assert not any(s[0] == "Team leads and members" for s in slides)
    assert any(s[0] == f"Questions: Unit: {d.scope}" for s in slides)
    misconceptions = next(s for s in slides if s[0] == "Misconceptions")
    assert f"in Unit {d.scope}" in misconceptions[1]
