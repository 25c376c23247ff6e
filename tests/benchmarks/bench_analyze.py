"""Benchmark of the offline analysis: CSV parsing, diagnose() and ``aad analyze``.

Not collected by pytest (file name bench_*). Run from the repository root:

    python tests/benchmarks/bench_analyze.py [--sizes 10000 100000 1000000] [--repeat 3]

For each size it simulates respondents of the full instrument in ``size / 20`` teams
(100,000 respondents in 5,000 teams) and ``teams / 50`` units, writes the CSV, then
reports the best of ``repeat`` runs of

* ``read``: :func:`analysis.csv_input.read_responses_csv` (parse + validate),
* ``diagnose``: :func:`analysis.diagnose`,
* ``of which intervals``: the part of ``diagnose`` spent in the statistics that give
  the diagnosis its intervals and cluster-aware tests, timed alone as the diagnosis
  calls them — ICC(1)/ICC(2) with intervals for the three perception scores and
  structure indices, units vs rest at team level, and the cluster bootstrap of both
  driver blocks (1,000 team resamples each); already included in ``diagnose``,
* ``json``: ``to_dict()`` + ``orjson.dumps`` (as ``aad analyze`` writes it),
* ``aad analyze``: the installed command end to end in a fresh process (start-up,
  imports, parsing, diagnosis, JSON written to a file), with its peak resident memory.

Targets (issue 3): ``aad analyze`` on 100,000 respondents in 5,000 teams <= 3 s,
``diagnose()`` alone <= 1 s; 1,000,000 respondents <= 30 s and <= 4 GB; close to linear
growth.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pyarrow.csv as pacsv  # noqa: E402

from analysis.compare import unit_vs_rest  # noqa: E402
from analysis.csv_input import read_responses_csv  # noqa: E402
from analysis.diagnosis import diagnose  # noqa: E402
from analysis.drivers import bootstrap_relative_weights  # noqa: E402
from analysis.icc import icc  # noqa: E402
from analysis.scoring import score_responses  # noqa: E402
from analysis.instrument import load_questionnaire  # noqa: E402
from analysis.simulate import simulate  # noqa: E402
from app.cli.offline import responses_table  # noqa: E402

AAD = str(Path(sys.executable).with_name("aad"))


def best(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def new_statistics(data):
    """The interval and cluster-aware statistics as the diagnosis calls them."""
    scores = score_responses(data)
    teams = data.teams
    for j in range(3):
        icc(scores.perception[:, j], teams)
        icc(scores.structure[:, j], teams)
    if data.units is not None:
        unit_vs_rest(np.column_stack([scores.perception, scores.structure]), teams, data.units)
    y = scores.outcome
    bootstrap_relative_weights(np.column_stack([scores.perception, scores.structure]), y, teams)
    bootstrap_relative_weights(scores.structure_items, y, teams)


def run_cli(csv_path: Path, out: Path):
    """Wall time and peak RSS (MiB) of one ``aad analyze`` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [AAD, "analyze", str(csv_path), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"aad analyze failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    q = load_questionnaire("aligned-autonomy-v1")
    print(
        f"# {time.strftime('%Y-%m-%d')}  {platform.node()}  {os.cpu_count()} CPUs  "
        f"Python {platform.python_version()}  {platform.platform()}"
    )
    print(
        f"{'respondents':>12} {'teams':>7} {'csv MB':>7} {'read s':>7} {'diagnose s':>11} "
        f"{'of which intervals s':>21} {'json s':>7} {'aad analyze s':>14} {'peak MiB':>9}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            teams = max(1, n // 20)
            sim = simulate(q, respondents=n, teams=teams, units=max(1, teams // 50), seed=1)
            csv_path = Path(tmp) / f"r{n}.csv"
            pacsv.write_csv(responses_table(sim.data), str(csv_path))
            del sim
            t_read, data = best(lambda: read_responses_csv(csv_path, q), args.repeat)
            t_diag, diag = best(lambda d=data: diagnose(d), args.repeat)
            t_new, _ = best(lambda d=data: new_statistics(d), args.repeat)
            t_json, _ = best(lambda d=diag: orjson.dumps(d.to_dict()), args.repeat)
            del data, diag
            cli = [run_cli(csv_path, Path(tmp) / "out.json") for _ in range(args.repeat)]
            t_cli, rss = min(c[0] for c in cli), max(c[1] for c in cli)
            size_mb = csv_path.stat().st_size / 1e6
            rows.append((n, t_cli))
            print(
                f"{n:>12,} {teams:>7,} {size_mb:>7.1f} {t_read:>7.2f} {t_diag:>11.2f} "
                f"{t_new:>21.2f} {t_json:>7.2f} {t_cli:>14.2f} {rss:>9.0f}",
                flush=True,
            )
    if len(rows) > 1:
        (n0, t0), (n1, t1) = rows[0], rows[-1]
        print(f"growth of aad analyze from {n0:,} to {n1:,}: x{t1 / t0:.1f} for x{n1 / n0:.0f} respondents")


if __name__ == "__main__":
    main()
