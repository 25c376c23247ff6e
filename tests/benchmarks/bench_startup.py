"""Benchmark of the command line's start-up: ``aad --help`` and a small ``aad analyze``.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_startup.py [--repeat 7]

Writes a CSV of 10,000 simulated respondents in 500 teams (``aad simulate``), then runs
each command ``repeat`` times in a fresh process and prints the best and the median wall
time with the CPU time (user + system) of the best run, and the modules that the
``--help`` process imported from numpy, scipy, pyarrow, plotly and pydantic (none: the
statistics are imported only by the sub-command that needs them).

Targets (issue 16): ``aad --help`` <= 0.2 s; ``aad analyze`` on 10,000 respondents in
500 teams <= 0.5 s end to end.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AAD = str(Path(sys.executable).with_name("aad"))
HEAVY = ("numpy", "scipy", "pyarrow", "plotly", "pydantic", "sqlalchemy", "fastapi")


def run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def heavy_imports_of_help() -> list[str]:
    code = (
        "import sys\nfrom app.cli import build_parser\nbuild_parser().format_help()\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def report(label: str, argv: list[str], repeat: int, target: float) -> None:
    runs = [run(argv) for _ in range(repeat)]
    wall, cpu = min(runs)
    median = statistics.median(w for w, _ in runs)
    verdict = "met" if wall <= target else "MISSED"
    print(
        f"{label:<38} best {wall:5.2f} s  median {median:5.2f} s  cpu {cpu:5.2f} s  target {target} s: {verdict}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"# {time.strftime('%Y-%m-%d')}  {platform.node()}  {os.cpu_count()} CPUs  "
        f"load {load:.1f}  Python {platform.python_version()}"
    )
    heavy = heavy_imports_of_help()
    print(
        f"modules of numpy/scipy/pyarrow/plotly/pydantic/sqlalchemy/fastapi imported by "
        f"`aad --help`: {len(heavy)}{' (' + ', '.join(heavy[:5]) + ' …)' if heavy else ''}"
    )
    report("aad --help", [AAD, "--help"], args.repeat, 0.2)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, out = Path(tmp) / "r10k.csv", Path(tmp) / "out.json"
        run([AAD, "simulate", "--respondents", "10000", "--teams", "500", "--units", "10", "--out", str(csv_path)])
        report(
            "aad analyze (10,000 resp., 500 teams)",
            [AAD, "analyze", str(csv_path), "--out", str(out)],
            args.repeat,
            0.5,
        )


if __name__ == "__main__":
    main()
