"""Error rates of the verdict on the three-factor model (``diagnosis.cfa["verdict"]``:
"fits", "fits_with_acquiescence", "misfits"; docs/methodology.md §3) on version 2 with
the realistic model's response styles on. In the true world the answers come from the
three dimensions plus acquiescence, halo and leniency, and the verdict should not be
"misfits"; in the planted world two direction items also measure feedback (each
answer is the mean of its own item and a feedback item, with noise: a cross-loading
the model does not have), and the verdict should be "misfits", not a reassuring "fits"
or "fits_with_acquiescence". Prints the table of docs/methodology.md §3.

    .venv/bin/python tests/benchmarks/bench_cfa_verdict.py [replications]
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import numpy as np

from analysis.diagnosis import diagnose
from analysis.responses import ResponseData
from analysis.simulate import simulate

#: Direction items that also measure feedback in the planted world, and their partners.
CROSS = (("dir_p2", "fb_p2"), ("dir_p3", "fb_p3"))
VERDICTS = ("fits", "fits_with_acquiescence", "misfits")


def _cross_loaded(data: ResponseData, seed: int) -> ResponseData:
    rng = np.random.default_rng(seed)
    values = data.values.copy()
    for item, partner in CROSS:
        j, k = data.item_ids.index(item), data.item_ids.index(partner)
        mixed = np.round((values[:, j] + values[:, k]) / 2 + rng.normal(0, 0.5, data.n))
        values[:, j] = np.where(np.isnan(values[:, j]), np.nan, np.clip(mixed, 1, 5))
    return replace(data, values=values)


def run(n: int, reps: int) -> tuple[Counter[str], Counter[str]]:
    true, planted = Counter[str](), Counter[str]()
    for r in range(reps):
        data = simulate("aligned-autonomy-v2", respondents=n, teams=n // 10, units=3, scenario="realistic", seed=r).data
        true[diagnose(data).cfa["verdict"]] += 1
        planted[diagnose(_cross_loaded(data, r)).cfa["verdict"]] += 1
    return true, planted


if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"{reps} replications per row")
    print("| respondents | world | " + " | ".join(VERDICTS) + " |")
    print("|---|---|" + "---|" * len(VERDICTS))
    for n in (300, 1000):
        true, planted = run(n, reps)
        for world, counts in (("three dimensions + response styles", true), ("plus two cross-loading items", planted)):
            print(f"| {n} | {world} | " + " | ".join(f"{100 * counts[v] / reps:.0f} %" for v in VERDICTS) + " |")
