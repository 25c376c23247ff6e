"""The campaign's decision register against its members' answers (docs/methodology.md §18).

:func:`diagnose_register` lines the answers to the generated items up with the register
frozen at launch and the teams and units of the released diagnosis, and runs
:func:`analysis.decisions.diagnose_decisions` once (vectorized over all teams, units and
decision types; suppression included, and groups hidden in the main results stay
hidden). It is computed with the diagnosis and cached with it
(:mod:`app.services.results`). :class:`RegisterFindings` renders the released figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.decisions import CLASSES, DECIDERS, NOT_DECIDED, DecisionResult, diagnose_decisions
from analysis.instrument import load_questionnaire
from analysis.practice import APPROVALS_ITEM, FINDING, OVERTURNED_ITEM, SCALES, PracticeResult, diagnose_practice
from app.services.register_items import PREFIX

#: Verdicts that are findings (shown and counted as such).
FINDINGS = ("escalation_beyond_design", "designed_not_known", "contested", "no_design")
#: The team-level finding of designed versus reported practice (analysis.practice).
PRACTICE_FINDING = FINDING


@dataclass(frozen=True)
class RegisterFindings:
    """The released comparison for one campaign: the decision types asked, the designed
    decider of every team (a fact of the register, not a survey figure) and the
    :class:`~analysis.decisions.DecisionResult`; ``scope`` limits it to one unit."""

    decisions: tuple[dict, ...]
    team_labels: tuple[str, ...]
    team_units: tuple[str | None, ...]
    unit_labels: tuple[str, ...]
    designed: np.ndarray  # (teams, decisions) decider codes, -1 not decided
    result: DecisionResult | None
    version: int = 0
    scope: str | None = None
    practice: PracticeResult | None = None  # None: the questionnaire asks neither practice item
    #: the team fact sheets and their agreement indicator (attached when shown; not cached)
    facts: tuple = ()

    def _cells(self, part: dict | None, i, designed=None) -> list[dict]:
        cells: list[dict] = []
        if part is None:  # the fact sheets alone (facts_only)
            return cells
        for j, d in enumerate(self.decisions):
            visible = bool(part["visible"][i][j]) if i is not None else bool(part["visible"][j])
            at = (i, j) if i is not None else (j,)
            cell = {
                "decision": d["id"],
                "verdict": str(part["verdict"][at]),
                "visible": visible,
                "n": int(part["n"][at]) if visible else None,
                "counts": dict(zip(CLASSES, part["counts"][at].tolist())) if visible else None,
                "knowledge": _num(part["knowledge"][at]),
                "probability": _num(part["probability"][at]),
            }
            if designed is not None:
                code = int(designed[j])
                cell["designed"] = DECIDERS[code] if code != NOT_DECIDED else "not_decided"
            cells.append(cell)
        return cells

    def _practice(self, i: int) -> dict | None:
        p = self.practice
        if p is None:
            return None
        visible = bool(p.visible[i])
        return {
            "verdict": str(p.verdict[i]),
            "visible": visible,
            "designed_to_team": bool(p.designed_to_team[i]),
            "n": int(p.n[i]) if visible else None,
            "reports": int(p.x[i]) if visible else None,
            "share": _num(p.share[i]),
            "low": _num(p.low[i]),
            "high": _num(p.high[i]),
            "probability": _num(p.probability[i]),
            "interval": p.interval,
        }

    def teams(self) -> list[dict]:
        team = self.result.team if self.result is not None else None
        return [
            {
                "team": label,
                "unit": unit,
                "cells": self._cells(team, i, self.designed[i]),
                "practice": self._practice(i),
            }
            for i, (label, unit) in enumerate(zip(self.team_labels, self.team_units))
            if self.scope is None or unit == self.scope
        ]

    def team(self, label: str) -> dict | None:
        return next((t for t in self.teams() if t["team"] == label), None)

    def units(self) -> list[dict]:
        unit = self.result.unit if self.result is not None else None
        return [
            {"unit": label, "cells": self._cells(unit, i)}
            for i, label in enumerate(self.unit_labels)
            if self.scope is None or label == self.scope
        ]

    def organization(self) -> dict | None:
        if self.scope is not None or self.result is None:
            return None
        return {"cells": self._cells(self.result.org, None)}

    def map_rows(self) -> list[dict]:
        """The rows of the decision map: the organization, then every unit followed by its teams."""
        teams = self.teams()
        rows = [{"kind": "organization", "label": "", **org} for org in filter(None, [self.organization()])]
        for unit in self.units() or [{"unit": None, "cells": None}]:
            if unit["cells"] is not None:
                rows.append({"kind": "unit", "label": unit["unit"], "cells": unit["cells"]})
            rows += [
                {"kind": "team", "label": t["team"], "cells": t["cells"], "practice": t["practice"]}
                for t in teams
                if t["unit"] == unit["unit"]
            ]
        return rows

    def findings(self) -> list[dict]:
        """Every team cell with a finding, decision by decision."""
        return [
            {"team": t["team"], "unit": t["unit"], **c}
            for t in self.teams()
            for c in t["cells"]
            if c["verdict"] in FINDINGS
        ]

    def practice_findings(self) -> list[dict]:
        """Every team whose members report that practice overrides the design."""
        return [
            {"team": t["team"], "unit": t["unit"], **t["practice"]}
            for t in self.teams()
            if t["practice"] is not None and t["practice"]["verdict"] == PRACTICE_FINDING
        ]

    def fact_sheets(self) -> list[dict]:
        """The attached fact sheets of the teams in scope (see :func:`app.services.fact_sheets.facts_records`)."""
        return [f for f in self.facts if self.scope is None or f["unit"] == self.scope]

    def to_dict(self) -> dict:
        return {
            "decisions": list(self.decisions),
            "classes": list(CLASSES),
            "organization": self.organization(),
            "units": self.units(),
            "teams": self.teams(),
            "findings": self.findings(),
            "practice_asked": self.practice is not None,
            "practice_findings": self.practice_findings(),
        }


def facts_only(facts: tuple, *, scope: str | None = None) -> RegisterFindings:
    """A register part that holds the team fact sheets alone (a campaign that asked no
    register items): no decision types, no teams of the comparison."""
    return RegisterFindings(
        decisions=(),
        team_labels=(),
        team_units=(),
        unit_labels=(),
        designed=np.zeros((0, 0), np.int64),
        result=None,
        facts=facts,
        scope=scope,
    )


def decision_columns(frozen) -> tuple[str, ...]:
    """The answer columns of the generated items of a campaign (none without a register)."""
    return tuple(PREFIX + a for a in frozen.asked) if frozen is not None else ()


def _num(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def diagnose_register(frozen, columns: dict, dx, *, k: int, team_ids: dict) -> RegisterFindings | None:
    """The register compared with the answers (None without asked decision types).

    ``columns`` are the campaign's response columns (:func:`app.services.results.read_columns`),
    ``dx`` the released diagnosis of the whole organization and ``team_ids`` the
    campaign team id of every team label of ``dx``.
    """
    if frozen is None or not frozen.asked or dx is None:
        return None
    ids = [d["id"] for d in frozen.decisions]
    pick = [ids.index(a) for a in frozen.asked]
    decisions = tuple(frozen.decisions[j] for j in pick)
    labels = np.asarray(dx.teams.labels, dtype=object)
    designed = np.array(
        [
            [frozen.design.get(str(team_ids[label]), [NOT_DECIDED] * len(ids))[j] for j in pick]
            for label in dx.teams.labels
        ],
        dtype=np.int64,
    ).reshape(len(labels), len(pick))
    table = columns["answers"]
    names = set(table.column_names)
    answers = np.column_stack(
        [
            table.column(PREFIX + a).to_numpy(zero_copy_only=False)
            if PREFIX + a in names
            else np.full(table.num_rows, np.nan)
            for a in frozen.asked
        ]
    )
    answers = np.where(np.isnan(answers), -1, answers).astype(np.int64)
    team = np.searchsorted(labels.astype(str), np.asarray(columns["team"], dtype=str))
    units = tuple(dx.units.labels) if dx.units is not None else ()
    parents = tuple(dx.teams.parent) if dx.teams.parent is not None else (None,) * len(labels)
    kwargs: dict[str, Any] = {}
    if units:
        kwargs = {
            "team_unit": np.array([units.index(p) for p in parents]),
            "n_units": len(units),
            "unit_hidden": np.asarray(dx.units.suppressed, bool),
        }
    result = diagnose_decisions(
        answers,
        team,
        designed,
        k=k,
        team_hidden=np.asarray(dx.teams.suppressed, bool),
        decisions=[d["id"] for d in decisions],
        **kwargs,
    )
    practice = None
    if _asks_practice(dx):
        # the practice items concern every decision the register leaves to the team, asked or not
        full = np.array(
            [frozen.design.get(str(team_ids[label]), [NOT_DECIDED] * len(ids)) for label in labels], dtype=np.int64
        ).reshape(len(labels), len(ids))
        column = {
            c: (
                table.column(c).to_numpy(zero_copy_only=False).astype(float)
                if c in names
                else np.full(table.num_rows, np.nan)
            )
            for c in (APPROVALS_ITEM, OVERTURNED_ITEM)
        }
        practice = diagnose_practice(
            column[APPROVALS_ITEM],
            column[OVERTURNED_ITEM],
            team,
            full,
            k=k,
            team_hidden=np.asarray(dx.teams.suppressed, bool),
            **kwargs,
        )
    return RegisterFindings(
        decisions=decisions,
        team_labels=tuple(dx.teams.labels),
        team_units=parents,
        unit_labels=units,
        designed=designed,
        result=result,
        version=frozen.register_number,
        practice=practice,
    )


def _asks_practice(dx) -> bool:
    """Whether the campaign's instrument asks a practice item with the scale that
    :mod:`analysis.practice` reads (instrument v2; v1 asks other questions)."""
    try:
        q = load_questionnaire(dx.questionnaire["id"], version=dx.questionnaire["version"])
    except (KeyError, ValueError, OSError):
        return False
    ids = {item.id: item for item in q.items}
    return any(i in ids and getattr(ids[i].scale, "id", None) == scale for i, scale in SCALES.items())
