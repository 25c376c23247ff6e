"""The interactive HTML report: self-contained, plotly.js once, hostile labels harmless,
hidden teams without numbers, a methodology appendix, both languages."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape
from app.plotly_bundle import plotly_source

from analysis.diagnosis import diagnose
from analysis.responses import ResponseData
from analysis.simulate import simulate
from app.reports.html_report import render_report_html

SCRIPT_NAME = "<script>alert(1)</script>"
QUOTE_NAME = '"; alert(1)//'
UNIT_NAME = "</script><img src=x onerror=alert(2)>"
HOSTILE = (SCRIPT_NAME, QUOTE_NAME, UNIT_NAME)
CHROMIUM = Path("/usr/bin/chromium")


class _Page(HTMLParser):
    """Tags with their attributes, and the text of every <script> element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self._in_script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = [dict(attrs), ""]

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append(tuple(self._in_script))
            self._in_script = None


def _hostile_data():
    """Simulated responses whose team and unit labels try to break out of the page;
    one hostile team is below k."""
    sim = simulate(respondents=360, teams=18, units=2, seed=4)
    data = sim.data
    small = sim.teams_with("small")[0]
    big = next(t for t in sorted(sim.planted) if sim.planted[t] == "aligned_autonomy")
    rename = {big: SCRIPT_NAME, small: QUOTE_NAME}
    team = np.array([rename.get(t, t) for t in data.team.tolist()])
    unit = np.where(data.unit == data.unit[0], UNIT_NAME, data.unit)
    values = {iid: data.values[:, j] for j, iid in enumerate(data.item_ids)}
    comments = tuple((rename.get(t, t), text) for t, text in data.comments) + ((SCRIPT_NAME, SCRIPT_NAME),)
    return (
        ResponseData.from_columns(
            data.questionnaire,
            team=team,
            answers=values,
            unit=unit,
            role=data.role,
            tenure=data.tenure,
            comments=comments,
        ),
        data,
        small,
    )


@pytest.fixture(scope="module")
def hostile():
    data, original, small = _hostile_data()
    d = diagnose(data)
    return d, render_report_html(d), original, small


@pytest.fixture(scope="module")
def page(hostile):
    p = _Page()
    p.feed(hostile[1])
    return p


def test_self_contained(page):
    for tag, attrs in page.tags:
        for key in ("src", "href", "action", "data"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert not [a for t, a in page.tags if t == "script" and "src" in a]
    assert not [a for t, a in page.tags if t == "link"]


def test_plotly_js_is_embedded_exactly_once(hostile, page):
    text = hostile[1]
    assert text.count(plotly_source()) == 1
    code = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
    assert len(code) == 2  # plotly.js and the page's own script
    assert sum("plotly.js (cartesian - minified) v" in body[:200] for body in code) == 1  # the partial bundle


def test_hostile_names_are_escaped(hostile, page):
    d, text, _, _ = hostile
    for name in HOSTILE:
        assert name not in text
    assert "<img" not in text
    assert str(escape(SCRIPT_NAME)) in text and str(escape(QUOTE_NAME)) in text  # shown as text
    # figure data is JSON that cannot end its script block, and plotly gets escaped labels
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert blocks
    for body in blocks:
        assert "<" not in body and ">" not in body
        spec = json.loads(body)
        flat = json.dumps(spec, ensure_ascii=False)
        assert SCRIPT_NAME not in flat and UNIT_NAME not in flat
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in json.dumps(json.loads(b), ensure_ascii=False) for b in blocks)
    # exactly the page's own scripts, nothing injected
    assert len([1 for t, a in page.tags if t == "script"]) == len(page.scripts)
    assert not [a for t, a in page.tags if t == "img"]


def test_a_hidden_teams_numbers_are_absent(hostile):
    d, text, original, small = hostile
    assert d.team(QUOTE_NAME)["suppressed"]
    k = d.settings["min_group_size"]
    row = re.search(rf"<tr><th>{re.escape(str(escape(QUOTE_NAME)))}</th>.*?</tr>", text, re.S)
    assert row and f"n &lt; {k}: fewer than {k} responses" in row.group(0)
    cells = html.unescape(re.sub(r"<[^>]+>", "", row.group(0)))
    for known in (QUOTE_NAME, d.team(QUOTE_NAME)["unit"], f"n < {k}", f"fewer than {k}"):
        cells = cells.replace(known, "")
    assert not re.search(r"\d", cells), cells
    # the hidden team's true figures (computed here from the raw answers) appear nowhere
    from analysis.scoring import score_responses

    scores = score_responses(original)
    mask = original.team == small
    for j in range(3):
        true = np.nanmean(scores.perception[mask, j])
        if np.isfinite(true):
            assert f"{true:.4f}" not in text and f"{true:.2f}" not in text


def test_contains_methodology_and_explanations(hostile):
    text = hostile[1]
    assert 'id="method"' in text and "docs/methodology.md" in text
    assert "LeBreton" in text and "r_wg(j)" in text
    assert "What the findings mean" in text
    assert "fewer than 5 responses" in text and "worked out by subtraction" in text
    assert "Three-factor model (CFA)" in text


def test_report_content(hostile):
    d, text, _, _ = hostile
    for f in d.findings:
        assert str(escape(f["en"])) in text
    assert "Team leads and members" in text and "What goes together with the litmus question" in text
    assert text.count('class="drill"') == len(d.units.labels)


def test_german_report_and_deterministic_output(hostile):
    d = hostile[0]
    de = render_report_html(d, lang="de")
    assert '<html lang="de">' in de
    assert "Zusammenfassung" in de and "Methode" in de and "So lesen Sie die Heatmaps" in de
    assert de == render_report_html(d, lang="de")


def test_title_is_escaped_and_lang_checked(hostile):
    d = hostile[0]
    text = render_report_html(d, title="<b>Acme</b> & Co")
    assert "<title>&lt;b&gt;Acme&lt;/b&gt; &amp; Co</title>" in text
    with pytest.raises(ValueError, match="lang"):
        render_report_html(d, lang="fr")


def test_report_without_units_and_with_hidden_organization():
    small = diagnose(simulate(respondents=75, teams=5, seed=2).data)
    text = render_report_html(small)
    assert 'class="drill"' not in text and text.count(plotly_source()) == 1
    tiny = diagnose(simulate(respondents=4, teams=2, seed=1).data)
    text = render_report_html(tiny)
    assert "The organization has fewer than 5 responses" in text


@pytest.mark.browser
def test_report_opens_in_chromium_without_errors_or_requests(hostile, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(hostile[1], encoding="utf-8")
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems, requests = [], []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.fig[data-drawn] .main-svg').length > 0")
        page.locator("details.drill").first.evaluate("d => { d.open = true; }")
        page.locator("details.drill .fig").first.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('details.drill .fig[data-drawn] .main-svg') !== null")
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith("file:")] == []
