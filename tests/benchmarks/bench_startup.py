"""Benchmark of the command line's start-up: ``aad --help`` and a small ``aad analyze``.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_startup.py [--repeat 7]

Writes a CSV of 10,000 simulated respondents in 500 teams (``aad simulate``), then runs
each command ``repeat`` times in a fresh process (after one warm-up run that is not
counted) and prints the best and the median wall time and CPU time (user + system, from
``getrusage(RUSAGE_CHILDREN)``; on a machine shared with other work the CPU time is the
comparable figure), and the modules that the ``--help`` process imported from numpy,
scipy, pyarrow, plotly and pydantic (none: the statistics are imported only by the
sub-command that needs them).

The processes run with compiled bytecode, as an installed package has it: when the
environment turns bytecode off (``PYTHONDONTWRITEBYTECODE``), the benchmark writes it to a
temporary ``PYTHONPYCACHEPREFIX`` during the warm-up instead of compiling every module of
the project on every run.

Targets (issue 16): ``aad --help`` <= 0.2 s; ``aad analyze`` on 10,000 respondents in
500 teams <= 0.5 s end to end.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AAD = str(Path(sys.executable).with_name("aad"))
HEAVY = ("numpy", "scipy", "pyarrow", "plotly", "pydantic", "sqlalchemy", "fastapi")


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports_of_help() -> list[str]:
    code = (
        "import sys\nfrom app.cli import build_parser\nbuild_parser().format_help()\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def report(label: str, argv: list[str], repeat: int, target: float, env: dict[str, str]) -> None:
    run(argv, env)  # warm-up: bytecode, file cache
    runs = [run(argv, env) for _ in range(repeat)]
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    wall, cpu = min(walls), min(cpus)
    print(
        f"{label:<38} wall best {wall:5.2f} s median {statistics.median(walls):5.2f} s  "
        f"cpu best {cpu:5.2f} s median {statistics.median(cpus):5.2f} s  target {target} s: "
        f"wall {'met' if wall <= target else 'MISSED'}, cpu {'met' if cpu <= target else 'MISSED'}",
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
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        report("aad --help", [AAD, "--help"], args.repeat, 0.2, env)
        csv_path, out = Path(tmp) / "r10k.csv", Path(tmp) / "out.json"
        run([AAD, "simulate", "--respondents", "10000", "--teams", "500", "--units", "10", "--out", str(csv_path)], env)
        report(
            "aad analyze (10,000 resp., 500 teams)",
            [AAD, "analyze", str(csv_path), "--out", str(out)],
            args.repeat,
            0.5,
            env,
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
