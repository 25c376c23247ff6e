"""The rows of the heatmaps (:mod:`analysis.figures`): their order and their pages.

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from analysis.arrays import BoolArray, FloatArray, IntArray, StrArray
from analysis.figures_common import check_choice, check_int
from analysis.instrument import DIMENSIONS

if TYPE_CHECKING:
    from analysis.diagnosis_result import Diagnosis, GroupTable

__all__ = ["SORTS", "ACTION_FINDINGS", "PAGE_SIZE", "level_table", "group_order", "page_count"]

#: Row orders of the heatmaps: best or weakest mean combined score first, most findings
#: that need action first, by name, or a dimension's combined score (lowest first).
SORTS = ("best", "weakest", "attention", "name", *DIMENSIONS)
#: Findings that ask for action (counted by the ``attention`` order).
ACTION_FINDINGS = ("proclaimed_not_anchored", "structural_gap", "unseen_structure", "divided")
#: Rows per heatmap figure.
PAGE_SIZE = 60

#: Per diagnosis (weakly), per (level, sort): the order of all rows and the unit of every team.
_ORDER_CACHE: weakref.WeakKeyDictionary[Diagnosis, dict[tuple[str, str], tuple[IntArray, StrArray | None]]] = (
    weakref.WeakKeyDictionary()
)


def level_table(diagnosis: Diagnosis, level: str) -> GroupTable:
    """The table of the teams or of the units."""
    if level == "unit":
        if diagnosis.units is None:
            raise ValueError("diagnosis: has no unit level (the data had no unit column)")
        return diagnosis.units
    return diagnosis.teams


def _sort_key(table: GroupTable, sort: str) -> FloatArray:
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


def _full_order(diagnosis: Diagnosis, level: str, sort: str) -> tuple[IntArray, StrArray | None]:
    """Display order of all rows of a level and the unit of every team (cached per
    diagnosis, level and order)."""
    cached = _ORDER_CACHE.setdefault(diagnosis, {})
    if (level, sort) not in cached:
        table = level_table(diagnosis, level)
        G = len(table.labels)
        label_rank = np.argsort(np.argsort(np.asarray(table.labels, dtype=str), kind="stable"), kind="stable")
        parents: StrArray | None = None
        parent_rank: IntArray = np.zeros(G, np.intp)
        if level == "team" and table.parent is not None:
            parents = np.asarray(table.parent, dtype=str)
            parent_rank = np.unique(parents, return_inverse=True)[1].reshape(-1)
        order = np.lexsort((label_rank, _sort_key(table, sort), np.asarray(table.suppressed, bool), parent_rank))
        order.setflags(write=False)
        cached[(level, sort)] = (order, parents)
    return cached[(level, sort)]


def group_order(diagnosis: Diagnosis, *, level: str = "team", unit: str | None = None, sort: str = "best") -> IntArray:
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
    check_choice("level", level, ("team", "unit"))
    check_choice("sort", sort, SORTS)
    order, parents = _full_order(diagnosis, level, sort)
    if unit is None:
        return order.copy()
    if parents is None or diagnosis.units is None:
        raise ValueError(f"unit: {unit!r} given, but the diagnosis has no unit level")
    if unit not in diagnosis.units.labels:
        raise ValueError(f"unit: unknown unit {unit!r}")
    in_unit: BoolArray = parents[order] == str(unit)
    return order[in_unit]


def page_count(
    diagnosis: Diagnosis, *, level: str = "team", unit: str | None = None, page_size: int = PAGE_SIZE
) -> int:
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
    check_int("page_size", page_size, 1)
    n = group_order(diagnosis, level=level, unit=unit).size
    return max(1, -(-n // page_size))
