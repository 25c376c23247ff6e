#!/usr/bin/env python3
"""Print the error rates of the engine's verdicts as Markdown tables.

For every scenario (null, realistic, random_units) and team size (5, 8, 12, 20) it
simulates organizations with known truth, diagnoses them (and a second wave) and compares
every verdict with the truth; see ``analysis/error_rates.py`` and the "Simulation" section
of ``docs/methodology.md``. Replication r uses the simulation seed ``--seed + r``.

    python scripts/error_rates.py --replications 200 > rates.md

With ``--decisions`` it measures the decision-register verdicts instead
(``analysis/simulate_decisions.py``; scenarios null and planted).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.error_rates import error_rates, markdown  # noqa: E402
from analysis.simulate import Confounds  # noqa: E402
from analysis import simulate_decisions  # noqa: E402


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "analysis"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out + (" (analysis/ modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replications", type=int, default=200, metavar="R")
    p.add_argument("--team-sizes", type=int, nargs="+", default=[5, 8, 12, 20], metavar="N")
    p.add_argument(
        "--scenarios",
        nargs="+",
        default=["null", "realistic", "random_units"],
        choices=["null", "realistic", "random_units"],
    )
    p.add_argument("--teams", type=int, default=40, metavar="T")
    p.add_argument("--units", type=int, default=5, metavar="U", help="0: no unit level")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument("--icc", type=float, default=0.15)
    p.add_argument("--no-confounds", action="store_true", help="switch every confound off")
    p.add_argument("--no-waves", action="store_true", help="skip the second wave")
    p.add_argument(
        "--margin",
        type=float,
        nargs=2,
        default=None,
        metavar=("P", "S"),
        help="planted patterns this many points inside their perception and structure bands "
        "(default 15 20; 5 8 for patterns just inside)",
    )
    p.add_argument(
        "--camp",
        type=float,
        default=None,
        metavar="SD",
        help="camps of the planted divided team at ±SD of the perception level (default 0.9)",
    )
    p.add_argument(
        "--decisions", action="store_true", help="the decision-register verdicts (scenarios null and planted)"
    )
    p.add_argument(
        "--practice",
        action="store_true",
        help="the designed-versus-reported practice finding and the fact-sheet indicator",
    )
    args = p.parse_args(argv)
    if args.decisions:
        return _decisions(args)
    if args.practice:
        return _practice(args)
    confounds = Confounds.none() if args.no_confounds else Confounds()
    t0 = time.perf_counter()
    print(
        f"# Error rates of the verdicts ({date.today().isoformat()}, engine {_commit()}, "
        f"Python {platform.python_version()}, {platform.machine()})\n"
    )
    print(
        f"{args.teams} teams of fixed size n"
        + (f" in {args.units} units" if args.units else "")
        + f"; {args.replications} replications per cell, seeds {args.seed}…"
        f"{args.seed + args.replications - 1}; ICC {args.icc}; confounds "
        f"{confounds.to_dict()}; planted patterns {tuple(args.margin or (15, 20))} points inside "
        f"their perception and structure bands, divided camps at ±{args.camp or 0.9} SD; diagnose() defaults (k = 5, Holm, min |d| 0.5); "
        + (
            "no second wave."
            if args.no_waves
            else "second wave: no change (null, random_units) or a tenth of the teams "
            "changed by ±1 team-level SD in one dimension (realistic)."
        )
        + "\n"
    )
    results = []
    for scenario in args.scenarios:
        for n in args.team_sizes:
            results.append(
                error_rates(
                    scenario,
                    team_size=n,
                    teams=args.teams,
                    units=args.units or None,
                    replications=args.replications,
                    seed=args.seed,
                    confounds=confounds,
                    icc=args.icc,
                    waves=not args.no_waves,
                    margin=args.margin,
                    camp=args.camp,
                )
            )
            print(f"  {scenario} n={n}: {results[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    print(markdown(results))
    print(f"Total run time {time.perf_counter() - t0:.0f} s.")
    return 0


def _decisions(args) -> int:
    t0 = time.perf_counter()
    print(f"# Error rates of the decision-register verdicts ({date.today().isoformat()}, engine {_commit()})\n")
    print(
        f"{args.teams} teams of fixed size n in {args.units} units, six decision types (a fifth not decided); "
        f"{args.replications} replications per cell, seeds {args.seed}…{args.seed + args.replications - 1}; "
        "k = 5, min_probability 0.75.\n"
    )
    rows = []
    for scenario in ("null", "planted"):
        for n in args.team_sizes:
            rows.append(
                simulate_decisions.decision_error_rates(
                    scenario,
                    team_size=n,
                    replications=args.replications,
                    seed=args.seed,
                    teams=args.teams,
                    units=args.units or 1,
                )
            )
            print(f"  {scenario} n={n}", file=sys.stderr, flush=True)
    print(simulate_decisions.markdown(rows))
    print(f"\nCells per state (last row): {rows[-1]['cells']}. Total run time {time.perf_counter() - t0:.0f} s.")
    return 0


def _practice(args) -> int:
    from analysis import simulate_facts, simulate_practice

    print(
        f"# Designed versus reported practice, and the fact-sheet indicator ({date.today().isoformat()}, "
        f"engine {_commit()})\n"
    )
    print(
        f"{args.teams} teams of fixed size n in {args.units or 5} units; {args.replications} replications per "
        f"cell, seeds {args.seed}…{args.seed + args.replications - 1}; k = 5.\n"
    )
    rows = [
        simulate_practice.practice_error_rates(
            s, team_size=n, replications=args.replications, seed=args.seed, teams=args.teams, units=args.units or 5
        )
        for s in ("null", "planted")
        for n in args.team_sizes
    ]
    print(simulate_practice.markdown(rows) + "\n")
    facts = [
        simulate_facts.fact_error_rates(
            s, team_size=n, replications=args.replications, seed=args.seed, teams=args.teams, units=args.units or 5
        )
        for s in ("null", "planted")
        for n in args.team_sizes
    ]
    print(simulate_facts.markdown(facts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
