"""Benchmark of the agreement indices and the ICC on large synthetic surveys.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_agreement.py [--repeat 5]

Prints the best wall-clock time of ``repeat`` runs for rwg_j, rwg_star_j, awg, ad_m
(mean and median), rwg, icc, the critical-value lookup and agreement_test on 100,000
respondents x 6 items in 5,000 groups and 1,000,000 respondents x 6 items in 50,000
groups (5-point answers, ~2 % missing, integer team ids in random order). Times include
group encoding and input validation. The critical values are cached per null, item set
and level: the best-of times are for a warm cache; the first call of the process, which
runs the Monte Carlo simulation, is printed separately ("cold").

Also the statistics added for intervals and cluster-aware tests: ``icc`` (which now
includes its confidence intervals), ``group_reliability`` for every team, ``unit_vs_rest``
(teams in units of 50 teams, 6 variables) and ``bootstrap_relative_weights`` with its
default 1,000 team resamples for 6 and 13 predictors (the two driver blocks of the
diagnosis).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis import agreement_null  # noqa: E402
from analysis.agreement import ad_m, agreement_test, awg, rwg, rwg_j, rwg_star_j  # noqa: E402
from analysis.agreement_null import critical_values  # noqa: E402
from analysis.compare import unit_vs_rest  # noqa: E402
from analysis.drivers import bootstrap_relative_weights  # noqa: E402
from analysis.icc import group_reliability, icc  # noqa: E402


def make_survey(n: int, n_items: int, n_groups: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, n_groups, size=n)
    team_effect = rng.normal(0, 0.6, size=n_groups)[groups]
    raw = 3 + team_effect[:, None] + rng.normal(0, 1, size=(n, n_items))
    items = np.clip(np.rint(raw), 1, 5)
    items[rng.random(items.shape) < 0.02] = np.nan
    return items, groups


def best_time(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def cold_time(fn) -> float:
    """One call with the critical-value cache emptied first."""
    agreement_null._mc_critical_m.cache_clear()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, {platform.processor() or platform.platform()}"
    )
    for n, n_groups in ((100_000, 5_000), (1_000_000, 50_000)):
        items, groups = make_survey(n, 6, n_groups)
        score = np.nanmean(items, axis=1)
        sizes = np.bincount(groups, minlength=n_groups)
        units = groups // 50
        rng = np.random.default_rng(2)
        X13 = items[:, :1] + rng.normal(size=(n, 13))
        X6 = X13[:, :6]
        outcome = np.nanmean(items, axis=1) + rng.normal(size=n)
        res = icc(score, groups)
        runs = {
            "rwg_j": lambda: rwg_j(items, groups, scale_points=5),
            "rwg_j (slight)": lambda: rwg_j(items, groups, scale_points=5, null="slight_skew"),
            "rwg_star_j": lambda: rwg_star_j(items, groups, scale_points=5),
            "awg": lambda: awg(items, groups, scale_min=1, scale_max=5),
            "ad_m (mean)": lambda: ad_m(items, groups),
            "ad_m (median)": lambda: ad_m(items, groups, center="median"),
            "rwg (1 item)": lambda: rwg(items[:, 0], groups, scale_points=5),
            "icc": lambda: icc(score, groups),
            "critical values": lambda: critical_values(sizes, scale_points=5, n_items=6, null="slight_skew"),
            "agreement_test": lambda: agreement_test(items, groups, scale_points=5, null="slight_skew"),
            "group_reliability": lambda: group_reliability(sizes, res),
            "unit_vs_rest (6 vars)": lambda: unit_vs_rest(items, groups, units),
            "bootstrap_relative_weights (6)": lambda: bootstrap_relative_weights(X6, outcome, groups),
            "bootstrap_relative_weights (13)": lambda: bootstrap_relative_weights(X13, outcome, groups),
        }
        print(f"\n{n:>9,} respondents x 6 items, {n_groups:,} groups (best of {args.repeat})")
        for name, fn in runs.items():
            print(f"  {name:<32} {best_time(fn, args.repeat) * 1e3:9.1f} ms")
        for name in ("critical values", "agreement_test"):
            print(f"  {name + ' (cold)':<32} {cold_time(runs[name]) * 1e3:9.1f} ms")


if __name__ == "__main__":
    main()
