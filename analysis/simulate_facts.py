"""Simulated team fact sheets and members' answers with known truth, and the error rates
of the fact-sheet agreement indicator (:mod:`analysis.fact_agreement`) measured on them
(``docs/methodology.md`` §18, "Team fact sheet").

Generative model
----------------
Each team has, per compared fact (written goals, a decision record, decisions reviewed at
least quarterly), a true state: the fact holds with probability 0.6. Members see a fact
that holds with probability π drawn uniformly from 0.65–0.95 and one that does not with
π from 0.05–0.35; a member who sees it answers one of the item's options that state the
fact (at random), else one that does not. Person tendencies: a tenth of the members answer
"don't know" to the three items (which counts as not saying so — the confound that pulls a
true "yes" towards the majority bar), and every answer is missing with probability 0.05.
The answers go through the real question-level results (:func:`analysis.items.item_results`,
k and complementary suppression included) and :func:`analysis.fact_agreement.agreement`.

Scenario ``null``: every sheet states the truth. Scenario ``planted``: in half of the teams
the sheet claims written goals and a decision record that do not exist (the members do not
see them); the rest state the truth.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.fact_agreement import FACTS, agreement
from analysis.items import item_results
from analysis.responses import ResponseData

__all__ = ["simulate_fact_sheets", "fact_error_rates", "markdown"]

#: Option values per compared item: stating the fact, not stating it, don't know.
_OPTIONS = {"dir_s4": ((1, 2), (3,), 4), "fb_s2": ((1, 2), (3,), 4), "fb_s1": ((1, 2), (3, 4), 5)}
_INSTRUMENT = "aligned-autonomy-v2"


def simulate_fact_sheets(
    rng: np.random.Generator,
    *,
    teams: int = 40,
    units: int = 5,
    team_size: int = 8,
    scenario: str = "planted",
    dont_know_people: float = 0.1,
    missing: float = 0.05,
) -> dict[str, Any]:
    """One organization: ``data`` (ResponseData), ``labels``, ``stated`` (teams × facts,
    1/0), ``truth`` (teams × facts: the fact holds) and ``planted`` (the sheet claims a
    fact that does not hold)."""
    if scenario not in ("null", "planted"):
        raise ValueError(f"scenario: must be 'null' or 'planted', got {scenario!r}")
    F = len(FACTS)
    truth = rng.random((teams, F)) < 0.6
    pi = np.where(truth, rng.uniform(0.65, 0.95, (teams, F)), rng.uniform(0.05, 0.35, (teams, F)))
    stated = truth.astype(float)
    planted = np.zeros((teams, F), bool)
    if scenario == "planted":
        lie = rng.random(teams) < 0.5
        for j in (0, 1):  # written goals and the decision record
            planted[:, j] = lie & ~truth[:, j]
            stated[:, j] = np.where(lie, 1.0, stated[:, j])
            # members do not see what is claimed but absent
            pi[:, j] = np.where(planted[:, j], rng.uniform(0.05, 0.35, teams), pi[:, j])
    team = np.repeat(np.arange(teams), team_size)
    R = len(team)
    dk = rng.random(R) < dont_know_people
    answers: dict[str, np.ndarray] = {}
    for j, (_, item, _) in enumerate(FACTS):
        yes, no, dont_know = _OPTIONS[item]
        sees = rng.random(R) < pi[team, j]
        value = np.where(sees, rng.choice(np.array(yes), R), rng.choice(np.array(no), R)).astype(float)
        value = np.where(dk, float(dont_know), value)
        answers[item] = np.where(rng.random(R) < missing, np.nan, value)
    labels = [f"T{t:03d}" for t in range(teams)]
    data = ResponseData.from_columns(
        _INSTRUMENT,
        team=np.array(labels)[team],
        answers=answers,
        unit=np.array([f"U{t % units}" for t in range(teams)])[team],
    )
    return {"data": data, "labels": labels, "stated": stated, "truth": truth, "planted": planted}


def fact_error_rates(
    scenario: str, *, team_size: int, replications: int = 50, seed: int = 0, teams: int = 40, units: int = 5, k: int = 5
) -> dict[str, Any]:
    """Rates of the indicator over ``replications`` worlds: ``false_differs`` (*differs*
    on a sheet that states the truth, among shown cells), ``recovery`` (*differs* on a
    planted claim, among shown planted cells), ``not_shown`` (share of all cells without
    a released member figure)."""
    false = consistent = hits = planted_total = hidden = cells = 0
    for r in range(replications):
        w = simulate_fact_sheets(
            np.random.default_rng(seed + r), teams=teams, units=units, team_size=team_size, scenario=scenario
        )
        items = item_results(w["data"], min_group_size=k)
        _, state = agreement(items, w["labels"], w["stated"])
        shown = np.isin(state, ("agree", "disagree"))
        ok = shown & ~w["planted"]
        false += int((ok & (state == "disagree")).sum())
        consistent += int(ok.sum())
        bad = shown & w["planted"]
        hits += int((bad & (state == "disagree")).sum())
        planted_total += int(bad.sum())
        hidden += int((~shown).sum())
        cells += state.size

    def rate(a: int, b: int) -> float:
        return a / b if b else float("nan")

    return {
        "scenario": scenario,
        "team_size": team_size,
        "replications": replications,
        "false_differs": rate(false, consistent),
        "recovery": rate(hits, planted_total),
        "not_shown": rate(hidden, cells),
        "cells_consistent": consistent,
        "cells_planted": planted_total,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of :func:`fact_error_rates` results."""

    def pct(v: float) -> str:
        return "–" if v != v else f"{100 * v:.1f} %"

    lines = [
        "| scenario | n | *differs* on a true sheet | *differs* on a planted claim | not shown |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['scenario']} | {r['team_size']} | {pct(r['false_differs'])} | {pct(r['recovery'])} | "
        f"{pct(r['not_shown'])} |"
        for r in rows
    ]
    return "\n".join(lines)
