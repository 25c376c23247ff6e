"""The cells of a heatmap (:mod:`analysis.figures`): colour values, labels, hover texts
and whether (and why) a cell is withheld, for one page of rows.

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray
from analysis.figures_common import dim_names, misconception_names
from analysis.figures_text import SHORT_FINDING_EN, escape_label, escape_text, formatted, number, wrap
from analysis.instrument import DIMENSIONS
from analysis.maturity import FINDINGS
from analysis.narrative import LABELS
from analysis.narrative import label as _label
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, reason_text
from analysis.translate import translated

if TYPE_CHECKING:
    from analysis.diagnosis_result import Diagnosis, GroupTable

__all__ = [
    "SHOWN",
    "ST_PRIMARY",
    "ST_HIDDEN",
    "ST_NO_DATA",
    "HeatmapCells",
    "row_labels",
    "status_hover",
    "misconception_cells",
    "dimension_cells",
]

# status codes of a cell: shown, fewer than k responses, hidden (complementary), no data
SHOWN, ST_PRIMARY, ST_HIDDEN, ST_NO_DATA = 0, 1, 2, 3
_STATUS_OF_REASON = {PRIMARY: ST_PRIMARY, COMPLEMENTARY: ST_HIDDEN, NO_DATA: ST_NO_DATA}
#: Per diagnosis (weakly), per (level, language, rows): the hover texts of the dimension cells.
_HOVER_CACHE: weakref.WeakKeyDictionary[Diagnosis, dict[tuple[str, str, bytes], ObjectArray]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, eq=False)
class HeatmapCells:
    """The cells of one page of a heatmap; every array has shape (rows, columns)."""

    z: FloatArray  # colour value: the difference from the organization, or the finding's code
    text: ObjectArray  # cell label (escaped), '' where withheld
    hover: ObjectArray  # hover text of a shown cell (escaped)
    status: IntArray  # SHOWN, ST_PRIMARY, ST_HIDDEN or ST_NO_DATA
    divided: BoolArray  # members disagree: the cell is hatched
    cols: list[str]  # column names (plain text)
    unknown: bool  # "no data" means too few answers to these questions
    flag: bool  # some cell is marked ▲ or ▼


def _status(table: GroupTable, idx: IntArray, values: FloatArray, cell_reason: ObjectArray | None) -> IntArray:
    """Status code per cell: shown, n < k, hidden (complementary) or no data."""
    codes = np.vectorize(lambda r: _STATUS_OF_REASON.get(r, SHOWN), otypes=[np.int64])
    row = codes(np.asarray(table.suppression_reason, dtype=object)[idx]).reshape(-1, 1)
    cell = codes(cell_reason) if cell_reason is not None else np.zeros(values.shape, np.int64)
    status = np.where(row != SHOWN, row, cell)
    return np.where((status == SHOWN) & ~np.isfinite(values), ST_NO_DATA, status)


def row_labels(table: GroupTable, idx: IntArray, t: dict[str, str], with_unit: bool) -> tuple[list[str], list[str]]:
    """Short axis labels and full hover labels of the rows (escaped)."""
    rows = idx.tolist()
    labels = [table.labels[i] for i in rows]
    if table.n_teams is not None:  # units
        short = [
            f"{escape_label(lab)} · {t['n_teams'].format(n=n)}" for lab, n in zip(labels, table.n_teams[idx].tolist())
        ]
    elif with_unit and table.parent is not None:
        short = [f"{escape_label(lab)} · {escape_label(table.parent[i], 12)}" for lab, i in zip(labels, rows)]
    else:
        short = [escape_label(lab) for lab in labels]
    full = [escape_label(lab, None) for lab in labels]
    if table.level == "team" and table.parent is not None:
        full = [f"{f} · {escape_label(table.parent[i], None)}" for f, i in zip(full, rows)]
    return short, full


def _dim_hover(
    diagnosis: Diagnosis, table: GroupTable, idx: IntArray, full: list[str], lang: str, t: dict[str, str]
) -> ObjectArray:
    """Hover text of every (row, dimension) cell: n, CIs, r_wg(j), level, finding.

    The perception, structure and finding heatmaps of the same rows share it, so it is
    kept per diagnosis (weakly) and built once."""
    cache = _HOVER_CACHE.setdefault(diagnosis, {})
    key = (table.level, lang, idx.tobytes())
    if key not in cache:
        cache[key] = _build_dim_hover(diagnosis, table, idx, full, lang, t)
    return cache[key]


def _build_dim_hover(
    diagnosis: Diagnosis, table: GroupTable, idx: IntArray, full: list[str], lang: str, t: dict[str, str]
) -> ObjectArray:
    f = {
        k: formatted(np.asarray(table.dims[k])[idx], 2 if k == "rwg_j" else 0, lang)
        for k in ("n", "score", "ci_low", "ci_high", "structure", "structure_ci_low", "structure_ci_high", "rwg_j")
    }
    shape = (idx.size, len(DIMENSIONS))
    level = np.asarray(table.level_)[idx].ravel().tolist()
    finding = np.asarray(table.finding, dtype=object)[idx].ravel().tolist()
    flags = []
    for flag, diff, m in (
        ("vs_rest_flagged", "vs_rest_difference", t["score"]),
        ("structure_vs_rest_flagged", "structure_vs_rest_difference", t["structure_s"]),
    ):
        up = np.asarray(table.dims[diff], dtype=float)[idx] > 0
        flags.append(
            np.where(
                np.asarray(getattr(table, flag))[idx],
                np.where(up, t["flag_up"].format(m=m), t["flag_down"].format(m=m)),
                "",
            )
            .ravel()
            .tolist()
        )
    names = [escape_text(n) for n in dim_names(diagnosis, lang)]
    ci = t["ci"].format(p=number(100 * diagnosis.settings["confidence"], 0, lang))
    find = {k: _label("finding", k, lang) for k in LABELS["finding"]}
    out = []
    for i in range(shape[0] * shape[1]):
        lines = [f"<b>{full[i // shape[1]]}</b>", f"<b>{names[i % shape[1]]}</b>"]
        if f["score"][i]:
            lines.append(f"{t['score']} {f['score'][i]} ({ci} {f['ci_low'][i]}–{f['ci_high'][i]})")
        if f["structure"][i]:
            lines.append(
                f"{t['structure_s']} {f['structure'][i]} ({ci} {f['structure_ci_low'][i]}–{f['structure_ci_high'][i]})"
            )
        facts = [f"n = {f['n'][i]}"] if f["n"][i] else []
        if f["rwg_j"][i]:
            facts.append(f"r<sub>wg(j)</sub> = {f['rwg_j'][i]}")
        if level[i]:
            facts.append(t["level"].format(l=level[i]))
        if facts:
            lines.append(" · ".join(facts))
        if finding[i] is not None:
            lines.append(f"{t['finding_h']}: {find[finding[i]]}")
        lines += [x for x in (flags[0][i], flags[1][i]) if x]
        out.append("<br>".join(lines))
    return np.array(out, dtype=object).reshape(shape)


def status_hover(cells: HeatmapCells, full: list[str], k: int, lang: str, t: dict[str, str]) -> ObjectArray:
    """Hover text of the cells without figures: why they are empty."""
    why = {
        ST_PRIMARY: t["not_shown"].format(why=reason_text(PRIMARY, k)[lang]),
        ST_HIDDEN: t["not_shown"].format(why=reason_text(COMPLEMENTARY, k)[lang]),
        ST_NO_DATA: t["mc_unknown"] if cells.unknown else t["not_shown"].format(why=reason_text(NO_DATA, k)[lang]),
    }
    status = cells.status
    out = np.full(status.shape, None, dtype=object)
    for r, c in zip(*np.nonzero(status)):
        out[r, c] = f"<b>{full[r]}</b><br><b>{escape_text(cells.cols[c])}</b><br>{why[int(status[r, c])]}"
    return out


def misconception_cells(
    diagnosis: Diagnosis, table: GroupTable, idx: IntArray, lang: str, t: dict[str, str], full: list[str]
) -> HeatmapCells:
    """The share holding each misconception, coloured by the difference from the organization."""
    names = misconception_names(diagnosis, lang=lang)
    long = [names[m] for m in table.misconceptions]
    heads = [wrap(n, 48) for n in long]
    values = 100 * np.asarray(table.misconception, dtype=float)[idx]
    org_v = 100 * np.asarray(diagnosis.organization.misconception, dtype=float)[0]
    status = _status(table, idx, values, None)
    shown = status == SHOWN
    share = np.array(formatted(values, 0, lang), dtype=object).reshape(values.shape)
    org_s = formatted(org_v, 0, lang)
    hover = np.full(values.shape, None, dtype=object)
    for r, c in zip(*np.nonzero(shown)):
        hover[r, c] = (
            f"<b>{full[r]}</b><br><b>{heads[c]}</b><br>"
            f"{t['share']}: {share[r, c]} % ({t['organization']}: {org_s[c]} %)"
        )
    return HeatmapCells(
        z=values - org_v[None, :],
        text=np.where(shown, share + " %", ""),
        hover=hover,
        status=status,
        divided=np.zeros(values.shape, bool),
        cols=[n.split(" (")[0] for n in long],
        unknown=True,
        flag=False,
    )


def dimension_cells(
    diagnosis: Diagnosis, table: GroupTable, idx: IntArray, metric: str, lang: str, t: dict[str, str], full: list[str]
) -> HeatmapCells:
    """The cells of the three dimensions: the perception score or structure index,
    coloured by the difference from the organization, or the finding."""
    finding = np.asarray(table.finding, dtype=object)[idx]
    cell_reason = np.asarray(table.cell_reason, dtype=object)[idx]
    hover = _dim_hover(diagnosis, table, idx, full, lang, t)
    cols = dim_names(diagnosis, lang)
    divided = finding == "divided"
    if metric == "finding":
        code = {f: float(i) for i, f in enumerate(FINDINGS)}
        z = np.array([code.get(f, np.nan) for f in finding.ravel().tolist()]).reshape(finding.shape)
        short = translated(SHORT_FINDING_EN, lang)
        text = np.array([short.get(f, "") for f in finding.ravel().tolist()], dtype=object).reshape(finding.shape)
        return HeatmapCells(
            z=z,
            text=text,
            hover=hover,
            status=_status(table, idx, z, cell_reason),
            divided=divided,
            cols=cols,
            unknown=False,
            flag=False,
        )
    field, flag = ("score", "vs_rest") if metric == "perception" else ("structure", "structure_vs_rest")
    values = np.asarray(table.dims[field], dtype=float)[idx]
    org_v = np.asarray(diagnosis.organization.dims[field], dtype=float)[0]
    status = _status(table, idx, values, cell_reason)
    flagged = np.asarray(getattr(table, f"{flag}_flagged"))[idx]
    up = np.asarray(table.dims[f"{flag}_difference"], dtype=float)[idx] > 0
    divided &= metric == "perception"
    label = np.array(formatted(values, 0, lang), dtype=object).reshape(values.shape)
    text = np.where(divided, "÷ ", "") + label + np.where(flagged, np.where(up, " ▲", " ▼"), "")
    return HeatmapCells(
        z=values - org_v[None, :],
        text=np.where(status == SHOWN, text, ""),
        hover=hover,
        status=status,
        divided=divided,
        cols=cols,
        unknown=False,
        flag=bool(flagged.any()),
    )
