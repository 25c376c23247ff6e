"""The decision map (docs/methodology.md §18) as PDF and XLSX, and the register's cells
as table rows for the other reports. Pure functions from the released
:class:`~app.services.register_results.RegisterFindings`; hidden cells read "fewer than
k answers"."""

from __future__ import annotations

import io

import xlsxwriter

from app.i18n import translator
from app.register_texts import RESULTS

__all__ = [
    "LEVEL_FILL",
    "cell_text",
    "csv_rows",
    "fact_rows",
    "finding_rows",
    "practice_rows",
    "practice_text",
    "register_section",
    "render_decision_map_pdf",
    "render_decision_map_xlsx",
    "write_register_sheets",
]

#: Fill colour of a cell by its designed level (units and the organization: neutral).
LEVEL_FILL = {
    "team": "#cfe8cf",
    "team_with_consent": "#d7ecec",
    "unit": "#fbe7c0",
    "central": "#f6cdbd",
    "not_decided": "#e3e3e3",
    None: "#ffffff",
}


def cell_text(cell: dict, lang: str) -> str:
    """``62 % · escalation beyond the design`` (share answering as designed, verdict)."""
    tx = translator(lang, RESULTS)
    verdict = tx("verdict_" + cell["verdict"])
    if cell["knowledge"] is None:
        return verdict
    return f"{round(100 * cell['knowledge'])} % · {verdict}"


def practice_text(practice: dict | None, lang: str) -> str:
    """``75 % · practice overrides the design`` (share of members reporting outside
    approvals or overrulings, verdict); empty when the questionnaire asks no practice item."""
    if practice is None:
        return ""
    tx = translator(lang, RESULTS)
    verdict = tx("verdict_" + practice["verdict"])
    return verdict if practice["share"] is None else f"{round(100 * practice['share'])} % · {verdict}"


def _pct(x) -> str:
    return "" if x is None else f"{round(100 * x)} %"


def finding_rows(register, lang: str) -> list[list[str]]:
    """Header and one row per team finding: team, unit, decision, designed, verdict,
    share as designed, probability (for the tables of every report format); a team whose
    practice overrides the design adds a row for the decisions the register leaves to it."""
    tx = translator(lang, RESULTS)
    labels = {d["id"]: d[f"label_{lang}"] for d in register.decisions}
    rows = [[tx("team"), tx("unit"), tx("decision"), tx("designed"), tx("verdict"), tx("knowledge"), "p"]]
    for f in register.findings():
        rows.append(
            [
                f["team"],
                f["unit"] or "",
                labels[f["decision"]],
                tx("decider_" + f["designed"]),
                tx("verdict_" + f["verdict"]),
                _pct(f["knowledge"]),
                "" if f["probability"] is None else f"{f['probability']:.2f}",
            ]
        )
    for f in register.practice_findings():
        rows.append(
            [
                f["team"],
                f["unit"] or "",
                tx("practice_scope"),
                tx("decider_team"),
                f"{tx('verdict_' + f['verdict'])} ({tx('practice_share', share=_pct(f['share']))})",
                "",
                "" if f["probability"] is None else f"{f['probability']:.2f}",
            ]
        )
    return rows


def practice_rows(register, lang: str) -> list[list[str]]:
    """Header and one row per team of the practice comparison (empty without practice
    items): team, unit, whether the design leaves decisions to the team, members with an
    informative answer, share reporting outside approvals or overrulings, its interval,
    P(most report it) and the verdict."""
    tx = translator(lang, RESULTS)
    rows = [
        [
            tx("team"),
            tx("unit"),
            tx("practice_left"),
            "n",
            tx("practice_reports"),
            tx("practice_interval"),
            "p",
            tx("verdict"),
        ]
    ]
    for t in register.teams():
        p = t.get("practice")
        if p is None:
            continue
        interval = "" if p["low"] is None else f"{_pct(p['low'])} – {_pct(p['high'])}"
        rows.append(
            [
                t["team"],
                t["unit"] or "",
                tx("yes") if p["designed_to_team"] else tx("no"),
                "" if p["n"] is None else str(p["n"]),
                _pct(p["share"]),
                interval,
                "" if p["probability"] is None else f"{p['probability']:.2f}",
                tx("verdict_" + p["verdict"]),
            ]
        )
    return rows if len(rows) > 1 else []


def fact_rows(register, lang: str) -> list[list[str]]:
    """Header and one row per team and compared fact of the attached fact sheets: team,
    fact, what the sheet says, the members' released share saying the same, agreement;
    then who saved the sheet (it is not anonymous). Empty without sheets."""
    tx = translator(lang, RESULTS)
    rows = [
        [tx("team"), tx("fact"), tx("fact_sheet_says"), tx("fact_members"), tx("fact_agreement"), tx("fact_saved_by")]
    ]
    for record in register.fact_sheets():
        sheet = record["sheet"]
        saved = "" if sheet is None else f"{sheet['filled_by']} · {sheet['filled_at'][:10]}"
        for f in record["facts"]:
            says = "" if f["sheet"] is None else (tx("yes") if f["sheet"] else tx("no"))
            rows.append(
                [record["team"], tx("fact_" + f["fact"]), says, _pct(f["share"]), tx("state_" + f["state"]), saved]
            )
    return rows if any(r["sheet"] is not None for r in register.fact_sheets()) else []


def _grid(register, lang: str) -> tuple[list[str], list[dict]]:
    """The map's header and rows; with practice items a last column shows each team's
    reported practice against the decisions the register leaves to it."""
    tx = translator(lang, RESULTS)
    header = [tx("group")] + [d[f"label_{lang}"] for d in register.decisions]
    practice = register.practice is not None
    if practice:
        header.append(tx("practice_column"))
    rows = []
    for row in register.map_rows():
        label = tx("organization") if row["kind"] == "organization" else row["label"]
        cells = [
            {
                "text": cell_text(c, lang),
                "fill": LEVEL_FILL[c.get("designed")],
                "designed": tx("decider_" + c["designed"]) if c.get("designed") else "",
            }
            for c in row["cells"]
        ]
        if practice:
            cells.append({"text": practice_text(row.get("practice"), lang), "fill": LEVEL_FILL[None], "designed": ""})
        rows.append({"kind": row["kind"], "label": label, "cells": cells})
    return header, rows


def write_register_sheets(book, register, lang: str, *, title: str = "") -> None:
    """Sheets in the xlsxwriter ``book``: the map (the designed level as fill colour),
    the findings, the reported practice per team (with practice items) and the team
    fact sheets (when any is filled in)."""
    tx = translator(lang, RESULTS)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    if register.decisions:
        _write_map(book, register, lang, bold, title)
    for name, table in (("practice_sheet", practice_rows(register, lang)), ("facts_sheet", fact_rows(register, lang))):
        if table:
            sheet = book.add_worksheet(tx(name)[:31])
            for r, row in enumerate(table):
                sheet.write_row(r, 0, row, bold if r == 0 else None)
            sheet.set_column(0, len(table[0]), 22)


def _write_map(book, register, lang: str, bold, title: str) -> None:
    tx = translator(lang, RESULTS)
    header, rows = _grid(register, lang)
    sheet = book.add_worksheet(tx("decision_map")[:31])
    sheet.write(0, 0, title or tx("register_title"), bold)
    sheet.write(1, 0, tx("map_intro", n=register.version))
    sheet.write_row(3, 0, header, bold)
    formats = {
        fill: book.add_format({"bg_color": fill, "text_wrap": True, "valign": "top", "border": 1})
        for fill in LEVEL_FILL.values()
    }
    for r, row in enumerate(rows, start=4):
        sheet.write(r, 0, row["label"], bold if row["kind"] != "team" else None)
        for c, cell in enumerate(row["cells"], start=1):
            text = f"{cell['designed']}: {cell['text']}" if cell["designed"] else cell["text"]
            sheet.write(r, c, text, formats[cell["fill"]])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(header), 30)
    findings = book.add_worksheet(tx("findings_sheet")[:31])
    for r, finding_row in enumerate(finding_rows(register, lang)):
        findings.write_row(r, 0, finding_row, bold if r == 0 else None)
    findings.set_column(0, 6, 22)


def render_decision_map_xlsx(register, *, lang: str, organization: str, campaign: str, k: int) -> bytes:
    """The decision map and its findings as a workbook."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    write_register_sheets(book, register, lang, title=f"{organization} · {campaign} · k = {k}")
    book.close()
    return out.getvalue()


def render_decision_map_pdf(register, *, lang: str, organization: str, campaign: str, k: int) -> bytes:
    """The map on A4 landscape pages, with the legend and the findings."""
    from app.reports.pdf_report import _render  # WeasyPrint loads only when a PDF is made

    return _render(
        "decision_map.html",
        {
            "lang": lang,
            "organization": organization,
            "campaign": campaign,
            "k": k,
            "title": translator(lang, RESULTS)("decision_map"),
            "register": register_section(register, lang),
        },
    )


def register_section(register, lang: str) -> dict | None:
    """The register's map and findings for the organization reports (HTML, PDF, PPTX);
    None when the campaign asked no register items."""
    if register is None:
        return None
    tx = translator(lang, RESULTS)
    header, rows = _grid(register, lang) if register.decisions else ([], [])
    title = tx("register_title") if register.decisions else tx("facts_title")  # the sheets alone
    return {
        "title": title,
        "intro": tx("map_intro", n=register.version),
        "header": header,
        "rows": rows,
        "findings": finding_rows(register, lang) if register.decisions else [],
        "no_findings": tx("no_findings"),
        "findings_title": tx("findings"),
        "legend_title": tx("legend"),
        "legend": [(tx("decider_" + level), fill) for level, fill in LEVEL_FILL.items() if level],
        "has_map": bool(register.decisions),
        "practice_title": tx("practice_title"),
        "practice_intro": tx("practice_intro"),
        "practice": practice_rows(register, lang),
        "facts_title": tx("facts_title"),
        "facts_intro": tx("facts_intro"),
        "facts": fact_rows(register, lang),
    }


def csv_rows(register) -> list[tuple]:
    """Long-format rows (``level,group,unit,dimension,statistic,value``) of every
    released register cell: level ``decision_<team|unit|organization>``, the decision
    type as dimension; a hidden cell has only its verdict ``hidden``."""
    rows: list[tuple] = []
    units = dict(zip(register.team_labels, register.team_units))
    for t in register.teams():
        p = t.get("practice")
        if p is None:
            continue
        team_head = ("practice_team", t["team"], t["unit"] or "", "decisions_left_to_team")
        rows += [(*team_head, "designed_to_team", p["designed_to_team"]), (*team_head, "verdict", p["verdict"])]
        if p["visible"]:
            rows += [(*team_head, key, p[key]) for key in ("n", "reports", "share", "low", "high", "probability")]
    for record in register.fact_sheets():
        head = ("fact_sheet", record["team"], record["unit"] or "")
        sheet = record["sheet"]
        if sheet is not None:
            rows += [
                (*head, "sheet", "filled_by", sheet["filled_by"]),
                (*head, "sheet", "filled_at", sheet["filled_at"]),
                (*head, "sheet", "review_cadence", sheet["review_cadence"]),
                (*head, "sheet", "last_lesson", sheet["last_lesson"]),
            ]
        for f in record["facts"]:
            rows += [
                (*head, f["fact"], "sheet", f["sheet"]),
                (*head, f["fact"], "members_share", f["share"]),
                (*head, f["fact"], "agreement", f["state"]),
            ]
    for row in register.map_rows():
        unit = units.get(row["label"]) if row["kind"] == "team" else None
        for c in row["cells"]:
            cell_head = (f"decision_{row['kind']}", row["label"], unit or "", c["decision"])
            rows += [(*cell_head, "designed", c.get("designed")), (*cell_head, "verdict", c["verdict"])]
            if c["visible"]:
                rows += [
                    (*cell_head, "n", c["n"]),
                    (*cell_head, "knowledge", c["knowledge"]),
                    (*cell_head, "probability", c["probability"]),
                ]
                rows += [(*cell_head, f"count_{cls}", n) for cls, n in c["counts"].items()]
    return rows
