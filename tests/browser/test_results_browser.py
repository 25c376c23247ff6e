"""HR reads the demo organization's results: overview, heatmaps with drill-down to a unit
and a team, and every report download; each file is opened and no suppressed team's
row carries a number."""

from __future__ import annotations

import re
import subprocess

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageStat
from pptx import Presentation
from pypdf import PdfReader

from app.core.config import Settings
from app.demo import DEMO_ORG, seed_demo

pytestmark = pytest.mark.browser

FORMATS = ("html", "pdf", "xlsx", "pptx", "csv")


@pytest.fixture(scope="module")
def demo(server):
    info = seed_demo(
        settings=Settings(
            env="development",
            secret_key="browser-test-" + "s" * 40,
            database_url=server["db_url"],
            data_dir=server["data"],
        )
    )
    return info


@pytest.fixture(scope="module")
def hr(browser, server, demo):
    """A logged-in HR page on a desktop viewport, collecting JavaScript errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(f"{msg.text} {(msg.location or {}).get('url', '')}") if msg.type == "error" else None,
    )
    page.goto(f"{server['base']}/login")
    page.get_by_label("E-mail").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    yield page, errors
    context.close()


def _hidden_teams(page, base: str, campaign_id: str) -> list[str]:
    units = page.request.get(f"{base}/api/v1/campaigns/{campaign_id}/results").json()["units"]
    hidden = []
    for u in units:
        heat = page.request.get(
            f"{base}/api/v1/campaigns/{campaign_id}/results/heatmap", params={"unit": u["unit"]}
        ).json()
        hidden += [r["team"] for r in heat["records"] if r["suppressed"]]
    return hidden


def _clean_line(line: str, hidden: list[str], labels: list[str], k: int) -> bool:
    if not any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", line) for t in hidden):
        return True
    rest = line
    for label in labels:
        rest = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", " ", rest)
    rest = re.sub(rf"(?<!\d){k}(?!\d)", " ", rest)
    return not re.search(r"\d", rest)


def _open_results(page, base: str) -> None:
    """From the organizations to the demo campaign's results overview."""
    page.goto(f"{base}/orgs")
    page.get_by_role("link", name=DEMO_ORG).click()
    page.get_by_role("link", name="Baseline autumn 2026").click()
    page.get_by_test_id("results-link").click()
    page.wait_for_url(re.compile(r"/results$"))


def test_hr_reads_the_dashboard_and_downloads_every_report(hr, server, tmp_path):
    page, errors = hr
    base = server["base"]
    _open_results(page, base)
    campaign_id = page.url.split("/campaigns/")[1].split("/")[0]
    page.wait_for_selector("[data-figure='overview-figure'] .main-svg")
    assert page.get_by_test_id("findings").locator("li").count() >= 3
    # the headline names every dimension once, with the finding of the table beside it
    headline = page.get_by_test_id("headline").locator("li")
    assert headline.count() >= 1
    said = " ".join(headline.all_inner_texts())
    assert all(name in said for name in ("Direction", "Decision rights", "Feedback"))

    # heatmaps: units, then the teams of a unit, then a team
    page.get_by_role("link", name="Heatmaps").first.click()
    page.wait_for_selector("[data-testid='heatmap'] .main-svg")
    assert page.locator("[data-testid='heatmap'] .heatmaplayer image, [data-testid='heatmap'] .hm").count() > 0
    first_unit = page.get_by_test_id("drill-list").get_by_role("link").first.inner_text()
    drag = page.locator("[data-testid='heatmap'] .nsewdrag").first.bounding_box()
    page.mouse.click(drag["x"] + drag["width"] / 3, drag["y"] + 8)  # the top row of the unit heatmap
    page.wait_for_url(re.compile(r"unit="))
    page.wait_for_selector("[data-testid='heatmap'] .main-svg")
    assert f"Teams · {first_unit}" in page.inner_text("h2 >> nth=0")
    hidden = _hidden_teams(page, base, campaign_id)
    assert hidden, "the demo has teams below k"
    visible = [
        a.inner_text()
        for a in page.get_by_test_id("drill-list").get_by_role("link").all()
        if a.inner_text() not in hidden
    ]
    page.get_by_test_id("drill-list").get_by_role("link", name=visible[0], exact=True).click()
    page.wait_for_selector("[data-testid='team-name']")
    assert "What to do" in page.content()
    with page.expect_download(timeout=90_000) as team_pdf:
        page.get_by_test_id("download-team-pdf").click()
    files = {"team-pdf": tmp_path / "team.pdf"}
    team_pdf.value.save_as(files["team-pdf"])

    # every report from the overview
    page.get_by_role("link", name="Overview").first.click()
    page.wait_for_selector("[data-figure='overview-figure'] .main-svg")
    for fmt in FORMATS:
        with page.expect_download(timeout=120_000) as download:
            page.get_by_test_id(f"download-{fmt}").click()
        files[fmt] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[fmt])
        assert files[fmt].suffix == f".{fmt}"
    assert errors == []

    k = page.request.get(f"{base}/api/v1/campaigns/{campaign_id}").json()["k"]
    data = page.request.get(f"{base}/api/v1/campaigns/{campaign_id}/results").json()
    labels = [u["unit"] for u in data["units"]] + hidden + visible

    for name in ("pdf", "team-pdf"):
        reader = PdfReader(files[name])
        assert len(reader.pages) >= 1
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert all(_clean_line(line, hidden, labels, k) for line in text.splitlines()), name
        out = tmp_path / f"{name}-page"
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(files[name]), str(out)], check=True, timeout=120)
        pngs = sorted(tmp_path.glob(f"{name}-page*.png"))
        assert len(pngs) == len(reader.pages)
        for png in pngs:
            stat = ImageStat.Stat(Image.open(png).convert("L"))
            assert stat.extrema[0][0] < 200 and stat.stddev[0] > 2, f"{png.name} looks blank"

    wb = load_workbook(files["xlsx"], read_only=True)
    assert len(wb.sheetnames) >= 4
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if any(isinstance(c, str) and c.strip() in hidden for c in row):
                assert not [c for c in row if isinstance(c, (int, float)) and not isinstance(c, bool)], row

    deck = Presentation(files["pptx"])
    assert len(deck.slides) >= 3
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                for r in shape.table.rows:
                    cells = [c.text.strip() for c in r.cells]
                    if any(c in hidden for c in cells):
                        assert not any(re.fullmatch(r"[-+]?\d+([.,]\d+)?\s*%?", c) for c in cells if c not in hidden)
            if shape.has_chart:
                for plot in shape.chart.plots:
                    for series in plot.series:
                        for cat, value in zip(plot.categories, series.values):
                            assert not (str(cat) in hidden and value is not None)

    rows = files["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("level,group")
    for line in rows[1:]:
        level, group, *_rest, stat, _value = line.split(",")
        if level == "team" and group in hidden:
            assert stat == "suppressed", line

    _assert_question_tables(files, visible[0])

    html = files["html"].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc=", html) and not re.search(r"<link[^>]*\shref=\"?https?:", html)
    for m in re.finditer(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", html, re.S):
        assert _clean_line(" ".join(re.sub(r"<[^>]+>", " ", m.group(0)).split()), hidden, labels, k)


ITEM = "dir_p4"
ITEM_TEXT = "Our organization's direction changes so often that it gives little orientation."


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8")


def _assert_question_tables(files, team):
    """Every downloaded format carries the question-level table (docs/methodology.md §20)."""
    pdf = " ".join(_pdf_text(files["pdf"]).split())
    assert "Questions" in pdf and "Favourable" in pdf and ITEM_TEXT in pdf and "reverse-keyed" in pdf
    assert "Questions" in _pdf_text(files["team-pdf"])
    html = files["html"].read_text(encoding="utf-8")
    assert 'id="questions"' in html and f'data-item="{ITEM}"' in html
    rows = list(load_workbook(files["xlsx"], read_only=True)["Questions"].iter_rows(values_only=True))
    assert any(
        r[0] == "Team" and r[1] == team and r[3] == ITEM and isinstance(r[6], int) and isinstance(r[8], (int, float))
        for r in rows
    )
    deck = Presentation(files["pptx"])
    cells = [
        c.text for sl in deck.slides for sh in sl.shapes if sh.has_table for row in sh.table.rows for c in row.cells
    ]
    assert any(ITEM_TEXT in c for c in cells)
    csv_text = files["csv"].read_text(encoding="utf-8-sig")
    assert f"organization,,,{ITEM},item_favourable," in csv_text


def test_hr_reads_the_questions_tab(hr, server, tmp_path):
    page, errors = hr
    base = server["base"]
    _open_results(page, base)
    page.get_by_role("navigation", name="Results").get_by_role("link", name="Questions").click()
    page.wait_for_selector("[data-testid=questions-table]")
    assert page.get_by_test_id("questions-scope").inner_text() == "Organization"
    row = page.locator(f"tr[data-item={ITEM}]")
    assert ITEM_TEXT in row.inner_text() and "reverse-keyed" in row.inner_text()
    assert row.locator("svg.dist rect.fav").count() == 2
    assert page.locator("table.questions tbody tr").count() == 34
    page.screenshot(path=str(tmp_path / "questions-organization.png"), full_page=True)

    campaign_id = page.url.split("/campaigns/")[1].split("/")[0]
    api = page.request.get(f"{base}/api/v1/campaigns/{campaign_id}/results/questions").json()
    unit = api["units"][0]["unit"]
    page.locator("select[name=unit]").select_option(unit)
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("[data-testid=questions-table]")
    assert page.get_by_test_id("questions-scope").inner_text() == f"Unit: {unit}"
    shown = next(t for t in api["teams"] if not t["suppressed"])
    hidden = next(t for t in api["teams"] if t["suppressed"])
    favourable = shown["items"][ITEM]["favourable"]
    page.locator("select[name=unit]").select_option("")
    page.locator("select[name=team]").select_option(shown["team"])
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("[data-testid=questions-table]")
    cells = page.locator(f"tr[data-item={ITEM}] td").all_inner_texts()
    assert f"{round(100 * favourable)} %" in cells or shown["items"][ITEM]["suppressed"]
    page.locator("select[name=team]").select_option(hidden["team"])
    page.get_by_role("button", name="Show").click()
    assert (
        "fewer than" in page.get_by_test_id("questions-hidden").inner_text()
        or "subtraction" in page.get_by_test_id("questions-hidden").inner_text()
    )
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_selector("[data-testid=questions-scope]")
    assert "Fragen" in page.get_by_role("navigation", name="Ergebnisse").inner_text()
    page.locator("select[name=team]").select_option("")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_selector("[data-testid=questions-table]")
    assert "Günstig" in page.content() and "umgekehrt gepolt" in page.locator(f"tr[data-item={ITEM}]").inner_text()
    page.screenshot(path=str(tmp_path / "questions-de.png"), full_page=True)
    page.get_by_role("link", name="English").click()  # the choice is remembered
    page.wait_for_selector("[data-testid=questions-scope]")
    assert errors == []


def test_dashboard_fits_a_phone(browser, server, demo):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server['base']}/login")
    page.get_by_label("E-mail").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    campaigns = page.request.get(f"{server['base']}/api/v1/organizations").json()
    org = next(o for o in campaigns if o["name"] == DEMO_ORG)
    closed = next(
        c
        for c in page.request.get(f"{server['base']}/api/v1/organizations/{org['id']}/campaigns").json()
        if c["status"] == "closed"
    )
    for path in ("", "/heatmaps", "/heatmaps?unit=Technology"):
        page.goto(f"{server['base']}/campaigns/{closed['id']}/results{path}")
        page.wait_for_selector(".main-svg")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)
    assert errors == []
    context.close()


def test_hr_grants_a_unit_and_its_viewer_sees_only_that_unit(browser, server, demo, hr, tmp_path):
    page, _ = hr
    orgs = page.request.get(f"{server['base']}/api/v1/organizations").json()
    org = next(o for o in orgs if o["name"] == DEMO_ORG)
    page.goto(f"{server['base']}/orgs/{org['id']}")
    page.get_by_label("E-mail").fill("tech-lead@example.org")
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_label("Access (viewers)").select_option(label="results of Technology")
    page.get_by_label("Initial password (new users only)").fill("a long enough password")
    page.get_by_role("button", name="Add member").click()
    page.wait_for_url(re.compile(r"#members$"))
    access = page.get_by_label("Access of tech-lead@example.org")
    assert access.evaluate("s => s.options[s.selectedIndex].text") == "results of Technology"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    viewer = context.new_page()
    errors = []
    viewer.on("pageerror", lambda exc: errors.append(str(exc)))
    viewer.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    viewer.goto(f"{server['base']}/login")
    viewer.get_by_label("E-mail").fill("tech-lead@example.org")
    viewer.get_by_label("Password").fill("a long enough password")
    viewer.get_by_role("button", name="Log in").click()
    viewer.wait_for_url(re.compile(r"/orgs$"))
    viewer.get_by_role("link", name=DEMO_ORG).click()
    assert "limited to the results of the unit Technology" in viewer.content()
    viewer.get_by_role("link", name="Baseline autumn 2026").click()
    viewer.wait_for_selector(".main-svg")
    assert "Results of the unit Technology" in viewer.get_by_test_id("scope-note").inner_text()

    viewer.get_by_role("navigation", name="Results").get_by_role("link", name="Heatmaps").click()
    viewer.wait_for_selector("[data-testid=heatmap] .main-svg")
    teams = [a.inner_text() for a in viewer.locator("[data-testid=drill-list] a").all()]
    api = viewer.request.get(
        viewer.url.replace("/campaigns/", "/api/v1/campaigns/").replace("/heatmaps", "/heatmap")
    ).json()
    assert api["unit"] == "Technology" and teams == api["rows"]
    viewer.get_by_label("Order").select_option("name")
    viewer.get_by_role("button", name="Show").click()
    viewer.wait_for_selector("[data-testid=heatmap] .main-svg")
    by_name = [a.inner_text() for a in viewer.locator("[data-testid=drill-list] a").all()]
    shown = [r["team"] for r in api["records"] if not r["suppressed"]]
    hidden = [r["team"] for r in api["records"] if r["suppressed"]]
    assert by_name == sorted(shown) + sorted(hidden) and by_name != teams
    viewer.screenshot(path=str(tmp_path / "unit-viewer-heatmap.png"), full_page=True)
    viewer.get_by_role("navigation", name="Results").get_by_role("link", name="Questions").click()
    viewer.wait_for_selector("[data-testid=questions-scope]")
    assert viewer.get_by_test_id("questions-scope").inner_text() == "Unit: Technology"
    assert viewer.locator("select[name=unit] option").all_inner_texts() == ["Technology"]
    assert {o.split(" (")[0] for o in viewer.locator("select[name=team] option").all_inner_texts()} - {"—"} == set(
        teams
    )
    assert errors == []
    context.close()
