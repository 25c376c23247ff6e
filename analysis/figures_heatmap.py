"""The heatmaps of teams and units (:mod:`analysis.figures`): the traces, the key and the
layout of a page of rows, and the same figures as a table.

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import plotly.graph_objects as go

from analysis.arrays import BoolArray, IntArray
from analysis.figures_cells import (
    SHOWN,
    ST_HIDDEN,
    ST_NO_DATA,
    ST_PRIMARY,
    HeatmapCells,
    dimension_cells,
    misconception_cells,
    row_labels,
    status_hover,
)
from analysis.figures_common import FONT, check_choice, check_int, finish, instrument, plain
from analysis.figures_order import PAGE_SIZE, group_order, level_table
from analysis.figures_text import LANGS, TEXT, escape_label, escape_text, number, wrap
from analysis.instrument import DIMENSIONS
from analysis.maturity import FINDINGS
from analysis.narrative import label as _label
from analysis.palette import FINDING_COLORS, SCALE

if TYPE_CHECKING:
    from analysis.diagnosis_result import Diagnosis, GroupTable

__all__ = [
    "METRICS",
    "COLOR_RANGE",
    "available_metrics",
    "HeatmapRow",
    "HeatmapTable",
    "heatmap_table",
    "team_heatmap",
    "unit_heatmap",
]

#: Heatmap metrics.
METRICS = ("perception", "structure", "finding", "misconception")
#: Difference from the organization (points) at which the colour scale saturates.
COLOR_RANGE = 30

_ROW_PX = 24
_MIN_PLOT_PX = 120
# diverging, colour-blind safe (ColorBrewer RdBu, muted ends so black labels stay legible)
_DIVERGING = [[0.0, SCALE[0]], [0.25, "#f4a582"], [0.5, SCALE[1]], [0.75, "#92c5de"], [1.0, SCALE[2]]]
# dark labels on both greys (contrast ≥ 8:1 for "n < k", ≥ 13:1 for "hidden")
_GREY_PRIMARY, _GREY_HIDDEN, _NO_DATA = "#a6a6a6", "#d4d4d4", "#ffffff"
_STATUS_TEXT = "#111111"
_LEGEND_LINE_CHARS = 56


class HeatmapRow(TypedDict):
    """A row of :func:`heatmap_table`: the group, its n (None when hidden) and its cells."""

    label: str
    n: int | None
    cells: list[str]


class HeatmapTable(TypedDict):
    """The figures of a heatmap as plain text (:func:`heatmap_table`)."""

    title: str
    columns: list[str]
    rows: list[HeatmapRow]


@dataclass(frozen=True, eq=False)
class _Page:
    """One page of a heatmap: its rows and their cells."""

    table: GroupTable
    idx: IntArray  # rows of the table, in display order
    start: int  # position of the first row in the order
    rows: list[str]  # axis labels (shortened, escaped)
    full: list[str]  # hover labels (escaped)
    with_unit: bool  # teams of every unit: the unit beside the label, lines between the units
    cells: HeatmapCells


def available_metrics(diagnosis: Diagnosis) -> tuple[str, ...]:
    """The heatmap metrics of ``diagnosis``: :data:`METRICS`, without ``'misconception'``
    when its questionnaire asks no misconception (the pulse form)."""
    return tuple(m for m in METRICS if m != "misconception" or diagnosis.teams.misconceptions)


def _check_metric(diagnosis: Diagnosis, metric: str) -> None:
    check_choice("metric", metric, METRICS)
    if metric not in available_metrics(diagnosis):
        raise ValueError(f"metric: {metric!r}, but the questionnaire asks no misconceptions")


def _divided_legend(diagnosis: Diagnosis, lang: str) -> str:
    q = instrument(diagnosis.questionnaire["id"], diagnosis.questionnaire["version"])
    bar = (
        ""
        if q is None
        else TEXT[lang]["lg_beyond_chance"].format(a=number(q.thresholds.findings.agreement_alpha, 2, lang))
    )
    return TEXT[lang]["lg_divided"].format(bar=bar)


def _swatch(color: str, glyph: str = "■") -> str:
    return f"<span style='color:{color}'>{glyph}</span>"


def _legend(
    diagnosis: Diagnosis, cells: HeatmapCells, metric: str, k: int, lang: str, t: dict[str, str]
) -> tuple[dict[str, Any] | None, int]:
    """A key below the plot (one annotation) for the finding colours and every marking
    present, and its number of lines."""
    status = cells.status
    items = []
    if metric == "finding":
        items += [f"{_swatch(FINDING_COLORS[f])} {escape_text(_label('finding', f, lang))}" for f in FINDINGS]
    if cells.divided.any():
        items.append(f"▨ {escape_text(_divided_legend(diagnosis, lang))}")
    marks = (
        (ST_PRIMARY, t["lg_primary"].format(k=k), _swatch(_GREY_PRIMARY)),
        (ST_HIDDEN, t["lg_hidden"], _swatch(_GREY_HIDDEN)),
        (ST_NO_DATA, t["lg_unknown"] if cells.unknown else t["lg_no_data"], _swatch("#777777", "□")),
    )
    items += [f"{glyph} {escape_text(name)}" for code, name, glyph in marks if (status == code).any()]
    if cells.flag:
        items.append(escape_text(t["lg_flag"]))
    if not items:
        return None, 0
    lines = _legend_lines(items)
    return dict(
        text="<br>".join(lines),
        x=0,
        xref="paper",
        xanchor="left",
        y=0,
        yref="paper",
        yanchor="top",
        yshift=-6,
        showarrow=False,
        align="left",
        font=dict(size=12),
    ), len(lines)


def _legend_lines(items: list[str]) -> list[str]:
    """The key's items on lines of at most about :data:`_LEGEND_LINE_CHARS` visible
    characters, so that the key fits a figure half a page wide."""
    lines: list[str] = []
    current: list[str] = []
    width = 0
    for item in items:
        n = len(html.unescape(re.sub(r"<[^>]+>", "", item)))
        if current and width + 6 + n > _LEGEND_LINE_CHARS:
            lines.append("      ".join(current))
            current, width = [], 0
        current.append(item)
        width += n + (6 if width else 0)
    if current:
        lines.append("      ".join(current))
    return lines


def _hatch(mask: BoolArray) -> dict[str, Any]:
    """One outlined, hatched polygon per marked cell (cells are 1 x 1 around integer centres)."""
    x: list[float | None] = []
    y: list[float | None] = []
    for r, c in zip(*(a.tolist() for a in np.nonzero(mask))):
        x += [c - 0.5, c + 0.5, c + 0.5, c - 0.5, c - 0.5, None]
        y += [r - 0.5, r - 0.5, r + 0.5, r + 0.5, r - 0.5, None]
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        fill="toself",
        hoverinfo="skip",
        showlegend=False,
        line=dict(color="#333333", width=1.5),
        fillcolor="rgba(0,0,0,0)",
        fillpattern=dict(shape="/", fgcolor="rgba(40,40,40,0.55)", size=9, solidity=0.15),
    )


def _cell_traces(page: _Page, metric: str, lang: str) -> list[dict[str, Any]]:
    """The status layer (grey / white cells), the value layer and the hatching."""
    t, k, cells = TEXT[lang], page.table.k, page.cells
    status = cells.status
    R, C = status.shape
    common = dict(
        type="heatmap",
        x=list(range(C)),
        y=list(range(R)),
        xgap=1,
        ygap=1,
        texttemplate="%{text}",
        textfont=dict(size=13),
        hoverongaps=False,
        hovertemplate="%{hovertext}<extra></extra>",
        name="",
        showlegend=False,
    )
    out = []
    if (status != SHOWN).any():
        names = np.array(
            [
                escape_text(x)
                for x in (
                    "",
                    t["st_primary"].format(k=k),
                    t["st_hidden"],
                    t["st_unknown"] if cells.unknown else t["st_no_data"],
                )
            ],
            dtype=object,
        )
        out.append(
            dict(
                z=plain(np.where(status == SHOWN, np.nan, status.astype(float))),
                zmin=1,
                zmax=3,
                colorscale=[[0.0, _GREY_PRIMARY], [0.5, _GREY_HIDDEN], [1.0, _NO_DATA]],
                showscale=False,
                text=plain(names[status]),
                hovertext=plain(status_hover(cells, page.full, k, lang, t)),
                **{**common, "textfont": dict(size=13, color=_STATUS_TEXT)},
            )
        )
    value = dict(
        z=plain(np.where(status == SHOWN, cells.z, np.nan)),
        text=plain(cells.text),
        hovertext=plain(cells.hover),
        **common,
    )
    if metric == "finding":
        n = len(FINDINGS)
        scale = [[(i + e) / n, FINDING_COLORS[f]] for i, f in enumerate(FINDINGS) for e in (0, 1)]
        value.update(zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False)
    else:
        value.update(
            zmin=-COLOR_RANGE,
            zmax=COLOR_RANGE,
            zmid=0,
            colorscale=_DIVERGING,
            reversescale=metric == "misconception",
            colorbar=dict(
                title=dict(text=t["vs_org"], side="right"),
                thickness=12,
                len=min(220, max(_MIN_PLOT_PX, R * _ROW_PX)),
                lenmode="pixels",
                y=1,
                yanchor="top",
                tickvals=[-COLOR_RANGE, 0, COLOR_RANGE],
                ticktext=[f"−{COLOR_RANGE}", t["org"], f"+{COLOR_RANGE}"],
            ),
        )
    out.append(value)
    if cells.divided.any():
        out.append(_hatch(cells.divided))
    return out


def _heatmap_layout(
    title: str,
    subtitle: str,
    rows: list[str],
    cols: list[str],
    legend: dict[str, Any] | None,
    legend_lines: int,
    shapes: list[dict[str, Any]],
    metric: str,
) -> dict[str, Any]:
    col_text = [wrap(c, 16 if metric == "misconception" else 12) for c in cols]
    col_lines = max(c.count("<br>") + 1 for c in col_text)
    top = 64 + 15 * col_lines
    bottom = 14 + 17 * legend_lines
    left = int(min(260, max(60, 7 * max((len(html.unescape(r)) for r in rows), default=4) + 16)))
    return dict(
        template="none",
        height=top + bottom + max(_MIN_PLOT_PX, _ROW_PX * len(rows)),
        autosize=True,
        font=dict(family=FONT, size=12, color="#222222"),
        title=dict(
            text=title,
            subtitle=dict(text=subtitle, font=dict(size=12, color="#555555")),
            x=0,
            xref="container",
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=12, l=10),
            font=dict(size=15),
        ),
        margin=dict(t=top, b=bottom, l=left, r=72 if metric != "finding" else 16, pad=0),
        xaxis=dict(
            tickvals=list(range(len(cols))),
            ticktext=col_text,
            side="top",
            tickangle=0,
            showgrid=False,
            zeroline=False,
            range=[-0.5, len(cols) - 0.5],
            fixedrange=True,
            ticks="",
        ),
        yaxis=dict(
            tickvals=list(range(len(rows))),
            ticktext=rows,
            autorange=False,
            showgrid=False,
            zeroline=False,
            range=[len(rows) - 0.5, -0.5],
            fixedrange=True,
            ticks="",
        ),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        shapes=shapes,
        showlegend=False,
        annotations=[legend] if legend else [],
        hoverlabel=dict(align="left", bgcolor="#ffffff", font=dict(family=FONT, size=12)),
    )


def _unit_separators(table: GroupTable, idx: IntArray) -> list[dict[str, Any]]:
    """Horizontal lines between the unit blocks of a page of teams."""
    parents = np.asarray(table.parent, dtype=str)[idx]
    breaks = np.flatnonzero(parents[1:] != parents[:-1])
    return [
        dict(
            type="line", xref="paper", x0=0, x1=1, yref="y", y0=b + 0.5, y1=b + 0.5, line=dict(color="#222222", width=2)
        )
        for b in breaks.tolist()
    ]


def _sorted_text(diagnosis: Diagnosis, sort: str, t: dict[str, str], lang: str) -> str:
    if sort in DIMENSIONS:
        return t["sorted_dimension"].format(dimension=diagnosis.dimensions[sort]["name"][lang])
    return t[f"sorted_{sort}"]


def _page(
    diagnosis: Diagnosis,
    level: str,
    metric: str,
    order: IntArray,
    page: int,
    page_size: int,
    lang: str,
    unit: str | None,
) -> _Page:
    """The rows of page ``page`` of ``order`` and their cells."""
    t = TEXT[lang]
    table = level_table(diagnosis, level)
    start = page * page_size
    if order.size and start >= order.size:
        raise ValueError(f"page: {page} is beyond the last page ({-(-order.size // page_size) - 1})")
    idx = order[start : start + page_size]
    with_unit = level == "team" and table.parent is not None and unit is None
    rows, full = row_labels(table, idx, t, with_unit)
    if metric == "misconception":
        cells = misconception_cells(diagnosis, table, idx, lang, t, full)
    else:
        cells = dimension_cells(diagnosis, table, idx, metric, lang, t, full)
    return _Page(table=table, idx=idx, start=start, rows=rows, full=full, with_unit=with_unit, cells=cells)


def _heatmap(
    diagnosis: Diagnosis,
    level: str,
    metric: str,
    order: IntArray,
    page: int,
    page_size: int,
    lang: str,
    unit: str | None,
    sort: str,
) -> dict[str, Any]:
    t = TEXT[lang]
    p = _page(diagnosis, level, metric, order, page, page_size, lang, unit)
    legend, legend_lines = _legend(diagnosis, p.cells, metric, p.table.k, lang, t)
    parts = [t["by_unit"] if level == "unit" else t["by_team"]]
    if unit is not None:
        parts.append(t["in_unit"].format(unit=escape_label(unit, 60)))
    if order.size > page_size:
        what = t["units"] if level == "unit" else t["teams"]
        parts.append(t["rows"].format(what=what, a=p.start + 1, b=p.start + p.idx.size, n=order.size))
    parts.append(_sorted_text(diagnosis, sort, t, lang))
    shapes = _unit_separators(p.table, p.idx) if p.with_unit else []
    layout = _heatmap_layout(t[metric], " · ".join(parts), p.rows, p.cells.cols, legend, legend_lines, shapes, metric)
    return dict(data=_cell_traces(p, metric, lang), layout=layout)


def _cell_table(p: _Page, metric: str, lang: str) -> HeatmapTable:
    """The figures of a heatmap as plain text (not escaped: a template escapes them):
    the same cell labels, and for a hidden cell its status text."""
    t, table, idx, cells = TEXT[lang], p.table, p.idx, p.cells
    status = cells.status
    names = [
        "",
        t["st_primary"].format(k=table.k),
        t["st_hidden"],
        t["st_unknown"] if cells.unknown else t["st_no_data"],
    ]
    text = np.asarray(cells.text, dtype=object)
    if metric == "finding":  # the table gives the full name of the finding, not the short label
        finding = np.asarray(table.finding, dtype=object)[idx]
        text = np.array(
            [_label("finding", f, lang) if f else "" for f in finding.ravel().tolist()], dtype=object
        ).reshape(finding.shape)
    rows: list[HeatmapRow] = []
    for r, i in enumerate(idx.tolist()):
        row = [
            html.unescape(str(text[r, c])) if status[r, c] == SHOWN else names[int(status[r, c])]
            for c in range(status.shape[1])
        ]
        n = None if table.suppressed[i] else int(table.n[i])
        rows.append({"label": table.labels[i], "n": n, "cells": row})
    return {"title": t[metric], "columns": [html.unescape(str(c)) for c in cells.cols], "rows": rows}


def heatmap_table(
    diagnosis: Diagnosis,
    metric: str = "perception",
    *,
    level: str = "team",
    unit: str | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
) -> HeatmapTable:
    """The figures of :func:`team_heatmap` (``level="team"``) or :func:`unit_heatmap`
    (``level="unit"``) as a table, for screen readers and for reading on paper: the same
    rows in the same order, the same cell labels, and the reason where a cell is hidden.

    Returns
    -------
    dict
        ``{"title", "columns": [str], "rows": [{"label", "n", "cells": [str]}]}``
        (plain text; ``n`` is None for a hidden row).
    """
    _check_metric(diagnosis, metric)
    check_choice("lang", lang, LANGS)
    check_choice("level", level, ("team", "unit"))
    check_int("page", page, 0)
    check_int("page_size", page_size, 1)
    unit = unit if level == "team" else None
    order = group_order(diagnosis, level=level, unit=unit, sort=sort)
    return _cell_table(_page(diagnosis, level, metric, order, page, page_size, lang, unit), metric, lang)


def team_heatmap(
    diagnosis: Diagnosis,
    metric: str = "perception",
    *,
    unit: str | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
    as_dict: bool = False,
) -> go.Figure | dict[str, Any]:
    """Heatmap of teams x dimensions (or x misconceptions).

    Parameters
    ----------
    diagnosis : Diagnosis
    metric : {'perception', 'structure', 'finding', 'misconception'}
        See the module docstring of :mod:`analysis.figures`.
    unit : str, optional
        Only the teams of this unit (the drill-down from :func:`unit_heatmap`). Without
        it, all teams, sorted by unit, with lines between the units.
    page : int
        Which page of ``page_size`` rows (0-based; see :func:`page_count`).
    page_size : int
        Rows per figure.
    lang : {'en', 'de'}
    sort : str
        Row order, one of :data:`SORTS` (see :func:`group_order`).
    as_dict : bool
        Return the plain figure dictionary instead of a ``Figure``.

    Returns
    -------
    plotly.graph_objects.Figure or dict
        Rows sorted as :func:`group_order`; hidden teams grey with the reason.

    Raises
    ------
    ValueError
        Unknown ``metric`` (or ``'misconception'`` for a questionnaire without
        misconceptions), ``lang``, ``unit`` or ``sort``, or ``page`` beyond the last page.
    """
    _check_metric(diagnosis, metric)
    check_choice("lang", lang, LANGS)
    check_int("page", page, 0)
    check_int("page_size", page_size, 1)
    order = group_order(diagnosis, level="team", unit=unit, sort=sort)
    return finish(_heatmap(diagnosis, "team", metric, order, page, page_size, lang, unit, sort), as_dict)


def unit_heatmap(
    diagnosis: Diagnosis,
    metric: str = "perception",
    *,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
    as_dict: bool = False,
) -> go.Figure | dict[str, Any]:
    """Heatmap of units x dimensions (or x misconceptions): the overview for many teams.

    Parameters
    ----------
    diagnosis : Diagnosis
        Must have a unit level.
    metric : {'perception', 'structure', 'finding', 'misconception'}
    page, page_size : int
        As in :func:`team_heatmap`.
    lang : {'en', 'de'}
    sort : str
        Row order, one of :data:`SORTS` (see :func:`group_order`).
    as_dict : bool
        Return the plain figure dictionary instead of a ``Figure``.

    Returns
    -------
    plotly.graph_objects.Figure or dict

    Raises
    ------
    ValueError
        Unknown ``metric`` (or ``'misconception'`` for a questionnaire without
        misconceptions), ``lang`` or ``sort``, no unit level, or ``page`` beyond the last page.
    """
    _check_metric(diagnosis, metric)
    check_choice("lang", lang, LANGS)
    check_int("page", page, 0)
    check_int("page_size", page_size, 1)
    order = group_order(diagnosis, level="unit", sort=sort)
    return finish(_heatmap(diagnosis, "unit", metric, order, page, page_size, lang, None, sort), as_dict)
