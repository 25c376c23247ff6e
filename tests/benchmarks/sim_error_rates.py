"""Simulation studies behind the error rates stated in ``docs/methodology.md``.

Not collected by pytest (the test suite runs smaller versions of each study with
assertions). Run from the repository root:

    python tests/benchmarks/sim_error_rates.py [icc] [units] [waves] [drivers]

* ``icc``: coverage of the ICC(1) and ICC(2) intervals (:func:`analysis.icc.icc`) for
  15 teams of 8 and 50 teams of 5-20 members, true ICC(1) 0.05 and 0.20, normal data,
  20,000 data sets each (§5).
* ``units``: family-wise error rate (Holm) and false discovery rate (BH) of
  :func:`analysis.compare.unit_vs_rest` when teams with real team effects are put into
  units at random, and its power for a planted unit effect; the respondent-level test
  (:func:`analysis.compare.group_vs_rest`) on the same data for comparison (§9).
* ``waves``: every team of a simulated organization split at random into two "waves"
  (no change): share of comparisons with any flagged change and FDR of
  :func:`analysis.waves.compare_waves`, and recovery of a planted change (§16).
* ``drivers``: coverage of the cluster-bootstrap intervals of the relative weights
  (:func:`analysis.drivers.bootstrap_relative_weights`) against the population weights,
  and how often the top predictor is called distinguishable (§11).

Every study has a fixed seed, so the printed figures are reproducible.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.icc import icc  # noqa: E402


def header() -> None:
    print(
        f"# {time.strftime('%Y-%m-%d')}  {platform.node()}  {os.cpu_count()} CPUs  "
        f"Python {platform.python_version()}  numpy {np.__version__}"
    )


# ------------------------------------------------------------------------------- ICC


def icc_coverage(sizes, rho, reps, seed, confidence=0.95):
    rng = np.random.default_rng(seed)
    sizes = np.asarray(sizes)
    groups = np.repeat(np.arange(sizes.size), sizes)
    N, G = int(sizes.sum()), sizes.size
    n0 = (N - (sizes**2).sum() / N) / (G - 1)
    lam = n0 * rho / (1 + (n0 - 1) * rho)
    hit1 = hit2 = 0
    low1 = high1 = 0
    width = []
    for _ in range(reps):
        y = rng.normal(size=G)[groups] * np.sqrt(rho) + rng.normal(size=N) * np.sqrt(1 - rho)
        r = icc(y, groups, confidence=confidence)
        hit1 += r.icc1_ci_low <= rho <= r.icc1_ci_high
        low1 += rho < r.icc1_ci_low
        high1 += rho > r.icc1_ci_high
        hit2 += r.icc2_ci_low <= lam <= r.icc2_ci_high
        width.append(r.icc1_ci_high - r.icc1_ci_low)
    return hit1 / reps, low1 / reps, high1 / reps, hit2 / reps, float(np.median(width)), n0


def run_icc(reps: int = 20_000) -> None:
    print(f"\n## ICC intervals: coverage over {reps:,} normal data sets per design (95 %)")
    print(f"{'design':<22}{'rho':>6}{'n0':>7}{'ICC(1)':>9}{'miss <':>8}{'miss >':>8}{'ICC(2)':>9}{'median width':>14}")
    unbalanced = np.random.default_rng(7).integers(5, 21, size=50)
    for name, sizes in (("15 teams x 8", [8] * 15), ("50 teams x 5-20", unbalanced)):
        for rho in (0.05, 0.20):
            c1, lo, hi, c2, w, n0 = icc_coverage(sizes, rho, reps, seed=2024)
            print(f"{name:<22}{rho:>6.2f}{n0:>7.2f}{c1:>9.3f}{lo:>8.3f}{hi:>8.3f}{c2:>9.3f}{w:>14.3f}")


# ----------------------------------------------------------------------------- units


def team_sums(rng, sizes, icc=0.15, V=6, corr=0.4, effect=None):
    """Per-team n, sum and sum of squares of V normal variables (respondent variance 1,
    a share ``icc`` between teams), drawn from their exact distributions; ``effect``
    (T, V) is added to every member of a team."""
    T = sizes.size
    C = np.full((V, V), corr) + (1 - corr) * np.eye(V)
    L = np.linalg.cholesky(C)
    u = np.sqrt(icc) * rng.normal(size=(T, V)) @ L.T
    if effect is not None:
        u = u + effect
    n = np.repeat(sizes[:, None].astype(float), V, axis=1)
    ebar = np.sqrt(1 - icc) * (rng.normal(size=(T, V)) @ L.T) / np.sqrt(n)
    mean = u + ebar
    within = (1 - icc) * rng.chisquare(np.maximum(n - 1, 1))
    within = np.where(n > 1, within, 0.0)
    return n, n * mean, within + n * mean**2


def unit_study(units, teams_per_unit, reps, seed, delta=0.0, total_teams=None):
    """Rates over ``reps`` diagnoses with random groupings of teams into units."""
    from analysis.compare import compare_units_with_rest, compare_with_rest, grouped_sums

    rng = np.random.default_rng(seed)
    T = total_teams or units * teams_per_unit
    labels = [f"U{u}" for u in range(units)]
    names = [str(j) for j in range(6)]
    out = {
        k: 0.0
        for k in (
            "holm_any",
            "holm_any_raw",
            "bh_any",
            "bh_fdp",
            "resp_raw",
            "resp_flags",
            "resp_any",
            "power_holm",
            "power_bh",
            "power_raw",
            "team_raw",
        )
    }
    for _ in range(reps):
        sizes = rng.integers(4, 21, size=T)
        team_unit = rng.permutation(np.arange(T) % units)
        effect = None
        if delta:
            effect = np.zeros((T, 6))
            effect[team_unit == 0, 0] = delta
        n, s, ss = team_sums(rng, sizes, effect=effect)
        kw = dict(n_units=units, labels=labels, variables=names)
        holm = compare_units_with_rest(n, s, ss, team_unit, **kw)
        holm0 = compare_units_with_rest(n, s, ss, team_unit, min_effect=0.0, **kw)
        bh = compare_units_with_rest(n, s, ss, team_unit, correction="bh", **kw)
        null = np.ones((units, 6), bool)
        if delta:
            null[:, 0] = False
        out["holm_any"] += (holm.flagged & null).any()
        out["holm_any_raw"] += (holm0.flagged & null).any()
        out["bh_any"] += (bh.flagged & null).any()
        out["bh_fdp"] += (bh.flagged & null).sum() / max(1, bh.flagged.sum())
        out["team_raw"] += np.mean(holm.test.pvalue[null] < 0.05)
        if delta:
            out["power_holm"] += holm.flagged[0, 0]
            out["power_bh"] += bh.flagged[0, 0]
            out["power_raw"] += holm0.flagged[0, 0]
        un, us, uss = (grouped_sums(a, team_unit, units) for a in (n, s, ss))
        resp = compare_with_rest(un, us, uss, labels=labels, variables=names)
        out["resp_raw"] += np.mean(resp.test.pvalue[null] < 0.05)
        out["resp_flags"] += (resp.flagged & null).sum()
        out["resp_any"] += (resp.flagged & null).any()
    return {k: v / reps for k, v in out.items()}


def unit_methods(units, teams_per_unit, reps, seed, total_teams=None, spread=1.0, delta=0.0):
    """Holm family-wise error (no effect-size rule) of Welch's test alone, the pooled test
    alone and the larger of the two p-values; ``spread`` scales unit 0's team means."""
    from scipy import special
    from analysis.compare import adjust_pvalues, grouped_sums, moments

    rng = np.random.default_rng(seed)
    T = total_teams or units * teams_per_unit
    hits = np.zeros(3)
    power = np.zeros(3)
    for _ in range(reps):
        sizes = rng.integers(4, 21, size=T)
        team_unit = rng.permutation(np.arange(T) % units)
        effect = None
        if delta:
            effect = np.zeros((T, 6))
            effect[team_unit == 0, 0] = delta
        n, s, _ = team_sums(rng, sizes, effect=effect)
        tm = s / n
        tm[team_unit == 0] *= spread
        k, a, b = (grouped_sums(x, team_unit, units) for x in (np.ones_like(tm), tm, tm * tm))
        rk, ra, rb = k.sum(0) - k, a.sum(0) - a, b.sum(0) - b
        m1, v1 = moments(k, a, b)
        m2, v2 = moments(rk, ra, rb)
        se2 = v1 / k + v2 / rk
        df = se2**2 / ((v1 / k) ** 2 / (k - 1) + (v2 / rk) ** 2 / (rk - 1))
        p_w = 2 * special.stdtr(df, -np.abs(m1 - m2) / np.sqrt(se2))
        sp = ((k - 1) * v1 + (rk - 1) * v2) / (k + rk - 2)
        p_p = 2 * special.stdtr(k + rk - 2, -np.abs(m1 - m2) / np.sqrt(sp * (1 / k + 1 / rk)))
        null = np.ones((units, 6), bool)
        if delta:
            null[:, 0] = False
        for i, p in enumerate((p_w, p_p, np.maximum(p_w, p_p))):
            flag = adjust_pvalues(p) < 0.05
            hits[i] += (flag & null).any()
            power[i] += flag[0, 0]
    return hits / reps, power / reps


def run_units(reps: int = 4000) -> None:
    print(f"\n## Units vs rest: teams (ICC 0.15, 4-20 members) put into units at random, {reps:,} diagnoses each")
    print("   6 variables (3 dimensions x perception/structure, correlated 0.4); alpha 0.05, min |d| 0.5")
    print("   power: unit 0 flagged on the planted variable (Holm, BH with min |d| 0.5; Holm without it)")
    print(
        f"{'design':<28}{'delta':>6}{'team p<.05':>11}{'Holm FWER':>10}{'(no d)':>8}{'BH FWER':>9}"
        f"{'BH FDR':>8}{'power H':>8}{'power BH':>9}{'(no d)':>7}{'resp p<.05':>11}{'resp flags':>11}"
        f"{'resp FWER':>10}"
    )
    designs = (
        ("6 units x 80 teams", 6, 80, None),
        ("4 units x 15 teams", 4, 15, None),
        ("4 units, 15 teams in all", 4, None, 15),
    )
    for name, U, per, total in designs:
        for delta in (0.0, 0.5, 0.8):
            r = unit_study(U, per, reps, seed=31, delta=delta, total_teams=total)
            power = (
                f"{r['power_holm']:>8.3f}{r['power_bh']:>9.3f}{r['power_raw']:>7.3f}"
                if delta
                else f"{'':>8}{'':>9}{'':>7}"
            )
            print(
                f"{name:<28}{delta:>6.1f}{r['team_raw']:>11.3f}{r['holm_any']:>10.3f}{r['holm_any_raw']:>8.3f}"
                f"{r['bh_any']:>9.3f}{r['bh_fdp']:>8.3f}{power}{r['resp_raw']:>11.3f}{r['resp_flags']:>11.2f}"
                f"{r['resp_any']:>10.3f}",
                flush=True,
            )
    print(
        "\n   Which t test on the team means: Holm family-wise error without the d rule, "
        f"{reps:,} diagnoses; 'spread 2': unit 0's team means spread twice as far"
    )
    print(f"{'design':<28}{'unit 0':<10}{'Welch':>8}{'pooled':>8}{'larger p':>9}")
    designs = (
        ("6 units x 80 teams", 6, 80, None),
        ("4 units x 15 teams", 4, 15, None),
        ("4 units, 15 teams in all", 4, None, 15),
        ("4 units, 10 teams in all", 4, None, 10),
    )
    for name, U, per, total in designs:
        for spread in (1.0, 2.0):
            fwer, _ = unit_methods(U, per, reps, seed=41, total_teams=total, spread=spread)
            print(
                f"{name:<28}{'spread 2' if spread != 1 else 'same':<10}{fwer[0]:>8.3f}{fwer[1]:>8.3f}{fwer[2]:>9.3f}",
                flush=True,
            )


# ----------------------------------------------------------------------------- waves


def split_waves(data, rng, planted=(), step=0, dimension="decision_rights"):
    """Every team's respondents split at random into two halves (two "waves" of the same
    people: no change); with ``planted`` teams, wave 2's perception items of
    ``dimension`` are raised by ``step`` scale points for those teams."""
    from analysis.responses import ResponseData

    first = rng.random(data.n) < 0.5
    values = data.values.copy()
    if planted:
        rows = np.isin(data.team, list(planted)) & ~first
        for item in data.questionnaire.items:
            if item.kind == "perception" and item.dimension == dimension:
                j = data.item_ids.index(item.id)
                col = values[rows, j]
                values[rows, j] = np.clip(col - step if item.reverse else col + step, 1, 5)
    out = []
    for keep in (first, ~first):
        idx = np.flatnonzero(keep)
        out.append(
            ResponseData.from_columns(
                data.questionnaire,
                team=data.team[idx],
                unit=None if data.unit is None else data.unit[idx],
                role=None if data.role is None else data.role[idx],
                tenure=None if data.tenure is None else data.tenure[idx],
                answers={i: values[idx, j] for j, i in enumerate(data.item_ids)},
            )
        )
    return out


def wave_study(reps, seed, teams=120, respondents=2400, n_planted=0, step=0):
    from analysis.diagnosis import diagnose
    from analysis.simulate import simulate_responses
    from analysis.waves import compare_waves

    data = simulate_responses(respondents=respondents, teams=teams, units=6, seed=seed)
    rng = np.random.default_rng(seed)
    labels = sorted(set(data.team.tolist()))
    res = {
        "any": 0.0,
        "fdp": 0.0,
        "cells": 0.0,
        "old_flags": 0.0,
        "old_any": 0.0,
        "recovered": 0.0,
        "planted": 0.0,
        "flags": 0.0,
    }
    for _ in range(reps):
        planted = tuple(rng.choice(labels, size=n_planted, replace=False)) if n_planted else ()
        a, b = split_waves(data, rng, planted, step)
        cmp = compare_waves([diagnose(a), diagnose(b)])
        avail = [c for c in cmp.changes if c.available]

        def is_true(c):
            return (
                bool(planted)
                and c.dimension == "decision_rights"
                and c.measure == "score"
                and (c.level != "team" or c.group in planted)
            )

        flagged = [c for c in avail if c.change != "no_reliable_change"]
        false = [c for c in flagged if not is_true(c)]
        res["any"] += bool(false)
        res["fdp"] += len(false) / max(1, len(flagged))
        res["cells"] += len(avail)
        res["flags"] += len(flagged)
        old = [c for c in avail if abs(c.difference) > c.critical * c.se and c.meaningful and not is_true(c)]
        res["old_flags"] += len(old)
        res["old_any"] += bool(old)
        if planted:
            cells = [
                c
                for c in avail
                if c.level == "team"
                and c.group in planted
                and c.dimension == "decision_rights"
                and c.measure == "score"
            ]
            res["planted"] += len(cells)
            res["recovered"] += sum(c.change == "improved" for c in cells)
    out = {k: v / reps for k, v in res.items()}
    out["recovery"] = res["recovered"] / res["planted"] if res["planted"] else float("nan")
    return out


def run_waves(reps: int = 1000) -> None:
    print(
        f"\n## Waves: every team split at random into two waves, 120 teams (~2,400 respondents), {reps:,} comparisons"
    )
    print(
        f"{'planted':<42}{'cells':>7}{'FWER':>7}{'FDR':>7}{'flags':>7}{'recovery':>9}"
        f"{'old rule: flags':>16}{'old FWER':>9}"
    )
    for n_planted, step, seed in ((0, 0, 12), (0, 0, 13), (10, 1, 12), (10, 2, 12)):
        r = wave_study(reps if not n_planted else reps // 2, seed=seed, n_planted=n_planted, step=step)
        name = (
            f"none (organization {seed})" if not n_planted else f"{n_planted} teams, +{step} scale point(s) on DR items"
        )
        rec = f"{r['recovery']:>9.3f}" if n_planted else f"{'':>9}"
        print(
            f"{name:<42}{r['cells']:>7.0f}{r['any']:>7.3f}{r['fdp']:>7.3f}{r['flags']:>7.2f}{rec}"
            f"{r['old_flags']:>16.2f}{r['old_any']:>9.3f}",
            flush=True,
        )


# --------------------------------------------------------------------------- drivers


def driver_population(p_share_between=0.3, rho=0.3, beta=(0.5, 0.3, 0.1), y_between=0.3):
    """Population correlation structure of the driver study and its relative weights."""
    from analysis.drivers import _weights_from_cov

    p = len(beta)
    A = np.full((p, p), rho) + (1 - rho) * np.eye(p)
    beta = np.asarray(beta)
    C = np.empty((p + 1, p + 1))
    C[:p, :p] = A
    C[:p, p] = C[p, :p] = A @ beta
    C[p, p] = beta @ A @ beta + y_between + 1.0
    return A, beta, _weights_from_cov(C, p), C


def driver_data(rng, teams, size, A, beta, share_between=0.3, y_between=0.3):
    p = A.shape[0]
    L = np.linalg.cholesky(A)
    team = np.repeat(np.arange(teams), size)
    n = team.size
    X = (np.sqrt(share_between) * rng.normal(size=(teams, p)) @ L.T)[team] + np.sqrt(1 - share_between) * rng.normal(
        size=(n, p)
    ) @ L.T
    y = X @ beta + np.sqrt(y_between) * rng.normal(size=teams)[team] + rng.normal(size=n)
    return X, y, team


def driver_coverage(teams, size, reps, n_resamples, seed, naive=False, beta=(0.5, 0.3, 0.1)):
    from analysis.drivers import bootstrap_relative_weights

    A, beta, true_w, _ = driver_population(beta=beta)
    rng = np.random.default_rng(seed)
    hit = np.zeros(len(beta))
    dist = 0
    for _ in range(reps):
        X, y, team = driver_data(rng, teams, size, A, beta)
        groups = np.arange(team.size) if naive else team
        r = bootstrap_relative_weights(X, y, groups, n_resamples=n_resamples, seed=int(rng.integers(2**31)))
        hit += (r.ci_low <= true_w) & (true_w <= r.ci_high)
        dist += r.distinguishable
    return hit / reps, dist / reps, true_w


def jackknife_weights(X, y, team):
    """Relative weights leaving out one team at a time (for the BCa acceleration)."""
    from analysis.drivers import _team_moments, _weights_from_cov

    Z = np.column_stack([X, y])
    Z = Z - Z.mean(axis=0)
    T = int(team.max()) + 1
    counts, S, Q, (ia, ib) = _team_moments(Z, team, T)
    q = Z.shape[1]
    n, s, qq = counts.sum() - counts, S.sum(0) - S, Q.sum(0) - Q
    C = np.empty((T, q, q))
    C[:, ia, ib] = qq
    C[:, ib, ia] = qq
    C = (C - s[:, :, None] * s[:, None, :] / n[:, None, None]) / (n - 1)[:, None, None]
    return _weights_from_cov(C, q - 1)


def bca_interval(reps, theta, jack, confidence=0.95):
    """Efron's BCa limits from bootstrap replicates and jackknife values, per column."""
    from scipy import special

    z0 = special.ndtri((reps < theta).mean(axis=0))
    d = jack.mean(axis=0) - jack
    a = (d**3).sum(axis=0) / (6 * ((d**2).sum(axis=0)) ** 1.5)
    out = []
    for z in (special.ndtri((1 - confidence) / 2), special.ndtri((1 + confidence) / 2)):
        level = special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        out.append(np.array([np.quantile(reps[:, j], level[j]) for j in range(reps.shape[1])]))
    return out


def percentile_vs_bca(teams, size, reps, seed):
    from analysis.drivers import bootstrap_relative_weights

    A, beta, true_w, _ = driver_population()
    rng = np.random.default_rng(seed)
    hit_p = np.zeros(3)
    hit_b = np.zeros(3)
    for _ in range(reps):
        X, y, team = driver_data(rng, teams, size, A, beta)
        r = bootstrap_relative_weights(X, y, team, seed=int(rng.integers(2**31)))
        lo, hi = bca_interval(r.replicates, r.weights, jackknife_weights(X, y, team))
        hit_p += (r.ci_low <= true_w) & (true_w <= r.ci_high)
        hit_b += (lo <= true_w) & (true_w <= hi)
    return hit_p / reps, hit_b / reps


def run_drivers(reps: int = 1000) -> None:
    print(f"\n## Relative weights: 95 % percentile intervals, {reps:,} data sets, 1,000 replicates each")
    A, beta, true_w, C = driver_population()
    print(
        f"population weights (3 correlated predictors, 30 % of every variance between teams): "
        f"{np.round(true_w, 4).tolist()}, R2 = {true_w.sum():.4f}"
    )
    print(f"{'design':<20}{'resampling':<14}{'coverage x1, x2, x3':<28}{'top distinguishable':>20}")
    for teams, size in ((40, 10), (100, 20)):
        for naive in (False, True):
            cov, dist, _ = driver_coverage(teams, size, reps, 1000, seed=7, naive=naive)
            print(
                f"{f'{teams} teams x {size}':<20}{'respondents' if naive else 'teams':<14}"
                f"{', '.join(f'{c:.3f}' for c in cov):<28}{dist:>20.3f}"
            )
    print("percentile vs BCa (400 data sets, 1,000 replicates): coverage x1, x2, x3")
    for teams, size in ((40, 10), (15, 8)):
        cp, cb = percentile_vs_bca(teams, size, 400, seed=9)
        print(
            f"{f'{teams} teams x {size}':<20}percentile {', '.join(f'{c:.3f}' for c in cp)}   "
            f"BCa {', '.join(f'{c:.3f}' for c in cb)}",
            flush=True,
        )
    print("equal weights of the first two predictors (beta 0.4, 0.4, 0.1): share called distinguishable")
    for teams, size in ((40, 10), (100, 20)):
        cov, dist, w = driver_coverage(teams, size, reps, 1000, seed=8, beta=(0.4, 0.4, 0.1))
        print(f"{f'{teams} teams x {size}':<20}{'teams':<14}{', '.join(f'{c:.3f}' for c in cov):<28}{dist:>20.3f}")


STUDIES = {"icc": run_icc, "units": run_units, "waves": run_waves, "drivers": run_drivers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("studies", nargs="*", default=list(STUDIES), choices=list(STUDIES))
    args = parser.parse_args()
    header()
    for name in args.studies:
        t0 = time.perf_counter()
        STUDIES[name]()
        print(f"({name}: {time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
