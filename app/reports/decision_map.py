"""The decision map (docs/methodology.md §18) as PDF and XLSX, and the register's cells
as table rows for the other reports. Pure functions from the released
:class:`~app.services.register_results.RegisterFindings`; hidden cells read "fewer than
k answers"."""

from __future__ import annotations

import io

import xlsxwriter

from app.i18n import translator
from app.register_texts import RESULTS

__all__ = ["LEVEL_FILL", "cell_text", "csv_rows", "finding_rows", "register_section", "render_decision_map_pdf",
           "render_decision_map_xlsx", "write_register_sheets"]

#: Fill colour of a cell by its designed level (units and the organization: neutral).
LEVEL_FILL = {"team": "#cfe8cf", "team_with_consent": "#d7ecec", "unit": "#fbe7c0", "central": "#f6cdbd",
              "not_decided": "#e3e3e3", None: "#ffffff"}


def cell_text(cell: dict, lang: str) -> str:
    """``62 % · escalation beyond the design`` (share answering as designed, verdict)."""
    tx = translator(lang, RESULTS)
    verdict = tx("verdict_" + cell["verdict"])
    if cell["knowledge"] is None:
        return verdict
    return f"{round(100 * cell['knowledge'])} % · {verdict}"


def finding_rows(register, lang: str) -> list[list[str]]:
    """Header and one row per team finding: team, unit, decision, designed, verdict,
    share as designed, probability (for the tables of every report format)."""
    tx = translator(lang, RESULTS)
    labels = {d["id"]: d[f"label_{lang}"] for d in register.decisions}
    rows = [[tx("team"), tx("unit"), tx("decision"), tx("designed"), tx("verdict"), tx("knowledge"), "p"]]
    for f in register.findings():
        rows.append([f["team"], f["unit"] or "", labels[f["decision"]], tx("decider_" + f["designed"]),
                     tx("verdict_" + f["verdict"]),
                     "" if f["knowledge"] is None else f"{round(100 * f['knowledge'])} %",
                     "" if f["probability"] is None else f"{f['probability']:.2f}"])
    return rows


def _grid(register, lang: str) -> tuple[list[str], list[dict]]:
    tx = translator(lang, RESULTS)
    header = [tx("group")] + [d[f"label_{lang}"] for d in register.decisions]
    rows = []
    for row in register.map_rows():
        label = tx("organization") if row["kind"] == "organization" else row["label"]
        rows.append({"kind": row["kind"], "label": label, "cells": [
            {"text": cell_text(c, lang), "fill": LEVEL_FILL[c.get("designed")],
             "designed": tx("decider_" + c["designed"]) if c.get("designed") else ""} for c in row["cells"]]})
    return header, rows


def write_register_sheets(book, register, lang: str, *, title: str = "") -> None:
    """Two sheets in the xlsxwriter ``book``: the map (the designed level as fill
    colour) and the findings."""
    tx = translator(lang, RESULTS)
    header, rows = _grid(register, lang)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(tx("decision_map")[:31])
    sheet.write(0, 0, title or tx("register_title"), bold)
    sheet.write(1, 0, tx("map_intro", n=register.version))
    sheet.write_row(3, 0, header, bold)
    formats = {fill: book.add_format({"bg_color": fill, "text_wrap": True, "valign": "top", "border": 1})
               for fill in LEVEL_FILL.values()}
    for r, row in enumerate(rows, start=4):
        sheet.write(r, 0, row["label"], bold if row["kind"] != "team" else None)
        for c, cell in enumerate(row["cells"], start=1):
            text = f"{cell['designed']}: {cell['text']}" if cell["designed"] else cell["text"]
            sheet.write(r, c, text, formats[cell["fill"]])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(header), 30)
    findings = book.add_worksheet(tx("findings_sheet")[:31])
    for r, row in enumerate(finding_rows(register, lang)):
        findings.write_row(r, 0, row, bold if r == 0 else None)
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

    return _render("decision_map.html", {"lang": lang, "organization": organization, "campaign": campaign, "k": k,
                                         "title": translator(lang, RESULTS)("decision_map"),
                                         "register": register_section(register, lang)})


def register_section(register, lang: str) -> dict | None:
    """The register's map and findings for the organization reports (HTML, PDF, PPTX);
    None when the campaign asked no register items."""
    if register is None:
        return None
    tx = translator(lang, RESULTS)
    header, rows = _grid(register, lang)
    return {"title": tx("register_title"), "intro": tx("map_intro", n=register.version), "header": header,
            "rows": rows, "findings": finding_rows(register, lang), "no_findings": tx("no_findings"),
            "findings_title": tx("findings"), "legend_title": tx("legend"),
            "legend": [(tx("decider_" + level), fill) for level, fill in LEVEL_FILL.items() if level]}


def csv_rows(register) -> list[tuple]:
    """Long-format rows (``level,group,unit,dimension,statistic,value``) of every
    released register cell: level ``decision_<team|unit|organization>``, the decision
    type as dimension; a hidden cell has only its verdict ``hidden``."""
    rows = []
    units = dict(zip(register.team_labels, register.team_units))
    for row in register.map_rows():
        unit = units.get(row["label"]) if row["kind"] == "team" else None
        for c in row["cells"]:
            head = (f"decision_{row['kind']}", row["label"], unit or "", c["decision"])
            rows += [(*head, "designed", c.get("designed")), (*head, "verdict", c["verdict"])]
            if c["visible"]:
                rows += [(*head, "n", c["n"]), (*head, "knowledge", c["knowledge"]),
                         (*head, "probability", c["probability"])]
                rows += [(*head, f"count_{cls}", n) for cls, n in c["counts"].items()]
    return rows
