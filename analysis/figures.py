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

The parts, each read, tested and type-checked on its own: :mod:`analysis.figures_heatmap`
(the heatmaps and their table) on :mod:`analysis.figures_cells` (the cells of a page) and
:mod:`analysis.figures_order` (row order and pages); :mod:`analysis.figures_overview`
(the organization overview and the role gaps); :mod:`analysis.figures_common` (checks,
the plain figure dictionary, names) and :mod:`analysis.figures_text` (texts, escaping,
numbers). Callers import from this module.
"""

from __future__ import annotations

from analysis.figures_common import misconception_names
from analysis.figures_heatmap import (
    COLOR_RANGE,
    METRICS,
    HeatmapRow,
    HeatmapTable,
    available_metrics,
    heatmap_table,
    team_heatmap,
    unit_heatmap,
)
from analysis.figures_order import ACTION_FINDINGS, PAGE_SIZE, SORTS, group_order, page_count
from analysis.figures_overview import organization_overview, role_gap_chart
from analysis.figures_text import escape_text

__all__ = [
    "METRICS",
    "available_metrics",
    "PAGE_SIZE",
    "COLOR_RANGE",
    "SORTS",
    "ACTION_FINDINGS",
    "group_order",
    "page_count",
    "HeatmapRow",
    "HeatmapTable",
    "heatmap_table",
    "team_heatmap",
    "unit_heatmap",
    "organization_overview",
    "role_gap_chart",
    "misconception_names",
    "escape_text",
]
