"""Simulated registers and answers to decision items, with known truth, and the error
rates of the register verdicts measured on them (``docs/methodology.md`` §18).

Generative model
----------------
Every team has a designed decider per decision type (a fifth of the cells *not
decided* by default). Each decided cell has true answer shares ``π`` over the classes
designed / above / below / don't know (:data:`analysis.decisions.CLASSES`); a member's
answer is one draw from ``π`` of their team's cell (an ``above`` answer names one of the
higher levels at random, a ``below`` answer one of the lower ones; classes impossible for
the design — nothing is above the centre, nothing below the team — take no mass).
Members skip an item with probability ``missing``. The confounds that could mislead
the verdict rule:

* **Noisy knowledge.** In cells not planted otherwise, the designed share is drawn
  uniformly between 0.55 and 0.90 — close to the majority bar — and the rest is spread
  over the other classes at random, so a small team often shows a minority of wrong
  answers or "don't know" (and some such cells are truly contested: a second answer
  reaches a third).
* **Person tendencies.** A tenth of the members answer "don't know" to everything and
  one in twenty name the centre for everything, whatever their team's truth (the cell's
  truth is computed over the mixture, so the verdict must still recover it).

Planted cells (scenario ``planted``): a quarter each as designed, escalation beyond the
design (``π_above`` 0.60–0.85), design not known (``π_dontknow`` 0.60–0.80) and contested
(designed and above about 0.4 each). The scenario ``null`` plants nothing: every cell
has the noisy-knowledge shares. The truth of a cell is the state of its mixture shares
(:mod:`analysis.decisions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.decisions import DECIDERS, DONT_KNOW, NOT_DECIDED, STATES, diagnose_decisions

__all__ = ["DecisionWorld", "simulate_decisions", "decision_error_rates", "markdown"]

_L = len(DECIDERS)


@dataclass(frozen=True, eq=False)
class DecisionWorld:
    """A simulated organization: register, answers and the true state of each cell."""

    designed: np.ndarray  # (teams, decisions) decider code or NOT_DECIDED
    answers: np.ndarray  # (respondents, decisions)
    team: np.ndarray  # (respondents,)
    team_unit: np.ndarray  # (teams,)
    truth: np.ndarray  # (teams, decisions) index into STATES; -1 where not decided


def _state(pi: np.ndarray, majority: float = 0.5, substantial: float = 1 / 3) -> np.ndarray:
    """True state (index into STATES) of share vectors ``pi`` (…, 4)."""
    sub = pi[..., :3] / np.maximum(pi[..., :3].sum(axis=-1, keepdims=True), 1e-12)
    top = np.array([0, 1, 2])[sub.argmax(axis=-1)]
    clear = (sub.max(axis=-1) >= majority) & ((sub >= substantial).sum(axis=-1) < 2)
    return np.where(pi[..., 3] >= majority, 2, np.where(clear, top, 3))


def _cell_shares(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Class shares (designed, above, below, don't know) for cells of a planted kind."""
    shape = kind.shape
    rest = rng.dirichlet(np.ones(3), size=shape)
    pi = np.zeros(shape + (4,))
    d = rng.uniform(0.55, 0.90, shape)
    pi[..., 0], pi[..., 1:] = d, (1 - d)[..., None] * rest
    esc = kind == 1
    a = rng.uniform(0.60, 0.85, shape)
    pi[esc] = np.stack([(1 - a) * 0.6, a, (1 - a) * 0.1, (1 - a) * 0.3], axis=-1)[esc]
    dk = kind == 2
    k = rng.uniform(0.60, 0.80, shape)
    pi[dk] = np.stack([(1 - k) * 0.6, (1 - k) * 0.3, (1 - k) * 0.1, k], axis=-1)[dk]
    con = kind == 3
    pi[con] = np.array([0.42, 0.38, 0.08, 0.12])
    return pi


def simulate_decisions(
    rng: np.random.Generator,
    *,
    teams: int = 40,
    units: int = 5,
    team_size: int = 8,
    decisions: int = 6,
    scenario: str = "planted",
    undecided: float = 0.2,
    missing: float = 0.05,
    dont_know_people: float = 0.1,
    central_people: float = 0.05,
    designed: npt.ArrayLike | None = None,
) -> DecisionWorld:
    """Simulate one organization (see the module docstring); ``designed`` (teams ×
    decisions codes) replaces the random register and sets ``teams`` and ``decisions``."""
    if designed is None:
        T, D = teams, decisions
        designed = rng.integers(0, _L, size=(T, D))
        designed[rng.random((T, D)) < undecided] = NOT_DECIDED
    else:
        designed = np.array(designed, dtype=np.int64)
        T, D = designed.shape
    if scenario == "null":
        kind = np.zeros((T, D), np.int64)
    elif scenario == "planted":
        kind = rng.integers(0, 4, size=(T, D))
        kind[(kind == 1) & (designed == _L - 1)] = 0  # nothing is above the centre
    else:
        raise ValueError(f"scenario: must be 'null' or 'planted', got {scenario!r}")
    pi = _cell_shares(rng, kind)
    pi[..., 1] = np.where(designed == _L - 1, 0.0, pi[..., 1])
    pi[..., 2] = np.where(designed == 0, 0.0, pi[..., 2])
    pi /= pi.sum(axis=-1, keepdims=True)

    team = np.repeat(np.arange(T), team_size)
    R = len(team)
    # the cell's truth is the mixture of the team's shares and the person tendencies
    central_cls = np.where(designed == _L - 1, 0, 1)  # naming the centre is above unless designed there
    mix = pi * (1 - dont_know_people - central_people)
    mix[..., 3] += dont_know_people
    np.add.at(mix, (np.arange(T)[:, None], np.arange(D)[None, :], central_cls), central_people)
    truth = np.where(designed == NOT_DECIDED, -1, _state(mix))

    person = rng.random(R)
    cls_draw = (rng.random((R, D))[..., None] > np.cumsum(pi[team], axis=-1)).sum(axis=-1)
    cls_draw = np.minimum(cls_draw, 3)
    L = designed[team]
    up = L + 1 + (rng.random((R, D)) * np.maximum(_L - 1 - L, 1)).astype(np.int64)
    down = (rng.random((R, D)) * np.maximum(L, 1)).astype(np.int64)
    answers = np.select([cls_draw == 0, cls_draw == 1, cls_draw == 2], [L, up, down], DONT_KNOW)
    undecided_cell = L == NOT_DECIDED
    answers = np.where(undecided_cell & (answers != DONT_KNOW), rng.integers(0, _L, size=(R, D)), answers)
    answers = np.where((person < dont_know_people)[:, None], DONT_KNOW, answers)
    answers = np.where(
        ((person >= dont_know_people) & (person < dont_know_people + central_people))[:, None], _L - 1, answers
    )
    answers = np.where(rng.random((R, D)) < missing, -1, answers)
    return DecisionWorld(designed=designed, answers=answers, team=team, team_unit=np.arange(T) % units, truth=truth)


def decision_error_rates(
    scenario: str,
    *,
    team_size: int,
    replications: int = 100,
    seed: int = 0,
    teams: int = 40,
    units: int = 5,
    k: int = 5,
) -> dict[str, Any]:
    """False-label and recovery rates of the team verdicts over ``replications`` worlds.

    Returns counts and rates: ``false_label`` (an actionable state — escalation, not
    known, contested — on a cell that truly works as designed), ``withheld`` (not precise
    or hidden) and, per true state, ``recovery`` (the verdict names the true state).
    """
    hits = np.zeros(len(STATES))
    totals = np.zeros(len(STATES))
    false = withheld = designed_cells = 0
    wrong = planted = 0
    for r in range(replications):
        w = simulate_decisions(
            np.random.default_rng(seed + r), teams=teams, units=units, team_size=team_size, scenario=scenario
        )
        res = diagnose_decisions(w.answers, w.team, w.designed, k=k, team_unit=w.team_unit, n_units=units)
        verdict = res.team["verdict"]
        code = np.full(verdict.shape, -1)
        for i, s in enumerate(STATES):
            code[verdict == s] = i
        decided = w.truth >= 0
        for i in range(len(STATES)):
            cell = decided & (w.truth == i)
            totals[i] += cell.sum()
            hits[i] += (cell & (code == i)).sum()
        fine = decided & (w.truth == 0)
        designed_cells += fine.sum()
        false += (fine & (code >= 1)).sum()
        withheld += (decided & (code < 0)).sum()
        bad = decided & (w.truth >= 1)
        planted += bad.sum()
        wrong += (bad & (code >= 0) & (code != w.truth)).sum()
    with np.errstate(invalid="ignore"):
        recovery = hits / totals
    return {
        "scenario": scenario,
        "team_size": team_size,
        "replications": replications,
        "cells_as_designed": int(designed_cells),
        "false_label": false / designed_cells if designed_cells else float("nan"),
        "withheld": withheld / max(totals.sum(), 1),
        "recovery": dict(zip(STATES, recovery.round(4).tolist())),
        "cells": dict(zip(STATES, totals.astype(int).tolist())),
        "wrong_label": wrong / planted if planted else float("nan"),
    }


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table of :func:`decision_error_rates` results."""
    head = (
        "| scenario | n | false label on as-designed cells | withheld | recovery: as designed | "
        "escalation | not known | contested | wrong label on other cells |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        rec = r["recovery"]

        def pct(v: float) -> str:
            return "–" if v != v else f"{100 * v:.1f} %"

        lines.append(
            f"| {r['scenario']} | {r['team_size']} | {pct(r['false_label'])} | {pct(r['withheld'])} | "
            f"{pct(rec['as_designed'])} | {pct(rec['escalation_beyond_design'])} | "
            f"{pct(rec['designed_not_known'])} | {pct(rec['contested'])} | {pct(r['wrong_label'])} |"
        )
    return "\n".join(lines)
