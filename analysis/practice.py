r"""Designed versus reported practice: does the team decide what the register leaves to
it, or do its members report approvals and overrulings from outside (``docs/methodology.md``
§18, "Designed versus reported practice")?

The register says which decision types a team is designed to decide itself (``team``)
or with the consent of the affected teams (``team_with_consent``). Two structure items of
instrument v2 ask the members what happens in practice with exactly these decisions:

* ``dr_s4`` (scale ``approvals_count_v2``): how many decisions that the team's agreed
  decision rights leave to the team still needed approval from outside the team in the
  past month — *None*, *1 to 2*, *3 to 5*, *6 or more*, *my team has no agreed decision
  rights*, *don't know*;
* ``dr_s5`` (scale ``overturned_v2``): how the last decision the team took within its
  own area was changed from outside — *through an agreed route, with reasons*,
  *overruled from above with a reason*, *overruled without a reason*, *has not happened
  in the past year*, *don't know*.

A member **reports an override** when they name three or more outside approvals in the
month (approvals are then a regular part of deciding, not an exception) or say the last
change was an overruling from above (with or without a reason). A member's answers are
**informative** when at least one of the two items has a substantive answer; "don't
know" and "my team has no agreed decision rights" (a gap in knowing the design, shown by
the knowledge figures of the register items, not a practice) are left out.

Verdict per team
----------------
With ``x`` of the team's ``n`` informative members reporting an override, the true share
``ρ`` has the Jeffreys posterior Beta(x + ½, n − x + ½). The team is labelled

* ``practice_overrides_design`` when the design leaves at least one decision type to the
  team, the posterior probability that most members report an override,
  :math:`P_t = P(ρ \ge ½)`, reaches ``min_probability`` (0.75, as for the other verdicts
  of §18), **and** the team belongs to the set of teams selected by the posterior
  expected false discovery rate: teams are taken in decreasing :math:`P_t` while the mean
  of :math:`1 - P_t` over the selected teams stays at or below ``fdr`` (0.05) — the
  Bayesian FDR rule of Newton et al. (2004), which keeps the expected share of wrongly
  flagged teams among the flagged ones bounded however many teams there are;
* ``practice_as_designed`` when :math:`P(ρ < ½)` reaches ``min_probability``;
* ``not_precise`` otherwise;
* ``not_applicable`` when the design leaves no decision type to the team (approvals are
  then what the design asks for, never a finding);
* ``hidden`` when the team's informative count is below ``k``, the team is hidden in the
  main results, or the complementary suppression (:func:`analysis.privacy.suppress_hierarchy`)
  hides it.

Only teams are labelled; no unit or organization figure of this comparison is released.

References
----------
Newton, M. A., Noueiry, A., Sarkar, D., & Ahlquist, P. (2004). Detecting differential
gene expression with a semiparametric hierarchical mixture method. *Biostatistics*, 5(2),
155–176.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import betainc, betaincinv  # type: ignore[import-untyped, unused-ignore]

from analysis.privacy import suppress_hierarchy

__all__ = [
    "APPROVALS_ITEM",
    "OVERTURNED_ITEM",
    "ITEMS",
    "SCALES",
    "VERDICTS",
    "FINDING",
    "PracticeResult",
    "member_reports",
    "designed_to_team",
    "posterior_override",
    "bayes_fdr_select",
    "diagnose_practice",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

APPROVALS_ITEM = "dr_s4"
OVERTURNED_ITEM = "dr_s5"
ITEMS = (APPROVALS_ITEM, OVERTURNED_ITEM)
#: The instrument scales whose options this module reads (instrument v2; v1 asks other questions).
SCALES = {APPROVALS_ITEM: "approvals_count_v2", OVERTURNED_ITEM: "overturned_v2"}
#: Option values: reporting an override / substantive without override.
_APPROVALS_OVERRIDE = (3.0, 4.0)
_APPROVALS_FINE = (1.0, 2.0)
_OVERTURNED_OVERRIDE = (2.0, 3.0)
_OVERTURNED_FINE = (1.0, 4.0)
FINDING = "practice_overrides_design"
VERDICTS = (FINDING, "practice_as_designed", "not_precise", "not_applicable", "hidden")
#: Register codes of the deciders that leave a decision to the team (analysis.decisions.DECIDERS).
_TEAM_CODES = (0, 1)
_PRIOR = 0.5


def member_reports(approvals: npt.ArrayLike, overturned: npt.ArrayLike) -> tuple[BoolArray, BoolArray]:
    """Per member: reports an override, and has an informative answer (module docstring).

    ``approvals`` and ``overturned`` hold the option values of ``dr_s4`` and ``dr_s5``
    (NaN: not answered or not asked).

    >>> over, info = member_reports([1, 3, 5, np.nan, 2], [4, np.nan, np.nan, 3, 5])
    >>> over.tolist(), info.tolist()
    ([False, True, False, True, False], [True, True, False, True, True])
    """
    a = np.asarray(approvals, dtype=np.float64)
    o = np.asarray(overturned, dtype=np.float64)
    over = np.isin(a, _APPROVALS_OVERRIDE) | np.isin(o, _OVERTURNED_OVERRIDE)
    info = over | np.isin(a, _APPROVALS_FINE) | np.isin(o, _OVERTURNED_FINE)
    return over, info


def designed_to_team(designed: npt.ArrayLike) -> BoolArray:
    """Per team: the register leaves at least one decision type to the team.

    ``designed`` are decider codes (teams × decision types; ``-1`` not decided).

    >>> designed_to_team([[0, 3], [2, 3], [-1, 1]]).tolist()
    [True, False, True]
    """
    d = np.asarray(designed, dtype=np.int64)
    return np.asarray(np.isin(d, _TEAM_CODES).any(axis=-1), dtype=np.bool_)


def posterior_override(x: npt.ArrayLike, n: npt.ArrayLike, majority: float = 0.5) -> FloatArray:
    """P(ρ ≥ ``majority``) under the Jeffreys posterior Beta(x + ½, n − x + ½).

    >>> round(float(posterior_override(4, 5)), 4)
    0.9123
    """
    xs = np.asarray(x, dtype=np.float64)
    ns = np.asarray(n, dtype=np.float64)
    return np.asarray(betainc(ns - xs + _PRIOR, xs + _PRIOR, 1.0 - majority), dtype=np.float64)


def bayes_fdr_select(p: npt.ArrayLike, eligible: npt.ArrayLike, fdr: float) -> BoolArray:
    """The largest set of eligible cells, taken in decreasing posterior probability ``p``,
    whose mean posterior probability of being wrong (1 − p) is at most ``fdr``.

    >>> bayes_fdr_select([0.99, 0.5, 0.9, 0.95], [True, True, True, False], 0.1).tolist()
    [True, False, True, False]
    """
    prob = np.asarray(p, dtype=np.float64)
    ok = np.asarray(eligible, dtype=np.bool_) & np.isfinite(prob)
    score = np.where(ok, prob, -np.inf)
    order = np.argsort(-score, kind="stable")
    wrong = 1.0 - np.where(ok, prob, 0.0)[order]
    mean_wrong = np.cumsum(wrong) / np.arange(1, len(order) + 1)
    taken = ok[order] & (mean_wrong <= fdr)
    # the rule takes a prefix: the longest prefix of eligible cells meeting the bound
    last = int(np.max(np.nonzero(taken)[0])) + 1 if taken.any() else 0
    chosen = np.zeros(len(prob), dtype=np.bool_)
    chosen[order[:last]] = True
    return chosen & ok


@dataclass(frozen=True, eq=False)
class PracticeResult:
    """The released comparison per team (arrays over teams).

    ``visible``: released; ``n`` informative members and ``x`` of them reporting an
    override (0 where hidden); ``share`` x / n, ``low``/``high`` the equal-tailed
    ``interval`` Jeffreys interval of ρ and ``probability`` P(ρ ≥ ½) (NaN where hidden or
    not applicable); ``verdict`` one of :data:`VERDICTS`; ``designed_to_team`` whether
    the register leaves a decision to the team (a fact of the register, always shown).
    """

    visible: BoolArray
    n: IntArray
    x: IntArray
    share: FloatArray
    low: FloatArray
    high: FloatArray
    probability: FloatArray
    verdict: npt.NDArray[np.str_]
    designed_to_team: BoolArray
    interval: float

    def to_dict(self) -> dict[str, Any]:
        def num(a: FloatArray) -> list[float | None]:
            return [None if not np.isfinite(v) else float(v) for v in a]

        return {
            "visible": self.visible.tolist(),
            "n": self.n.tolist(),
            "x": self.x.tolist(),
            "share": num(self.share),
            "low": num(self.low),
            "high": num(self.high),
            "probability": num(self.probability),
            "verdict": self.verdict.tolist(),
            "designed_to_team": self.designed_to_team.tolist(),
            "interval": self.interval,
        }


def diagnose_practice(
    approvals: npt.ArrayLike,
    overturned: npt.ArrayLike,
    team: npt.ArrayLike,
    designed: npt.ArrayLike,
    *,
    k: int,
    team_unit: npt.ArrayLike | None = None,
    n_units: int = 0,
    team_hidden: npt.ArrayLike | None = None,
    unit_hidden: npt.ArrayLike | None = None,
    min_probability: float = 0.75,
    fdr: float = 0.05,
    majority: float = 0.5,
    interval: float = 0.9,
) -> PracticeResult:
    """Compare the register's design with the members' reported practice, for all teams at once.

    Parameters
    ----------
    approvals, overturned : array_like of float, shape (n_respondents,)
        Option values of ``dr_s4`` and ``dr_s5`` (NaN where missing or not asked).
    team : array_like of int, shape (n_respondents,)
        Team code of each respondent.
    designed : array_like of int, shape (n_teams, n_decisions)
        The register frozen at launch: decider codes, -1 not decided (all decision types
        of the register, not only those asked).
    k : int
        Minimum number of informative members.
    team_unit, n_units, team_hidden, unit_hidden
        The hierarchy and the groups hidden in the main results (they stay hidden).
    min_probability, fdr, majority, interval
        The verdict rule (module docstring) and the width of the reported interval.
    """
    reg = np.asarray(designed, dtype=np.int64)
    T = reg.shape[0]
    t = np.asarray(team, dtype=np.int64)
    over, info = member_reports(approvals, overturned)
    n = np.bincount(t[info], minlength=T).astype(np.int64)
    x = np.bincount(t[info & over], minlength=T).astype(np.int64)
    has_units = team_unit is not None and n_units > 0
    hs = suppress_hierarchy(
        n,
        np.asarray(team_unit, dtype=np.int64) if has_units else None,
        k=k,
        n_units=int(n_units) if has_units else 0,
        team_hidden=team_hidden,
        unit_hidden=unit_hidden,
    )
    visible = np.asarray(hs.team_visible, dtype=np.bool_) & (n >= k)
    to_team = designed_to_team(reg)
    p = posterior_override(x, n, majority)
    tail = (1.0 - interval) / 2
    low = betaincinv(x + _PRIOR, n - x + _PRIOR, tail)
    high = betaincinv(x + _PRIOR, n - x + _PRIOR, 1.0 - tail)
    applicable = visible & to_team
    flagged = applicable & (p >= min_probability) & bayes_fdr_select(p, applicable & (p >= min_probability), fdr)
    fine = applicable & (1.0 - p >= min_probability)
    verdict = np.where(flagged, FINDING, np.where(fine, "practice_as_designed", "not_precise"))
    verdict = np.where(visible & ~to_team, "not_applicable", verdict)
    verdict = np.where(visible, verdict, np.where(to_team, "hidden", "not_applicable"))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(visible, x / np.maximum(n, 1), np.nan)
    return PracticeResult(
        visible=visible,
        n=np.where(visible, n, 0),
        x=np.where(visible, x, 0),
        share=share,
        low=np.where(visible, low, np.nan),
        high=np.where(visible, high, np.nan),
        probability=np.where(applicable, p, np.nan),
        verdict=np.asarray(verdict, dtype=np.str_),
        designed_to_team=to_team,
        interval=interval,
    )
