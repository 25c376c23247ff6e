"""Error rates of the ``divergent`` label of the top-priority consensus
(analysis.consensus): the share of teams labelled on null data and the share of planted
teams found, at several team sizes. Prints the table of docs/error_rates.md.

    .venv/bin/python tests/benchmarks/bench_consensus_error_rates.py [replications]
"""

from __future__ import annotations

import sys

import numpy as np

from analysis.consensus import priority_consensus

BASE = np.array([0.40, 0.25, 0.15, 0.12, 0.08])  # the organization's reading
OTHER = np.array([0.10, 0.15, 0.55, 0.12, 0.08])  # a planted team reading the direction differently
TEAMS = 12


def rates(size: int, reps: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(1000 + size)
    labels = [f"T{i}" for i in range(TEAMS)]
    team = np.repeat(np.arange(TEAMS), size)
    false_null = false_planted = found = 0
    for r in range(reps):
        choice = rng.choice(5, size=team.size, p=BASE) + 1.0
        res = priority_consensus(choice, team, n_priorities=5, team_labels=labels, k=5, seed=r)
        false_null += sum(t["finding"] == "divergent" for t in res.teams)
        choice[team == 0] = rng.choice(5, size=size, p=OTHER) + 1.0
        res = priority_consensus(choice, team, n_priorities=5, team_labels=labels, k=5, seed=r)
        found += res.teams[0]["finding"] == "divergent"
        false_planted += sum(t["finding"] == "divergent" for t in res.teams[1:])
    return false_null / (reps * TEAMS), false_planted / (reps * (TEAMS - 1)), found / reps


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print("| team size | null: teams labelled divergent | planted world: other teams labelled | planted team found |")
    print("|---|---|---|---|")
    for size in (6, 10, 20, 40):
        a, b, c = rates(size, reps)
        print(f"| {size} | {100 * a:.1f} % | {100 * b:.1f} % | {100 * c:.1f} % |")
