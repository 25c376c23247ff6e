"""Upper bound on the power of any test for a team split into two camps.

The most powerful test (Neyman–Pearson) of "members' levels ~ N(0, v)" against "half the
members at +δ, half at −δ, each ~ N(±δ, v)", for a test that knows the team's mean, the
within-team variance v and δ, and sees the members' latent levels without item noise:
no test the product could run has more power. Its statistic is
Σ log cosh(x_i δ / v); critical values and power by Monte Carlo.

Usage: python scripts/divided_power_bound.py [--camps 0.9 1.2 1.5] [--sizes 12 20]
(``docs/methodology.md`` §17; v = 1 − ICC = 0.85 as in the realistic simulator).
"""

from __future__ import annotations

import argparse

import numpy as np


def power(delta: float, n: int, alpha: float, *, v: float = 0.85, reps: int = 200_000, seed: int = 1) -> float:
    """Power of the Neyman–Pearson test at level ``alpha`` for camps at ±``delta``."""
    rng = np.random.default_rng(seed)
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    null = rng.normal(0.0, np.sqrt(v), (reps, n))
    split = rng.normal(0.0, np.sqrt(v), (reps, n)) + delta * sign
    stat = lambda x: np.log(np.cosh(x * delta / v)).sum(axis=1)  # noqa: E731
    return float((stat(split) > np.quantile(stat(null), 1 - alpha)).mean())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--camps", type=float, nargs="+", default=[0.9, 1.2, 1.5])
    p.add_argument("--sizes", type=int, nargs="+", default=[12, 20])
    args = p.parse_args(argv)
    print("| camps | n | power at α = 0.025 | power at α = 0.05 |\n|---|---|---|---|")
    for delta in args.camps:
        for n in args.sizes:
            print(f"| ±{delta} SD | {n} | {100 * power(delta, n, 0.025):.0f} % | {100 * power(delta, n, 0.05):.0f} % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
