"""Error rates of the invariance verdict (analysis.invariance) on version 2, with the
realistic model's response styles on (acquiescence, halo, leniency): how often scalar
invariance is rejected across two random halves of one population (false alarm), and
how often a planted German anchor shift is detected — two items of one dimension one
step more agreeable for every German respondent, one item only, or two items for half
of the German respondents. Prints the table of docs/methodology.md §19.

    .venv/bin/python tests/benchmarks/bench_invariance_error_rates.py [replications]
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from analysis.invariance import perception_invariance
from analysis.responses import ResponseData
from analysis.simulate import simulate

#: Planted shifts: (items one step more agreeable, share of the German group affected).
SHIFTS = {
    "two items": (("dr_p1", "dr_p3"), 1.0),
    "one item": (("dr_p1",), 1.0),
    "two items, half": (("dr_p1", "dr_p3"), 0.5),
}


def _shifted(data: ResponseData, german: np.ndarray, items: tuple[str, ...], share: float, seed: int) -> ResponseData:
    hit = german & (np.random.default_rng(seed).random(data.n) < share)
    values = data.values.copy()
    for item in items:
        j = data.item_ids.index(item)
        values[:, j] = np.where(hit, np.clip(values[:, j] + 1, 1, 5), values[:, j])
    return replace(data, values=values)


def run(n: int, reps: int) -> dict[str, float]:
    estimable = false_alarm = 0
    detected = dict.fromkeys(SHIFTS, 0)
    for r in range(reps):
        data = simulate("aligned-autonomy-v2", respondents=n, teams=n // 20, units=3, scenario="realistic", seed=r).data
        group = np.where(np.random.default_rng(r).random(data.n) < 0.5, "de", "en")
        res = perception_invariance(data, group)
        if not res.estimable:  # a half below 200 complete answer sets
            continue
        estimable += 1
        false_alarm += res.highest != "scalar"
        for name, (items, share) in SHIFTS.items():
            shifted = _shifted(data, group == "de", items, share, r)
            detected[name] += perception_invariance(shifted, group).highest != "scalar"
    out = {"estimable": estimable / reps, "false alarm": false_alarm / max(estimable, 1)}
    out.update({name: d / max(estimable, 1) for name, d in detected.items()})
    return out


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    print(f"{reps} replications per row")
    print(
        "| respondents (two groups) | estimable | invariant data: scalar rejected "
        + "".join(f"| detected: {name} " for name in SHIFTS)
        + "|"
    )
    print("|---|---|---|" + "---|" * len(SHIFTS))
    for n in (700, 1400):
        rates = run(n, reps)
        print(f"| {n} | " + " | ".join(f"{100 * v:.0f} %" for v in rates.values()) + " |")
