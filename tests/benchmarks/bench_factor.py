"""Benchmark of the confirmatory factor analysis and the reliability coefficients.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_factor.py [--repeat 3]

Prints the best wall-clock time of ``repeat`` runs of ``cfa`` on the product's
three-factor perception model (3 dimensions x 5 items, 5-point answers, one reverse-keyed
item per dimension) for n = 1,000, 100,000 and 1,000,000 respondents, split into the
covariance step and the ML fit on the 15 x 15 matrix; and of ``cronbach_alpha`` /
``omega_total`` on one 5-item dimension with ~2 % missing answers (pairwise policy).
The fit costs the same for every n; only the covariance matrix grows with n.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.factor import _fit_ml, _parse_model, cfa  # noqa: E402
from analysis.reliability import cronbach_alpha, omega_total  # noqa: E402

DIMS = ("direction", "decision_rights", "feedback")
MODEL = {d: [f"{d}_{j}" for j in range(1, 6)] for d in DIMS}
NAMES = [name for items in MODEL.values() for name in items]


def make_survey(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    phi = np.array([[1, 0.45, 0.35], [0.45, 1, 0.4], [0.35, 0.4, 1]])
    eta = rng.standard_normal((n, 3)) @ np.linalg.cholesky(phi).T
    lam = np.array([0.78, 0.72, 0.66, 0.58, 0.62])
    cols = []
    for f in range(3):
        ystar = eta[:, [f]] * lam + rng.standard_normal((n, 5)) * np.sqrt(1 - lam**2)
        y = np.digitize(ystar, [-1.6, -0.7, 0.1, 1.0]) + 1.0
        y[:, 4] = 6 - y[:, 4]
        cols.append(y)
    return np.hstack(cols)


def best_time(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{platform.processor() or platform.platform()}"
    )
    print(f"best of {args.repeat} runs")
    _, _, pattern, markers = _parse_model(MODEL)
    for n in (1_000, 100_000, 1_000_000):
        x = make_survey(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            t_cfa = best_time(lambda: cfa(x, MODEL, names=NAMES), args.repeat)
            res = cfa(x, MODEL, names=NAMES)
        xc = x - x.mean(axis=0)
        s = xc.T @ xc / n
        t_fit = best_time(lambda: _fit_ml(s, pattern, markers), args.repeat)
        print(
            f"cfa  n={n:>9,}  p=15  total {t_cfa * 1e3:8.1f} ms   of which ML fit on 15x15 "
            f"{t_fit * 1e3:6.1f} ms   (chisq={res.chisq:.1f}, df={res.df}, "
            f"CFI={res.cfi:.3f}, iterations={res.iterations})"
        )
    for n in (1_000, 100_000, 1_000_000):
        dim = make_survey(n)[:, :5]
        dim[:, 4] = 6 - dim[:, 4]
        dim[np.random.default_rng(2).random(dim.shape) < 0.02] = np.nan
        t_a = best_time(lambda: cronbach_alpha(dim), args.repeat)
        t_o = best_time(lambda: omega_total(dim), args.repeat)
        print(
            f"reliability n={n:>9,}  k=5 pairwise  cronbach_alpha {t_a * 1e3:7.1f} ms   omega_total {t_o * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
