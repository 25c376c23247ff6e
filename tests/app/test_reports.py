"""Downloadable reports (PDF, team PDF, XLSX, PPTX, CSV) from a simulated organization:
each file opens, reads in English and German, never shows a hidden team's figures, and
keeps hostile team names inert."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import numpy as np
import openpyxl
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from analysis.diagnosis import diagnose
from analysis.responses import ResponseData
from analysis.simulate import simulate, simulate_responses
from app.reports.csv_report import HEADER, render_report_csv
from app.reports.pdf_report import _LocalOnly, render_report_pdf, render_team_report_pdf
from app.reports.pptx_report import render_report_pptx
from app.reports.xlsx_report import render_report_xlsx

HOSTILE = ('=HYPERLINK("http://x")', "+cmd", "<script>alert(1)</script>", "@SUM(1+1)", "-2+3")
K = 5


def _renamed(data: ResponseData, mapping: dict) -> ResponseData:
    """The same responses with some teams renamed."""
    team = np.array([mapping.get(t, t) for t in data.team.tolist()], dtype=object)
    return ResponseData.from_columns(
        data.questionnaire,
        team=team,
        answers={i: data.column(i) for i in data.item_ids},
        unit=data.unit,
        role=data.role,
        tenure=data.tenure,
        comments=[(mapping.get(t, t), c) for t, c in data.comments],
    )


@pytest.fixture(scope="module")
def org():
    """25 teams in 4 units, several below k; hostile names on three shown teams and on
    one hidden team."""
    sim = simulate(respondents=250, teams=25, units=4, seed=1)
    first = diagnose(sim.data, min_group_size=K)
    hidden = [t for t, s in zip(first.teams.labels, first.teams.suppressed) if s]
    shown = [t for t, s in zip(first.teams.labels, first.teams.suppressed) if not s]
    mapping = dict(zip(shown[:3] + hidden[:1], HOSTILE[:3] + HOSTILE[3:4]))
    data = _renamed(sim.data, mapping)
    d = diagnose(data, min_group_size=K)
    hidden = [t for t, s in zip(d.teams.labels, d.teams.suppressed) if s]
    assert len(hidden) >= 3 and HOSTILE[3] in hidden
    return {"data": data, "diagnosis": d, "hidden": hidden, "shown": [t for t in d.teams.labels if t not in hidden]}


@pytest.fixture(scope="module")
def files(org):
    d = org["diagnosis"]
    return {
        "pdf": render_report_pdf(d, lang="en", organization_name="Example Ltd", campaign_name="Spring"),
        "pdf_de": render_report_pdf(d, lang="de", organization_name="Beispiel AG"),
        "team": render_team_report_pdf(d, org["shown"][0], lang="en"),
        "team_de": render_team_report_pdf(d, org["shown"][0], lang="de"),
        "xlsx": render_report_xlsx(d, lang="en"),
        "xlsx_de": render_report_xlsx(d, lang="de"),
        "pptx": render_report_pptx(d, lang="en", organization_name="Example Ltd"),
        "pptx_de": render_report_pptx(d, lang="de"),
        "csv": render_report_csv(d),
    }


# ------------------------------------------------------------------------------ helpers


def _pdf_text(pdf: bytes) -> str:
    """Text of a PDF with its layout (pdftotext), one line per printed line."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _pages_nonblank(pdf: bytes, tmp_path, name: str) -> int:
    """Render every page at 40 dpi and check that each one has visible content."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / name)], check=True)
    pngs = sorted(tmp_path.glob(f"{name}-*.png"))
    for png in pngs:
        gray = np.asarray(Image.open(png).convert("L"))
        assert (gray < 200).mean() > 0.002, f"{png.name} is blank"
    return len(pngs)


def _xlsx_cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws, cell


def _pptx_texts(data: bytes):
    """(slide number, text) of every text frame and table cell."""
    for i, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield i, shape.text_frame.text
            if shape.has_table:
                for row in shape.table.rows:
                    yield i, " | ".join(c.text for c in row.cells)


def _hidden_allowed(text: str, label: str) -> str:
    """``text`` without the label and the wording of a hidden group, whose only digit is k."""
    text = text.replace(label, " ")
    for allowed in (f"n < {K}", f"fewer than {K} responses", f"weniger als {K} Antworten"):
        text = text.replace(allowed, " ")
    return text


# -------------------------------------------------------------------------------- PDF


def test_pdf_report_opens_reads_and_renders(files, tmp_path):
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert len(reader.pages) >= 8
    text = _pdf_text(files["pdf"])
    for heading in (
        "Executive summary",
        "The three dimensions",
        "Heatmap",
        "Teams by unit",
        "Direction",
        "Decision rights",
        "Feedback",
        "Misconceptions",
        "Appendix",
        "Teams one by one",
        "Method",
        "References",
        "What to do",
        "Example Ltd",
        "Cronbach's α",
        "McDonald's ω",
    ):
        assert heading in text, heading
    assert re.search(r"Page 3 / \d+", text)
    assert _pages_nonblank(files["pdf"], tmp_path, "org") == len(reader.pages)


def test_pdf_report_in_german(files, tmp_path):
    text = _pdf_text(files["pdf_de"])
    for heading in (
        "Zusammenfassung",
        "Teams nach Bereich",
        "Ausrichtung",
        "Entscheidungsrechte",
        "Rückkopplung",
        "Anhang",
        "Methode",
        "Was zu tun ist",
        "Beispiel AG",
        "Seite 2 /",
    ):
        assert heading in text, heading
    assert re.search(r"\d,\d\d", text)  # decimal comma
    assert "Executive summary" not in text
    _pages_nonblank(files["pdf_de"], tmp_path, "org_de")


def test_team_report(files, org, tmp_path):
    text = _pdf_text(files["team"])
    assert f"Team {org['shown'][0]}" in text
    for part in (
        "Scores with confidence intervals",
        "What it means",
        "What to do",
        "Misconceptions compared with the organization",
        "r_wg(j)",
    ):
        assert part in text, part
    assert "Was es bedeutet" in _pdf_text(files["team_de"])
    assert _pages_nonblank(files["team"], tmp_path, "team") >= 1


def test_team_report_refuses_hidden_and_unknown_teams(org):
    d = org["diagnosis"]
    for team in org["hidden"]:
        with pytest.raises(ValueError, match="is hidden to protect anonymity"):
            render_team_report_pdf(d, team)
    with pytest.raises(ValueError, match="unknown team 'nope'"):
        render_team_report_pdf(d, "nope")


def test_pdf_rendering_fetches_nothing():
    fetcher = _LocalOnly({"aad-report:x.png": b"png"})
    for url in (
        "http://example.com/a.css",
        "https://example.com/font.woff",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError, match="reports fetch nothing"):
            fetcher.fetch(url)
    assert fetcher.fetch("aad-report:x.png").read() == b"png"


# ------------------------------------------------------------------------------- XLSX


def test_xlsx_sheets_heatmap_and_frozen_headers(files):
    wb = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    for name in (
        "Teams",
        "Units",
        "Dimensions",
        "Misconceptions",
        "Reliability",
        "Findings",
        "Role gaps",
        "Associations",
        "Differences",
    ):
        assert name in wb.sheetnames, name
    teams = wb["Teams"]
    assert teams.freeze_panes == "C3"
    assert teams.column_dimensions["B"].width > 10
    rules = [r for rng in teams.conditional_formatting for r in rng.rules]
    assert rules and all(r.type == "colorScale" for r in rules)
    assert len(wb["Dimensions"]["A"]) == 4
    assert "Teams" in openpyxl.load_workbook(io.BytesIO(files["xlsx_de"])).sheetnames
    assert "Dimensionen" in openpyxl.load_workbook(io.BytesIO(files["xlsx_de"])).sheetnames


def test_xlsx_has_no_formulas_and_hostile_names_are_text(files):
    seen = set()
    for _, cell in _xlsx_cells(files["xlsx"]):
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
            for name in HOSTILE:
                if cell.value in (name, "'" + name):
                    seen.add(name)
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[2]} <= seen


# ------------------------------------------------------------------------------- PPTX


def test_pptx_native_charts_and_tables(files, org):
    prs = Presentation(io.BytesIO(files["pptx"]))
    charts = [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart]
    tables = [s.table for slide in prs.slides for s in slide.shapes if s.has_table]
    assert len(charts) >= 6 and len(tables) >= 4
    assert all(len(c.plots[0].series) >= 1 for c in charts)
    shown = [t for _, t in _pptx_texts(files["pptx"]) if t.startswith(org["shown"][4] + " |")]
    assert shown and len(re.findall(r"\| \d+(?= \|)", shown[0])) >= 6  # n and scores in the heatmap row
    titles = [t for _, t in _pptx_texts(files["pptx"])]
    for title in (
        "How to read this",
        "Perception vs structure",
        "Teams by unit (1/",
        "Misconceptions",
        "Team leads and members",
        "Method",
    ):
        assert any(title in t for t in titles), title
    german = [t for _, t in _pptx_texts(files["pptx_de"])]
    assert any("So lesen Sie diesen Bericht" in t for t in german)


# -------------------------------------------------------------------------------- CSV


def test_csv_long_format(files, org):
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8"))))
    assert tuple(rows[0]) == HEADER
    body = rows[1:]
    assert all(len(r) == 6 for r in body)
    levels = {r[0] for r in body}
    assert {"organization", "unit", "team"} <= levels
    for r in body:
        if r[4] in ("score", "structure", "rwg_j", "misconception_share"):
            float(r[5])
    shown = org["shown"][3]
    assert any(r[1] == shown and r[4] == "score" for r in body)


def test_csv_hostile_names_are_guarded(files):
    groups = {r[1] for r in csv.reader(io.StringIO(files["csv"].decode("utf-8")))}
    assert "'" + HOSTILE[0] in groups and "'+cmd" in groups and HOSTILE[2] in groups
    assert not any(g.startswith(("=", "+", "-", "@")) for g in groups)


# ------------------------------------------------------------------------- anonymity


def test_hidden_team_figures_appear_in_no_file(files, org):
    d = org["diagnosis"]
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8"))))[1:]
    pdf_lines = (_pdf_text(files["pdf"]) + _pdf_text(files["pdf_de"])).splitlines()
    wb = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    for team in org["hidden"]:
        true_n = int(np.sum(org["data"].team == team))
        assert true_n >= 1
        label = team
        guarded = "'" + team if team.startswith(("=", "+", "-", "@")) else team
        # CSV: one row saying why, nothing else
        mine = [r for r in rows if r[1] == guarded and r[0] == "team"]
        assert [r[4] for r in mine] == ["suppressed"]
        assert mine[0][5] in ("fewer_than_k", "complementary", "no_data")
        # PDF: every line naming the team shows only the label and why
        lines = [ln for ln in pdf_lines if re.search(rf"(^|\s){re.escape(label)}(\s|$)", ln)]
        assert lines
        for ln in lines:
            assert not re.search(r"\d", _hidden_allowed(ln, label)), ln
        # XLSX: the team's rows hold no number
        for ws in (wb["Teams"], wb["Misconceptions"]):
            for row in ws.iter_rows(values_only=True):
                if guarded in row:
                    assert not any(isinstance(v, (int, float)) for v in row), row
        # PPTX: the heatmap row of the team shows only the label and why
        deck_rows = [t for _, t in _pptx_texts(files["pptx"]) if t.startswith(label + " |")]
        assert deck_rows
        for row in deck_rows:
            assert not re.search(r"\d", _hidden_allowed(row, label)), row
        # the team report does not exist
        assert d.team(team)["n"] is None


def test_hostile_names_are_inert_in_pdf_and_pptx(files):
    text = _pdf_text(files["pdf"])
    assert "<script>alert(1)</script>" in text and '=HYPERLINK("http://x")' in text
    pptx_text = "\n".join(t for _, t in _pptx_texts(files["pptx"]))
    assert "<script>alert(1)</script>" in pptx_text and "+cmd" in pptx_text


# ------------------------------------------------------------------ small organization


def test_reports_of_an_organization_below_k():
    d = diagnose(simulate_responses(respondents=4, teams=1, seed=1), min_group_size=K)
    assert d.n_respondents is None
    pdf = render_report_pdf(d)
    assert "fewer than 5 responses: no figures can be shown" in _pdf_text(pdf).replace("\n", " ")
    assert render_report_csv(d).decode().splitlines()[1] == "organization,,,,suppressed,fewer_than_k"
    xlsx = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(d)))
    assert not any(isinstance(c.value, (int, float)) for c in xlsx["Teams"]["D"])
    texts = [t for _, t in _pptx_texts(render_report_pptx(d))]
    assert any("no figures can be shown" in t for t in texts)


def test_language_is_checked(org):
    d = org["diagnosis"]
    for render in (render_report_pdf, render_report_xlsx, render_report_pptx):
        with pytest.raises(ValueError, match="lang: must be 'en' or 'de', got 'fr'"):
            render(d, lang="fr")


def test_pdf_pages_are_all_portrait_a4(files):
    """No landscape page: the heatmap fits the portrait page."""
    reader = PdfReader(io.BytesIO(files["pdf"]))
    boxes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert boxes == {(595, 842)}


def test_reports_of_a_pulse_survey_without_units():
    """The pulse form has no misconceptions and too few items for reliability."""
    d = diagnose(simulate_responses("aligned-autonomy-pulse-v1", respondents=120, teams=12, seed=3))
    assert d.units is None and not d.teams.misconceptions
    text = _pdf_text(render_report_pdf(d))
    assert "Teams by unit" in text and "reliability needs at least 3" in text
    assert "Misconceptions" not in text
    assert "Misconceptions" not in openpyxl.load_workbook(io.BytesIO(render_report_xlsx(d))).sheetnames
    assert not any("Misconceptions" in t for _, t in _pptx_texts(render_report_pptx(d)))
    assert render_report_csv(d).startswith(b"level,group,unit,dimension,statistic,value\r\n")


def test_finding_colours_and_fit_cutoffs_have_one_source(monkeypatch):
    """The dashboard's figures and every report take the finding colours from
    analysis.palette and the CFA cut-offs from analysis.factor.FIT_CUTOFFS."""
    from analysis import factor, figures_heatmap, palette
    from app.reports import common
    from app.reports.texts import METHOD

    assert common.FINDING_FILLS is palette.FINDING_COLORS is figures_heatmap.FINDING_COLORS
    assert common.SCALE is palette.SCALE
    assert not factor.fit_acceptable(0.94, 0.05, 0.07) and factor.fit_acceptable(0.95, 0.06, 0.08)
    monkeypatch.setattr(common, "FIT_CUTOFFS", {"cfi": 0.9, "tli": 0.9, "rmsea": 0.08, "srmr": 0.1})
    values = {
        key: "x"
        for key in (
            "k",
            "ck",
            "correction",
            "alpha",
            "effect",
            "ci_pct",
            "cuts",
            "p_high",
            "p_low",
            "s_high",
            "s_low",
            "alpha_agree",
            "present",
            "min_p",
            "min_r",
            "mc_min",
        )
    } | common.fit_cutoffs("de")
    text = " ".join(p["de"].format(**values) for _, p in METHOD)
    assert "CFI ≥ 0,90, RMSEA ≤ 0,08 und SRMR ≤ 0,10" in text


def test_csv_for_german_excel_uses_semicolons_and_decimal_commas():
    dx = diagnose(simulate_responses(respondents=60, teams=5, units=2, seed=1))
    plain = render_report_csv(dx).decode()
    excel = render_report_csv(dx, sep="semicolon", bom=True).decode()
    assert not plain.startswith("\ufeff") and excel.startswith("\ufefflevel;group;unit;dimension;statistic;value\r\n")
    rows_plain = list(csv.reader(io.StringIO(plain)))
    rows_excel = list(csv.reader(io.StringIO(excel.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows_plain) == len(rows_excel) > 50
    decimals = 0
    for a, b in zip(rows_plain, rows_excel):
        assert b[:5] == a[:5]
        try:
            float(a[5])
            number = "." in a[5]
        except ValueError:
            number = False
        decimals += number
        assert b[5] == (a[5].replace(".", ",") if number else a[5])
    assert decimals > 20
