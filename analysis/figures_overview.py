"""The charts of a diagnosis beside the heatmaps (:mod:`analysis.figures`): the
organization overview (perception and structure per dimension) and the role gaps
(team leads vs members).

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from analysis.figures_common import FONT, check_choice, check_int, dim_names, finish, plain
from analysis.figures_text import LANGS, TEXT, escape_label, escape_text, formatted, number, signed
from analysis.instrument import DIMENSIONS
from analysis.narrative import label as _label
from analysis.privacy import reason_text

if TYPE_CHECKING:
    from analysis.diagnosis_result import Diagnosis, GroupTable

__all__ = ["organization_overview", "role_gap_chart"]


def _base_layout(title: str, height: int) -> dict[str, Any]:
    """The layout of a chart: white, the title at the top left, the legend below."""
    return dict(
        template="none",
        height=height,
        autosize=True,
        font=dict(family=FONT, size=12, color="#222222"),
        title=dict(text=title, x=0, xref="container", xanchor="left", pad=dict(l=10), font=dict(size=15)),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hoverlabel=dict(align="left", bgcolor="#ffffff", font=dict(family=FONT, size=12)),
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            y=0.01,
            yref="container",
            yanchor="bottom",
            itemclick=False,
            itemdoubleclick=False,
        ),
    )


def _message(title: str, message: str) -> dict[str, Any]:
    """A figure that says ``message`` instead of showing a chart."""
    layout = _base_layout(title, 200)
    layout.update(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        annotations=[dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=13))],
    )
    return dict(data=[], layout=layout)


# -------------------------------------------------------------------- overview


def _subject(diagnosis: Diagnosis) -> GroupTable:
    """The table and its row the overview is about: the organization, or the one unit a
    viewer may see (a diagnosis restricted by :func:`analysis.scope.restrict_to_unit`)."""
    if diagnosis.scope is not None and diagnosis.units is not None:
        return diagnosis.units
    return diagnosis.organization


def _overview_bar(diagnosis: Diagnosis, names: list[str], field: str, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    org = _subject(diagnosis)
    prefix, key, color, pattern = (
        ("", "perception_bar", "#92c5de", "") if field == "score" else ("structure_", "structure_bar", "#fddbc7", "/")
    )
    v, lo, hi = (np.asarray(org.dims[f], dtype=float)[0] for f in (field, f"{prefix}ci_low", f"{prefix}ci_high"))
    ci = t["ci"].format(p=number(100 * diagnosis.settings["confidence"], 0, lang))
    sv, slo, shi = formatted(v, 0, lang), formatted(lo, 0, lang), formatted(hi, 0, lang)
    hover = [
        f"<b>{escape_text(n)}</b><br>{t[key]}: {a} ({ci} {b}–{c})" if a else ""
        for n, a, b, c in zip(names, sv, slo, shi)
    ]
    return dict(
        type="bar",
        x=[0, 1, 2],
        y=plain(v),
        name=t[key],
        offsetgroup=key,
        marker=dict(
            color=color,
            line=dict(color="#333333", width=1),
            pattern=dict(shape=pattern, fgcolor="#b2182b", size=10, solidity=0.12),
        ),
        error_y=dict(
            type="data",
            symmetric=False,
            array=plain(hi - v),
            arrayminus=plain(v - lo),
            color="#333333",
            thickness=1.2,
            width=6,
        ),
        text=[f"<b>{a}</b>" if a else "" for a in sv],
        textposition="inside",
        insidetextanchor="middle",
        textfont=dict(size=15, color="#111111"),
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
    )


def organization_overview(
    diagnosis: Diagnosis, *, lang: str = "en", as_dict: bool = False
) -> go.Figure | dict[str, Any]:
    """The organization's perception score and structure index per dimension, side by side
    (for a diagnosis restricted to one unit, the unit's: the overview stays in the
    reader's scope).

    Bars with their confidence intervals; the axis label of each dimension names its
    maturity level and perception-vs-structure finding. The structure bars are hatched,
    so the two measures can be told apart in black-and-white print.

    Parameters
    ----------
    diagnosis : Diagnosis
    lang : {'en', 'de'}
    as_dict : bool
        Return the plain figure dictionary instead of a ``Figure``.

    Returns
    -------
    plotly.graph_objects.Figure or dict
        A message instead of bars when the organization itself is not released.
    """
    check_choice("lang", lang, LANGS)
    t = TEXT[lang]
    org = _subject(diagnosis)
    title = (
        t["overview"]
        if org is diagnosis.organization
        else t["overview_unit"].format(unit=escape_label(org.labels[0], 60))
    )
    if org.suppressed[0]:
        why = reason_text(org.suppression_reason[0], org.k)[lang]
        return finish(_message(title, t["overview_hidden"].format(why=why)), as_dict)
    names = dim_names(diagnosis, lang)
    ticks = []
    for name, lev, f in zip(names, np.asarray(org.level_)[0].tolist(), np.asarray(org.finding, dtype=object)[0]):
        sub = ([t["level"].format(l=lev)] if lev else []) + ([_label("finding", f, lang)] if f else [])
        ticks.append(f"<b>{escape_text(name)}</b><br>{escape_text(' · '.join(sub))}")
    layout = _base_layout(title, 440)
    layout.update(
        barmode="group",
        bargap=0.35,
        bargroupgap=0.08,
        margin=dict(t=50, b=110, l=60, r=20),
        xaxis=dict(tickvals=[0, 1, 2], ticktext=ticks, fixedrange=True, showgrid=False, zeroline=False),
        yaxis=dict(
            range=[0, 100],
            title=dict(text=t["score_axis"]),
            fixedrange=True,
            gridcolor="#e5e5e5",
            zeroline=False,
            tickvals=[0, 20, 40, 60, 80, 100],
        ),
    )
    data = [_overview_bar(diagnosis, names, field, lang) for field in ("score", "structure")]
    return finish(dict(data=data, layout=layout), as_dict)


# -------------------------------------------------------------------- role gaps


def _role_rows(diagnosis: Diagnosis, max_groups: int) -> tuple[list[Mapping[str, Any]], int]:
    """Released role gaps to show: the organization, then the groups with the largest gap."""
    rows = list(diagnosis.role_gaps)
    largest: dict[str, float] = {}
    for r in rows:
        if r["level"] != "organization":
            largest[r["group"]] = max(largest.get(r["group"], 0.0), abs(r["gap"]))
    keep = sorted(largest, key=lambda g: (-largest[g], str(g)))[:max_groups]
    rank = {g: i for i, g in enumerate(sorted(keep, key=str))}
    shown = [r for r in rows if r["level"] == "organization" or r["group"] in rank]
    shown.sort(key=lambda r: (r["level"] != "organization", rank.get(r["group"], -1), DIMENSIONS.index(r["dimension"])))
    return shown, len(largest)


def role_gap_chart(
    diagnosis: Diagnosis, *, lang: str = "en", max_groups: int = 20, as_dict: bool = False
) -> go.Figure | dict[str, Any]:
    """Team leads vs members per dimension, for every group where both may be shown.

    A dumbbell per group and dimension: the leads' and the members' perception score
    joined by a line, with the gap written next to it (``*`` when it is a difference
    that matters). Only the released role gaps of the diagnosis are shown
    (organization first, then the level below it).

    Parameters
    ----------
    diagnosis : Diagnosis
    lang : {'en', 'de'}
    max_groups : int
        At most this many groups below the organization: those with the largest gap.
    as_dict : bool
        Return the plain figure dictionary instead of a ``Figure``.

    Returns
    -------
    plotly.graph_objects.Figure or dict
        A message instead of dumbbells when no role gap is released.
    """
    check_choice("lang", lang, LANGS)
    check_int("max_groups", max_groups, 0)
    t = TEXT[lang]
    shown, n_groups = _role_rows(diagnosis, max_groups)
    if not shown:
        why = t["role_interim"] if diagnosis.settings.get("interim") else t["role_none"]
        return finish(_message(t["role_gap"], why.format(k=diagnosis.settings["min_group_size"])), as_dict)
    title = t["role_gap"]
    below = [r for r in shown if r["level"] != "organization"]
    if n_groups > len({r["group"] for r in below}):
        what = t["units"] if diagnosis.units is not None else t["teams"]
        title = t["role_gap_some"].format(m=len({r["group"] for r in below}), what=what, n=n_groups)
    names = dict(zip(DIMENSIONS, dim_names(diagnosis, lang)))
    labels = [
        f"{t['whole_org'] if r['level'] == 'organization' else escape_label(r['group'])} · {escape_text(names[r['dimension']])}"
        for r in shown
    ]
    y = list(range(len(shown)))
    lead, member = [r["lead"] for r in shown], [r["member"] for r in shown]
    hover = [
        f"<b>{lab}</b><br>{t['lead']}: {number(r['lead'], 0, lang)} (n = {r['n_lead']})<br>"
        f"{t['member']}: {number(r['member'], 0, lang)} (n = {r['n_member']})<br>"
        f"{t['gap']}: {signed(r['gap'])}" + (f"<br>{t['significant']}" if r["significant"] else "")
        for lab, r in zip(labels, shown)
    ]
    marker = dict(size=11, line=dict(color="#111111", width=1))
    data = [
        dict(
            type="scatter",
            x=[v for a, b in zip(lead, member) for v in (a, b, None)],
            y=[v for i in y for v in (i, i, None)],
            mode="lines",
            line=dict(color="#999999", width=3),
            hoverinfo="skip",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=lead,
            y=y,
            mode="markers",
            name=t["lead"],
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(symbol="circle", color="#2166ac", **marker),
        ),
        dict(
            type="scatter",
            x=member,
            y=y,
            mode="markers",
            name=t["member"],
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(symbol="diamond", color="#f4a582", **marker),
        ),
        dict(
            type="scatter",
            x=[max(a, b) + 2 for a, b in zip(lead, member)],
            y=y,
            mode="text",
            text=[f"{signed(r['gap'])}{' *' if r['significant'] else ''}" for r in shown],
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
            textfont=dict(size=11),
        ),
    ]
    breaks = [
        i
        for i in range(1, len(shown))
        if (shown[i]["level"], shown[i]["group"]) != (shown[i - 1]["level"], shown[i - 1]["group"])
    ]
    layout = _base_layout(title, max(240, 120 + 22 * len(shown)))
    layout.update(
        margin=dict(t=50, b=80, l=int(min(300, max(120, 7 * max(len(html.unescape(x)) for x in labels) + 16))), r=30),
        xaxis=dict(
            range=[0, 110],
            title=dict(text=f"{t['score_axis']} · {t['significant']}"),
            fixedrange=True,
            gridcolor="#e5e5e5",
            zeroline=False,
            tickvals=[0, 20, 40, 60, 80, 100],
        ),
        yaxis=dict(
            tickvals=y, ticktext=labels, range=[len(shown) - 0.5, -0.5], fixedrange=True, showgrid=False, zeroline=False
        ),
        shapes=[
            dict(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                yref="y",
                y0=b - 0.5,
                y1=b - 0.5,
                line=dict(color="#cccccc", width=1),
            )
            for b in breaks
        ],
    )
    return finish(dict(data=data, layout=layout), as_dict)
