"""The per-group grids of the PDF report: heatmaps of scores and findings, of
misconceptions, and the team appendix (laid out by :mod:`app.reports.pdf_grid`).

Every figure is a released one from the diagnosis records; a hidden group shows
``n < k`` and the reason instead of numbers.
"""

from __future__ import annotations

from analysis.privacy import NO_DATA, PRIMARY
from app.reports.common import (
    HIDDEN_FILL, Cell, dimension_cells, finding_cell, fmt, fmt_ci, hidden_cell, hidden_text,
    share_cell, t,
)
from app.reports.pdf_grid import Row, grid_blocks
from app.reports.texts import TYPOLOGY_SHORT

__all__ = ["score_heatmap", "misconception_heatmap", "team_appendix"]

_WHITE = "#ffffff"
_UNIT_BAND, _ORG_BAND = "#dde5ee", "#eef2f6"
_NAME = (28, "left")
# Lines per block fill a landscape page; the first block of a grid shares its page with
# the headings above it (and with the units grid, 3 + U lines, in the team heatmap).
_HEAT = {"font_pt": 7.5, "line_mm": 3.9, "rows_per_block": 40}
_APPENDIX = {"font_pt": 6.5, "line_mm": 3.5, "rows_per_block": 45, "first_block": 41}
_FIRST_TEAMS, _FIRST_TEAMS_UNDER_UNITS, _FIRST_MISCONCEPTIONS = 33, 26, 32


def _n(rec) -> Cell:
    return Cell(str(rec["n"]), _WHITE)


def _hidden_row(rec, name, k, lang) -> Row:
    reason = rec["suppression_reason"]
    return Row((name, Cell(hidden_text(reason, k, lang), HIDDEN_FILL if reason != NO_DATA else _WHITE, kind="hidden")))


def score_heatmap(groups, org, names: dict, k: int, lang: str, images: dict, *, units: bool) -> list:
    """Perception, structure and finding per dimension, and the pattern.

    ``groups`` is :func:`~app.reports.common.teams_by_unit`; with ``units=True`` the
    rows are the units (after the organization), else the teams under unit headings
    (starting on the page of the units grid when that is short).
    """
    dims = tuple(names)
    columns = [_NAME, (6, "num")] + [(12, "num"), (12, "num"), (13, "left")] * len(dims) + [(26, "left")]
    header = [
        [(t("unit" if units else "team", lang), 1), ("n", 1)] + [(names[d], 3) for d in dims] + [(t("typology", lang), 1)],
        [("", 2)] + [(t(x, lang), 1) for _ in dims for x in ("perception", "structure", "finding")] + [("", 1)],
    ]

    def row(rec, name, band=None) -> Row:
        if rec["suppressed"]:
            return _hidden_row(rec, name, k, lang)
        typ = rec["typology"]
        cells = [c for d in dims for c in dimension_cells(rec, d, k, lang)]
        return Row((name, _n(rec), *cells, TYPOLOGY_SHORT[typ][lang] if typ else "–"), band)

    if units:
        rows = [row(org, t("organization", lang), _ORG_BAND)]
        rows += [row(u, u["unit"]) for u, _ in groups if u is not None]
        return grid_blocks(columns, header, rows, images=images, name="units", **_HEAT)
    rows = []
    for u, teams in groups:
        if u is not None:
            rows.append(Row((f"{t('unit', lang)} {u['unit']}",), _UNIT_BAND))
        rows += [row(r, r["team"]) for r in teams]
    n_units = sum(u is not None for u, _ in groups)
    first = _FIRST_TEAMS if not n_units else _FIRST_TEAMS_UNDER_UNITS - n_units
    return grid_blocks(columns, header, rows, images=images, name="teams",
                       first_block=first if first >= 8 else None, **_HEAT)


def misconception_heatmap(groups, org, codes: list, mcs, k: int, lang: str, images: dict) -> list:
    """Share holding each misconception (and the difference from the organization) for
    the organization, every unit and every team."""
    columns = [_NAME, (6, "num")] + [(14, "num")] * len(mcs)
    header = [[(t("team", lang), 1), ("n", 1)] + [(c, 1) for c in codes]]

    def row(rec, name, band=None, compare=True) -> Row:
        if rec["suppressed"]:
            return _hidden_row(rec, name, k, lang)
        shares, vs = rec["misconceptions"], rec["misconceptions_vs_organization"]
        cells = [share_cell(shares[m], vs[m] if compare else None, lang) if shares[m] is not None
                 else hidden_cell(PRIMARY, k, lang) for m in mcs]
        return Row((name, _n(rec), *cells), band)

    rows = [row(org, t("organization", lang), _ORG_BAND, compare=False)]
    for u, teams in groups:
        if u is not None:
            rows.append(row(u, f"{t('unit', lang)} {u['unit']}", _UNIT_BAND))
        rows += [row(r, r["team"]) for r in teams]
    return grid_blocks(columns, header, rows, images=images, name="misconceptions",
                       first_block=_FIRST_MISCONCEPTIONS, **_HEAT)


def team_appendix(groups, names: dict, k: int, lang: str, images: dict) -> list:
    """One line per team: perception and structure with confidence intervals, r_wg(j),
    maturity level and finding per dimension, and the pattern."""
    dims = tuple(names)
    columns = [(27, "left"), (5, "num")] + [(13, "num"), (13, "num"), (6, "num"), (3, "num"), (12, "left")] * len(dims) \
        + [(24, "left")]
    header = [
        [(t("team", lang), 1), ("n", 1)] + [(names[d], 5) for d in dims] + [(t("typology", lang), 1)],
        [("", 2)] + [(x, 1) for _ in dims for x in ("P [CI]", "S [CI]", "r_wg", "L", t("finding", lang))] + [("", 1)],
    ]
    rows = []
    for u, teams in groups:
        if u is not None:
            rows.append(Row((f"{t('unit', lang)} {u['unit']}",), _UNIT_BAND))
        for r in teams:
            if r["suppressed"]:
                rows.append(_hidden_row(r, r["team"], k, lang))
                continue
            cells = []
            for d in dims:
                c = r["dimensions"][d]
                if c["suppressed"]:
                    h = hidden_cell(c["suppression_reason"], k, lang)
                    cells += [h] + [Cell("", h.fill, h.kind)] * 4
                    continue
                cells += [Cell(fmt_ci(c["score"], c["ci_low"], c["ci_high"], lang), _WHITE),
                          Cell(fmt_ci(c["structure"], c["structure_ci_low"], c["structure_ci_high"], lang), _WHITE),
                          Cell(fmt(c["rwg_j"], 2, lang), _WHITE), Cell(str(c["level"] or "–"), _WHITE),
                          finding_cell(c["finding"], lang, c.get("finding_probability"))]
            typ = r["typology"]
            rows.append(Row((r["team"], _n(r), *cells, TYPOLOGY_SHORT[typ][lang] if typ else "–")))
    return grid_blocks(columns, header, rows, images=images, name="appendix", **_APPENDIX)
