"""Plotly figures of a diagnosis: heatmaps, the organization overview and role gaps.

The public entry point is this module itself (``from analysis import figures``); it is
not re-exported from :mod:`analysis`. Every figure function takes a
:class:`~analysis.diagnosis.Diagnosis`.

Figures never compute a statistic: they only display figures the diagnosis released
(suppression already applied), so a hidden group has nothing that could be drawn.

Heatmaps (:func:`team_heatmap`, :func:`unit_heatmap`)
    Rows are teams or units, columns the three dimensions (or the misconceptions).
    ``metric`` is one of :data:`METRICS`:

    * ``"perception"`` and ``"structure"`` — cells are labelled with the score (0–100)
      and coloured by the difference from the organization on a diverging scale
      centred on the organization's value (saturating at ±:data:`COLOR_RANGE` points);
      ``▲``/``▼`` mark differences from the rest of the organization that are both
      reliable and large enough to matter (``vs_rest_flagged``).
    * ``"finding"`` — the perception-vs-structure finding, one colour and a short
      label per finding.
    * ``"misconception"`` — the share holding each misconception, coloured by the
      difference from the organization (red = more widespread); only for a
      questionnaire that asks misconceptions (:func:`available_metrics`).

    ``divided`` cells (members disagree, r_wg(j) below the bar) are hatched and their
    label starts with ``÷``, so they do not rely on colour. Cells without figures are
    grey and say why: ``n < k`` (fewer than k responses), ``hidden`` (hidden so that a
    smaller group cannot be worked out by subtraction) — and white ``no data`` when
    there are no answers at all. Hovering a cell shows n, the confidence interval,
    r_wg(j), the maturity level and the finding (or, for an empty cell, why it is empty).

Readable for 5 teams and for 5,000
    Rows are sorted by unit, then by the combined score (best first); hidden rows come
    last within their unit. A figure shows at most ``page_size`` rows (:data:`PAGE_SIZE`
    by default); :func:`page_count` says how many pages a level or unit has. For large
    organizations use :func:`unit_heatmap` for the overview and :func:`team_heatmap`
    with ``unit=`` as the drill-down, one figure per unit. The height grows with the
    number of rows; long labels are shortened (the hover shows them in full).

Every function returns a :class:`plotly.graph_objects.Figure`; with ``as_dict=True`` it
returns the same figure as a plain, JSON-ready dictionary (``{"data": [...], "layout":
{...}}``, NaN as None) without plotly's validation — for callers that serialize many
figures at once, such as the HTML report.

All texts exist in English and German (``lang="en"`` or ``"de"``). User-provided labels
(team and unit names) are HTML-escaped before they reach plotly, which renders a subset
of HTML in its texts. The output is deterministic: the same diagnosis gives
byte-identical figure JSON.
"""

from __future__ import annotations

import html
import re
import weakref

import numpy as np
import plotly.graph_objects as go

from analysis.instrument import DIMENSIONS, QuestionnaireError, load_questionnaire
from analysis.maturity import FINDINGS
from analysis.narrative import LABELS
from analysis.narrative import label as _label
from analysis.palette import FINDING_COLORS, SCALE
from analysis.translate import N_, translated
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, reason_text

__all__ = [
    "METRICS",
    "available_metrics",
    "PAGE_SIZE",
    "COLOR_RANGE",
    "group_order",
    "page_count",
    "heatmap_table",
    "team_heatmap",
    "unit_heatmap",
    "organization_overview",
    "role_gap_chart",
    "misconception_names",
]

#: Heatmap metrics.
METRICS = ("perception", "structure", "finding", "misconception")
#: Row orders of the heatmaps: best or weakest mean combined score first, most findings
#: that need action first, by name, or a dimension's combined score (lowest first).
SORTS = ("best", "weakest", "attention", "name", *DIMENSIONS)
#: Findings that ask for action (counted by the ``attention`` order).
ACTION_FINDINGS = ("proclaimed_not_anchored", "structural_gap", "unseen_structure", "divided")
#: Rows per heatmap figure.
PAGE_SIZE = 60
#: Difference from the organization (points) at which the colour scale saturates.
COLOR_RANGE = 30

_LANGS = ("en", "de")
_ORDER_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_HOVER_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_ROW_PX = 24
_MIN_PLOT_PX = 120
_LABEL_MAX = 28
# diverging, colour-blind safe (ColorBrewer RdBu, muted ends so black labels stay legible)
_DIVERGING = [[0.0, SCALE[0]], [0.25, "#f4a582"], [0.5, SCALE[1]], [0.75, "#92c5de"], [1.0, SCALE[2]]]
# dark labels on both greys (contrast ≥ 8:1 for "n < k", ≥ 13:1 for "hidden")
_GREY_PRIMARY, _GREY_HIDDEN, _NO_DATA = "#a6a6a6", "#d4d4d4", "#ffffff"
_STATUS_TEXT = "#111111"
# status codes of a cell
_SHOWN, _ST_PRIMARY, _ST_HIDDEN, _ST_NO_DATA = 0, 1, 2, 3
_STATUS_OF_REASON = {PRIMARY: _ST_PRIMARY, COMPLEMENTARY: _ST_HIDDEN, NO_DATA: _ST_NO_DATA}

#: Texts of the figures: English catalogue messages, translated where used (analysis.translate).
_TEXT_EN = {
    "perception": N_("Perception: how clear it feels (0–100)"),
    "structure": N_("Structure index: what exists and happens (0–100)"),
    "finding": N_("Perception vs structure: finding"),
    "misconception": N_("Misconceptions: share who agree"),
    "by_team": N_("by team"),
    "by_unit": N_("by unit"),
    "in_unit": N_("unit {unit}"),
    "sorted_best": N_("best combined score first"),
    "sorted_weakest": N_("lowest combined score first"),
    "sorted_attention": N_("most findings needing action first"),
    "sorted_name": N_("by name"),
    "sorted_dimension": N_("lowest {dimension} first"),
    "rows": N_("{what} {a}–{b} of {n}"),
    "teams": N_("teams"),
    "units": N_("units"),
    "vs_org": N_("vs organization"),
    "org": N_("org."),
    "st_primary": N_("n < {k}"),
    "st_hidden": N_("hidden"),
    "st_no_data": N_("no data"),
    "st_unknown": N_("–"),
    "lg_primary": N_("n < {k}: fewer than {k} responses"),
    "lg_hidden": N_("hidden: protects a smaller group"),
    "lg_no_data": N_("no data: no answers"),
    "lg_divided": N_("÷ divided: members disagree{bar}"),
    "lg_beyond_chance": N_(" beyond chance (α = {a})"),
    "lg_flag": N_("▲▼ difference that matters"),
    "lg_unknown": N_("–: not shown (too few answers to these questions)"),
    "score": N_("perception"),
    "structure_s": N_("structure"),
    "ci": N_("{p} % CI"),
    "level": N_("level {l} of 5"),
    "finding_h": N_("finding"),
    "n": N_("n"),
    "share": N_("share who agree"),
    "organization": N_("organization"),
    "n_teams": N_("{n} teams"),
    "flag_up": N_("▲ {m} higher than in the rest of the organization (a difference that matters)"),
    "flag_down": N_("▼ {m} lower than in the rest of the organization (a difference that matters)"),
    "not_shown": N_("not shown: {why}"),
    "mc_unknown": N_("not shown: too few answers to these questions"),
    "overview": N_("Organization: perception vs structure per building block"),
    "overview_unit": N_("Unit {unit}: perception vs structure per building block"),
    "overview_hidden": N_("Organization results not shown: {why}"),
    "perception_bar": N_("Perception (how clear it feels)"),
    "structure_bar": N_("Structure index (what exists and happens)"),
    "score_axis": N_("score 0–100"),
    "role_gap": N_("Team leads vs members (perception, 0–100)"),
    "role_gap_some": N_("Team leads vs members (perception, 0–100): the {m} {what} with the largest gaps of {n}"),
    "role_none": N_("No role comparison can be shown: leads and members reach {k} responses in no group."),
    "role_interim": N_("Role comparisons are shown with the final results, when the survey closes."),
    "lead": N_("team leads"),
    "member": N_("members"),
    "gap": N_("gap"),
    "significant": N_("* = a difference that matters"),
    "whole_org": N_("Organization"),
}


class _Texts(dict):
    """``_TEXT[lang]``: the figure texts in ``lang`` (computed once per language)."""

    def __missing__(self, lang):
        self[lang] = translated(_TEXT_EN, lang)
        return self[lang]


_TEXT = _Texts()

_SHORT_FINDING_EN = {
    "divided": N_("÷ divided"),
    "anchored_strength": N_("anchored"),
    "structural_gap": N_("gap"),
    "proclaimed_not_anchored": N_("proclaimed"),
    "unseen_structure": N_("unseen"),
    "mixed": N_("mixed"),
    "not_precise": N_("? unclear"),
}


# ------------------------------------------------------------------------ helpers


def _check(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def available_metrics(diagnosis) -> tuple:
    """The heatmap metrics of ``diagnosis``: :data:`METRICS`, without ``'misconception'``
    when its questionnaire asks no misconception (the pulse form)."""
    return tuple(m for m in METRICS if m != "misconception" or diagnosis.teams.misconceptions)


def _check_metric(diagnosis, metric) -> None:
    _check("metric", metric, METRICS)
    if metric not in available_metrics(diagnosis):
        raise ValueError(f"metric: {metric!r}, but the questionnaire asks no misconceptions")


def _check_int(name: str, value, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name}: must be an integer >= {low}, got {value!r}")


def escape_text(text) -> str:
    """Text for plotly's labels, which render a subset of HTML: the five markup
    characters become entities that plotly decodes back for display."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def _esc(label, limit: int | None = _LABEL_MAX) -> str:
    """A user-provided label, shortened to ``limit`` characters, then HTML-escaped."""
    text = str(label)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape_text(text)


def _num(x: float, digits: int, lang: str) -> str:
    s = f"{x:.{digits}f}"
    return s.replace(".", ",") if lang == "de" else s


def _signed(x: float) -> str:
    s = f"{x:+.0f}".replace("-", "−")
    return "±0" if s in ("+0", "−0") else s


def _wrap(text: str, width: int) -> str:
    """Escape ``text`` and break it into lines of about ``width`` characters (``<br>``)."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(escape_text(x) for x in lines)


def _plain(a) -> list:
    """Nested lists of Python values for plotly; floats to 3 decimals (colour positions,
    never shown), NaN → None, object None → ""."""
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return np.where(np.isfinite(a), np.round(a, 3), None).tolist()
    if a.dtype.kind == "O":
        return np.where(a == None, "", a).tolist()  # noqa: E711 (element-wise)
    return a.tolist()


def _finish(spec: dict, as_dict: bool):
    return spec if as_dict else go.Figure(spec)


def _instrument(qid: str, version):
    """The bundled questionnaire of a diagnosis, if it is one (for names and thresholds)."""
    try:
        q = load_questionnaire(qid)
    except (QuestionnaireError, OSError):
        return None
    return q if q.version == version else None


def misconception_names(diagnosis, *, lang: str = "en") -> dict:
    """Display names of the misconceptions of a diagnosis.

    The :class:`~analysis.diagnosis.Diagnosis` does not carry the names, so they are
    taken from the bundled questionnaire of the same id and version; otherwise the id is
    shown in readable form (``"granted_autonomy"`` → ``"Granted autonomy"``).

    Parameters
    ----------
    diagnosis : Diagnosis
    lang : {'en', 'de'}

    Returns
    -------
    dict
        Misconception id → name (plain text, not escaped).
    """
    _check("lang", lang, _LANGS)
    q = _instrument(diagnosis.questionnaire["id"], diagnosis.questionnaire["version"])
    names = q.misconceptions if q is not None else {}
    return {
        m: names[m][lang] if m in names else m.replace("_", " ").capitalize() for m in diagnosis.teams.misconceptions
    }


def _divided_legend(diagnosis, lang: str) -> str:
    q = _instrument(diagnosis.questionnaire["id"], diagnosis.questionnaire["version"])
    bar = (
        ""
        if q is None
        else _TEXT[lang]["lg_beyond_chance"].format(a=_num(q.thresholds.findings.agreement_alpha, 2, lang))
    )
    return _TEXT[lang]["lg_divided"].format(bar=bar)


def _dim_names(diagnosis, lang: str) -> list:
    return [diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS]


def _table(diagnosis, level: str):
    if level == "unit":
        if diagnosis.units is None:
            raise ValueError("diagnosis: has no unit level (the data had no unit column)")
        return diagnosis.units
    return diagnosis.teams


# ---------------------------------------------------------------------- row order


def _sort_key(table, sort: str) -> np.ndarray:
    """Per row, the value that orders released rows (ascending; +inf last)."""
    combined = np.asarray(table.dims["combined"], dtype=float)
    shown = np.isfinite(combined)
    count = shown.sum(axis=1)
    if sort in DIMENSIONS:
        value = combined[:, DIMENSIONS.index(sort)]
        return np.where(np.isfinite(value), value, np.inf)
    if sort == "attention":
        needs = np.isin(np.asarray(table.finding, dtype=object), ACTION_FINDINGS).sum(axis=1)
        return np.where(count > 0, -needs, np.inf)
    if sort == "name":
        return np.zeros(len(table.labels))
    mean = np.where(shown, combined, 0).sum(axis=1) / np.maximum(count, 1)
    return np.where(count > 0, mean if sort == "weakest" else -mean, np.inf)


def _full_order(diagnosis, level: str, sort: str) -> tuple:
    """Display order of all rows of a level and the unit of every team (cached per
    diagnosis, level and order)."""
    cached = _ORDER_CACHE.setdefault(diagnosis, {})
    if (level, sort) not in cached:
        table = _table(diagnosis, level)
        G = len(table.labels)
        label_rank = np.argsort(np.argsort(np.asarray(table.labels, dtype=str), kind="stable"), kind="stable")
        parents = None
        parent_rank = np.zeros(G, np.intp)
        if level == "team" and table.parent is not None:
            parents = np.asarray(table.parent, dtype=str)
            parent_rank = np.unique(parents, return_inverse=True)[1].reshape(-1)
        order = np.lexsort((label_rank, _sort_key(table, sort), np.asarray(table.suppressed, bool), parent_rank))
        order.setflags(write=False)
        cached[(level, sort)] = (order, parents)
    return cached[(level, sort)]


def group_order(diagnosis, *, level: str = "team", unit=None, sort: str = "best") -> np.ndarray:
    """Row indices of a level in display order.

    Sorted by unit (teams only), then released groups before hidden ones, then by
    ``sort``, then by label. This only orders rows; nothing derived from it is
    displayed, and hidden groups stay last whatever the order, so the order says
    nothing about them.

    Parameters
    ----------
    diagnosis : Diagnosis
    level : {'team', 'unit'}
    unit : str, optional
        Only the teams of this unit.
    sort : str
        One of :data:`SORTS`: ``'best'`` (mean of the released combined scores,
        highest first), ``'weakest'`` (lowest first), ``'attention'`` (number of
        :data:`ACTION_FINDINGS`, most first), ``'name'``, or a dimension id (that
        dimension's combined score, lowest first; groups without it after the others).

    Returns
    -------
    ndarray of int
        Indices into ``diagnosis.teams`` (or ``diagnosis.units``).

    Raises
    ------
    ValueError
        Unknown ``level``, ``unit`` or ``sort``, or a unit level that the diagnosis does
        not have.
    """
    _check("level", level, ("team", "unit"))
    _check("sort", sort, SORTS)
    order, parents = _full_order(diagnosis, level, sort)
    if unit is None:
        return order.copy()
    if parents is None:
        raise ValueError(f"unit: {unit!r} given, but the diagnosis has no unit level")
    if unit not in diagnosis.units.labels:
        raise ValueError(f"unit: unknown unit {unit!r}")
    return order[parents[order] == str(unit)]


def page_count(diagnosis, *, level: str = "team", unit=None, page_size: int = PAGE_SIZE) -> int:
    """Number of heatmap pages of a level (or of the teams of one unit).

    Parameters
    ----------
    diagnosis : Diagnosis
    level : {'team', 'unit'}
    unit : str, optional
    page_size : int
        Rows per page (>= 1).

    Returns
    -------
    int
        At least 1.
    """
    _check_int("page_size", page_size, 1)
    n = group_order(diagnosis, level=level, unit=unit).size
    return max(1, -(-n // page_size))


# ------------------------------------------------------------------- cell content


def _status(table, idx: np.ndarray, values: np.ndarray, cell_reason) -> np.ndarray:
    """Status code per cell: shown, n < k, hidden (complementary) or no data."""
    codes = np.vectorize(lambda r: _STATUS_OF_REASON.get(r, _SHOWN), otypes=[np.int64])
    row = codes(np.asarray(table.suppression_reason, dtype=object)[idx]).reshape(-1, 1)
    cell = codes(cell_reason) if cell_reason is not None else np.zeros(values.shape, np.int64)
    status = np.where(row != _SHOWN, row, cell)
    return np.where((status == _SHOWN) & ~np.isfinite(values), _ST_NO_DATA, status)


def _row_labels(table, idx: np.ndarray, t: dict, with_unit: bool) -> tuple:
    """Short axis labels and full hover labels of the rows (escaped)."""
    rows = idx.tolist()
    labels = [table.labels[i] for i in rows]
    if table.level == "unit":
        short = [f"{_esc(lab)} · {t['n_teams'].format(n=n)}" for lab, n in zip(labels, table.n_teams[idx].tolist())]
    elif with_unit:
        short = [f"{_esc(lab)} · {_esc(table.parent[i], 12)}" for lab, i in zip(labels, rows)]
    else:
        short = [_esc(lab) for lab in labels]
    full = [_esc(lab, None) for lab in labels]
    if table.level == "team" and table.parent is not None:
        full = [f"{f} · {_esc(table.parent[i], None)}" for f, i in zip(full, rows)]
    return short, full


def _fmt(a: np.ndarray, digits: int, lang: str) -> list:
    """Flat list of formatted numbers ('' for NaN), in row-major order."""
    return ["" if x != x else _num(x, digits, lang) for x in np.asarray(a, dtype=float).ravel().tolist()]


def _dim_hover(diagnosis, table, idx, full, lang, t) -> np.ndarray:
    """Hover text of every (row, dimension) cell: n, CIs, r_wg(j), level, finding.

    The perception, structure and finding heatmaps of the same rows share it, so it is
    kept per diagnosis (weakly) and built once."""
    cache = _HOVER_CACHE.setdefault(diagnosis, {})
    key = (table.level, lang, idx.tobytes())
    if key not in cache:
        cache[key] = _build_dim_hover(diagnosis, table, idx, full, lang, t)
    return cache[key]


def _build_dim_hover(diagnosis, table, idx, full, lang, t) -> np.ndarray:
    f = {
        k: _fmt(np.asarray(table.dims[k])[idx], 2 if k == "rwg_j" else 0, lang)
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
    names = [escape_text(n) for n in _dim_names(diagnosis, lang)]
    ci = t["ci"].format(p=_num(100 * diagnosis.settings["confidence"], 0, lang))
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


def _status_hover(status: np.ndarray, full: list, cols: list, k: int, lang: str, t: dict, unknown: bool) -> np.ndarray:
    """Hover text of the cells without figures: why they are empty."""
    why = {
        _ST_PRIMARY: t["not_shown"].format(why=reason_text(PRIMARY, k)[lang]),
        _ST_HIDDEN: t["not_shown"].format(why=reason_text(COMPLEMENTARY, k)[lang]),
        _ST_NO_DATA: t["mc_unknown"] if unknown else t["not_shown"].format(why=reason_text(NO_DATA, k)[lang]),
    }
    out = np.full(status.shape, None, dtype=object)
    for r, c in zip(*np.nonzero(status)):
        out[r, c] = f"<b>{full[r]}</b><br><b>{escape_text(cols[c])}</b><br>{why[int(status[r, c])]}"
    return out


def _misconception_cells(diagnosis, table, idx, lang, t, full) -> dict:
    names = misconception_names(diagnosis, lang=lang)
    long = [names[m] for m in table.misconceptions]
    heads = [_wrap(n, 48) for n in long]
    values = 100 * np.asarray(table.misconception, dtype=float)[idx]
    org_v = 100 * np.asarray(diagnosis.organization.misconception, dtype=float)[0]
    status = _status(table, idx, values, None)
    shown = status == _SHOWN
    share = np.array(_fmt(values, 0, lang), dtype=object).reshape(values.shape)
    org_s = _fmt(org_v, 0, lang)
    hover = np.full(values.shape, None, dtype=object)
    for r, c in zip(*np.nonzero(shown)):
        hover[r, c] = (
            f"<b>{full[r]}</b><br><b>{heads[c]}</b><br>"
            f"{t['share']}: {share[r, c]} % ({t['organization']}: {org_s[c]} %)"
        )
    return dict(
        z=values - org_v[None, :],
        text=np.where(shown, share + " %", ""),
        hover=hover,
        status=status,
        divided=np.zeros(values.shape, bool),
        cols=[n.split(" (")[0] for n in long],
        unknown=True,
        flag=False,
    )


def _dimension_cells(diagnosis, table, idx, metric, lang, t, full) -> dict:
    finding = np.asarray(table.finding, dtype=object)[idx]
    cell_reason = np.asarray(table.cell_reason, dtype=object)[idx]
    hover = _dim_hover(diagnosis, table, idx, full, lang, t)
    cols = _dim_names(diagnosis, lang)
    divided = finding == "divided"
    if metric == "finding":
        code = {f: float(i) for i, f in enumerate(FINDINGS)}
        z = np.array([code.get(f, np.nan) for f in finding.ravel().tolist()]).reshape(finding.shape)
        short = translated(_SHORT_FINDING_EN, lang)
        text = np.array([short.get(f, "") for f in finding.ravel().tolist()], dtype=object).reshape(finding.shape)
        return dict(
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
    label = np.array(_fmt(values, 0, lang), dtype=object).reshape(values.shape)
    text = np.where(divided, "÷ ", "") + label + np.where(flagged, np.where(up, " ▲", " ▼"), "")
    return dict(
        z=values - org_v[None, :],
        text=np.where(status == _SHOWN, text, ""),
        hover=hover,
        status=status,
        divided=divided,
        cols=cols,
        unknown=False,
        flag=bool(flagged.any()),
    )


# ----------------------------------------------------------------------- heatmaps


def _swatch(color: str, glyph: str = "■") -> str:
    return f"<span style='color:{color}'>{glyph}</span>"


def _legend(diagnosis, cells: dict, metric: str, k: int, lang: str, t: dict) -> tuple:
    """A key below the plot (one annotation) for the finding colours and every marking
    present, and its number of lines."""
    status = cells["status"]
    items = []
    if metric == "finding":
        items += [f"{_swatch(FINDING_COLORS[f])} {escape_text(_label('finding', f, lang))}" for f in FINDINGS]
    if cells["divided"].any():
        items.append(f"▨ {escape_text(_divided_legend(diagnosis, lang))}")
    marks = (
        (_ST_PRIMARY, t["lg_primary"].format(k=k), _swatch(_GREY_PRIMARY)),
        (_ST_HIDDEN, t["lg_hidden"], _swatch(_GREY_HIDDEN)),
        (_ST_NO_DATA, t["lg_unknown"] if cells["unknown"] else t["lg_no_data"], _swatch("#777777", "□")),
    )
    items += [f"{glyph} {escape_text(name)}" for code, name, glyph in marks if (status == code).any()]
    if cells["flag"]:
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


_LEGEND_LINE_CHARS = 56


def _legend_lines(items: list) -> list:
    """The key's items on lines of at most about :data:`_LEGEND_LINE_CHARS` visible
    characters, so that the key fits a figure half a page wide."""
    lines, current, width = [], [], 0
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


def _hatch(mask: np.ndarray) -> dict:
    """One outlined, hatched polygon per marked cell (cells are 1 x 1 around integer centres)."""
    x, y = [], []
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


def _cell_traces(cells: dict, metric: str, k: int, t: dict) -> list:
    """The status layer (grey / white cells), the value layer and the hatching."""
    status = cells["status"]
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
    if (status != _SHOWN).any():
        names = np.array(
            [
                escape_text(x)
                for x in (
                    "",
                    t["st_primary"].format(k=k),
                    t["st_hidden"],
                    t["st_unknown"] if cells["unknown"] else t["st_no_data"],
                )
            ],
            dtype=object,
        )
        out.append(
            dict(
                z=_plain(np.where(status == _SHOWN, np.nan, status.astype(float))),
                zmin=1,
                zmax=3,
                colorscale=[[0.0, _GREY_PRIMARY], [0.5, _GREY_HIDDEN], [1.0, _NO_DATA]],
                showscale=False,
                text=_plain(names[status]),
                hovertext=_plain(cells["status_hover"]),
                **{**common, "textfont": dict(size=13, color=_STATUS_TEXT)},
            )
        )
    value = dict(
        z=_plain(np.where(status == _SHOWN, cells["z"], np.nan)),
        text=_plain(cells["text"]),
        hovertext=_plain(cells["hover"]),
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
    if cells["divided"].any():
        out.append(_hatch(cells["divided"]))
    return out


def _heatmap_layout(
    title: str, subtitle: str, rows: list, cols: list, legend, legend_lines: int, shapes: list, metric: str
) -> dict:
    col_text = [_wrap(c, 16 if metric == "misconception" else 12) for c in cols]
    col_lines = max(c.count("<br>") + 1 for c in col_text)
    top = 64 + 15 * col_lines
    bottom = 14 + 17 * legend_lines
    left = int(min(260, max(60, 7 * max((len(html.unescape(r)) for r in rows), default=4) + 16)))
    return dict(
        template="none",
        height=top + bottom + max(_MIN_PLOT_PX, _ROW_PX * len(rows)),
        autosize=True,
        font=dict(family=_FONT, size=12, color="#222222"),
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
        hoverlabel=dict(align="left", bgcolor="#ffffff", font=dict(family=_FONT, size=12)),
    )


def _unit_separators(table, idx: np.ndarray) -> list:
    """Horizontal lines between the unit blocks of a page of teams."""
    parents = np.asarray(table.parent, dtype=str)[idx]
    breaks = np.flatnonzero(parents[1:] != parents[:-1])
    return [
        dict(
            type="line", xref="paper", x0=0, x1=1, yref="y", y0=b + 0.5, y1=b + 0.5, line=dict(color="#222222", width=2)
        )
        for b in breaks.tolist()
    ]


def _sorted_text(diagnosis, sort: str, t: dict, lang: str) -> str:
    if sort in DIMENSIONS:
        return t["sorted_dimension"].format(dimension=diagnosis.dimensions[sort]["name"][lang])
    return t[f"sorted_{sort}"]


def _heatmap(
    diagnosis,
    level: str,
    metric: str,
    order: np.ndarray,
    page: int,
    page_size: int,
    lang: str,
    unit,
    sort: str,
    with_table: bool = False,
):
    t = _TEXT[lang]
    table = _table(diagnosis, level)
    start = page * page_size
    if order.size and start >= order.size:
        raise ValueError(f"page: {page} is beyond the last page ({-(-order.size // page_size) - 1})")
    idx = order[start : start + page_size]
    with_unit = level == "team" and table.parent is not None and unit is None
    rows, full = _row_labels(table, idx, t, with_unit)
    if metric == "misconception":
        cells = _misconception_cells(diagnosis, table, idx, lang, t, full)
    else:
        cells = _dimension_cells(diagnosis, table, idx, metric, lang, t, full)
    cells["status_hover"] = _status_hover(cells["status"], full, cells["cols"], table.k, lang, t, cells["unknown"])
    legend, legend_lines = _legend(diagnosis, cells, metric, table.k, lang, t)
    parts = [t["by_unit"] if level == "unit" else t["by_team"]]
    if unit is not None:
        parts.append(t["in_unit"].format(unit=_esc(unit, 60)))
    if order.size > page_size:
        what = t["units"] if level == "unit" else t["teams"]
        parts.append(t["rows"].format(what=what, a=start + 1, b=start + idx.size, n=order.size))
    parts.append(_sorted_text(diagnosis, sort, t, lang))
    shapes = _unit_separators(table, idx) if with_unit else []
    layout = _heatmap_layout(t[metric], " · ".join(parts), rows, cells["cols"], legend, legend_lines, shapes, metric)
    fig = dict(data=_cell_traces(cells, metric, table.k, t), layout=layout)
    if not with_table:
        return fig
    return fig, _cell_table(cells, [table.labels[i] for i in idx.tolist()], table, idx, metric, lang, t)


def _cell_table(cells: dict, labels: list, table, idx, metric: str, lang: str, t: dict) -> dict:
    """The figures of a heatmap as plain text (not escaped: a template escapes them):
    the same cell labels, and for a hidden cell its status text."""
    status = cells["status"]
    names = [
        "",
        t["st_primary"].format(k=table.k),
        t["st_hidden"],
        t["st_unknown"] if cells["unknown"] else t["st_no_data"],
    ]
    text = np.asarray(cells["text"], dtype=object)
    if metric == "finding":  # the table gives the full name of the finding, not the short label
        finding = np.asarray(table.finding, dtype=object)[idx]
        text = np.array(
            [_label("finding", f, lang) if f else "" for f in finding.ravel().tolist()], dtype=object
        ).reshape(finding.shape)
    rows = []
    for r, label in enumerate(labels):
        row = [
            html.unescape(str(text[r, c])) if status[r, c] == _SHOWN else names[int(status[r, c])]
            for c in range(status.shape[1])
        ]
        n = None if table.suppressed[idx[r]] else int(table.n[idx[r]])
        rows.append({"label": label, "n": n, "cells": row})
    return {"title": t[metric], "columns": [html.unescape(str(c)) for c in cells["cols"]], "rows": rows}


def heatmap_table(
    diagnosis,
    metric: str = "perception",
    *,
    level: str = "team",
    unit=None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
) -> dict:
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
    _check("lang", lang, _LANGS)
    _check("level", level, ("team", "unit"))
    _check_int("page", page, 0)
    _check_int("page_size", page_size, 1)
    order = group_order(diagnosis, level=level, unit=unit if level == "team" else None, sort=sort)
    _, out = _heatmap(
        diagnosis, level, metric, order, page, page_size, lang, unit if level == "team" else None, sort, with_table=True
    )
    return out


def team_heatmap(
    diagnosis,
    metric: str = "perception",
    *,
    unit=None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
    as_dict: bool = False,
):
    """Heatmap of teams x dimensions (or x misconceptions).

    Parameters
    ----------
    diagnosis : Diagnosis
    metric : {'perception', 'structure', 'finding', 'misconception'}
        See the module docstring.
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
    _check("lang", lang, _LANGS)
    _check_int("page", page, 0)
    _check_int("page_size", page_size, 1)
    order = group_order(diagnosis, level="team", unit=unit, sort=sort)
    return _finish(_heatmap(diagnosis, "team", metric, order, page, page_size, lang, unit, sort), as_dict)


def unit_heatmap(
    diagnosis,
    metric: str = "perception",
    *,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    lang: str = "en",
    sort: str = "best",
    as_dict: bool = False,
):
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
    _check("lang", lang, _LANGS)
    _check_int("page", page, 0)
    _check_int("page_size", page_size, 1)
    order = group_order(diagnosis, level="unit", sort=sort)
    return _finish(_heatmap(diagnosis, "unit", metric, order, page, page_size, lang, None, sort), as_dict)


# -------------------------------------------------------------------- overview


def _base_layout(title: str, height: int) -> dict:
    return dict(
        template="none",
        height=height,
        autosize=True,
        font=dict(family=_FONT, size=12, color="#222222"),
        title=dict(text=title, x=0, xref="container", xanchor="left", pad=dict(l=10), font=dict(size=15)),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hoverlabel=dict(align="left", bgcolor="#ffffff", font=dict(family=_FONT, size=12)),
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


def _message(title: str, message: str) -> dict:
    layout = _base_layout(title, 200)
    layout.update(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        annotations=[dict(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=13))],
    )
    return dict(data=[], layout=layout)


def _subject(diagnosis):
    """The table and its row the overview is about: the organization, or the one unit a
    viewer may see (a diagnosis restricted by :func:`analysis.scope.restrict_to_unit`)."""
    if getattr(diagnosis, "scope", None) is not None and diagnosis.units is not None:
        return diagnosis.units
    return diagnosis.organization


def _overview_bar(diagnosis, names: list, field: str, lang: str) -> dict:
    t = _TEXT[lang]
    org = _subject(diagnosis)
    prefix, key, color, pattern = (
        ("", "perception_bar", "#92c5de", "") if field == "score" else ("structure_", "structure_bar", "#fddbc7", "/")
    )
    v, lo, hi = (np.asarray(org.dims[f], dtype=float)[0] for f in (field, f"{prefix}ci_low", f"{prefix}ci_high"))
    ci = t["ci"].format(p=_num(100 * diagnosis.settings["confidence"], 0, lang))
    sv, slo, shi = _fmt(v, 0, lang), _fmt(lo, 0, lang), _fmt(hi, 0, lang)
    hover = [
        f"<b>{escape_text(n)}</b><br>{t[key]}: {a} ({ci} {b}–{c})" if a else ""
        for n, a, b, c in zip(names, sv, slo, shi)
    ]
    return dict(
        type="bar",
        x=[0, 1, 2],
        y=_plain(v),
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
            array=_plain(hi - v),
            arrayminus=_plain(v - lo),
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


def organization_overview(diagnosis, *, lang: str = "en", as_dict: bool = False):
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
    _check("lang", lang, _LANGS)
    t = _TEXT[lang]
    org = _subject(diagnosis)
    title = t["overview"] if org is diagnosis.organization else t["overview_unit"].format(unit=_esc(org.labels[0], 60))
    if org.suppressed[0]:
        why = reason_text(org.suppression_reason[0], org.k)[lang]
        return _finish(_message(title, t["overview_hidden"].format(why=why)), as_dict)
    names = _dim_names(diagnosis, lang)
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
    return _finish(dict(data=data, layout=layout), as_dict)


# -------------------------------------------------------------------- role gaps


def _role_rows(diagnosis, max_groups: int) -> tuple:
    """Released role gaps to show: the organization, then the groups with the largest gap."""
    rows = list(diagnosis.role_gaps)
    largest = {}
    for r in rows:
        if r["level"] != "organization":
            largest[r["group"]] = max(largest.get(r["group"], 0.0), abs(r["gap"]))
    keep = sorted(largest, key=lambda g: (-largest[g], str(g)))[:max_groups]
    rank = {g: i for i, g in enumerate(sorted(keep, key=str))}
    shown = [r for r in rows if r["level"] == "organization" or r["group"] in rank]
    shown.sort(key=lambda r: (r["level"] != "organization", rank.get(r["group"], -1), DIMENSIONS.index(r["dimension"])))
    return shown, len(largest)


def role_gap_chart(diagnosis, *, lang: str = "en", max_groups: int = 20, as_dict: bool = False):
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
    _check("lang", lang, _LANGS)
    _check_int("max_groups", max_groups, 0)
    t = _TEXT[lang]
    shown, n_groups = _role_rows(diagnosis, max_groups)
    if not shown:
        why = t["role_interim"] if diagnosis.settings.get("interim") else t["role_none"]
        return _finish(_message(t["role_gap"], why.format(k=diagnosis.settings["min_group_size"])), as_dict)
    title = t["role_gap"]
    below = [r for r in shown if r["level"] != "organization"]
    if n_groups > len({r["group"] for r in below}):
        what = t["units"] if diagnosis.units is not None else t["teams"]
        title = t["role_gap_some"].format(m=len({r["group"] for r in below}), what=what, n=n_groups)
    names = dict(zip(DIMENSIONS, _dim_names(diagnosis, lang)))
    labels = [
        f"{t['whole_org'] if r['level'] == 'organization' else _esc(r['group'])} · {escape_text(names[r['dimension']])}"
        for r in shown
    ]
    y = list(range(len(shown)))
    lead, member = [r["lead"] for r in shown], [r["member"] for r in shown]
    hover = [
        f"<b>{lab}</b><br>{t['lead']}: {_num(r['lead'], 0, lang)} (n = {r['n_lead']})<br>"
        f"{t['member']}: {_num(r['member'], 0, lang)} (n = {r['n_member']})<br>"
        f"{t['gap']}: {_signed(r['gap'])}" + (f"<br>{t['significant']}" if r["significant"] else "")
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
            text=[f"{_signed(r['gap'])}{' *' if r['significant'] else ''}" for r in shown],
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
    return _finish(dict(data=data, layout=layout), as_dict)
