"""Benchmark of the downloadable reports on simulated organizations.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_reports.py [--repeat 2] [--teams 25 500]

For 25 and 500 teams (10 respondents per team, one unit per 20 teams) prints the best
wall-clock and CPU time of ``repeat`` runs and the file size of each format: the PDF
organization report, the team report, XLSX, PPTX and CSV. The diagnosis is computed
once beforehand and not timed. Target: the PDF for 500 teams in at most 15 s. CPU time
is printed as well because wall-clock time rises on a shared, loaded machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.diagnosis import diagnose  # noqa: E402
from analysis.simulate import simulate_responses  # noqa: E402
from app.reports.csv_report import render_report_csv  # noqa: E402
from app.reports.pdf_report import render_report_pdf, render_team_report_pdf  # noqa: E402
from app.reports.pptx_report import render_report_pptx  # noqa: E402
from app.reports.xlsx_report import render_report_xlsx  # noqa: E402


def best(fn, repeat: int):
    """Best (wall, cpu) seconds of ``repeat`` runs and the size of the result."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, len(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--teams", type=int, nargs="+", default=[25, 500])
    args = parser.parse_args()
    print(
        f"# {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    render_report_pdf(diagnose(simulate_responses(respondents=60, teams=6, seed=0)))  # warm up fonts
    print(f"{'teams':>6} {'format':<8} {'wall s':>8} {'cpu s':>8} {'bytes':>10}")
    for teams in args.teams:
        d = diagnose(simulate_responses(respondents=10 * teams, teams=teams, units=max(1, teams // 20), seed=1))
        shown = next(t for t, s in zip(d.teams.labels, d.teams.suppressed) if not s)
        for name, fn in (
            ("pdf", lambda: render_report_pdf(d, organization_name="Benchmark")),
            ("team", lambda: render_team_report_pdf(d, shown)),
            ("xlsx", lambda: render_report_xlsx(d)),
            ("pptx", lambda: render_report_pptx(d)),
            ("csv", lambda: render_report_csv(d)),
        ):
            wall, cpu, size = best(fn, args.repeat)
            print(f"{teams:>6} {name:<8} {wall:>8.2f} {cpu:>8.2f} {size:>10}", flush=True)


if __name__ == "__main__":
    main()
