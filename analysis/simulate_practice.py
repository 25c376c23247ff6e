"""Simulated registers and practice reports with known truth, and the error rates of the
``practice_overrides_design`` finding measured on them (``docs/methodology.md`` §18).

Generative model
----------------
Every team has a register row of six decision types. A share ``above_teams`` of the teams
(a fifth by default) is designed with every decision at the unit or the centre: the design
itself asks for approvals from outside. Their members experience outside approvals often
(ρ 0.60–0.90) — **the confound**: such a team must never be flagged, since the design, not
the practice, places the decisions outside. The other teams have at least one decision
left to the team (``team`` or ``team_with_consent``; the rest at random).

Each member of a team experiences overrides with the team's probability π. A member who
does answers ``dr_s4`` with three or more approvals with probability 0.8 (else none or one
to two) and ``dr_s5`` with an overruling with probability 0.6 (else an agreed route or
"has not happened"); a member who does not experiences still names three or more
approvals, or an overruling, with probability 0.05 each (noise). Each item is skipped
with probability ``missing``. Person tendencies, whatever the team's truth: a tenth of the
members answer "don't know" to both items, one in twenty "my team has no agreed decision
rights" and "don't know", and one in twenty (``complainers``) the worst option of both.

Scenario ``null``: π of the teams with decisions left to them is drawn uniformly from
0.02–0.40, so members' reports of an override are a minority — sometimes a large one —
everywhere. Scenario ``planted``: half of these teams get π 0.60–0.90 instead.

The truth of a team is whether most of its informative members report an override
(ρ ≥ ½ for the mixture of the team's π, the reporting noise, the missing answers and the
person tendencies, computed exactly) — the quantity the verdict estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.practice import FINDING, diagnose_practice

__all__ = ["PracticeWorld", "simulate_practice", "practice_error_rates", "markdown"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_P_APPROVALS, _P_OVERTURNED, _NOISE = 0.8, 0.6, 0.05


@dataclass(frozen=True, eq=False)
class PracticeWorld:
    """A simulated organization: register, the two items' answers and the truth per team."""

    designed: IntArray  # (teams, decisions)
    approvals: FloatArray  # (respondents,) dr_s4 option values, NaN missing
    overturned: FloatArray  # (respondents,) dr_s5 option values, NaN missing
    team: IntArray  # (respondents,)
    team_unit: IntArray  # (teams,)
    rho: FloatArray  # (teams,) true share of informative members reporting an override
    truth: BoolArray  # (teams,) most informative members report an override
    applicable: BoolArray  # (teams,) the design leaves a decision to the team


def _report_probability(p_item: float, missing: float) -> float:
    return p_item * (1.0 - missing)


def simulate_practice(
    rng: np.random.Generator,
    *,
    teams: int = 40,
    units: int = 5,
    team_size: int = 8,
    decisions: int = 6,
    scenario: str = "planted",
    above_teams: float = 0.2,
    missing: float = 0.05,
    dont_know_people: float = 0.1,
    no_rights_people: float = 0.05,
    complainers: float = 0.05,
) -> PracticeWorld:
    """Simulate one organization (see the module docstring)."""
    if scenario not in ("null", "planted"):
        raise ValueError(f"scenario: must be 'null' or 'planted', got {scenario!r}")
    T, D = teams, decisions
    above = rng.random(T) < above_teams
    designed = rng.integers(0, 4, size=(T, D)).astype(np.int64)
    designed[rng.random((T, D)) < 0.15] = -1
    designed[~above, 0] = rng.integers(0, 2, size=int((~above).sum()))  # at least one decision left to the team
    designed[above] = rng.integers(2, 4, size=(int(above.sum()), D))
    pi = np.where(above, rng.uniform(0.60, 0.90, T), rng.uniform(0.02, 0.40, T))
    if scenario == "planted":
        plant = ~above & (rng.random(T) < 0.5)
        pi = np.where(plant, rng.uniform(0.60, 0.90, T), pi)

    # exact reporting probability of a member by experience (an item reports an override
    # when answered and pointing that way; the member is informative when either is answered)
    pa_yes, po_yes = _report_probability(_P_APPROVALS, missing), _report_probability(_P_OVERTURNED, missing)
    pa_no, po_no = _report_probability(_NOISE, missing), _report_probability(_NOISE, missing)
    informative = 1.0 - missing**2
    r_yes = (1.0 - (1.0 - pa_yes) * (1.0 - po_yes)) / informative
    r_no = (1.0 - (1.0 - pa_no) * (1.0 - po_no)) / informative
    ordinary = 1.0 - dont_know_people - no_rights_people - complainers
    rho_team = pi * r_yes + (1.0 - pi) * r_no
    rho = (ordinary * informative * rho_team + complainers) / (ordinary * informative + complainers)

    team = np.repeat(np.arange(T), team_size).astype(np.int64)
    R = len(team)
    experiences = rng.random(R) < pi[team]
    pa = np.where(experiences, _P_APPROVALS, _NOISE)
    po = np.where(experiences, _P_OVERTURNED, _NOISE)
    approvals = np.where(rng.random(R) < pa, rng.integers(3, 5, R), rng.integers(1, 3, R)).astype(np.float64)
    overturned = np.where(rng.random(R) < po, rng.integers(2, 4, R), np.where(rng.random(R) < 0.5, 1, 4)).astype(
        np.float64
    )
    person = rng.random(R)
    dk = person < dont_know_people
    no_rights = (person >= dont_know_people) & (person < dont_know_people + no_rights_people)
    worst = (person >= dont_know_people + no_rights_people) & (person < 1.0 - ordinary + 1e-12)
    approvals = np.where(dk, 6.0, np.where(no_rights, 5.0, np.where(worst, 4.0, approvals)))
    overturned = np.where(dk | no_rights, 5.0, np.where(worst, 3.0, overturned))
    ordinary_member = ~(dk | no_rights | worst)
    approvals = np.where(ordinary_member & (rng.random(R) < missing), np.nan, approvals)
    overturned = np.where(ordinary_member & (rng.random(R) < missing), np.nan, overturned)
    applicable = np.asarray(np.isin(designed, (0, 1)).any(axis=1), dtype=np.bool_)
    return PracticeWorld(
        designed=designed,
        approvals=approvals,
        overturned=overturned,
        team=team,
        team_unit=(np.arange(T) % units).astype(np.int64),
        rho=rho,
        truth=rho >= 0.5,
        applicable=applicable,
    )


def practice_error_rates(
    scenario: str,
    *,
    team_size: int,
    replications: int = 100,
    seed: int = 0,
    teams: int = 40,
    units: int = 5,
    k: int = 5,
) -> dict[str, Any]:
    """Error rates of ``practice_overrides_design`` over ``replications`` worlds.

    ``false_flag``: flagged among applicable teams whose truth is no override;
    ``fdr``: mean over replications of false flags / flags (0 without flags); ``recovery``:
    flagged among teams whose truth is an override; ``flagged_by_design``: flagged among
    the teams whose design leaves nothing to them (the confound; must be 0);
    ``as_designed``: labelled ``practice_as_designed`` among applicable teams without override;
    ``withheld``: not precise or hidden among applicable teams.
    """
    false = fine_total = hits = over_total = by_design = design_total = withheld = applicable_total = 0
    as_designed = 0
    fdrs: list[float] = []
    for r in range(replications):
        w = simulate_practice(
            np.random.default_rng(seed + r), teams=teams, units=units, team_size=team_size, scenario=scenario
        )
        res = diagnose_practice(
            w.approvals, w.overturned, w.team, w.designed, k=k, team_unit=w.team_unit, n_units=units
        )
        flag = res.verdict == FINDING
        fine = w.applicable & ~w.truth
        over = w.applicable & w.truth
        false += int((flag & fine).sum())
        fine_total += int(fine.sum())
        hits += int((flag & over).sum())
        over_total += int(over.sum())
        by_design += int((flag & ~w.applicable).sum())
        design_total += int((~w.applicable).sum())
        as_designed += int(((res.verdict == "practice_as_designed") & fine).sum())
        withheld += int((w.applicable & np.isin(res.verdict, ("not_precise", "hidden"))).sum())
        applicable_total += int(w.applicable.sum())
        fdrs.append(float((flag & fine).sum() / flag.sum()) if flag.any() else 0.0)

    def rate(a: int, b: int) -> float:
        return a / b if b else float("nan")

    return {
        "scenario": scenario,
        "team_size": team_size,
        "replications": replications,
        "false_flag": rate(false, fine_total),
        "fdr": float(np.mean(fdrs)),
        "recovery": rate(hits, over_total),
        "flagged_by_design": rate(by_design, design_total),
        "as_designed": rate(as_designed, fine_total),
        "withheld": rate(withheld, applicable_total),
        "teams_override": over_total,
        "teams_without": fine_total,
        "teams_by_design": design_total,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of :func:`practice_error_rates` results."""

    def pct(v: float) -> str:
        return "–" if v != v else f"{100 * v:.1f} %"

    lines = [
        "| scenario | n | false flag (no override) | FDR | recovery | flagged though the design places "
        "decisions above | as designed recognised | withheld |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scenario']} | {r['team_size']} | {pct(r['false_flag'])} | {pct(r['fdr'])} | "
            f"{pct(r['recovery'])} | {pct(r['flagged_by_design'])} | {pct(r['as_designed'])} | "
            f"{pct(r['withheld'])} |"
        )
    return "\n".join(lines)
