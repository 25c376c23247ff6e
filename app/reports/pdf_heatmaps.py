"""The per-group tables of the PDF report: the heatmap of scores and findings, the
misconceptions by group and the team appendix, as rows for the HTML tables of
``app/templates/reports/pdf/_macros.html``.

Every figure is a released one from the diagnosis records; a hidden group shows
``n < k`` and the reason instead of numbers.
"""

from __future__ import annotations

from typing import Any

from analysis.privacy import PRIMARY
from app.reports.common import (
    FINDING_FILLS,
    HIDDEN_FILL,
    SCALE,
    dimension_cells,
    finding_cell,
    fmt,
    fmt_ci,
    heat_fill,
    hidden_cell,
    hidden_text,
    share_cell,
    t,
)
from app.reports.texts import FINDING_SHORT, TYPOLOGY_SHORT

__all__ = ["heat_rows", "heat_legend", "misconception_rows", "team_rows"]


def _group_row(rec, name, k, lang, *, org=False) -> dict:
    if rec["suppressed"]:
        return {"name": name, "hidden": hidden_text(rec["suppression_reason"], k, lang), "band": False, "org": org}
    cells = []
    for d, cell in rec["dimensions"].items():
        p, s, f = dimension_cells(rec, d, k, lang)
        if f.kind == "finding":  # the short word only: the probability is in the appendix
            f = finding_cell(cell["finding"], lang)
        cells += [p, s, f]
    return {"name": name, "n": rec["n"], "hidden": None, "band": False, "org": org, "cells": cells}


def heat_rows(records: list, k: int, lang: str) -> list:
    """Heatmap rows of ``[(record, name, kind)]`` (kind ``'org'``, ``'group'`` or
    ``'band'`` for a unit heading, whose record is None)."""
    out = []
    for rec, name, kind in records:
        if kind == "band":
            out.append({"name": name, "band": True})
        else:
            out.append(_group_row(rec, name, k, lang, org=kind == "org"))
    return out


def heat_legend(k: int, lang: str) -> list:
    """``[(label, fill)]`` of the heatmap: the score scale and the finding colours."""
    scale = [(f"{fmt(v, 0, lang)}", heat_fill(v)) for v in (0, 25, 50, 75, 100)]
    findings = [(FINDING_SHORT[f][lang], FINDING_FILLS[f]) for f in FINDING_SHORT]
    return scale + findings + [(f"n < {k}", HIDDEN_FILL)]


def misconception_rows(groups, org, mcs, k: int, lang: str) -> list:
    """Share holding each misconception (and the difference from the organization) for
    the organization, every unit and every team."""

    def row(rec, name, band=False, compare=True) -> dict:
        if rec["suppressed"]:
            return {"name": name, "hidden": hidden_text(rec["suppression_reason"], k, lang), "band": band}
        shares, vs = rec["misconceptions"], rec["misconceptions_vs_organization"]
        cells = [
            share_cell(shares[m], vs[m] if compare else None, lang)
            if shares[m] is not None
            else hidden_cell(PRIMARY, k, lang)
            for m in mcs
        ]
        return {"name": name, "n": rec["n"], "hidden": None, "band": band, "cells": cells}

    rows = [row(org, t("organization", lang), True, compare=False)]
    for u, teams in groups:
        if u is not None:
            rows.append(row(u, f"{t('unit', lang)} {u['unit']}", True))
        rows += [row(r, r["team"]) for r in teams]
    return rows


def team_rows(groups, k: int, lang: str) -> list:
    """One row per team under unit headings: per dimension perception and structure with
    their confidence intervals, then maturity level, finding and r_wg(j), on the
    finding's colour; the team's pattern under its name."""
    rows = []
    for u, teams in groups:
        if u is not None:
            rows.append({"name": f"{t('unit', lang)} {u['unit']}", "band": True})
        for r in teams:
            if r["suppressed"]:
                rows.append({"name": r["team"], "band": False, "hidden": hidden_text(r["suppression_reason"], k, lang)})
                continue
            dims: list[dict[str, Any]] = []
            for c in r["dimensions"].values():
                if c["suppressed"]:
                    dims.append({"hidden": hidden_cell(c["suppression_reason"], k, lang).text})
                    continue
                f = finding_cell(c["finding"], lang, c.get("finding_probability"))
                bottom = " · ".join(
                    x
                    for x in (
                        f"L{c['level']}" if c["level"] else "",
                        f.text,
                        f"r_wg {fmt(c['rwg_j'], 2, lang)}" if c["rwg_j"] is not None else "",
                    )
                    if x
                )
                dims.append(
                    {
                        "hidden": None,
                        "fill": f.fill if c["finding"] else SCALE[1],
                        "top": f"P {fmt_ci(c['score'], c['ci_low'], c['ci_high'], lang)} · "
                        f"S {fmt_ci(c['structure'], c['structure_ci_low'], c['structure_ci_high'], lang)}",
                        "bottom": bottom,
                    }
                )
            typ = r["typology"]
            rows.append(
                {
                    "name": r["team"],
                    "band": False,
                    "hidden": None,
                    "n": r["n"],
                    "dims": dims,
                    "sub": TYPOLOGY_SHORT[typ][lang] if typ else "",
                }
            )
    return rows
