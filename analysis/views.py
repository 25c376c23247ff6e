r"""Filtered views: the results of a subgroup (a unit, a role, a tenure band or a
combination), released only when no subtraction can isolate fewer than k people.

A view shows the aggregate figures of the people matching every filter — scores,
structure, maturity, findings, misconceptions and the outcome, exactly as
:func:`analysis.diagnose` computes them for an organization — and nothing below it
(no teams or units inside the view: a team in a view minus the same team in the
unfiltered results would be a small group).

Rules
-----
Let :math:`V` be the people in the view, :math:`O` the organization, and for every
active filter :math:`f`, :math:`P_f` the view with :math:`f` dropped (its parent). A
view is released only when all of these hold (``x`` "safe" means ``x = 0`` or
``x \ge k``):

1. ``subgroup_below_k`` — :math:`|V| \ge k`.
2. ``complement_below_k`` — :math:`|O \setminus V| \ge k` (a view and its complement
   within the organization both reach k).
3. ``differs_by_fewer_than_k`` — :math:`|P_f \setminus V|` is safe for every
   :math:`f`: two views that differ by fewer than k people are not both released
   (e.g. a filter that leaves out 1 to k − 1 people of the unfiltered view).
4. ``sibling_below_k`` — inside every :math:`P_f`, every category of :math:`f`
   (including "not answered") has a safe count: otherwise subtracting the sibling
   views from :math:`P_f` would isolate the small category.
5. ``overlaps_hidden_group`` — with the released hierarchy of the unfiltered
   results (the pieces of :func:`analysis.privacy.hierarchy_pieces`: visible teams,
   the remainders of visible units and of the organization), the people of the
   pieces :math:`V` touches but outside :math:`V` number a safe count. Otherwise
   the touched pieces minus the view would isolate them (for example a unit hidden in
   the unfiltered results cannot be shown as a filter).

6. ``interim`` — in an interim release while the campaign runs, only a unit may be
   chosen: role and tenure cut across the teams' release batches
   (:mod:`analysis.release`), so two releases could differ by fewer than k people in
   such a view.

Within a released view the usual suppression of :func:`analysis.diagnose` applies
(a dimension answered by fewer than k people stays blank). Comments are never part of
a view.

References
----------
.. [1] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
   E., Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
   sec. 4.3 (disclosure by differencing of overlapping tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from analysis.diagnosis import diagnose
from analysis.frozen import freeze as _freeze, plain as _plain
from analysis.privacy import hierarchy_pieces, suppress_hierarchy
from analysis.responses import ResponseData
from analysis.arrays import FloatArray
from analysis.instrument import Questionnaire

__all__ = ["View", "diagnose_view", "FILTERS", "REFUSALS"]

#: Filterable background columns of :class:`~analysis.responses.ResponseData`.
FILTERS = ("unit", "role", "tenure")

#: Why a view is refused, in English and German (``{k}`` is the minimum group size).
REFUSALS = {
    "subgroup_below_k": ("fewer than {k} people match this filter", "weniger als {k} Personen passen zu diesem Filter"),
    "complement_below_k": (
        "fewer than {k} people are outside this filter, so the rest could be worked out",
        "weniger als {k} Personen liegen außerhalb dieses Filters, der Rest wäre errechenbar",
    ),
    "differs_by_fewer_than_k": (
        "this view differs from a wider view by fewer than {k} people",
        "diese Ansicht unterscheidet sich von einer weiteren um weniger als {k} Personen",
    ),
    "sibling_below_k": (
        "another group of this filter has fewer than {k} people and could be worked out",
        "eine andere Gruppe dieses Filters hat weniger als {k} Personen und wäre errechenbar",
    ),
    "overlaps_hidden_group": (
        "this view would reveal a group that is hidden in the results",
        "diese Ansicht würde eine in den Ergebnissen verborgene Gruppe aufdecken",
    ),
    "interim": (
        "role and tenure views are shown with the final results, when the campaign closes",
        "Ansichten nach Rolle und Betriebszugehörigkeit gibt es mit den Endergebnissen, wenn die Befragung schließt",
    ),
}


@dataclass(frozen=True, eq=False)
class View:
    """A filtered view.

    Attributes
    ----------
    filters : mapping
        The active filters (``unit``, ``role``, ``tenure``).
    released : bool
    reason : str or None
        A key of :data:`REFUSALS` when not released.
    reason_text : mapping or None
        ``{"en", "de"}`` explanation when not released.
    k : int
    record : mapping or None
        The view's figures (the organization record of
        :meth:`analysis.Diagnosis.to_dict` for the people in the view, without
        comments); None when not released — a refused view carries no numbers.
    """

    filters: MappingProxyType[str, Any]
    released: bool
    reason: str | None
    reason_text: MappingProxyType[str, Any] | None
    k: int
    record: MappingProxyType[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filters": dict(self.filters),
            "released": self.released,
            "reason": self.reason,
            "reason_text": dict(self.reason_text) if self.reason_text else None,
            "k": self.k,
            "record": _plain(self.record),
        }


def _safe(x: int, k: int) -> bool:
    return x == 0 or x >= k


def _column(data: ResponseData, name: str) -> FloatArray:
    col = getattr(data, name)
    if col is None:
        raise ValueError(f"{name}: the data have no {name} column to filter by")
    return np.asarray(col, dtype=str)


def _refused(filters: dict[str, Any], reason: str, k: int) -> View:
    en, de = REFUSALS[reason]
    return View(
        MappingProxyType(filters),
        False,
        reason,
        MappingProxyType({"en": en.format(k=k), "de": de.format(k=k)}),
        k,
        None,
    )


def _refusal(data: ResponseData, filters: dict[str, Any], k: int) -> str | None:
    """The first rule (module docstring) the view breaks, or None."""
    cols = {f: _column(data, f) for f in filters}
    match = {f: cols[f] == v for f, v in filters.items()}
    in_view = np.logical_and.reduce(list(match.values()))
    n_view = int(in_view.sum())
    if n_view < k:
        return "subgroup_below_k"
    if data.n - n_view < k:
        return "complement_below_k"
    for f in filters:
        others = [m for g, m in match.items() if g != f]
        parent = np.logical_and.reduce(others) if others else np.ones(data.n, bool)
        if not _safe(int(parent.sum()) - n_view, k):
            return "differs_by_fewer_than_k"
    for f in filters:
        others = [m for g, m in match.items() if g != f]
        parent = np.logical_and.reduce(others) if others else np.ones(data.n, bool)
        _, counts = np.unique(cols[f][parent], return_counts=True)
        if not all(_safe(int(c), k) for c in counts):
            return "sibling_below_k"
    teams = data.teams
    units = data.units
    team_unit = None
    n_units = 0
    if units is not None:
        team_unit = np.zeros(teams.n_groups, dtype=np.intp)
        team_unit[teams.codes] = units.codes
        n_units = units.n_groups
    hs = suppress_hierarchy(teams.counts, team_unit, k=k, n_units=n_units)
    piece = hierarchy_pieces(hs, team_unit)[teams.codes]
    touched = np.unique(piece[in_view])
    outside = int(np.isin(piece, touched).sum()) - n_view
    if not _safe(outside, k):
        return "overlaps_hidden_group"
    return None


def diagnose_view(
    data: ResponseData,
    questionnaire: Questionnaire | str | None = None,
    *,
    unit: str | None = None,
    role: str | None = None,
    tenure: str | None = None,
    min_group_size: int = 5,
    acknowledge_small_groups: bool = False,
    interim: bool = False,
    **options: Any,
) -> View:
    """Figures of the people matching every given filter, or why they cannot be shown.

    Parameters
    ----------
    data : ResponseData
        All responses of the organization (the unfiltered results).
    questionnaire : Questionnaire or str, optional
        As in :func:`analysis.diagnose`.
    unit, role, tenure : str, optional
        Filter values (a unit label, ``"lead"``/``"member"``, a tenure key). At least
        one is required.
    min_group_size : int
        ``k``.
    acknowledge_small_groups : bool
        As in :func:`analysis.diagnose`.
    interim : bool
        The data are an interim release (rule 6).
    **options
        Further options of :func:`analysis.diagnose` (``correction``, ``alpha``,
        ``min_effect``, ``confidence``); comments are never part of a view.

    Returns
    -------
    View
        Released with the view's figures, or refused with a reason and no numbers
        (rules in the module docstring).

    Raises
    ------
    ValueError
        No filter, a filter value that does not occur in the data's column, or a column
        the data do not have; invalid options (as :func:`analysis.diagnose`).
    TypeError
        ``data`` is not a :class:`ResponseData`.
    """
    if not isinstance(data, ResponseData):
        raise TypeError(f"data: must be a ResponseData, got {type(data).__name__}")
    filters = {f: v for f, v in (("unit", unit), ("role", role), ("tenure", tenure)) if v is not None}
    if not filters:
        raise ValueError("unit, role, tenure: give at least one filter")
    for f, v in filters.items():
        if not isinstance(v, str) or not v or v not in set(np.unique(_column(data, f)).tolist()):
            raise ValueError(f"{f}: {v!r} does not occur in the data")
    k = min_group_size
    reason = "interim" if interim and set(filters) - {"unit"} else _refusal(data, filters, k)
    if reason is not None:
        return _refused(filters, reason, k)
    mask = np.logical_and.reduce([_column(data, f) == v for f, v in filters.items()])
    sub = ResponseData(
        questionnaire=data.questionnaire,
        item_ids=data.item_ids,
        values=data.values[mask],
        team=data.team[mask],
        unit=None if data.unit is None else data.unit[mask],
        role=None if data.role is None else data.role[mask],
        tenure=None if data.tenure is None else data.tenure[mask],
        comments=(),
    )
    dx = diagnose(
        sub,
        questionnaire,
        min_group_size=k,
        comment_min_group_size=max(k, 10),
        acknowledge_small_groups=acknowledge_small_groups,
        interim=interim,
        **options,
    )
    record = dx.organization.records()[0]
    record.pop("comments", None)
    return View(MappingProxyType(filters), True, None, None, k, _freeze(record))
