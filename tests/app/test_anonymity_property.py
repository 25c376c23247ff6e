"""Anonymity over many simulated organizations (DESIGN §5): for every group below k, no
released figure — in the dashboard/API JSON, a filtered view, or any export (CSV, XLSX,
PPTX, HTML, PDF text) — lets its value be derived directly, by subtracting visible
siblings from their parent, or by subtracting a filtered view from a wider one; comments
appear only for groups reaching the comment threshold.

The checks read only what is released (the numbers in the outputs) and compare with
the true group sizes of the simulation."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter

import numpy as np
import pytest
from sqlmodel import select
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from analysis import diagnose, simulate_responses
from analysis.views import diagnose_view
from app.core.db import session_scope
from app.models import Membership, Organization, Role, User
from app.reports.csv_report import render_report_csv
from app.reports.html_report import render_report_html
from app.reports.pdf_report import render_report_pdf
from app.reports.pptx_report import render_report_pptx
from app.reports.xlsx_report import render_report_xlsx
from app.services.campaigns import create_campaign, launch_campaign
from app.services.teams import import_teams
from results_helpers import close, store_rows
from web_helpers import add_user, login, new_client

# (respondents, teams, units, k, comment_k, seed): varied sizes, thresholds and shapes
ORGS = [
    (40, 6, 2, 5, 10, 1),
    (60, 12, 3, 5, 10, 2),
    (90, 20, 4, 5, 12, 3),
    (120, 30, 5, 7, 14, 4),
    (50, 8, None, 5, 10, 5),
    (150, 25, 3, 10, 15, 6),
    (70, 14, 2, 3, 6, 7),
    (200, 40, 6, 5, 10, 8),
    (35, 5, 2, 5, 10, 9),
    (110, 22, 4, 6, 10, 10),
    (80, 18, 3, 4, 8, 11),
    (130, 12, 2, 8, 20, 12),
    (65, 16, 4, 5, 10, 13),
    (95, 9, 3, 5, 10, 14),
    (180, 45, 5, 5, 10, 15),
    (45, 10, 2, 3, 5, 16),
    (75, 15, 5, 5, 10, 17),
    (140, 28, 4, 5, 10, 18),
    (55, 11, 3, 5, 10, 19),
    (100, 20, 2, 7, 10, 20),
]
PDF_SEEDS = {7, 16}  # the PDF is the slowest export (seconds per organization)
PPTX_SEEDS = set(range(1, 21, 2))


def _safe(x, k) -> bool:
    return x == 0 or x >= k


class Org:
    """A simulated organization, its diagnosis and the true group sizes."""

    def __init__(self, respondents, teams, units, k, comment_k, seed):
        self.data = simulate_responses(respondents=respondents, teams=teams, units=units, seed=seed)
        self.k, self.comment_k, self.seed = k, comment_k, seed
        self.dx = diagnose(
            self.data, min_group_size=k, comment_min_group_size=comment_k, acknowledge_small_groups=k < 5
        )
        labels, counts = np.unique(self.data.team, return_counts=True)
        self.team_n = dict(zip(labels.tolist(), counts.tolist()))
        self.unit_of = {}
        if self.data.unit is not None:
            self.unit_of = dict(zip(self.data.team.tolist(), self.data.unit.tolist()))
        self.hidden = [t for t, n in self.team_n.items() if n < k]


@pytest.fixture(scope="module")
def orgs():
    return [Org(*spec) for spec in ORGS]


# ------------------------------------------------------------------ checks on released numbers


def check_hierarchy(org: Org, team_n: dict, unit_n: dict, org_n):
    """``team_n``/``unit_n``: released n per label (None = hidden); ``org_n`` likewise."""
    k = org.k
    for t in org.hidden:
        assert team_n.get(t) is None, f"team {t} (n={org.team_n[t]} < {k}) released n={team_n.get(t)}"
    for t, n in team_n.items():
        assert n is None or n == org.team_n[t]
    units = set(org.unit_of.values())
    covered = 0
    for u in units:
        visible_teams = sum(n for t, n in team_n.items() if n is not None and org.unit_of[t] == u)
        if unit_n.get(u) is not None:
            assert _safe(unit_n[u] - visible_teams, k), f"unit {u}: remainder {unit_n[u] - visible_teams}"
            covered += unit_n[u]
        else:
            covered += visible_teams
    if not units:
        covered = sum(n for n in team_n.values() if n is not None)
    if org_n is not None:
        assert _safe(org_n - covered, k), f"organization remainder {org_n - covered}"


def check_records(org: Org, teams: list, units: list, organization: dict):
    """Dashboard/API records: hidden groups carry no figures; subtraction is safe for the
    respondents and for every dimension's answer count."""
    for rec in teams + units:
        if rec["suppressed"]:
            assert rec["n"] is None
            assert not ({"dimensions", "misconceptions", "outcome", "typology", "comments"} & set(rec))
    check_hierarchy(org, {r["team"]: r["n"] for r in teams}, {r["unit"]: r["n"] for r in units}, organization["n"])
    for d in ("direction", "decision_rights", "feedback"):

        def cell(r):
            c = (r.get("dimensions") or {}).get(d)
            return None if c is None or c["suppressed"] else c["n"]

        tn = {r["team"]: cell(r) for r in teams}
        # a dimension answered by fewer than k is hidden; answer counts obey the same subtraction rule
        for t, n in tn.items():
            assert n is None or n >= org.k
        un = {r["unit"]: cell(r) for r in units}
        on = cell(organization)
        covered = sum(n for u, n in un.items() if n is not None) + sum(
            n for t, n in tn.items() if n is not None and un.get(org.unit_of.get(t)) is None
        )
        if on is not None:
            assert _safe(on - covered, org.k)
        for u, n in un.items():
            if n is not None:
                inside = sum(m for t, m in tn.items() if m is not None and org.unit_of.get(t) == u)
                assert _safe(n - inside, org.k)


def check_comments(org: Org, teams: list, units: list, org_comments: list):
    seen = []
    for rec in teams:
        if rec.get("comments"):
            assert org.team_n[rec["team"]] >= org.comment_k
            seen += rec["comments"]
    for rec in units:
        if rec.get("comments"):
            size = sum(n for t, n in org.team_n.items() if org.unit_of[t] == rec["unit"])
            assert size >= org.comment_k
            seen += rec["comments"]
    if org_comments:
        assert sum(org.team_n.values()) >= org.comment_k
        seen += org_comments
    available = Counter(text for _, text in org.data.comments)
    assert not Counter(seen) - available, "a comment is shown more often than it was written"


def check_views(org: Org, views: dict):
    """``views``: filters tuple → released n (None when refused)."""
    k, total = org.k, org.data.n
    for filters, n in views.items():
        if n is None:
            continue
        assert n >= k and total - n >= k, filters
        for drop in range(len(filters)):
            parent = filters[:drop] + filters[drop + 1 :]
            parent_n = total if not parent else views.get(parent)
            if parent_n is not None:
                assert _safe(parent_n - n, k), (filters, parent)
    # siblings: a parent minus all released categories of one filter
    by_parent = {}
    for filters, n in views.items():
        if n is None:
            continue
        for drop, (name, _) in enumerate(filters):
            parent = filters[:drop] + filters[drop + 1 :]
            by_parent.setdefault((parent, name), []).append(n)
    for (parent, _), ns in by_parent.items():
        parent_n = total if not parent else views.get(parent)
        if parent_n is not None:
            assert _safe(parent_n - sum(ns), k), parent


def all_views(org: Org) -> dict:
    """Every view by one filter, and by two filters for every fourth organization."""
    columns = {"unit": org.data.unit, "role": org.data.role, "tenure": org.data.tenure}
    values = {f: sorted(set(c.tolist()) - {""}) for f, c in columns.items() if c is not None}
    out = {}
    names = list(values)
    for size in (1, 2) if org.seed % 4 == 1 else (1,):
        for combo in itertools.combinations(names, size):
            for vals in itertools.product(*(values[f] for f in combo)):
                filters = tuple(zip(combo, vals))
                try:
                    v = diagnose_view(
                        org.data, min_group_size=org.k, acknowledge_small_groups=org.k < 5, **dict(filters)
                    )
                except ValueError:
                    continue  # a combination that does not occur
                out[filters] = v.record["n"] if v.released else None
                if not v.released:
                    assert v.record is None
    return out


# ------------------------------------------------------------------ library outputs


def test_diagnosis_json_and_filtered_views(orgs):
    for org in orgs:
        d = org.dx.to_dict()
        check_records(org, d["teams"], d["units"], d["organization"])
        check_comments(org, d["teams"], d["units"], d["organization"].get("comments", []))
        check_views(org, all_views(org))


def _csv_numbers(org: Org, body: bytes):
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    head, rows = rows[0], rows[1:]
    assert head[:2] == ["level", "group"]
    n = {("team", t): None for t in org.team_n}
    for level, group, _unit, dim, stat, value in rows:
        if level == "team" and group in org.hidden:
            assert stat in ("suppressed",), (group, stat, value)
        if stat == "n" and not dim:
            n[(level, group)] = int(float(value))
    teams = {t: n.get(("team", t)) for t in org.team_n}
    units = {u: n.get(("unit", u)) for u in set(org.unit_of.values())}
    return teams, units, n.get(("organization", ""))


def _no_numbers_in_rows(org: Org, rows, where: str):
    for row in rows:
        cells = [c for c in row if c is not None and c != ""]
        if any(isinstance(c, str) and c.strip() in org.hidden for c in cells):
            numbers = [c for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool)]
            assert not numbers, f"{where}: hidden team row with numbers {row}"


def _text_lines_clean(org: Org, text: str, where: str):
    for line in text.splitlines():
        for t in org.hidden:
            if re.search(rf"(?<![\w]){re.escape(t)}(?![\w])", line):
                rest = line
                for label in (*org.team_n, *set(org.unit_of.values())):
                    rest = re.sub(rf"(?<![\w]){re.escape(label)}(?![\w])", " ", rest)
                rest = re.sub(rf"(?<!\d){org.k}(?!\d)", " ", rest)
                assert not re.search(r"\d", rest), f"{where}: {line!r}"


def test_exports_release_nothing_derivable(orgs):
    for org in orgs:
        teams, units, org_n = _csv_numbers(org, render_report_csv(org.dx))
        check_hierarchy(org, teams, units, org_n)

        wb = load_workbook(io.BytesIO(render_report_xlsx(org.dx, lang="en")), read_only=True)
        for ws in wb.worksheets:
            _no_numbers_in_rows(org, ws.iter_rows(values_only=True), f"xlsx {ws.title}")

        deck = Presentation(io.BytesIO(render_report_pptx(org.dx, lang="en"))) if org.seed in PPTX_SEEDS else None
        for slide in deck.slides if deck else ():
            for shape in slide.shapes:
                if shape.has_table:
                    rows = [[c.text for c in r.cells] for r in shape.table.rows]
                    for r in rows:
                        if any(c.strip() in org.hidden for c in r):
                            others = [c for c in r if c.strip() not in org.hidden]
                            assert not any(re.fullmatch(r"[-+]?\d+([.,]\d+)?\s*%?", c.strip()) for c in others), r
                if shape.has_chart:
                    for plot in shape.chart.plots:
                        cats = list(plot.categories)
                        for series in plot.series:
                            for cat, value in zip(cats, series.values):
                                assert not (str(cat).strip() in org.hidden and value is not None), (cat, value)

        html = render_report_html(org.dx, lang="en")
        for m in re.finditer(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", html, re.S):
            _text_lines_clean(org, " ".join(re.sub(r"<[^>]+>", " ", m.group(0)).split()), "html")

        if org.seed in PDF_SEEDS:
            pdf = PdfReader(io.BytesIO(render_report_pdf(org.dx, lang="en")))
            _text_lines_clean(org, "\n".join(p.extract_text() for p in pdf.pages), "pdf")


# ------------------------------------------------------------------ through the web service


def _seed(app, org: Org, email: str) -> str:
    """The simulated organization as a closed campaign in the service; returns its id."""
    with session_scope(app.state.engine, write=True) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        o = Organization(name=f"Sim {org.seed}", k=org.k, k_acknowledged=org.k < 5, comment_k=org.comment_k)
        session.add(o)
        session.flush()
        session.add(Membership(user_id=user.id, organization_id=o.id, role=Role.hr_admin))
        csv_text = "unit path,team,headcount\n" + "".join(
            f"{org.unit_of.get(t, '')},{t},{n}\n" for t, n in org.team_n.items()
        )
        import_teams(session, organization=o, data=csv_text.encode())
        c = create_campaign(session, organization=o, name="Wave", questionnaire_id="aligned-autonomy-v1")
        launch_campaign(session, campaign=c, organization=o)
        cid = c.id
    store_rows(app.state.engine, cid, org.data)
    close(app.state.engine, cid)
    return str(cid)


@pytest.mark.parametrize("index", [1, 6, 15])
def test_dashboard_api_releases_nothing_derivable(app, orgs, index):
    org = orgs[index]
    add_user(app, "sim@example.org")
    client = new_client(app)
    login(client, "sim@example.org")
    cid = _seed(app, org, "sim@example.org")
    data = client.get(f"/api/v1/campaigns/{cid}/results").json()
    teams = []
    units = data["units"]
    unit_labels = [u["unit"] for u in units] or [None]
    for u in unit_labels:
        page = 0
        while True:
            params = {"page": page, **({"unit": u} if u else {})}
            if u is None and units:
                break
            heat = client.get(f"/api/v1/campaigns/{cid}/results/heatmap", params=params).json()
            teams += heat["records"]
            if page + 1 >= heat["pages"]:
                break
            page += 1
    if not units:
        heat = client.get(f"/api/v1/campaigns/{cid}/results/heatmap").json()
        teams = heat["records"]
    assert {t["team"] for t in teams} == set(org.team_n)
    for t in org.hidden:
        rec = client.get(f"/api/v1/campaigns/{cid}/results/team", params={"name": t}).json()
        assert rec["suppressed"] and rec["n"] is None and "dimensions" not in rec
    check_records(org, teams, units, data["organization"])
    check_comments(org, teams, units, data["comments"])
    views = {}
    for f, values in (
        ("role", ("lead", "member")),
        ("tenure", ("lt1", "y1_3", "y3_10", "gt10")),
        ("unit", [u["unit"] for u in units]),
    ):
        for v in values:
            r = client.get(f"/api/v1/campaigns/{cid}/results/view", params={f: v})
            if r.status_code == 422:
                continue
            body = r.json()
            views[((f, v),)] = body["record"]["n"] if body["released"] else None
    check_views(org, views)
