"""Plotly figure of a wave comparison: the trend of one group over three or more waves.

:func:`trend_figure` draws, for one group (the organization, a unit or a team lineage)
and one measure, a line per dimension through the released value of every wave with its
confidence interval as error bars. It only displays figures of the
:class:`~analysis.waves.WaveComparison` trend table — values a wave did not release
(fewer than k, hidden, not in that wave, not comparable) are gaps, never estimates —
and marks the steps whose change is reliable — after the Benjamini–Hochberg correction over
all cells of the comparison — and meaningful (▲ improved, ▼ declined).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import plotly.graph_objects as go

from analysis.figures import escape_text
from analysis.figures_text import wrap
from analysis.messages import N_
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY
from analysis.waves import MEASURES, WaveComparison

__all__ = ["trend_figure", "trend_groups"]

_COLORS = {"direction": "#1f5fbf", "decision_rights": "#c05621", "feedback": "#2f855a"}
_DASH = {"direction": "solid", "decision_rights": "dash", "feedback": "dot"}
_SYMBOL = {"direction": "circle", "decision_rights": "square", "feedback": "diamond"}


_NAMES = {"direction": N_("Direction"), "decision_rights": N_("Decision rights"), "feedback": N_("Feedback")}
_AXIS = {"score": N_("Perception score (0–100)"), "structure": N_("Structure index (0–100)")}
_ORGANIZATION = N_("Organization")
_TITLE = N_("Trend over the waves")
_SUBTITLE = N_(
    "Bars: %(ci)s %% confidence interval;<br>gaps: not released.<br>▲/▼: reliable (corrected for the "
    "number<br>of comparisons) and meaningful change<br>since the previous wave."
)
_REASONS = {
    PRIMARY: N_("not released: fewer than k responses"),
    COMPLEMENTARY: N_("not released: a smaller group could be worked out by subtraction"),
    NO_DATA: N_("no answers"),
    "not_in_wave": N_("not in this wave"),
    "not_comparable": N_("not comparable with the latest wave's questionnaire"),
}
_MARK = {"improved": "▲", "declined": "▼"}


def _check(name: str, value: object, allowed: Collection[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def trend_groups(comparison: WaveComparison) -> tuple[tuple[str, str], ...]:
    """``(level, group)`` pairs that have a trend row, organization first."""
    if not isinstance(comparison, WaveComparison):
        raise TypeError(f"comparison: must be a WaveComparison, got {type(comparison).__name__}")
    seen: list[tuple[str, str]] = []
    for row in comparison.trend:
        key = (row["level"], row["group"])
        if key not in seen:
            seen.append(key)
    return tuple(seen)


def _number(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def trend_figure(
    comparison: WaveComparison,
    *,
    level: str = "organization",
    group: str = "",
    measure: str = "score",
    translate: Callable[[str], str] | None = None,
    number: Callable[[float, int], str] | None = None,
    as_dict: bool = False,
) -> dict[str, Any] | go.Figure:
    """Line chart of one group's released values per wave, one line per dimension.

    Parameters
    ----------
    comparison : WaveComparison
        From :func:`analysis.waves.compare_waves` with three or more waves.
    level : {'organization', 'unit', 'team'}
    group : str
        The group's label in its latest wave (``""`` for the organization).
    measure : {'score', 'structure'}
    translate : callable, optional
        ``translate(message)``: the figure's texts (English message ids, marked ``N_``) in
        the reader's language, e.g. the catalogue's ``gettext``; default English.
    number : callable, optional
        ``number(x, decimals)``: a figure as text in the reader's conventions (decimal
        comma in German); default a decimal point.
    as_dict : bool
        Return the figure specification as a plain dict instead of a ``go.Figure``.

    Returns
    -------
    plotly.graph_objects.Figure or dict

    Raises
    ------
    ValueError
        Fewer than three waves, or no trend row for the group (named).
    """
    if not isinstance(comparison, WaveComparison):
        raise TypeError(f"comparison: must be a WaveComparison, got {type(comparison).__name__}")
    _check("measure", measure, MEASURES)
    tr = translate or (lambda message: message)
    num = number or _number
    _check("level", level, ("organization", "unit", "team"))
    if len(comparison.labels) < 3:
        raise ValueError(f"comparison: a trend needs at least 3 waves, got {len(comparison.labels)}")
    rows = [r for r in comparison.trend if r["level"] == level and r["group"] == group and r["measure"] == measure]
    if not rows:
        raise ValueError(f"group: no trend for {level} {group!r} and measure {measure!r}")
    labels = list(comparison.labels)
    traces = []
    for row in rows:
        dim = row["dimension"]
        name = tr(_NAMES[dim]) if dim in _NAMES else dim
        ys = [v["value"] if v["released"] else None for v in row["values"]]
        plus = [None if y is None else v["ci_high"] - y for y, v in zip(ys, row["values"])]
        minus = [None if y is None else y - v["ci_low"] for y, v in zip(ys, row["values"])]
        marks = [""] + [_MARK.get(s or "", "") for s in row["steps"]]
        hover = [
            f"{escape_text(name)} · {escape_text(w)}<br>"
            + (
                f"{num(y, 1)} [{num(v['ci_low'], 1)}–{num(v['ci_high'], 1)}], n = {num(v['n'], 0)}"
                if y is not None
                else escape_text(tr(_REASONS[v["reason"]]))
            )
            for y, v, w in zip(ys, row["values"], labels)
        ]
        traces.append(
            dict(
                type="scatter",
                mode="lines+markers+text",
                name=name,
                x=labels,
                y=ys,
                text=marks,
                textposition="top center",
                textfont=dict(size=14, color=_COLORS.get(dim, "#333333")),
                line=dict(color=_COLORS.get(dim, "#333333"), dash=_DASH.get(dim, "solid"), width=2.5),
                marker=dict(symbol=_SYMBOL.get(dim, "circle"), size=9),
                connectgaps=False,
                error_y=dict(type="data", symmetric=False, array=plus, arrayminus=minus, thickness=1.2, width=5),
                hovertext=hover,
                hoverinfo="text",
            )
        )
    who = tr(_ORGANIZATION) if level == "organization" else group
    ci = round(100 * comparison.settings["confidence"])
    spec = dict(
        data=traces,
        layout=dict(
            title=dict(
                text=f"{escape_text(tr(_TITLE))}: {escape_text(who)}",
                subtitle=dict(text=tr(_SUBTITLE) % {"ci": ci}, font=dict(size=11, color="#555555")),
                font=dict(size=15),
                yref="container",
                y=0.97,
                yanchor="top",
            ),
            font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=12, color="#222222"),
            xaxis=dict(
                type="category",
                title=None,
                tickmode="array",
                tickvals=labels,
                ticktext=[wrap(x, 14) for x in labels],
                tickangle=0,
                automargin=True,
            ),
            yaxis=dict(title=dict(text=tr(_AXIS[measure])), range=[0, 100], dtick=20, gridcolor="#e5e7eb"),
            legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
            margin=dict(l=60, r=20, t=120, b=60),
            plot_bgcolor="#ffffff",
            paper_bgcolor="#ffffff",
            height=440,
        ),
    )
    return spec if as_dict else go.Figure(spec)
