"""The XLSX report (xlsxwriter): every released figure on sheets for analysis.

Sheets: about, teams (with a conditional-format heatmap), units, dimensions,
misconceptions, reliability (with the CFA), questions (every item of every group), findings, role gaps, tenure, drivers and
differences. Hidden groups and cells carry the text ``n < k`` and the reason, never a
number. Every text cell is written with ``write_string`` after the formula-injection
guard, so no spreadsheet evaluates it.
"""

from __future__ import annotations

import io
import math

import xlsxwriter

from app.reports.benchmark_table import benchmark_table
from app.reports.decision_map import write_register_sheets
from app.reports.common import (
    cfa_verdict,
    SCALE,
    check_lang,
    dimension_names,
    hidden_text,
    instrument,
    item_text,
    k_of,
    label,
    misconception_names,
    provenance_lines,
    safe_text,
    t,
    teams_by_unit,
    tenure_labels,
)
from app.reports.measurement import measurement_sections
from app.reports.questions import qt, question_tables
from app.reports.texts import TEXTS

__all__ = ["render_report_xlsx"]

#: Per-dimension columns of the team and unit sheets: (record key, header text key or
#: literal, number format, width).
_DIM_COLUMNS = (
    ("score", "perception", "score"),
    ("ci_low", "ci_low", "score"),
    ("ci_high", "ci_high", "score"),
    ("shrunk_score", "shrunk", "score"),
    ("structure", "structure", "score"),
    ("structure_ci_low", "ci_low", "score"),
    ("structure_ci_high", "ci_high", "score"),
    ("shrunk_structure", "shrunk_structure", "score"),
    ("visibility", "visibility", "score"),
    ("combined", "combined", "score"),
    ("level", "maturity", "int"),
    ("finding", "finding", None),
    ("finding_probability", "probability", "index"),
    ("perception_reliability", "reliability_p", "index"),
    ("structure_reliability", "reliability_s", "index"),
    ("rwg_j_slight", "r_wg(j)", "index"),
    ("rwg_star_j", "r*_wg(j)", "index"),
    ("awg", "a_wg", "index"),
    ("ad_m", "AD_M", "index"),
    ("structure_rwg_j", "r_wg(j) S", "index"),
    ("vs_rest_d", "d_vs_rest", "index"),
    ("structure_vs_rest_d", "d_vs_rest_structure", "index"),
)
_HEAT_KEYS = ("score", "structure", "combined", "shrunk_score")


class _Book:
    """A workbook with the report's formats and guarded writers."""

    def __init__(self, buf, lang: str):
        self.lang = lang
        self.wb = xlsxwriter.Workbook(
            buf,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": False,
            },
        )
        add = self.wb.add_format
        self.fmt = {
            "head": add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top", "bg_color": "#eef2f6"}),
            "group": add({"bold": True, "bg_color": "#dde5ee"}),
            "score": add({"num_format": "0.0"}),
            "index": add({"num_format": "0.00"}),
            "p": add({"num_format": "0.0000"}),
            "fit": add({"num_format": "0.000"}),
            "pct": add({"num_format": "0%"}),
            "pp": add({"num_format": "+0%;-0%;0%"}),
            "int": add({"num_format": "0"}),
            "hidden": add({"italic": True, "font_color": "#444444", "bg_color": "#e3e3e3"}),
            "text": add({"text_wrap": True, "valign": "top"}),
            "title": add({"bold": True, "font_size": 14}),
            None: None,
        }

    def sheet(self, key: str, headers: list, widths: list, *, freeze_cols: int = 0, header_rows: int = 1):
        ws = self.wb.add_worksheet(t(key, self.lang)[:31])
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(header_rows, freeze_cols)
        row = header_rows - 1
        for c, h in enumerate(headers):
            self.text(ws, row, c, h, "head")
        return ws

    def text(self, ws, r: int, c: int, value, fmt=None):
        """A text cell that no spreadsheet evaluates."""
        if value is None or value == "":
            ws.write_blank(r, c, None, self.fmt[fmt])
        else:
            ws.write_string(r, c, safe_text(value), self.fmt[fmt])

    def num(self, ws, r: int, c: int, value, fmt="score"):
        """A released number (blank when missing)."""
        if value is None or isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(r, c, None, self.fmt[fmt])
        else:
            ws.write_number(r, c, value, self.fmt[fmt])


def _head(key: str, lang: str) -> str:
    return t(key, lang) if key in TEXTS else key


def _group_sheet(book, key: str, groups: list, names: dict, k: int, *, units: bool):
    """Teams or units: one row per group, per-dimension figures side by side."""
    lang = book.lang
    lead = [t("unit", lang), t("team", lang)] if not units else [t("unit", lang), t("teams", lang)]
    lead += [t("status", lang), "n", t("typology", lang), t("outcome", lang)]
    dims = tuple(names)
    headers = lead + [_head(h, lang) for _ in dims for _, h, _ in _DIM_COLUMNS]
    widths = [12, 14, 26, 7, 24, 10] + [9 if f else 16 for _ in dims for _, _, f in _DIM_COLUMNS]
    ws = book.sheet(key, headers, widths, freeze_cols=2, header_rows=2)
    ws.set_row(1, 30)
    n_lead = len(lead)
    for j, d in enumerate(dims):
        first = n_lead + j * len(_DIM_COLUMNS)
        ws.merge_range(0, first, 0, first + len(_DIM_COLUMNS) - 1, safe_text(names[d]), book.fmt["group"])
    r = 2
    for rec in groups:
        book.text(ws, r, 0, rec.get("unit"))
        if units:
            book.num(ws, r, 1, rec.get("n_teams"), "int")
        else:
            book.text(ws, r, 1, rec["team"])
        if rec["suppressed"]:
            book.text(ws, r, 2, hidden_text(rec["suppression_reason"], k, lang), "hidden")
            r += 1
            continue
        book.text(ws, r, 2, t("shown", lang))
        book.num(ws, r, 3, rec["n"], "int")
        typ = rec["typology"]
        book.text(ws, r, 4, label("typology", typ, lang) if typ else None)
        book.num(ws, r, 5, rec["outcome"])
        for j, d in enumerate(dims):
            cell = rec["dimensions"][d]
            first = n_lead + j * len(_DIM_COLUMNS)
            if cell["suppressed"]:
                book.text(ws, r, first, hidden_text(cell["suppression_reason"], k, lang), "hidden")
                continue
            for c, (field, _, fmt) in enumerate(_DIM_COLUMNS):
                if field == "finding":
                    book.text(ws, r, first + c, label("finding", cell["finding"], lang) if cell["finding"] else None)
                else:
                    book.num(ws, r, first + c, cell.get(field), fmt)
        r += 1
    last = max(r - 1, 2)
    for j in range(len(dims)):
        for c, (field, _, _) in enumerate(_DIM_COLUMNS):
            if field in _HEAT_KEYS:
                col = n_lead + j * len(_DIM_COLUMNS) + c
                ws.conditional_format(
                    2,
                    col,
                    last,
                    col,
                    {
                        "type": "3_color_scale",
                        "min_type": "num",
                        "min_value": 0,
                        "min_color": SCALE[0],
                        "mid_type": "num",
                        "mid_value": 50,
                        "mid_color": SCALE[1],
                        "max_type": "num",
                        "max_value": 100,
                        "max_color": SCALE[2],
                    },
                )
    ws.autofilter(1, 0, last, len(headers) - 1)


def _about(book, diagnosis, organization_name, campaign_name, provenance):
    lang, k = book.lang, k_of(diagnosis)
    ws = book.wb.add_worksheet(t("sheet_about", lang))
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    book.text(ws, 0, 0, t("report_title", lang), "title")
    rows = [
        (t("organization", lang), organization_name),
        (t("campaign", lang), campaign_name),
        *([(t("unit", lang), t("scope_line", lang, unit=diagnosis.scope))] if diagnosis.scope else []),
        (t("questionnaire", lang), diagnosis.questionnaire["title"][lang]),
        (t("respondents", lang), diagnosis.n_respondents if diagnosis.n_respondents is not None else f"n < {k}"),
        ("k", t("min_group", lang, k=k, ck=diagnosis.settings["comment_min_group_size"])),
        (t("heatmaps", lang), t("heatmap_note", lang, k=k)),
        *((t("survey_links", lang), line) for line in provenance_lines(provenance, k, lang)),
    ]
    for i, (key, value) in enumerate(rows, start=2):
        book.text(ws, i, 0, key, "head")
        if isinstance(value, int):
            book.num(ws, i, 1, value, "int")
        else:
            book.text(ws, i, 1, value, "text")


def _dimensions(book, diagnosis, names):
    lang = book.lang
    cols = [
        ("n", "n", "int"),
        ("score", t("perception", lang), "score"),
        ("ci_low", t("ci_low", lang), "score"),
        ("ci_high", t("ci_high", lang), "score"),
        ("structure", t("structure", lang), "score"),
        ("structure_ci_low", t("ci_low", lang), "score"),
        ("structure_ci_high", t("ci_high", lang), "score"),
        ("combined", t("combined", lang), "score"),
        ("level", t("maturity", lang), "int"),
        ("alpha", "α", "index"),
        ("omega", "ω", "index"),
        ("icc1", "ICC(1)", "index"),
        ("icc2", "ICC(2)", "index"),
        ("structure_icc1", "ICC(1) S", "index"),
        ("structure_icc2", "ICC(2) S", "index"),
    ]
    headers = [t("dimension", lang)] + [h for _, h, _ in cols] + [t("finding", lang), t("reading", lang)]
    ws = book.sheet("sheet_dimensions", headers, [18] + [9] * len(cols) + [22, 90], freeze_cols=1)
    for r, d in enumerate(names, start=1):
        info = diagnosis.dimensions[d]
        book.text(ws, r, 0, names[d])
        for c, (key, _, fmt) in enumerate(cols, start=1):
            book.num(ws, r, c, info.get(key), fmt)
        book.text(ws, r, len(cols) + 1, label("finding", info.get("finding"), lang) if info.get("finding") else None)
        reading = " ".join(x[lang] for x in (info.get("icc_reading"), info.get("structure_icc_reading")) if x)
        book.text(ws, r, len(cols) + 2, reading, "text")


def _misconceptions(book, diagnosis, groups, k):
    lang = book.lang
    mcs = diagnosis.teams.misconceptions
    mnames = misconception_names(diagnosis, lang)
    headers = [t("level", lang), t("unit", lang), t("group", lang), t("status", lang), "n"]
    headers += [mnames[m] for m in mcs] + [f"{mnames[m]} – {t('vs_org', lang)}" for m in mcs]
    ws = book.sheet("sheet_misconceptions", headers, [14, 12, 14, 26, 7] + [16] * (2 * len(mcs)), freeze_cols=3)
    ws.set_row(0, 60)
    org = diagnosis.organization.records()[0]
    rows = [(t("organization", lang), None, "", org)]
    for u, teams in groups:
        if u is not None:
            rows.append((t("unit", lang), u["unit"], u["unit"], u))
        rows += [(t("team", lang), r.get("unit"), r["team"], r) for r in teams]
    for r, (lvl, unit, grp, rec) in enumerate(rows, start=1):
        book.text(ws, r, 0, lvl)
        book.text(ws, r, 1, unit)
        book.text(ws, r, 2, grp)
        if rec["suppressed"]:
            book.text(ws, r, 3, hidden_text(rec["suppression_reason"], k, lang), "hidden")
            continue
        book.text(ws, r, 3, t("shown", lang))
        book.num(ws, r, 4, rec["n"], "int")
        for c, m in enumerate(mcs):
            book.num(ws, r, 5 + c, rec["misconceptions"][m], "pct")
            if r > 1:
                book.num(ws, r, 5 + len(mcs) + c, rec["misconceptions_vs_organization"][m], "pp")
    last = max(len(rows), 1)
    ws.conditional_format(
        1,
        5,
        last,
        4 + len(mcs),
        {
            "type": "3_color_scale",
            "min_type": "num",
            "min_value": 0,
            "min_color": SCALE[2],
            "mid_type": "num",
            "mid_value": 0.5,
            "mid_color": SCALE[1],
            "max_type": "num",
            "max_value": 1,
            "max_color": SCALE[0],
        },
    )
    ws.autofilter(0, 0, last, len(headers) - 1)


def _reliability(book, diagnosis, names):
    lang = book.lang
    q = instrument(diagnosis)
    headers = [
        t("dimension", lang),
        t("item", lang),
        t("text", lang),
        t("item_rest", lang),
        t("alpha_if_deleted", lang),
        "α",
        "ω",
    ]
    ws = book.sheet("sheet_reliability", headers, [18, 10, 80, 12, 12, 9, 9], freeze_cols=2)
    r = 1
    for d in names:
        rel = diagnosis.dimensions[d].get("reliability") or {}
        if not rel.get("estimable", False):
            book.text(ws, r, 0, names[d])
            book.text(ws, r, 2, (rel.get("reason") or {}).get(lang, t("not_estimable", lang)), "text")
            r += 1
            continue
        for it in rel["items"]:
            book.text(ws, r, 0, names[d])
            book.text(ws, r, 1, it["id"])
            book.text(ws, r, 2, item_text(q, it["id"], lang), "text")
            book.num(ws, r, 3, it["item_rest"], "index")
            book.num(ws, r, 4, it["alpha_if_deleted"], "index")
            book.num(ws, r, 5, rel.get("alpha"), "index")
            book.num(ws, r, 6, rel.get("omega"), "index")
            r += 1
    r += 1
    book.text(ws, r, 0, t("cfa", lang), "head")
    c = diagnosis.cfa
    if not c.get("estimable"):
        book.text(ws, r + 1, 0, (c.get("reason") or {}).get(lang, t("not_estimable", lang)), "text")
        return
    fit = [
        ("χ²", c["chisq"], "index"),
        ("df", c["df"], "int"),
        ("p", c["pvalue"], "p"),
        ("CFI", c["cfi"], "fit"),
        ("TLI", c["tli"], "fit"),
        ("RMSEA", c["rmsea"], "fit"),
        ("RMSEA CI low", c["rmsea_ci_low"], "fit"),
        ("RMSEA CI high", c["rmsea_ci_high"], "fit"),
        ("SRMR", c["srmr"], "fit"),
        ("n", c["n_obs"], "int"),
    ]
    for i, (name, value, fmt) in enumerate(fit, start=r + 1):
        book.text(ws, i, 0, name)
        book.num(ws, i, 1, value, fmt)
    for i, line in enumerate(cfa_verdict(c, lang), start=r + len(fit) + 1):
        book.text(ws, i, 0, line, "text")


def _table(book, key, headers, widths, rows):
    """A plain sheet: ``rows`` of (value, kind) with kind ``'text'`` or a number format."""
    ws = book.sheet(key, headers, widths, freeze_cols=0)
    for r, row in enumerate(rows, start=1):
        for c, (value, kind) in enumerate(row):
            if kind in ("text", None):
                book.text(ws, r, c, value, kind)
            else:
                book.num(ws, r, c, value, kind)
    if rows:
        ws.autofilter(0, 0, len(rows), len(headers) - 1)


def _measurement(book, diagnosis, lang):
    """A sheet per measurement section (top-priority consensus, invariance across
    languages): its paragraphs, then its tables."""
    for section in measurement_sections(diagnosis, lang):
        ws = book.wb.add_worksheet(section["sheet"])
        ws.set_column(0, 0, 40)
        ws.set_column(1, 5, 18)
        r = 0
        for paragraph in section["paragraphs"]:
            book.text(ws, r, 0, paragraph, "text")
            r += 1
        for table in section["tables"]:
            r += 1
            for c, head in enumerate(table["head"]):
                book.text(ws, r, c, head, "head")
            for row in table["rows"]:
                r += 1
                for c, value in enumerate(row):
                    book.text(ws, r, c, value, "text")
            r += 1


def _group_label(level, group, lang):
    return t("organization", lang) if level == "organization" else group


def _benchmark(book, benchmark, lang):
    """A sheet with the benchmark comparison (released figures; withheld cells give the reason)."""
    table = benchmark_table(benchmark, lang)
    ws = book.wb.add_worksheet(table["title"][:31])
    for c, w in enumerate((30, 18, 18, 12, 14, 12, 10, 10, 10, 14, 12, 60)):
        ws.set_column(c, c, w)
    book.text(ws, 0, 0, table["intro"], "text")
    if table["provenance"]:
        book.text(ws, 1, 0, table["provenance"], "text")
    if table["note"]:
        book.text(ws, 2, 0, table["note"], "text")
    for c, h in enumerate(table["headers"]):
        book.text(ws, 3, c, h, "head")
    ws.freeze_panes(4, 0)
    for r, row in enumerate(table["rows"], start=4):
        for c, key in enumerate(("scope", "dimension", "measure")):
            book.text(ws, r, c, row[key], "text")
        kind = "fit" if row["measure_code"] == "icc1" else "score"
        book.num(ws, r, 3, row["value"], kind)
        if row["reason"]:
            book.text(ws, r, 11, row["reason"], "text")
            continue
        book.num(ws, r, 4, row["percentile_rank"], "score")
        book.text(ws, r, 5, row["interval"], "text")
        for c, key in ((6, "median"), (7, "p75"), (8, "p90")):
            book.num(ws, r, c, row[key], kind)
        book.num(ws, r, 9, row["n_organizations"], "int")
        book.num(ws, r, 10, row["n_simulated"], "int")
        book.text(ws, r, 11, "; ".join(row["withheld"].values()), "text")


def _questions(book, diagnosis):
    """A sheet with every item of every group: n, mean, share favourable and the share
    of each answer (numbers), hidden cells with their reason."""
    lang = book.lang
    tables = question_tables(diagnosis, lang)
    width = max(len(q["options"]) for q in diagnosis.items.questions)
    headers = [
        qt("level", lang),
        qt("scope", lang),
        qt("unit", lang),
        "id",
        qt("topic", lang),
        qt("question", lang),
        "n",
        qt("mean", lang),
        qt("favourable", lang),
    ]
    headers += [qt("answer_n", lang, i=i) for i in range(1, width + 1)] + [qt("options", lang), qt("note", lang)]
    ws = book.wb.add_worksheet(qt("questions", lang)[:31])
    for c, w in enumerate([12, 16, 16, 20, 28, 70, 7, 8, 10] + [10] * width + [60, 40]):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 4)
    for c, h in enumerate(headers):
        book.text(ws, 0, c, h, "head")
    r = 0
    for table in tables:
        head = (qt(table.level, lang), table.label, table.unit or "")
        if table.hidden:
            r += 1
            for c, v in enumerate(head):
                book.text(ws, r, c, v)
            book.text(ws, r, len(headers) - 1, table.hidden, "hidden")
            continue
        for row in table.rows:
            r += 1
            for c, v in enumerate((*head, row.id, row.topic, row.text)):
                book.text(ws, r, c, v)
            book.num(ws, r, 6, row.n_value, "int")
            book.num(ws, r, 7, row.mean_value, "index")
            book.num(ws, r, 8, row.favourable_share, "pct")
            for i, share in enumerate(row.shares):
                book.num(ws, r, 9 + i, share.share, "pct")
            book.text(ws, r, 9 + width, "; ".join(f"{i} = {s.label}" for i, s in enumerate(row.shares, start=1)))
            book.text(ws, r, 10 + width, row.hidden or row.mean_note, "hidden" if row.hidden else None)
    ws.autofilter(0, 0, r, len(headers) - 1)


def render_report_xlsx(
    diagnosis,
    *,
    lang: str = "en",
    organization_name: str | None = None,
    campaign_name: str | None = None,
    benchmark=None,
    provenance=None,
    register=None,
) -> bytes:
    """The XLSX report.

    Parameters
    ----------
    diagnosis : Diagnosis
        From :func:`analysis.diagnosis.diagnose` (released figures only).
    lang : {'en', 'de'}
        Language of sheet names, headers and labels.
    organization_name, campaign_name : str, optional
        Shown on the first sheet.
    benchmark : BenchmarkResult or dict, optional
        The organization's benchmark comparison; adds a sheet.
    provenance : dict, optional
        How the answers were collected (the link log's summary and answers withheld at
        closing, see :func:`app.reports.common.provenance_lines`).
    register : RegisterFindings, optional
        The decision register against the answers; adds the decision map and its findings.

    Returns
    -------
    bytes
        The workbook.
    """
    lang = check_lang(lang)
    k = k_of(diagnosis)
    names = dimension_names(diagnosis, lang)
    groups = teams_by_unit(diagnosis)
    buf = io.BytesIO()
    book = _Book(buf, lang)
    _about(book, diagnosis, organization_name, campaign_name, provenance)
    _group_sheet(book, "sheet_teams", [r for _, teams in groups for r in teams], names, k, units=False)
    if diagnosis.units is not None:
        _group_sheet(book, "sheet_units", [u for u, _ in groups], names, k, units=True)
    _dimensions(book, diagnosis, names)
    if diagnosis.teams.misconceptions:
        _misconceptions(book, diagnosis, groups, k)
    _reliability(book, diagnosis, names)
    _measurement(book, diagnosis, lang)
    _questions(book, diagnosis)
    _table(
        book,
        "sheet_findings",
        ["#", t("text", lang)],
        [5, 120],
        [((i, "int"), (f[lang], "text")) for i, f in enumerate(diagnosis.findings, start=1)],
    )
    _table(
        book,
        "sheet_role_gaps",
        [
            t("level", lang),
            t("group", lang),
            t("dimension", lang),
            t("leads", lang),
            t("members", lang),
            t("gap", lang),
            "n " + t("leads", lang),
            "n " + t("members", lang),
            "d",
            "p (adj.)",
            t("significant", lang),
        ],
        [14, 14, 18, 10, 10, 10, 10, 10, 9, 10, 10],
        [
            (
                (t(g["level"], lang), "text"),
                (_group_label(g["level"], g["group"], lang), "text"),
                (names[g["dimension"]], "text"),
                (g["lead"], "score"),
                (g["member"], "score"),
                (g["gap"], "score"),
                (g["n_lead"], "int"),
                (g["n_member"], "int"),
                (g["d"], "index"),
                (g["p_adjusted"], "p"),
                (t("significant", lang) if g["significant"] else "", "text"),
            )
            for g in diagnosis.role_gaps
        ],
    )
    bands = tenure_labels(diagnosis, lang)
    _table(
        book,
        "sheet_tenure",
        [t("level", lang), t("group", lang), t("dimension", lang), t("tenure_band", lang), "n", t("perception", lang)],
        [14, 14, 18, 16, 8, 10],
        [
            (
                (t(x["level"], lang), "text"),
                (_group_label(x["level"], x["group"], lang), "text"),
                (names[x["dimension"]], "text"),
                (bands.get(x["band"], x["band"]), "text"),
                (x["n"], "int"),
                (x["score"], "score"),
            )
            for x in diagnosis.tenure
        ],
    )
    drivers = []
    for block in ("dimensions", "structure_items"):
        b = (diagnosis.drivers or {}).get(block) or {}
        for p in b.get("predictors", []) if b.get("estimable") else []:
            low, high = p.get("percent_ci_low"), p.get("percent_ci_high")
            drivers.append(
                (
                    (t("dimensions" if block == "dimensions" else "structure_items", lang), "text"),
                    (p["label"][lang], "text"),
                    (p["weight"], "p"),
                    (p["percent"] / 100, "pct"),
                    (None if low is None else low / 100, "pct"),
                    (None if high is None else high / 100, "pct"),
                    (b.get("r2"), "p"),
                )
            )
    _table(
        book,
        "sheet_drivers",
        [
            t("predictor_set", lang),
            t("predictor", lang),
            "ε",
            t("share_explained", lang),
            t("ci_low", lang),
            t("ci_high", lang),
            "R²",
        ],
        [18, 80, 10, 12, 14, 14, 10],
        drivers,
    )
    _table(
        book,
        "sheet_differences",
        [
            t("level", lang),
            t("group", lang),
            t("dimension", lang),
            t("measure", lang),
            t("difference", lang),
            "d",
            "p (adj.)",
            "",
        ],
        [12, 14, 18, 12, 12, 9, 10, 10],
        [
            (
                (t(x["level"], lang), "text"),
                (x["group"], "text"),
                (names[x["dimension"]], "text"),
                (t(x["measure"], lang), "text"),
                (x["difference"], "score"),
                (x["d"], "index"),
                (x["p_adjusted"], "p"),
                (t(x["direction"], lang), "text"),
            )
            for x in diagnosis.differences
        ],
    )
    if benchmark is not None:
        _benchmark(book, benchmark, lang)
    if register is not None:
        write_register_sheets(book.wb, register, lang)
    book.wb.close()
    return buf.getvalue()
