"""The result of :func:`analysis.diagnosis.diagnose`: :class:`GroupTable` (the figures of every
team or unit, one row per group) and :class:`Diagnosis` (the tables, organization-level
statistics and the JSON layout of ``aad analyze``).

Part of :mod:`analysis.diagnosis`; import the public names from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from analysis.frozen import plain as _plain, without_gc
from analysis.items import ItemResults
from analysis.narrative import label_table
from analysis.privacy import reason_text
from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray

_Array = TypeVar("_Array", bound="np.ndarray[Any, Any]")

__all__ = ["DIM_FIELDS", "STRUCTURE_FIELDS", "BOTH_FIELDS", "GroupTable", "JSON_FIELDS", "Diagnosis"]


#: Per-dimension figures of a group, each an (n_groups, 3) array in :class:`GroupTable`.
DIM_FIELDS = (
    "n",
    "score",
    "ci_low",
    "ci_high",
    "shrunk_score",
    "n_structure",
    "structure",
    "structure_ci_low",
    "structure_ci_high",
    "shrunk_structure",
    "visibility",
    "visibility_ci_low",
    "visibility_ci_high",
    "combined",
    "perception_reliability",
    "structure_reliability",
    "finding_probability",
    "rwg_j",
    "rwg_j_slight",
    "rwg_j_moderate",
    "rwg_star_j",
    "awg",
    "ad_m",
    "structure_rwg_j",
    "vs_rest_difference",
    "vs_rest_d",
    "vs_rest_p_adjusted",
    "structure_vs_rest_difference",
    "structure_vs_rest_d",
    "structure_vs_rest_p_adjusted",
)
#: Figures of the structure index, shown only where the structure answers reach k.
STRUCTURE_FIELDS = (
    "n_structure",
    "structure",
    "structure_ci_low",
    "structure_ci_high",
    "shrunk_structure",
    "structure_reliability",
    "structure_rwg_j",
    "structure_vs_rest_difference",
    "structure_vs_rest_d",
    "structure_vs_rest_p_adjusted",
)
#: Figures that need both perception and structure.
BOTH_FIELDS = ("combined", "finding_probability")
_MIN_K, _MAX_K, _SAFE_K = 3, 50, 5


# ------------------------------------------------------------------------------ results


def _ro(a: _Array) -> _Array:
    """``a`` made read-only (in place: the arrays are the engine's own)."""
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class GroupTable:
    """Released figures of one level (teams, units or the organization), as arrays.

    Every array has one row per group (sorted by label); figures of suppressed groups
    and suppressed cells are NaN / None / 0 — they were never stored.

    Attributes
    ----------
    level : {'team', 'unit', 'organization'}
    labels : tuple of str
        Group labels (the organization has the single label ``""``).
    parent : tuple of str or None
        The unit of every team (teams with a unit level only).
    dimensions : tuple of str
        Column order of the per-dimension arrays.
    misconceptions : tuple of str
    suppressed : ndarray of bool, shape (G,)
    suppression_reason : ndarray of object, shape (G,)
        None, ``"fewer_than_k"``, ``"complementary"`` or ``"no_data"``.
    n : ndarray of float, shape (G,)
        Respondents (NaN when suppressed).
    n_teams : ndarray of int or None
        Teams per unit (units only).
    dims : mapping of str to ndarray, shape (G, 3)
        The figures named in :data:`DIM_FIELDS` (``n`` = answers used).
    cell_reason : ndarray of object, shape (G, 3)
        Why a dimension of a visible group is blank (None if it is shown).
    structure_reason : ndarray of object, shape (G, 3)
        Why the structure index of a shown dimension is blank (too few members with a
        known answer), None if it is shown.
    level_ : ndarray of int, shape (G, 3)
        Maturity level 1–5, the lower of perception and structure (0 = not shown).
    finding : ndarray of object, shape (G, 3)
        A finding of :data:`analysis.maturity.FINDINGS` (``"not_precise"`` included) or None.
    agreement : ndarray of object, shape (G, 3)
        ``"shared"``, ``"chance"`` or ``"divided"`` (teams; see ``_agreement``), else None.
    likely_finding : ndarray of object, shape (G, 3)
        The most probable finding, whose probability is ``finding_probability`` (it is
        the finding unless the group is divided or not precise enough).
    vs_rest_flagged, structure_vs_rest_flagged : ndarray of bool, shape (G, 3)
    typology : ndarray of object, shape (G,)
    typology_probability : ndarray of float, shape (G,)
    outcome : ndarray of float, shape (G,)
        Mean of the outcome item on 0–100.
    misconception : ndarray, shape (G, M)
        Share of respondents holding each misconception.
    misconception_vs_organization : ndarray, shape (G, M)
    comments : tuple of tuple of str
        Released comments per group.
    """

    level: str
    labels: tuple[Any, ...]
    parent: tuple[Any, ...] | None
    dimensions: tuple[Any, ...]
    misconceptions: tuple[Any, ...]
    suppressed: BoolArray
    suppression_reason: ObjectArray
    n: FloatArray  # NaN where hidden
    n_teams: IntArray | None
    dims: MappingProxyType[str, Any]
    cell_reason: ObjectArray
    structure_reason: ObjectArray
    level_: IntArray
    finding: ObjectArray
    likely_finding: ObjectArray
    agreement: ObjectArray
    vs_rest_flagged: BoolArray
    structure_vs_rest_flagged: BoolArray
    typology: ObjectArray
    typology_probability: FloatArray
    outcome: FloatArray
    misconception: FloatArray
    misconception_vs_organization: FloatArray
    comments: tuple[Any, ...]
    k: int

    def index(self, label: str) -> int:
        """Row of a group label (``KeyError`` if unknown)."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise KeyError(label) from None

    def records(self, rows: Iterable[int] | None = None) -> list[dict[str, Any]]:
        """JSON-ready records of the given rows (default all; see :meth:`Diagnosis.to_dict`).

        Figures are rounded for output: scores to 2 decimals, agreement indices and d
        to 3, shares to 4; the arrays of the table keep full precision. NaN becomes None.
        """
        with without_gc():
            return self._records(rows)

    def _records(self, rows: Iterable[int] | None) -> list[dict[str, Any]]:
        rows = range(len(self.labels)) if rows is None else rows
        idx = np.asarray(list(rows), dtype=np.intp)
        key = {"team": "team", "unit": "unit"}.get(self.level)
        cols = {f: _out(self.dims[f][idx], _DECIMALS.get(f, 2)) for f in JSON_FIELDS}
        cols["n"] = _out(self.dims["n"][idx], 0, integer=True)
        cols["n_structure"] = _out(self.dims["n_structure"][idx], 0, integer=True)
        level = self.level_[idx].tolist()
        finding = self.finding[idx].tolist()
        likely = self.likely_finding[idx].tolist()
        agreement = self.agreement[idx].tolist()
        flag_p = self.vs_rest_flagged[idx].tolist()
        flag_s = self.structure_vs_rest_flagged[idx].tolist()
        reason_cell = self.cell_reason[idx].tolist()
        reason_s = self.structure_reason[idx].tolist()
        typ_p = _out(self.typology_probability[idx], 3)
        mc = _out(self.misconception[idx], 4)
        mc_vs = _out(self.misconception_vs_organization[idx], 4)
        outcome = _out(self.outcome[idx], 2)
        n = _out(self.n[idx], 0, integer=True)
        out = []
        for r, i in enumerate(idx.tolist()):
            rec = {key: self.labels[i]} if key else {}
            if self.level == "team":
                rec["unit"] = self.parent[i] if self.parent is not None else None
            if self.n_teams is not None:
                rec["n_teams"] = int(self.n_teams[i])
            reason = self.suppression_reason[i]
            rec.update(
                suppressed=bool(self.suppressed[i]),
                suppression_reason=reason,
                suppression_text=reason_text(reason, self.k),
                n=n[r],
            )
            if self.suppressed[i]:
                out.append(rec)
                continue
            rec["typology"] = self.typology[i]
            rec["typology_probability"] = typ_p[r]
            rec["outcome"] = outcome[r]
            rec["misconceptions"] = dict(zip(self.misconceptions, mc[r]))
            rec["misconceptions_vs_organization"] = dict(zip(self.misconceptions, mc_vs[r]))
            dims = {}
            for j, d in enumerate(self.dimensions):
                cell = {f: cols[f][r][j] for f in JSON_FIELDS}
                cell["level"] = level[r][j] or None
                cell["finding"] = finding[r][j]
                cell["likely_finding"] = likely[r][j]
                cell["agreement"] = agreement[r][j]
                cell["vs_rest_flagged"] = flag_p[r][j]
                cell["structure_vs_rest_flagged"] = flag_s[r][j]
                cell["suppressed"] = reason_cell[r][j] is not None
                cell["suppression_reason"] = reason_cell[r][j]
                cell["structure_suppressed"] = reason_s[r][j] is not None
                cell["structure_suppression_reason"] = reason_s[r][j]
                dims[d] = cell
            rec["dimensions"] = dims
            rec["comments"] = list(self.comments[i])
            out.append(rec)
        return out

    def to_dict(self) -> list[Any]:
        """All records, JSON-ready (see :meth:`records`)."""
        return self.records()


#: Per-dimension figures in the JSON records (the p-values and raw differences of the
#: team-vs-rest tests stay in the arrays; flagged ones are listed in ``differences``).
JSON_FIELDS = tuple(f for f in DIM_FIELDS if not f.endswith(("_p_adjusted", "_difference")))
_DECIMALS = {
    "n": 0,
    "n_structure": 0,
    "rwg_j": 3,
    "rwg_j_slight": 3,
    "rwg_j_moderate": 3,
    "rwg_star_j": 3,
    "structure_rwg_j": 3,
    "awg": 3,
    "ad_m": 3,
    "vs_rest_d": 3,
    "structure_vs_rest_d": 3,
    "perception_reliability": 3,
    "structure_reliability": 3,
    "finding_probability": 3,
}


def _out(values: ArrayLike, decimals: int | None = 4, *, integer: bool = False) -> list[Any]:
    """Array → nested lists of Python numbers, rounded, NaN → None (vectorized)."""
    a = np.asarray(values, dtype=float)
    missing = ~np.isfinite(a)
    if decimals is not None:
        a = np.round(a, decimals)
    obj = (np.where(missing, 0, a).astype(np.int64) if integer else a).astype(object)
    obj[missing] = None
    out: list[Any] = obj.tolist()
    return out


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """Result of :func:`diagnose`; holds released figures only.

    Attributes
    ----------
    questionnaire : mapping
        ``{"id", "version", "title", "misconceptions"}`` (names of the misconceptions).
    n_respondents : int or None
        None when the organization itself is below the minimum group size.
    settings : mapping
        The options used (``min_group_size``, ``comment_min_group_size``,
        ``correction``, ``alpha``, ``min_effect``, ``confidence``).
    dimensions : mapping
        Per dimension: ``name``, ``alpha``, ``omega``, ``reliability`` (item
        statistics or the reason it is not estimable), ``icc1``, ``icc2``,
        ``icc_reading`` (en/de), ``structure_icc1``, ``structure_icc2``,
        ``structure_icc_reading``, and the organization's ``score``, ``ci_low``,
        ``ci_high``, ``structure``, ``combined``, ``level``, ``finding``.
    cfa : mapping
        Fit of the three-factor perception model, or ``estimable: False`` with a reason.
    organization : GroupTable
        One row.
    units : GroupTable or None
    teams : GroupTable
    role_gaps, tenure, differences, findings : tuple of mapping
    drivers : mapping
    comments : mapping
        Organization-level comment pool and the number withheld.
    items : ItemResults
        Question-level results (:mod:`analysis.items`).
    scope : str or None
        None for the whole organization; the unit's label for the part a reader of
        one unit may see (:func:`analysis.scope.restrict_to_unit`).
    priority : mapping or None
        Consensus on the top priority (:func:`analysis.consensus.priority_consensus`)
        with the campaign's ``priorities``; None when the form has no priority item.
    invariance : mapping or None
        ``{"language": …}``: measurement invariance of the perception model across the
        response languages (:mod:`analysis.invariance`); None when no language was
        recorded.
    """

    questionnaire: MappingProxyType[str, Any]
    n_respondents: int | None
    settings: MappingProxyType[str, Any]
    dimensions: MappingProxyType[str, Any]
    cfa: MappingProxyType[str, Any]
    organization: GroupTable
    units: GroupTable | None
    teams: GroupTable
    role_gaps: tuple[Any, ...]
    tenure: tuple[Any, ...]
    differences: tuple[Any, ...]
    drivers: MappingProxyType[str, Any]
    findings: tuple[Any, ...]
    comments: MappingProxyType[str, Any]
    items: ItemResults
    scope: str | None = None
    priority: MappingProxyType[str, Any] | None = None
    invariance: MappingProxyType[str, Any] | None = None

    def team(self, label: str) -> dict[str, Any]:
        """JSON-ready record of one team."""
        return self.teams.records([self.teams.index(label)])[0]

    def unit(self, label: str) -> dict[str, Any]:
        """JSON-ready record of one unit."""
        if self.units is None:
            raise KeyError(label)
        return self.units.records([self.units.index(label)])[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; ``json.dumps(d.to_dict(), sort_keys=True)`` is
        byte-identical for identical input. See ``docs/methodology.md`` for the layout."""
        with without_gc():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        org = self.organization.records()[0]
        org["comments"] = list(self.comments["organization"])
        org["comments_withheld"] = self.comments["withheld"]
        return {
            "questionnaire": _plain(self.questionnaire),
            "n_respondents": self.n_respondents,
            "settings": _plain(self.settings),
            "dimensions": _plain(self.dimensions),
            "cfa": _plain(self.cfa),
            "organization": org,
            "units": self.units.to_dict() if self.units is not None else [],
            "teams": self.teams.to_dict(),
            "role_gaps": _plain(self.role_gaps),
            "tenure": _plain(self.tenure),
            "differences": [dict(r) for r in self.differences],
            "drivers": _plain(self.drivers),
            "findings": _plain(self.findings),
            "items": self.items.to_dict(),
            "scope": self.scope,
            "priority": _plain(self.priority) if self.priority is not None else None,
            "invariance": _plain(self.invariance) if self.invariance is not None else None,
            "labels": label_table(),
        }
