"""The interactive HTML report: one self-contained file for a whole diagnosis.

:func:`render_report_html` lays out the released figures of a
:class:`~analysis.diagnosis.Diagnosis` — the plotly figures of :mod:`analysis.figures`,
tables, the findings in plain language and a methodology appendix — in one HTML file
that needs no network: plotly.js is embedded once, from the installed ``plotly``
package. The report never computes a statistic.

Safety: the template is rendered with autoescaping, and every figure travels as JSON in
a ``<script type="application/json">`` block in which ``<``, ``>`` and ``&`` are written
as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no label (team names included) can close
the block or reach the page as markup; plotly draws the labels from already
HTML-escaped text. The page's own script reads the JSON and never evaluates data.

Size: with a unit level, the heatmaps show units, and the teams of each unit are a
drill-down (a collapsed section, drawn when opened); without one, teams are shown in
pages of :data:`analysis.figures.PAGE_SIZE` rows.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from analysis import figures
from analysis.instrument import DIMENSIONS
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, reason_text
from analysis.narrative import shown_typology
from app.reports.benchmark_table import benchmark_table
from app.reports.measurement import measurement_sections
from app.reports.decision_map import register_section
from app.reports.common import (
    cfa_verdict,
    check_lang,
    finding_text,
    fit_cutoffs,
    fmt,
    fmt_ci,
    fmt_pct,
    instrument,
    k_of,
    label,
    method_values,
    misconception_names,
    provenance_lines,
    t,
)
from app.reports.leadership import advice, headline, pattern_line
from app.reports.questions import qt, question_tables
from app.catalogue import N_
from app.plotly_bundle import plotly_source
from app.reports.texts import by_language
from app.reports.texts import (
    FINDING_HELP,
    METHOD,
    READING,
    REFERENCES,
    TYPOLOGY_HELP,
    TYPOLOGY_SHORT,
)

__all__ = ["render_report_html", "METHODOLOGY_DOC"]

#: Where the full methodology lives in the product's documentation.
METHODOLOGY_DOC = "docs/methodology.md"

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_OPEN_MAX = 60  # tables and drill-downs up to this many rows start open
_DIFF_MAX = 30  # differences listed
_DRIVER_ITEMS = 6  # structure questions listed among the drivers
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))

_HTML_TEXT = by_language(
    {
        "interactive": N_(
            "Interactive report: hover a cell for n, the confidence interval, agreement, level and finding. Click a unit in a heatmap to open its teams."
        ),
        "print_hint": N_(
            "To print the teams of every unit, open them first (“Open all units”); figures are drawn when a section is opened."
        ),
        "hidden_word": N_("hidden"),
        "open_all": N_("Open all units"),
        "close_all": N_("Close all units"),
        "teams_of": N_("Teams of {unit}"),
        "n_teams": N_("{n} teams"),
        "page": N_("page {a} of {b}"),
        "teams_page": N_("Teams {a}–{b} of {n}"),
        "units_page": N_("Units {a}–{b} of {n}"),
        "heatmap_key": N_("How to read the heatmaps"),
        "key_colour": N_(
            "Colour: difference from the organization, blue above and red below (for misconceptions red means more widespread); every cell is labelled with its value."
        ),
        "key_flag": N_(
            "▲ / ▼: higher / lower than the rest of the organization, and the difference is both reliable and large enough to matter; differences without a triangle may be noise."
        ),
        "key_divided": N_(
            "÷ and hatching: members disagree beyond chance (α = {bar}); the mean is not a property of the team."
        ),
        "key_primary": N_("n < {k}: fewer than {k} responses; nothing is shown, to protect anonymity."),
        "key_hidden": N_(
            "hidden: the group has enough responses, but showing it would let a smaller group be worked out by subtraction."
        ),
        "key_no_data": N_("no data: nobody answered."),
        "all_teams": N_("All teams as a table"),
        "all_units": N_("All units as a table"),
        "alpha_reading": {
            "excellent": N_("excellent"),
            "good": N_("good"),
            "acceptable": N_("acceptable"),
            "questionable": N_("questionable"),
            "poor": N_("poor"),
        },
        "consistency": N_("Internal consistency"),
        "between_teams": N_("Between teams"),
        "cfa_fit": N_(
            "The answers fit the model: CFI {cfi} (≥ {cfi_min} is good), TLI {tli}, RMSEA {rmsea} (≤ {rmsea_max} is good), SRMR {srmr} (≤ {srmr_max} is good), from {n} complete answers."
        ),
        "cfa_misfit": N_(
            "The answers do not fit the model well: CFI {cfi} (≥ {cfi_min} is good), TLI {tli}, RMSEA {rmsea} (≤ {rmsea_max} is good), SRMR {srmr} (≤ {srmr_max} is good), from {n} complete answers."
        ),
        "cfa_what": N_(
            "What this tests: whether the perception questions form three separate building blocks (direction, decision rights, feedback), as the questionnaire intends. CFI and TLI compare the model with one in which nothing is related (1 = perfect); RMSEA and SRMR measure what the model leaves unexplained (0 = perfect)."
        ),
        "r2": N_(
            "Together the building blocks account for {r2} % of the variation in the answers to the litmus question; each share comes with its 95 % interval from resampling whole teams. This is an association in the answers, not proof of cause."
        ),
        "comments": N_("Comments"),
        "comments_org": N_("Organization"),
        "comments_withheld": N_("{n} comments are withheld because they come from groups with fewer than {ck} people."),
        "no_comments": N_("No comments can be shown."),
        "anonymity": N_("Anonymity"),
        "anonymity_text": N_(
            "No number in this report describes fewer than {k} people. Groups that are not shown are marked with the reason, as in the heatmaps."
        ),
        "hidden_counts": N_(
            "Teams not shown individually: {primary} with fewer than {k} responses, {hidden} hidden to protect a smaller group, {no_data} without answers."
        ),
        "methodology_doc": N_(
            "The complete methodology with all formulas is in the product documentation ({doc}); this appendix summarizes it so that the report can be read on its own."
        ),
        "gap_sentence": N_(
            "{group}: {measure} of {dimension} is {diff} points {direction} than in the rest of the organization (d = {d})."
        ),
        "structure_measure": N_("the structure index"),
        "perception_measure": N_("the perception score"),
        "yes": N_("yes"),
        "no": N_("no"),
        "none": N_("–"),
        "findings_explained": N_("What the findings mean"),
        "patterns_explained": N_("What the patterns mean"),
    }
)


# ------------------------------------------------------------------------- figures


@functools.lru_cache(maxsize=1)
def _plotlyjs() -> Markup:
    """plotly.js as the product ships it (:mod:`app.plotly_bundle`), safe inside a
    ``<script>`` element."""
    return Markup(plotly_source().replace("</script", "<\\/script"))


class _Figures:
    """Collects figure dictionaries and hands out the ids of their JSON blocks."""

    def __init__(self):
        self.blocks = []

    def add(self, spec: dict) -> str:
        fid = f"fig{len(self.blocks)}"
        text = json.dumps(spec, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        for char, escaped in _JSON_ESCAPES:  # str.replace is far faster than translate
            text = text.replace(char, escaped)
        self.blocks.append({"id": fid, "json": Markup(text)})
        return fid


def _page_ranges(n: int, size: int) -> list:
    return [(p, p * size + 1, min(n, (p + 1) * size)) for p in range(max(1, -(-n // size)))]


def _heatmaps(diagnosis, lang: str, figs: _Figures, h: dict) -> dict:
    """Figure ids of the heatmaps: per unit page and per unit drill-down, or team pages."""
    size, metrics = figures.PAGE_SIZE, figures.available_metrics(diagnosis)
    if diagnosis.units is None:
        n = len(diagnosis.teams.labels)
        pages = [
            {
                "title": h["teams_page"].format(a=a, b=b, n=n) if n > size else None,
                "open": p == 0,
                "figs": [
                    figs.add(figures.team_heatmap(diagnosis, m, page=p, lang=lang, as_dict=True)) for m in metrics
                ],
            }
            for p, a, b in _page_ranges(n, size)
        ]
        return {"units": None, "team_pages": pages}
    units = diagnosis.units
    order = figures.group_order(diagnosis, level="unit")
    drill_id = {int(i): f"unit{r}" for r, i in enumerate(order.tolist())}
    n = len(order)
    unit_pages = [
        {
            "title": h["units_page"].format(a=a, b=b, n=n) if n > size else None,
            "open": p == 0,
            "figs": [figs.add(figures.unit_heatmap(diagnosis, m, page=p, lang=lang, as_dict=True)) for m in metrics],
            "rows": json.dumps([drill_id[i] for i in order[a - 1 : b].tolist()]),
        }
        for p, a, b in _page_ranges(n, size)
    ]
    few = len(diagnosis.teams.labels) <= _OPEN_MAX
    drill = []
    for i in order.tolist():
        unit = units.labels[i]
        n_pages = figures.page_count(diagnosis, unit=unit)
        drill.append(
            {
                "id": drill_id[i],
                "label": unit,
                "n_teams": h["n_teams"].format(n=int(units.n_teams[i])),
                "n": None if units.suppressed[i] else int(units.n[i]),
                "reason": reason_text(units.suppression_reason[i], units.k)[lang] if units.suppressed[i] else None,
                "open": few,
                "pages": [
                    {
                        "title": h["page"].format(a=p + 1, b=n_pages) if n_pages > 1 else None,
                        "figs": [
                            figs.add(figures.team_heatmap(diagnosis, m, unit=unit, page=p, lang=lang, as_dict=True))
                            for m in metrics
                        ],
                    }
                    for p in range(n_pages)
                ],
            }
        )
    return {"units": unit_pages, "drill": drill, "team_pages": None}


# -------------------------------------------------------------------------- tables


def _hidden_text(reason, k: int, lang: str) -> str:
    if reason == PRIMARY:
        return f"n < {k}: {reason_text(reason, k)[lang]}"
    return reason_text(reason or NO_DATA, k)[lang]


def _dim_cell(cell: dict, k: int, lang: str) -> dict:
    if cell["suppressed"]:
        return {"hidden": _hidden_text(cell["suppression_reason"], k, lang)}
    finding = cell["finding"]
    return {
        "hidden": None,
        "perception": fmt_ci(cell["score"], cell["ci_low"], cell["ci_high"], lang),
        "structure": fmt(cell["structure"], 0, lang),
        "rwg": fmt(cell["rwg_j"], 2, lang),
        "level": cell["level"] or "–",
        "finding": finding_text(cell, lang),
        "divided": finding == "divided",
        "flag": "▲"
        if cell["vs_rest_flagged"] and (cell["vs_rest_d"] or 0) > 0
        else "▼"
        if cell["vs_rest_flagged"]
        else "",
    }


def _group_rows(table, order, k: int, lang: str) -> list:
    """Table rows of teams or units in display order (released figures only)."""
    key = "team" if table.level == "team" else "unit"
    rows = []
    for rec in table.records(order.tolist()):
        row = {"label": rec[key], "unit": rec.get("unit"), "n_teams": rec.get("n_teams")}
        if rec["suppressed"]:
            row.update(hidden=_hidden_text(rec["suppression_reason"], k, lang))
        else:
            row.update(
                hidden=None,
                n=rec["n"],
                typology=TYPOLOGY_SHORT[rec["typology"]][lang] if rec["typology"] else "–",
                dims=[_dim_cell(rec["dimensions"][d], k, lang) for d in DIMENSIONS],
            )
        rows.append(row)
    return rows


def _organization(diagnosis, lang: str) -> dict:
    """The summary of the report's scope: the organization, or the unit of a unit
    reader's diagnosis (with its headline and why it has its pattern)."""
    scoped = diagnosis.scope is not None and diagnosis.units is not None and len(diagnosis.units.labels) == 1
    org = diagnosis.units.records()[0] if scoped else diagnosis.organization.records()[0]
    scope_name = f"{t('unit', lang)} {diagnosis.scope}" if scoped else t("organization", lang)
    if org["suppressed"]:
        return {"hidden": _hidden_text(org["suppression_reason"], k_of(diagnosis), lang)}
    names = {d: diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS}
    q = instrument(diagnosis)
    present = q.thresholds.typology.present if q is not None else None
    dims = []
    for d in DIMENSIONS:
        c = org["dimensions"][d]
        dims.append(
            {
                "name": diagnosis.dimensions[d]["name"][lang],
                "perception": fmt_ci(c["score"], c["ci_low"], c["ci_high"], lang),
                "structure": fmt_ci(c["structure"], c["structure_ci_low"], c["structure_ci_high"], lang),
                "level": t("maturity_level", lang, level=c["level"]) if c["level"] else "–",
                "finding": finding_text(c, lang),
                "means": FINDING_HELP[c["finding"]]["means"][lang] if c["finding"] else "",
                "do": advice(d, c["finding"], lang, FINDING_HELP[c["finding"]]["do"][lang]) if c["finding"] else "",
            }
        )
    typ = shown_typology(org)
    return {
        "hidden": None,
        "dims": dims,
        "typology": label("typology", typ, lang) if typ else None,
        "typology_help": " ".join(x for x in (TYPOLOGY_HELP[typ][lang], pattern_line(org, names, present, lang)) if x)
        if typ
        else None,
        "headline": headline(org, names, lang, scope_name),
        "pattern_title": t("pattern_of", lang, scope=scope_name),
    }


def _alpha_reading(value, lang: str) -> str:
    """Conventional reading of a reliability coefficient (George & Mallery 2003)."""
    if value is None:
        return "–"
    names = _HTML_TEXT[lang]["alpha_reading"]
    for bar, key in ((0.9, "excellent"), (0.8, "good"), (0.7, "acceptable"), (0.6, "questionable")):
        if value >= bar:
            return names[key]
    return names["poor"]


def _quality(diagnosis, lang: str, h: dict) -> dict:
    rows = []
    for d in DIMENSIONS:
        e = diagnosis.dimensions[d]
        rel = e.get("reliability") or {}
        rows.append(
            {
                "name": e["name"][lang],
                "alpha": fmt(e.get("alpha"), 2, lang),
                "omega": fmt(e.get("omega"), 2, lang),
                "reading": _alpha_reading(e.get("omega", e.get("alpha")), lang)
                if rel.get("estimable")
                else (rel.get("reason") or {}).get(lang, h["none"]),
                "icc1": fmt(e.get("icc1"), 2, lang),
                "icc2": fmt(e.get("icc2"), 2, lang),
                "icc_reading": (e.get("icc_reading") or {}).get(lang, ""),
                "structure_icc_reading": (e.get("structure_icc_reading") or {}).get(lang, ""),
            }
        )
    cfa = diagnosis.cfa
    if cfa.get("estimable"):
        values = {
            "cfi": fmt(cfa["cfi"], 3, lang),
            "tli": fmt(cfa["tli"], 3, lang),
            "rmsea": fmt(cfa["rmsea"], 3, lang),
            "srmr": fmt(cfa["srmr"], 3, lang),
            "n": cfa["n_obs"],
            **fit_cutoffs(lang),
        }
        verdict, *style = cfa_verdict(cfa, lang)
        cfa_text = [verdict, h["cfa_fit" if cfa["acceptable"] else "cfa_misfit"].format(**values), *style]
    else:
        cfa_text = [f"{t('not_estimable', lang)}: {cfa['reason'][lang]}"]
    return {"rows": rows, "cfa": cfa_text}


def _misconceptions(diagnosis, order_units, lang: str) -> dict | None:
    """The misconception tables (None for a questionnaire that asks none)."""
    if not diagnosis.teams.misconceptions:
        return None
    names = misconception_names(diagnosis, lang)
    org = diagnosis.organization.records()[0]
    shares = org.get("misconceptions") or {}
    org_rows = [{"name": names[m], "share": fmt_pct(shares.get(m), lang)} for m in diagnosis.teams.misconceptions]
    units = []
    if diagnosis.units is not None:
        k = k_of(diagnosis)
        for rec in diagnosis.units.records(order_units.tolist()):
            if rec["suppressed"]:
                units.append({"label": rec["unit"], "hidden": _hidden_text(rec["suppression_reason"], k, lang)})
                continue
            units.append(
                {
                    "label": rec["unit"],
                    "hidden": None,
                    "cells": [
                        f"{fmt_pct(rec['misconceptions'][m], lang)} ({fmt_pct(rec['misconceptions_vs_organization'][m], lang, signed=True)})"
                        if rec["misconceptions"][m] is not None
                        else "–"
                        for m in diagnosis.units.misconceptions
                    ],
                }
            )
    return {"names": [names[m] for m in diagnosis.teams.misconceptions], "org": org_rows, "units": units}


def _role_gaps(diagnosis, lang: str, h: dict) -> list:
    names = {d: diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS}
    return [
        {
            "group": t("organization", lang) if r["level"] == "organization" else r["group"],
            "dimension": names[r["dimension"]],
            "lead": fmt(r["lead"], 0, lang),
            "member": fmt(r["member"], 0, lang),
            "gap": fmt(r["gap"], 0, lang, signed=True),
            "n": f"{r['n_lead']} / {r['n_member']}",
            "significant": h["yes"] if r["significant"] else h["no"],
        }
        for r in diagnosis.role_gaps
    ]


def _drivers(diagnosis, lang: str) -> dict:
    drivers = diagnosis.drivers
    out: dict[str, Any] = {"dimensions": None, "item_rows": None, "reason": None, "r2": None}
    block = drivers.get("dimensions")
    if not drivers.get("estimable", True) or block is None:
        out["reason"] = (drivers.get("reason") or {}).get(lang)
        return out
    if not block.get("estimable"):
        out["reason"] = block["reason"][lang]
        return out
    out["r2"] = fmt(100 * block["r2"], 0, lang)
    out["dimensions"] = [
        {
            "label": p["label"][lang],
            "percent": fmt(p["percent"], 0, lang),
            "interval": _interval(p, lang),
            "width": round(p["percent"], 1),
        }
        for p in block["predictors"]
    ]
    items = drivers.get("structure_items") or {}
    if items.get("estimable"):
        out["item_rows"] = [
            {
                "label": p["label"][lang],
                "percent": fmt(p["percent"], 0, lang),
                "interval": _interval(p, lang),
                "width": round(p["percent"], 1),
            }
            for p in items["predictors"][:_DRIVER_ITEMS]
        ]
    return out


def _interval(predictor: dict, lang: str) -> str:
    """A predictor's bootstrap interval of its share of R², or a dash."""
    low, high = predictor.get("percent_ci_low"), predictor.get("percent_ci_high")
    return "–" if low is None else f"{fmt(low, 0, lang)}–{fmt(high, 0, lang)} %"


def _differences(diagnosis, lang: str, h: dict) -> dict:
    names = {d: diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS}
    rows = [
        h["gap_sentence"].format(
            group=f"{t(r['level'], lang)} {r['group']}",
            measure=h["structure_measure" if r["measure"] == "structure" else "perception_measure"],
            dimension=names[r["dimension"]],
            diff=fmt(abs(r["difference"]), 0, lang),
            direction=t(r["direction"], lang),
            d=fmt(r["d"], 2, lang),
        )
        for r in diagnosis.differences[:_DIFF_MAX]
    ]
    return {"rows": rows, "more": max(0, len(diagnosis.differences) - _DIFF_MAX)}


def _comments(diagnosis, order_teams, order_units) -> dict:
    groups = []
    if diagnosis.units is not None:
        groups += [(diagnosis.units.labels[i], diagnosis.units.comments[i]) for i in order_units.tolist()]
    groups += [(diagnosis.teams.labels[i], diagnosis.teams.comments[i]) for i in order_teams.tolist()]
    return {
        "organization": list(diagnosis.comments["organization"]),
        "groups": [(g, list(c)) for g, c in groups if c],
        "withheld": diagnosis.comments["withheld"],
    }


def _hidden_counts(diagnosis) -> dict:
    reasons = [r for r in diagnosis.teams.suppression_reason.tolist() if r is not None]
    return {
        "primary": reasons.count(PRIMARY),
        "hidden": reasons.count(COMPLEMENTARY),
        "no_data": reasons.count(NO_DATA),
    }


# -------------------------------------------------------------------------- render


def _context(diagnosis, lang: str, title) -> dict:
    h = _HTML_TEXT[lang]
    k = k_of(diagnosis)
    figs = _Figures()
    order_teams = figures.group_order(diagnosis, level="team")
    order_units = figures.group_order(diagnosis, level="unit") if diagnosis.units is not None else None
    q = diagnosis.questionnaire
    values = method_values(diagnosis, lang)
    teams = diagnosis.teams
    return {
        "lang": lang,
        "k": k,
        "comments_k": diagnosis.settings["comment_min_group_size"],
        "h": h,
        "T": lambda key, **kw: t(key, lang, **{**values, **kw}),
        "Q": lambda key, **kw: qt(key, lang, **kw),
        "question_tables": question_tables(diagnosis, lang),
        "title": title if title is not None else q["title"][lang],
        "questionnaire": f"{q['id']} v{q['version']}",
        "n_respondents": diagnosis.n_respondents,
        "scope": t("scope_line", lang, unit=diagnosis.scope) if diagnosis.scope else None,
        "n_teams": len(teams.labels),
        "n_teams_shown": int((~teams.suppressed).sum()),
        "n_units": len(diagnosis.units.labels) if diagnosis.units is not None else None,
        "findings": [f[lang] for f in diagnosis.findings],
        "organization": _organization(diagnosis, lang),
        "overview": figs.add(figures.organization_overview(diagnosis, lang=lang, as_dict=True)),
        "heatmaps": _heatmaps(diagnosis, lang, figs, h),
        "rwg_bar": values["alpha_agree"],
        "dim_names": [diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS],
        "team_rows": _group_rows(teams, order_teams, k, lang),
        "unit_rows": _group_rows(diagnosis.units, order_units, k, lang) if order_units is not None else None,
        "tables_open": len(teams.labels) <= _OPEN_MAX,
        "quality": _quality(diagnosis, lang, h),
        "misconceptions": _misconceptions(diagnosis, order_units, lang),
        "role_gap_figure": figs.add(figures.role_gap_chart(diagnosis, lang=lang, as_dict=True)),
        "role_gaps": _role_gaps(diagnosis, lang, h),
        "drivers": _drivers(diagnosis, lang),
        "differences": _differences(diagnosis, lang, h),
        "differences_note": t("differences_note", lang, **values),
        "comments": _comments(diagnosis, order_teams, order_units),
        "hidden_counts": _hidden_counts(diagnosis),
        "finding_help": [(label("finding", f, lang), v["means"][lang], v["do"][lang]) for f, v in FINDING_HELP.items()],
        "typology_help": [(label("typology", ty, lang), v[lang]) for ty, v in TYPOLOGY_HELP.items()],
        "reading": [(a[lang], b[lang]) for a, b in READING],
        "method": [(a[lang], b[lang].format(**values)) for a, b in METHOD],
        "references": REFERENCES,
        "methodology_doc": METHODOLOGY_DOC,
        "figures": figs.blocks,
        "plotlyjs": _plotlyjs(),
    }


def render_report_html(
    diagnosis, *, lang: str = "en", title: str | None = None, benchmark=None, provenance=None, register=None
) -> str:
    """Render the interactive report of a diagnosis as one self-contained HTML file.

    Parameters
    ----------
    diagnosis : Diagnosis
        From :func:`analysis.diagnose`; only its released figures are shown.
    lang : {'en', 'de'}
        Language of every text in the report.
    title : str, optional
        Heading of the report (default: the questionnaire's title). Escaped like any
        other text.
    benchmark : BenchmarkResult or dict, optional
        The organization's benchmark comparison; adds a section after the drivers.
    provenance : dict, optional
        How the answers were collected (the link log's summary and answers withheld at
        closing, see :func:`app.reports.common.provenance_lines`).
    register : RegisterFindings, optional
        The decision register against the answers; adds the decision map and its findings.

    Returns
    -------
    str
        The HTML document (UTF-8 text). It loads nothing: plotly.js is embedded once.

    Raises
    ------
    ValueError
        ``lang`` is not ``'en'`` or ``'de'``.
    """
    lang = check_lang(lang)
    html = _ENV.get_template("reports/report.html").render(
        **_context(diagnosis, lang, title),
        benchmark=benchmark_table(benchmark, lang),
        measurement=measurement_sections(diagnosis, lang),
        provenance=provenance_lines(provenance, k_of(diagnosis), lang),
        register=register_section(register, lang),
    )
    # every table in a container of its own that scrolls sideways, so that a wide table
    # never widens the page (on a phone, or with many columns); the figures' JSON has no
    # "<" (escaped) and the page's own script none of these tags
    return html.replace("<table", '<div class="scroll"><table').replace("</table>", "</table></div>")
