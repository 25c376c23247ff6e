r"""The decision register measured against what members believe.

The organization's **decision register** says, per team and decision type, who is
designed to decide: the team alone, the team with the consent of affected teams, the
unit, the centre — or nobody (*not decided*). Survey items generated from the register
ask each member "Who decides … in your team?" with the same options and "don't know".
This module compares the answers with the design (``docs/methodology.md`` §18).

Answers relative to the design
------------------------------
Every answer to a decision item falls into one of four classes:

* ``designed`` — the designed decider;
* ``above`` — a higher level than designed (the member believes escalation is needed
  where the design lets the team decide: the *granted autonomy* and *softened
  hierarchy* patterns);
* ``below`` — a lower level than designed (the member believes the team may decide
  what the design places higher up);
* ``dont_know``.

For a decision that is *not decided* in the register every substantive answer is
tallied as ``above``/``below`` relative to nothing — the cell's verdict is ``no_design``
whatever the answers, and its answer shares show what members assume instead.

Verdict per group and decision type
-----------------------------------
The group's true shares :math:`\pi = (\pi_d, \pi_a, \pi_b, \pi_k)` of the four classes
have the Jeffreys posterior :math:`\text{Dirichlet}(x + \tfrac12)` given the counts
:math:`x`. The *true state* of the cell is

* ``designed_not_known`` when most members don't know (:math:`\pi_k \ge m`), else, among
  the substantive answers (:math:`q = (\pi_d, \pi_a, \pi_b)/(1 - \pi_k)`):
* ``contested`` when two answers are each held by a substantial share
  (:math:`q \ge s` for two classes) or no answer has a majority (:math:`\max q < m`) —
  members disagree;
* otherwise the majority's answer: ``as_designed`` (:math:`q_d \ge m`),
  ``escalation_beyond_design`` (:math:`q_a \ge m`) or ``designed_not_known``
  (:math:`q_b \ge m`, the design is misread downwards),

with the majority bar :math:`m = 1/2` and the substantial share :math:`s = 1/3`. By the
neutrality of the Dirichlet, :math:`\pi_k` is independent of :math:`q`, and :math:`q \sim
\text{Dirichlet}(x_d + \tfrac12, x_a + \tfrac12, x_b + \tfrac12)`. Given a majority
:math:`q_i \ge m`, at most one other answer can reach :math:`s`, so the probability of a
clear majority for :math:`i` is :math:`P(q_i \ge m) - \sum_{j \ne i} P(q_i \ge m, q_j \ge s)`:
a Beta tail area minus two bivariate Dirichlet tails, each a one-dimensional integral
(Gauss–Legendre in the probability scale of :math:`q_i`'s Beta marginal). ``contested``
takes the rest, and the four probabilities add to one. A cell gets its most probable
state when that probability reaches ``min_probability`` (as for the
perception–structure findings, §7); otherwise it is ``not_precise``.

Every count is released under the rules of :mod:`analysis.privacy`: per decision type,
a team, unit or organization cell is shown only when its answered count reaches ``k``
and no cell can be recovered by subtraction (complementary suppression within each
parent; groups hidden in the main results stay hidden).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.privacy import suppress_hierarchy

__all__ = [
    "DECIDERS",
    "NOT_DECIDED",
    "DONT_KNOW",
    "CLASSES",
    "STATES",
    "VERDICTS",
    "STARTER_DECISIONS",
    "DecisionResult",
    "answer_classes",
    "tally",
    "state_probabilities",
    "decide",
    "diagnose_decisions",
]

#: Designed deciders, from the most local to the most central (their codes are 0–3).
DECIDERS = ("team", "team_with_consent", "unit", "central")
#: Register code of a decision type without a designed decider.
NOT_DECIDED = -1
#: Answer code of "don't know" (the deciders are 0–3; a missing answer is negative).
DONT_KNOW = len(DECIDERS)
#: Classes of an answer relative to the design.
CLASSES = ("designed", "above", "below", "dont_know")
#: True states of a cell (the verdict is one of these, or not_precise / no_design / hidden).
STATES = ("as_designed", "escalation_beyond_design", "designed_not_known", "contested")
VERDICTS = STATES + ("no_design", "not_precise", "hidden")

#: The bundled starter catalogue of decision types: id, dimension, English and German
#: name (as it completes "Who decides about … in your team?") and the usual design.
STARTER_DECISIONS = (
    (
        "priorities",
        "decision_rights",
        "the team's priorities within the strategy",
        "die Prioritäten des Teams innerhalb der Strategie",
        "team",
    ),
    ("hiring", "decision_rights", "hiring into the team", "Einstellungen ins Team", "team_with_consent"),
    ("methods", "decision_rights", "the choice of tools and methods", "die Wahl von Werkzeugen und Methoden", "team"),
    ("spending", "decision_rights", "spending up to the team's limit", "Ausgaben bis zum Limit des Teams", "team"),
    (
        "interfaces",
        "decision_rights",
        "changing an interface with another team",
        "Änderungen an einer Schnittstelle zu einem anderen Team",
        "team_with_consent",
    ),
    ("strategy", "direction", "changing the strategy itself", "Änderungen an der Strategie selbst", "central"),
)

Array = npt.NDArray[Any]
_PRIOR = 0.5  # Jeffreys
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)
_GL_NODES, _GL_WEIGHTS = (_GL_NODES + 1) / 2, _GL_WEIGHTS / 2  # on [0, 1]


def answer_classes(answers: npt.ArrayLike, designed: npt.ArrayLike) -> Array:
    """Class code (index into :data:`CLASSES`) of each answer; -1 where missing.

    Parameters
    ----------
    answers : array_like of int, shape (n_respondents, n_decisions)
        Decider code 0–3, :data:`DONT_KNOW`, or negative for a missing answer.
    designed : array_like of int, same shape
        The designed decider of each respondent's team (:data:`NOT_DECIDED` allowed;
        a substantive answer then counts as ``above`` when it names the unit or the
        centre and as ``below`` otherwise).

    >>> answer_classes([[0, 2, 4, -1]], [[0, 0, 3, 1]]).tolist()
    [[0, 1, 3, -1]]
    """
    a = np.asarray(answers, dtype=np.int64)
    d = np.asarray(designed, dtype=np.int64)
    d = np.where(d == NOT_DECIDED, 1.5, d)  # undecided: unit and centre count as above
    cls = np.where(a == d, 0, np.where(a > d, 1, 2))
    cls = np.where(a == DONT_KNOW, 3, cls)
    return np.where(a < 0, -1, cls).astype(np.int64)


def tally(classes: npt.ArrayLike, group: npt.ArrayLike, n_groups: int) -> Array:
    """Counts per group, decision type and class, shape (n_groups, n_decisions, 4).

    One ``bincount`` over group × decision × class; missing answers (-1) are left out.
    """
    c = np.asarray(classes, dtype=np.int64)
    g = np.asarray(group, dtype=np.int64)
    R, D = c.shape
    keep = c >= 0
    flat = (g[:, None] * D + np.arange(D)[None, :]) * len(CLASSES) + c
    counts = np.bincount(flat[keep], minlength=n_groups * D * len(CLASSES))
    return counts.reshape(n_groups, D, len(CLASSES))


def _tail(a: npt.ArrayLike, b: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """P(Beta(a, b) >= x), vectorized."""
    from scipy.special import betainc  # type: ignore[import-untyped, unused-ignore]

    return np.asarray(betainc(b, a, 1.0 - np.asarray(x)))


def _joint_tail(a_i: Array, a_j: Array, a_k: Array, s_i: float, s_j: float) -> Array:
    """P(q_i >= s_i and q_j >= s_j) for q ~ Dirichlet(a_i, a_j, a_k), vectorized.

    Given q_i = x, q_j / (1 - x) ~ Beta(a_j, a_k); the integral over x is taken in the
    probability scale of q_i's Beta(a_i, a_j + a_k) marginal (Gauss–Legendre on
    u = F(x)), which keeps it accurate however peaked the marginal is.
    """
    from scipy.special import betainc, betaincinv  # type: ignore[import-untyped, unused-ignore]

    rest = a_j + a_k
    lo = betainc(a_i, rest, s_i)
    hi = betainc(a_i, rest, 1.0 - s_j)
    width = np.clip(hi - lo, 0.0, None)
    u = lo[..., None] + width[..., None] * _GL_NODES
    x = betaincinv(a_i[..., None], rest[..., None], u)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(np.nan_to_num(s_j / (1.0 - x), nan=1.0, posinf=1.0), 0.0, 1.0)
    inner = _tail(a_j[..., None], a_k[..., None], share)
    return np.asarray(width * (inner * _GL_WEIGHTS).sum(axis=-1))


def state_probabilities(counts: npt.ArrayLike, majority: float = 0.5, substantial: float = 1 / 3) -> Array:
    """Posterior probability of each of :data:`STATES`, shape ``counts.shape[:-1] + (4,)``.

    ``counts[..., c]`` are the class counts (:data:`CLASSES` order). With no answers the
    probabilities are the prior's.

    >>> p = state_probabilities(np.array([5, 0, 0, 0]))
    >>> p.round(3).tolist()
    [0.933, 0.001, 0.004, 0.062]
    """
    c = np.asarray(counts, dtype=np.float64)
    # cells of small groups share few distinct count vectors: compute each once
    x, inverse = np.unique(c.reshape(-1, len(CLASSES)), axis=0, return_inverse=True)
    n = x.sum(axis=-1)
    a = [x[..., i] + _PRIOR for i in range(3)]  # designed, above, below
    p_dk = _tail(x[..., 3] + _PRIOR, n - x[..., 3] + 3 * _PRIOR, majority)
    clear = []
    for i in range(3):  # a majority for answer i and no other answer held by a substantial share
        j, m = [c for c in range(3) if c != i]
        major = _tail(a[i], a[j] + a[m], majority)
        clear.append(
            major
            - _joint_tail(a[i], a[j], a[m], majority, substantial)
            - _joint_tail(a[i], a[m], a[j], majority, substantial)
        )
    q = np.clip(np.stack(clear, axis=-1), 0.0, 1.0)
    rest = 1.0 - p_dk
    contested = rest * np.clip(1.0 - q.sum(axis=-1), 0.0, 1.0)
    p = np.stack([rest * q[..., 0], rest * q[..., 1], p_dk + rest * q[..., 2], contested], axis=-1)
    return p[inverse.reshape(-1)].reshape(c.shape)


def decide(probabilities: npt.ArrayLike, *, min_probability: float) -> tuple[Array, Array]:
    """Index into :data:`STATES` of each cell's most probable state, or -1 (not precise).

    Returns ``(state, probability)``; the probability is that of the most probable state.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    best = p.argmax(axis=-1)
    prob = np.take_along_axis(p, best[..., None], axis=-1)[..., 0]
    return np.where(prob >= min_probability, best, -1), prob


@dataclass(frozen=True, eq=False)
class DecisionResult:
    """Released comparison of the register with the answers, for teams, units and the
    organization (arrays over decision types in the last axis but one).

    ``visible`` says which cells are released; ``n`` are answered counts and
    ``counts`` class counts (…, n_decisions, 4), zero where hidden; ``verdict`` holds
    :data:`VERDICTS` names; ``probability`` the verdict's probability (NaN where no
    state was decided); ``knowledge`` the share answering as designed (NaN where hidden
    or not decided).
    """

    decisions: tuple[str, ...]
    team: dict[str, Array]
    unit: dict[str, Array]
    org: dict[str, Array]

    def to_dict(self) -> dict[str, Any]:
        def part(p: dict[str, Array]) -> dict[str, Any]:
            return {key: (v.tolist() if isinstance(v, np.ndarray) else v) for key, v in p.items()}

        return {
            "decisions": list(self.decisions),
            "classes": list(CLASSES),
            "team": part(self.team),
            "unit": part(self.unit),
            "org": part(self.org),
        }


def _level(
    counts: Array, designed_missing: Array, visible: Array, min_probability: float, majority: float, substantial: float
) -> dict[str, Array]:
    n = counts.sum(axis=-1)
    state, prob = decide(state_probabilities(counts, majority, substantial), min_probability=min_probability)
    names = np.asarray(STATES + ("not_precise",), dtype=object)[state]
    names = np.where(visible, names, "hidden")
    names = np.where(designed_missing, "no_design", names)  # a fact of the register
    prob = np.where(visible & ~designed_missing & (state >= 0), prob, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        knowledge = np.where(visible & ~designed_missing & (n > 0), counts[..., 0] / n, np.nan)
    return {
        "visible": visible,
        "n": np.where(visible, n, 0),
        "counts": np.where(visible[..., None], counts, 0),
        "verdict": names,
        "probability": prob,
        "knowledge": knowledge,
    }


def diagnose_decisions(
    answers: npt.ArrayLike,
    team: npt.ArrayLike,
    designed: npt.ArrayLike,
    *,
    k: int,
    team_unit: npt.ArrayLike | None = None,
    n_units: int = 0,
    team_hidden: npt.ArrayLike | None = None,
    unit_hidden: npt.ArrayLike | None = None,
    min_probability: float = 0.75,
    majority: float = 0.5,
    substantial: float = 1 / 3,
    decisions: Sequence[str] | None = None,
) -> DecisionResult:
    """Compare the register with the answers for every team, unit and the organization.

    Parameters
    ----------
    answers : array_like of int, shape (n_respondents, n_decisions)
        Decider code 0–3, :data:`DONT_KNOW`, or negative for a missing answer.
    team : array_like of int, shape (n_respondents,)
        Team code of each respondent.
    designed : array_like of int, shape (n_teams, n_decisions)
        The register: designed decider code per team, :data:`NOT_DECIDED` for none.
    k : int
        Minimum group size; applied per decision type to the answered counts.
    team_unit, n_units
        Unit of every team (omit without units).
    team_hidden, unit_hidden : array_like of bool, optional
        Groups hidden in the main results; they stay hidden here.
    min_probability, majority : float
        Verdict rule (module docstring).
    substantial : float
        Share from which a second answer makes the cell contested.
    decisions : sequence of str, optional
        Ids of the decision types, for the result.
    """
    reg = np.asarray(designed, dtype=np.int64)
    T, D = reg.shape
    t = np.asarray(team, dtype=np.int64)
    a = np.asarray(answers, dtype=np.int64).reshape(len(t), D)
    counts = tally(answer_classes(a, reg[t]), t, T)
    has_units = team_unit is not None and n_units > 0
    unit = np.asarray(team_unit, dtype=np.int64) if has_units else np.zeros(T, dtype=np.int64)
    U = int(n_units) if has_units else 0

    # Units and the organization compare each member's answer with their own team's
    # design; answers in teams without a designed decider are shown for the team (what
    # its members assume) but enter no aggregate, so suppression runs on the counts of
    # teams with a design and the other teams' cells only need k of their own.
    decided = reg != NOT_DECIDED
    counts_decided = counts * decided[..., None]
    n_decided = counts_decided.sum(axis=-1)
    vis_t = np.zeros((T, D), bool)
    vis_u = np.zeros((U, D), bool)
    vis_o = np.zeros(D, bool)
    for d in range(D):  # a handful of decision types; vectorized over teams and units
        hs = suppress_hierarchy(
            n_decided[:, d],
            unit if has_units else None,
            k=k,
            n_units=U,
            team_hidden=team_hidden,
            unit_hidden=unit_hidden,
        )
        vis_t[:, d], vis_o[d] = hs.team_visible, hs.org_visible
        if U:
            vis_u[:, d] = hs.unit_visible
    own_k = counts.sum(axis=-1) >= k
    if team_hidden is not None:
        own_k &= ~np.asarray(team_hidden, bool)[:, None]
    vis_t = np.where(decided, vis_t, own_k)

    unit_counts = np.zeros((U, D, len(CLASSES)), np.int64)
    unit_decided = np.zeros((U, D), np.int64)
    if U:
        np.add.at(unit_counts, unit, counts_decided)
        np.add.at(unit_decided, unit, decided)

    return DecisionResult(
        decisions=tuple(decisions) if decisions is not None else tuple(f"d{j + 1}" for j in range(D)),
        team=_level(counts, ~decided, vis_t, min_probability, majority, substantial),
        unit=_level(unit_counts, unit_decided == 0, vis_u, min_probability, majority, substantial),
        org=_level(counts_decided.sum(axis=0), ~decided.any(axis=0), vis_o, min_probability, majority, substantial),
    )
