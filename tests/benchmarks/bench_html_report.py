"""Benchmark of the interactive HTML report (target: 500 teams in at most 3 s).

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_html_report.py [--repeat 3]

For 5, 500 and 5,000 teams (20 respondents per team; 500 and 5,000 teams in units of
20 teams, 5 teams without units) it prints the best wall-clock and CPU time of
``repeat`` calls of ``render_report_html`` (figures, tables and template), each on a
fresh diagnosis of the same simulated responses (diagnosing is not timed), the number
of embedded figures and the size of the file.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import plotly  # noqa: E402

from analysis.diagnosis import diagnose  # noqa: E402
from analysis.simulate import simulate_responses  # noqa: E402
from app.reports.html_report import render_report_html  # noqa: E402

CASES = ((5, None), (500, 25), (5_000, 250))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, plotly {plotly.__version__}, "
        f"{platform.machine()}, {platform.processor() or platform.platform()}"
    )
    render_report_html(diagnose(simulate_responses(respondents=60, teams=3, seed=1)))  # warm caches
    for teams, units in CASES:
        data = simulate_responses(respondents=20 * teams, teams=teams, units=units, seed=1)
        wall = cpu = float("inf")
        for _ in range(args.repeat):
            d = diagnose(data)  # a fresh diagnosis: nothing cached from the previous run
            t0, c0 = time.perf_counter(), time.process_time()
            text = render_report_html(d)
            wall = min(wall, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        n_figs = text.count('type="application/json"')
        print(
            f"{teams:>6} teams ({units or 'no'} units): {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
            f"{n_figs:5d} figures, {len(text.encode()) / 1e6:6.1f} MB"
        )


if __name__ == "__main__":
    main()
