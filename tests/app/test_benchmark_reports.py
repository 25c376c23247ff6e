"""Every report format shows the benchmark comparison when one is given: released
figures, withheld cells with their reason, and never another organization."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile

import pytest

from analysis import diagnose
from analysis.benchmark import BenchmarkPool, benchmark, entry_from_diagnosis
from analysis.simulate import simulate_responses
from app.reports.benchmark_table import benchmark_table
from app.reports.csv_report import render_report_csv
from app.reports.pptx_report import render_report_pptx
from app.reports.xlsx_report import render_report_xlsx


@pytest.fixture(scope="module")
def case():
    dx = diagnose(simulate_responses(respondents=60, teams=5, units=2, seed=1))
    entries = [
        entry_from_diagnosis(
            diagnose(simulate_responses(respondents=30, teams=3, units=1, seed=10 + i)),
            industry="logistics" if i < 7 else "retail",
            size_band="250-999",
            closed_on="2026-01",
            simulated=i % 3 == 0,
        )
        for i in range(9)
    ]
    return dx, benchmark(BenchmarkPool(entries), dx, industry="logistics", size_band="250-999")


def test_benchmark_table(case):
    dx, b = case
    table = benchmark_table(b, "de")
    assert table == benchmark_table(b.to_dict(), "de")
    assert benchmark_table(None) is None
    assert table["headers"][4] == "Perzentilrang"
    cell = b.cell("direction", "score", "all")
    row = next(
        r
        for r in table["rows"]
        if (r["scope_code"], r["dimension_code"], r["measure_code"]) == ("all", "direction", "score")
    )
    assert row["percentile_rank"] == pytest.approx(cell.percentile_rank)
    withheld = [r for r in table["rows"] if r["reason"]]
    assert withheld and all(r["reason"].startswith("nicht gezeigt: ") for r in withheld)
    with pytest.raises(TypeError, match="benchmark"):
        benchmark_table(42)


def test_csv_rows(case):
    dx, b = case
    plain = render_report_csv(dx)
    rows = list(csv.reader(io.StringIO(render_report_csv(dx, benchmark=b).decode())))
    bench = [r for r in rows if r[0] == "benchmark"]
    assert b"benchmark" not in plain
    assert ["benchmark", "all", "", "direction", "score_median", f"{b.cell('direction').median:.4f}".rstrip("0")] in [
        r[:5] + [r[5].rstrip("0")] for r in bench
    ]
    suppressed = [r for r in bench if r[4].endswith("_suppressed")]
    assert suppressed and {r[5] for r in suppressed} <= {"fewer_than_k", "complementary", "not_comparable"}


def test_xlsx_sheet_and_pptx_slide(case):
    dx, b = case
    with zipfile.ZipFile(io.BytesIO(render_report_xlsx(dx, benchmark=b))) as z:
        workbook = z.read("xl/workbook.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert 'name="Benchmark"' in workbook and "Percentile rank" in strings and "not shown: " in strings
    assert "Compared with up to 9 organizations, 3 of them simulated" in strings
    with zipfile.ZipFile(io.BytesIO(render_report_xlsx(dx))) as z:
        assert 'name="Benchmark"' not in z.read("xl/workbook.xml").decode()
    deck = render_report_pptx(dx, benchmark=b.to_dict(), lang="de")
    with zipfile.ZipFile(io.BytesIO(deck)) as z:
        slides = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
    assert "Perzentilrang" in slides and "Alle vergleichbaren Organisationen" in slides
    assert "davon 3 simuliert" in slides
    assert slides.count("nicht gezeigt:") == 1 and "Vergleichen werden nicht gezeigt:" in slides


def test_pdf_section(case):
    from app.reports.pdf_report import render_report_pdf

    dx, b = case
    pdf = render_report_pdf(dx, benchmark=b)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "3 of them simulated" in " ".join(text.split())
    # withheld comparisons are counted once with their reasons, not listed row by row
    table = benchmark_table(b, "en")
    withheld = len(table["rows"]) - len(table["shown_rows"])
    assert (
        withheld and " ".join(text.split()).count(f"{withheld} of {len(table['rows'])} comparisons are not shown") == 1
    )
    assert text.lower().count("not shown:") == 1


def test_html_section(case):
    from app.reports.html_report import render_report_html

    dx, b = case
    page = render_report_html(dx, benchmark=b, lang="de")
    assert '<section id="benchmark">' in page and 'href="#benchmark"' in page and "Perzentilrang" in page
    assert "davon 3 simuliert" in page
    assert '<section id="benchmark">' not in render_report_html(dx)
