"""Error rates of the invariance verdict (analysis.invariance) on version 2: how often
scalar invariance is rejected across two random halves of one population (false
alarm), and how often a planted German anchor shift (two items of one dimension one
step more agreeable in one group) is detected. Prints the table of docs/error_rates.md.

    .venv/bin/python tests/benchmarks/bench_invariance_error_rates.py [replications]
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from analysis.invariance import perception_invariance
from analysis.simulate import simulate
from analysis.simulate_model import Confounds


def run(n: int, reps: int) -> tuple[float, float, float]:
    false_alarm = detected = estimable = 0
    for r in range(reps):
        data = simulate(
            "aligned-autonomy-v2",
            respondents=n,
            teams=n // 20,
            units=3,
            scenario="realistic",
            seed=r,
            confounds=Confounds.none(),
        ).data
        group = np.where(np.random.default_rng(r).random(data.n) < 0.5, "de", "en")
        res = perception_invariance(data, group)
        if not res.estimable:  # a half below 200 complete answer sets
            continue
        estimable += 1
        false_alarm += res.highest != "scalar"
        values = data.values.copy()
        for item in ("dr_p1", "dr_p3"):
            j = data.item_ids.index(item)
            values[:, j] = np.where(group == "de", np.clip(values[:, j] + 1, 1, 5), values[:, j])
        detected += perception_invariance(replace(data, values=values), group).highest != "scalar"
    return estimable / reps, false_alarm / max(estimable, 1), detected / max(estimable, 1)


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print("| respondents (two groups) | estimable | invariant data: scalar rejected | planted anchor shift: detected |")
    print("|---|---|---|---|")
    for n in (700, 1400):
        a, b, c = run(n, reps)
        print(f"| {n} | {100 * a:.0f} % | {100 * b:.0f} % | {100 * c:.0f} % |")
