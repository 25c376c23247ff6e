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

import numpy as np

from analysis.decisions import CLASSES, DECIDERS, NOT_DECIDED, DecisionResult, diagnose_decisions
from app.services.register_items import PREFIX

#: Verdicts that are findings (shown and counted as such).
FINDINGS = ("escalation_beyond_design", "designed_not_known", "contested", "no_design")


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
    result: DecisionResult
    version: int = 0
    scope: str | None = None

    def _cells(self, part: dict, i, designed=None) -> list[dict]:
        cells = []
        for j, d in enumerate(self.decisions):
            visible = bool(part["visible"][i][j]) if i is not None else bool(part["visible"][j])
            at = (i, j) if i is not None else (j,)
            cell = {"decision": d["id"], "verdict": str(part["verdict"][at]), "visible": visible,
                    "n": int(part["n"][at]) if visible else None,
                    "counts": dict(zip(CLASSES, part["counts"][at].tolist())) if visible else None,
                    "knowledge": _num(part["knowledge"][at]), "probability": _num(part["probability"][at])}
            if designed is not None:
                code = int(designed[j])
                cell["designed"] = DECIDERS[code] if code != NOT_DECIDED else "not_decided"
            cells.append(cell)
        return cells

    def teams(self) -> list[dict]:
        return [{"team": label, "unit": unit, "cells": self._cells(self.result.team, i, self.designed[i])}
                for i, (label, unit) in enumerate(zip(self.team_labels, self.team_units))
                if self.scope is None or unit == self.scope]

    def team(self, label: str) -> dict | None:
        return next((t for t in self.teams() if t["team"] == label), None)

    def units(self) -> list[dict]:
        return [{"unit": label, "cells": self._cells(self.result.unit, i)} for i, label in enumerate(self.unit_labels)
                if self.scope is None or label == self.scope]

    def organization(self) -> dict | None:
        return None if self.scope is not None else {"cells": self._cells(self.result.org, None)}

    def map_rows(self) -> list[dict]:
        """The rows of the decision map: the organization, then every unit followed by its teams."""
        teams = self.teams()
        rows = [{"kind": "organization", "label": "", **org} for org in filter(None, [self.organization()])]
        for unit in self.units() or [{"unit": None, "cells": None}]:
            if unit["cells"] is not None:
                rows.append({"kind": "unit", "label": unit["unit"], "cells": unit["cells"]})
            rows += [{"kind": "team", "label": t["team"], "cells": t["cells"]} for t in teams if t["unit"] == unit["unit"]]
        return rows

    def findings(self) -> list[dict]:
        """Every team cell with a finding, decision by decision."""
        return [{"team": t["team"], "unit": t["unit"], **c} for t in self.teams() for c in t["cells"]
                if c["verdict"] in FINDINGS]

    def to_dict(self) -> dict:
        return {"decisions": list(self.decisions), "classes": list(CLASSES), "organization": self.organization(),
                "units": self.units(), "teams": self.teams(), "findings": self.findings()}


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
    designed = np.array([[frozen.design.get(str(team_ids[label]), [NOT_DECIDED] * len(ids))[j] for j in pick]
                         for label in dx.teams.labels], dtype=np.int64).reshape(len(labels), len(pick))
    table = columns["answers"]
    names = set(table.column_names)
    answers = np.column_stack([
        table.column(PREFIX + a).to_numpy(zero_copy_only=False) if PREFIX + a in names
        else np.full(table.num_rows, np.nan) for a in frozen.asked])
    answers = np.where(np.isnan(answers), -1, answers).astype(np.int64)
    team = np.searchsorted(labels.astype(str), np.asarray(columns["team"], dtype=str))
    units = tuple(dx.units.labels) if dx.units is not None else ()
    parents = tuple(dx.teams.parent) if dx.teams.parent is not None else (None,) * len(labels)
    kwargs = {}
    if units:
        kwargs = {"team_unit": np.array([units.index(p) for p in parents]), "n_units": len(units),
                  "unit_hidden": np.asarray(dx.units.suppressed, bool)}
    result = diagnose_decisions(answers, team, designed, k=k, team_hidden=np.asarray(dx.teams.suppressed, bool),
                                decisions=[d["id"] for d in decisions], **kwargs)
    return RegisterFindings(decisions=decisions, team_labels=tuple(dx.teams.labels), team_units=parents,
                            unit_labels=units, designed=designed, result=result,
                            version=frozen.register_number)
