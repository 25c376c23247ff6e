"""The part of a diagnosis that a reader of one unit may see.

A reader whose access is limited to one unit (a unit's manager, say) sees a subset
of what the organization's HR sees: the unit's own row, its teams and the flagged
differences of those, and the organization's row as the reference the unit is
compared with. Nothing names or measures another unit or another unit's team, and
the organization-level analyses of subgroups (role gaps, tenure bands, drivers) are
left out: they are results of the whole organization, not of the unit.

Every figure kept is a figure :func:`analysis.diagnose` released, unchanged, so the
anonymity of the restricted diagnosis is that of the full one: a subset of a release
that resists differencing cannot be differenced either. The key findings are
recomputed (:func:`analysis.narrative.key_findings`) from the kept figures only,
with the unit in the place of the organization.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.diagnosis import Diagnosis, GroupTable
from analysis.frozen import freeze, plain
from analysis.narrative import key_findings
from analysis.arrays import IntArray

NOT_IN_UNIT_SCOPE = {
    "en": "Not part of a unit's results: this analysis covers the whole organization.",
    "de": "Nicht Teil der Ergebnisse eines Bereichs: Diese Analyse betrifft die ganze Organisation.",
}


def _take(table: GroupTable, rows: IntArray) -> GroupTable:
    """The rows ``rows`` of a group table (arrays read-only, like the original)."""

    def pick(a: ArrayLike) -> NDArray[Any]:
        out = np.asarray(a)[rows]
        out.setflags(write=False)
        return out

    return dataclasses.replace(
        table,
        labels=tuple(table.labels[i] for i in rows.tolist()),
        parent=tuple(table.parent[i] for i in rows.tolist()) if table.parent is not None else None,
        n_teams=pick(table.n_teams) if table.n_teams is not None else None,
        dims=MappingProxyType({f: pick(a) for f, a in table.dims.items()}),
        comments=tuple(table.comments[i] for i in rows.tolist()),
        **{
            f.name: pick(getattr(table, f.name))
            for f in dataclasses.fields(table)  # type: ignore[arg-type]
            if isinstance(getattr(table, f.name), np.ndarray) and f.name != "n_teams"
        },
    )


def restrict_to_unit(diagnosis: Diagnosis, unit: str) -> Diagnosis:
    """The diagnosis as a reader of ``unit`` may see it.

    Parameters
    ----------
    diagnosis : Diagnosis
        A released diagnosis with a unit level.
    unit : str
        Label of one of its units.

    Returns
    -------
    Diagnosis
        ``units`` holds the one unit, ``teams`` its teams, ``differences`` only theirs;
        the organization row and the measurement quality (``dimensions``, ``cfa``) stay
        as the reference. ``n_respondents`` counts the unit's respondents (None when
        the unit is hidden). ``items`` keep the organization, the unit and its teams. ``role_gaps`` and ``tenure`` are empty, ``drivers`` is marked
        not estimable with the reason, ``comments["organization"]`` holds the comments
        released for the unit, ``findings`` are recomputed for the unit and ``scope``
        is the unit's label. The top-priority consensus keeps the organization's row
        (the reference), the unit and its teams; the invariance across languages stays
        (an organization-wide check of the instrument).

    Raises
    ------
    KeyError
        If the diagnosis has no unit ``unit``.
    """
    if diagnosis.units is None or unit not in diagnosis.units.labels:
        raise KeyError(unit)
    u = diagnosis.units.index(unit)
    units = _take(diagnosis.units, np.array([u]))
    parent = np.asarray(diagnosis.teams.parent, dtype=object)
    team_rows = np.flatnonzero(parent == unit)
    teams = _take(diagnosis.teams, team_rows)
    in_scope = {("team", t) for t in teams.labels} | {("unit", unit)}
    differences = tuple(d for d in diagnosis.differences if (d["level"], d["group"]) in in_scope)
    drivers = {"estimable": False, "reason": NOT_IN_UNIT_SCOPE}
    unit_record = units.records()[0]
    dimensions = plain(diagnosis.dimensions)
    findings = key_findings(
        dimensions=dimensions,
        dim_names={d: v["name"] for d, v in dimensions.items()},
        organization=unit_record,
        teams=teams,
        differences=[dict(d) for d in differences],
        role_gaps=[],
        drivers=drivers,
        misconception_names=plain(diagnosis.questionnaire)["misconceptions"],
        k=diagnosis.settings["min_group_size"],
    )
    return dataclasses.replace(
        diagnosis,
        n_respondents=unit_record["n"],
        units=units,
        teams=teams,
        role_gaps=(),
        tenure=(),
        differences=differences,
        drivers=freeze(drivers),
        findings=freeze(findings),
        comments=freeze({"organization": list(unit_record.get("comments", [])), "withheld": 0}),
        items=diagnosis.items.restrict(u, team_rows),
        scope=unit,
        priority=_priority_in(diagnosis.priority, unit, set(teams.labels)),
    )


def _priority_in(priority: Mapping[str, Any] | None, unit: str, teams: set[str]) -> Any:
    if priority is None:
        return None
    p = plain(priority)
    p["units"] = [u for u in p["units"] if u["label"] == unit]
    p["teams"] = [t for t in p["teams"] if t["label"] in teams]
    return freeze(p)
