"""Tests for the null distributions, the critical values and agreement_test.

Three independent references for the Monte Carlo critical values of
:mod:`analysis.agreement_null`:

* the *exact* null distribution of the statistic, computed here by dynamic programming
  over the answers of the members (for one item: the joint distribution of the sum and
  the sum of squares of the answers; for J identical items: its J-fold convolution);
* R's simulations, ``multilevel::rwg.sim`` / ``rwg.j.sim`` for the uniform null and the
  same simulation with ``sample(prob = ...)`` for the slightly skewed null, written by
  ``tests/fixtures/r/agreement_null.R``;
* the definition itself, by simulating teams and running :func:`agreement_test`.

Monte Carlo tolerance. A critical value simulated from R replicates is exceeded under
the null with a probability whose standard error is sqrt(α(1 - α)/R) (0.0015 for
R = 20,000 at α = .05); the simulated quantile is taken 2 such standard errors inside
the tail (nominal level α − 2 SE ≈ .047). Comparisons allow 4 standard errors of every
simulation involved. The null distributions are discrete, so the exact level of the
test is at most α and can be lower by up to the size of the atom at the critical value;
bands below α are stated per test.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis import agreement_null as an
from analysis.agreement import (
    AgreementTestResult,
    agreement_test,
    ordinal_ranks,
    rwg,
    rwg_j,
    rwg_star_j,
)
from analysis.agreement_null import (
    MC_REPLICATES,
    NULLS,
    critical_values,
    null_distribution,
    null_variance,
)
from analysis.groups import encode_groups

ALPHA = 0.05
SE_MC = math.sqrt(ALPHA * (1 - ALPHA) / MC_REPLICATES)
NOMINAL = an._k(ALPHA, MC_REPLICATES) / MC_REPLICATES  # α − 2 SE_MC, about .047
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
SIM_FIXTURE = FIXTURES / "agreement_null_sim.json"


# ---------------------------------------------------------------------------------------
# exact null distribution (reference implementation, written independently)
# ---------------------------------------------------------------------------------------
def _v_pmf(p, n):
    """Exact pmf of V = n·Σx² − (Σx)² = n(n−1)s² for n iid answers from categories 1..A."""
    A = len(p)
    s1_max, s2_max = n * A, n * A * A
    P = np.zeros((s1_max + 1, s2_max + 1))
    P[0, 0] = 1.0
    for _ in range(n):  # add one member at a time
        Q = np.zeros_like(P)
        for a in range(1, A + 1):
            if p[a - 1] > 0:
                Q[a:, a * a :] += p[a - 1] * P[: s1_max + 1 - a, : s2_max + 1 - a * a]
        P = Q
    s1, s2 = np.nonzero(P)
    return np.bincount(n * s2 - s1 * s1, weights=P[s1, s2])


def _exact_m(null, n, J, A=5):
    """Support and pmf of m = mean_j s_j²/σ²_E for J identical items."""
    pmf_v = _v_pmf(null_distribution(null, A), n)
    pmf = np.array([1.0])
    for _ in range(J):
        pmf = np.convolve(pmf, pmf_v)
    T = np.arange(pmf.size)
    return T / (J * n * (n - 1) * null_variance(null, A)), pmf


def _critical_m(null, n, J, alpha=ALPHA):
    items = an._item_set(5, null, J)
    return an._critical_m(items, np.array([n]), alpha)[0][0]


def test_exact_reference_matches_brute_force():
    # all 5^3 answer triples on a 5-point item and all 3^4 quadruples on a 3-point item
    for A, n, null in ((5, 3, "slight_skew"), (3, 4, "uniform"), (5, 2, "heavy_skew")):
        p = null_distribution(null, A)
        expected = {}
        for xs in itertools.product(range(1, A + 1), repeat=n):
            prob = np.prod([p[x - 1] for x in xs])
            v = n * sum(x * x for x in xs) - sum(xs) ** 2
            expected[v] = expected.get(v, 0.0) + prob
        got = _v_pmf(p, n)
        for v, prob in expected.items():
            assert (got[v] if v < got.size else 0.0) == pytest.approx(prob, abs=1e-15)
        assert got.sum() == pytest.approx(1.0, abs=1e-12)


# ---------------------------------------------------------------------------------------
# null distributions
# ---------------------------------------------------------------------------------------
def test_null_proportions_and_variances():
    assert NULLS == ("uniform", "slight_skew", "moderate_skew", "heavy_skew")
    table = {
        "uniform": ([0.2] * 5, 2.0),
        "slight_skew": ([0.05, 0.15, 0.20, 0.35, 0.25], 1.34),
        "moderate_skew": ([0.0, 0.10, 0.15, 0.40, 0.35], 0.90),
        "heavy_skew": ([0.0, 0.0, 0.10, 0.40, 0.50], 0.44),
    }
    for null, (props, var) in table.items():
        p = null_distribution(null, 5)
        assert_allclose(p, props, rtol=0, atol=1e-15)
        assert p.sum() == pytest.approx(1.0)
        assert null_variance(null, 5) == var  # exact: the published values
        a = np.arange(1, 6)
        assert float(p @ (a - p @ a) ** 2) == pytest.approx(var, abs=1e-14)
        with pytest.raises(ValueError):
            p[0] = 1.0  # read-only
    for A in range(2, 12):
        assert null_variance("uniform", A) == pytest.approx((A * A - 1) / 12, rel=1e-15)
    # explicit proportions
    assert null_variance([0.2, 0.8], 2) == pytest.approx(0.16)
    assert null_variance([0.5, 0.0, 0.5], 3) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (
            lambda: null_variance("slight_skew", 7),
            ValueError,
            r"null: 'slight_skew' is defined for 5-point scales only \(LeBreton & Senter 2008, "
            r"Table 3\), got scale_points=7",
        ),
        (lambda: null_distribution("skew", 5), ValueError, r"null: must be one of"),
        (lambda: null_distribution("uniform", 1), ValueError, r"scale_points: must be at least 2"),
        (lambda: null_distribution("uniform", 5.0), TypeError, r"scale_points: must be an integer"),
        (lambda: null_variance([0.5, 0.5, 0.5], 3), ValueError, r"sum to 1"),
        (lambda: null_variance([[0.5, 0.5]], 2), ValueError, r"one-dimensional"),
        (lambda: null_variance(["a", "b"], 2), TypeError, r"null: must be a name or a sequence"),
        (
            lambda: critical_values(5, scale_points=5, n_items=3, alpha=0.0),
            ValueError,
            r"alpha: must lie in \(0, 0.5\], got 0.0",
        ),
        (
            lambda: critical_values(5, scale_points=5, n_items=3, alpha=0.6),
            ValueError,
            r"alpha: must lie in \(0, 0.5\], got 0.6",
        ),
        (
            lambda: critical_values(5, scale_points=5, n_items=3, alpha="0.05"),
            TypeError,
            r"alpha: must be a real number",
        ),
        (
            lambda: critical_values(5, scale_points=5),
            TypeError,
            r"n_items: required when scale_points is a single integer",
        ),
        (lambda: critical_values(5, scale_points=5, n_items=0), ValueError, r"n_items: must be at least 1, got 0"),
        (
            lambda: critical_values(5, scale_points=[2, 3], n_items=3),
            ValueError,
            r"scale_points: has 2 entries, expected one per item \(3\)",
        ),
        (
            lambda: critical_values(5, scale_points=[2, 3], null=[0.5, 0.5]),
            ValueError,
            r"null: category proportions need a single scale_points",
        ),
        (
            lambda: critical_values(5, scale_points=[5, 4], null="slight_skew"),
            ValueError,
            r"null: 'slight_skew' is defined for 5-point scales only .*got scale_points=4",
        ),
        (lambda: critical_values(-1, scale_points=5, n_items=1), ValueError, r"n: group sizes must be non-negative"),
        (
            lambda: critical_values(2.5, scale_points=5, n_items=1),
            TypeError,
            r"n: must be integer group sizes, got 2.5",
        ),
    ],
)
def test_errors_name_argument_and_value(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


# ---------------------------------------------------------------------------------------
# critical values
# ---------------------------------------------------------------------------------------
def test_critical_values_hand_worked():
    # One 5-point item, uniform null.  n = 2: equal answers (m = 0) have probability .20,
    # so no value of r_wg is exceeded with probability <= .05: critical value 1, never
    # exceeded.  n = 3: three equal answers (m = 0) have probability 1/25 = .04 <= .05;
    # the next value, two equal and one neighbour (s² = 1/3, m = 1/6), is far more
    # likely, so the group agrees only with m < 1/6: critical value 1 - 1/6 = 5/6.
    cv = critical_values([0, 1, 2, 3], scale_points=5, n_items=1)
    assert cv.method == ("undefined", "undefined", "monte_carlo", "monte_carlo")
    assert np.isnan(cv.rwg_j[:2]).all()
    assert_allclose(cv.rwg_j[2:], [1.0, 5 / 6], rtol=1e-12)
    assert_allclose(cv.rwg_star_j[2:], [1.0, 5 / 6], rtol=1e-12)  # one item: the same
    # slightly skewed null, n = 3: three equal answers have probability
    # .05³ + .15³ + .20³ + .35³ + .25³ = .07 > .05: agreement cannot be shown
    assert critical_values(3, scale_points=5, n_items=1, null="slight_skew").rwg_j[0] == 1.0
    # five items: r_wg(j) and r*_wg(j) critical values are the same m
    cv5 = critical_values(8, scale_points=5, n_items=5)
    m = 1.0 - cv5.rwg_star_j[0]
    assert cv5.rwg_j[0] == pytest.approx(5 * (1 - m) / (5 * (1 - m) + m), rel=1e-12)
    d = cv5.to_dict()
    assert set(d) == {8} and d[8]["method"] == "monte_carlo"
    assert d[8]["rwg_j"] == pytest.approx(float(cv5.rwg_j[0]))


def test_critical_values_deterministic_and_cached():
    a = critical_values(np.arange(2, 60), scale_points=5, n_items=3, null="slight_skew")
    an._mc_critical_m.cache_clear()
    b = critical_values(np.arange(2, 60), scale_points=5, n_items=3, null="slight_skew")
    assert_array_equal(a.rwg_j, b.rwg_j)
    assert_array_equal(a.rwg_star_j, b.rwg_star_j)
    # the value for one size does not depend on which other sizes are asked for
    c = critical_values([12], scale_points=5, n_items=3, null="slight_skew")
    assert c.rwg_j[0] == a.rwg_j[12 - 2]
    # nor on the order of the items
    x = critical_values([4, 9], scale_points=[2, 3, 5])
    y = critical_values([4, 9], scale_points=[5, 2, 3])
    assert_array_equal(x.rwg_j, y.rwg_j)
    assert x.scale_points == (2, 3, 5) and x.sigma2_e == pytest.approx((0.25, 2 / 3, 2.0))
    # results are read-only
    with pytest.raises(ValueError):
        a.rwg_j[0] = 0.0


def test_critical_values_decrease_with_group_size_and_skew():
    for J in (1, 3, 5):
        for null in ("uniform", "slight_skew"):
            cv = critical_values(np.arange(3, 121), scale_points=5, n_items=J, null=null).rwg_j
            # discrete distributions wiggle a little from one size to the next
            assert (np.diff(cv) <= 0.05).all()
            assert cv[-1] < cv[0] - 0.3
        # a skewed null (smaller σ²_E) asks for more agreement than the uniform one
        u = critical_values(np.arange(5, 41), scale_points=5, n_items=J).rwg_j
        s = critical_values(np.arange(5, 41), scale_points=5, n_items=J, null="slight_skew").rwg_j
        assert (s > u).all()


EXACT_GRID = [(null, n, J) for null in ("uniform", "slight_skew") for n in (2, 3, 5, 8, 12, 20) for J in (1, 3, 5)]


@pytest.mark.parametrize(("null", "n", "J"), EXACT_GRID)
def test_monte_carlo_critical_value_against_exact_distribution(null, n, J):
    """The simulated critical value is the exact quantile up to Monte Carlo error.

    With the exact pmf of m: P(m < m_crit), the level of the test, is at most α (the
    guard of 2 SE keeps it there) and at most the nominal α − 2 SE plus 4 SE; and
    P(m <= m_crit) >= nominal − 4 SE (m_crit is not too low by more than Monte Carlo
    error), unless m_crit is the smallest value (agreement impossible).
    """
    support, pmf = _exact_m(null, n, J)
    m_crit = _critical_m(null, n, J)
    level = pmf[support < m_crit - 1e-9].sum()
    at_or_below = pmf[support <= m_crit + 1e-9].sum()
    assert level <= ALPHA
    assert level <= NOMINAL + 4 * SE_MC
    if m_crit > 0:
        assert at_or_below >= NOMINAL - 4 * SE_MC
    else:  # m = 0 (identical answers) is itself too likely
        assert pmf[support == 0].sum() > NOMINAL - 4 * SE_MC


def test_exact_level_table():
    """Measured levels of the test at the critical values (exact, not simulated)."""
    levels = {}
    for null in ("uniform", "slight_skew"):
        for n in (5, 8, 12, 20):
            for J in (3, 5):
                support, pmf = _exact_m(null, n, J)
                levels[null, n, J] = pmf[support < _critical_m(null, n, J) - 1e-9].sum()
    # measured: .040-.045 at 5 members (discreteness: 5 members, 3 items, slight skew:
    # .040), .043-.048 from 8 members on (nominal .047 within Monte Carlo error)
    for (null, n, J), level in levels.items():
        assert 0.038 <= level <= ALPHA, (null, n, J, level)
        if n >= 8:
            assert abs(level - NOMINAL) <= 4 * SE_MC, (null, n, J, level)
    assert levels["slight_skew", 5, 5] == pytest.approx(0.0430, abs=5e-5)
    assert levels["slight_skew", 5, 3] == pytest.approx(0.0397, abs=5e-5)


def _sim_cases():
    if not SIM_FIXTURE.exists():
        return []
    fx = json.loads(SIM_FIXTURE.read_text())
    return [pytest.param(fx, c, id=c["id"]) for c in fx["cases"]]


def test_sim_fixture_present():
    fx = json.loads(SIM_FIXTURE.read_text())
    assert fx["meta"]["r_version"].startswith("R version")
    assert fx["meta"]["packages"]["multilevel"]
    ids = {c["id"] for c in fx["cases"]}
    for null in ("uniform", "slight_skew"):
        for n in (3, 5, 8, 12, 20):
            for J in (1, 3, 5):
                assert f"{null}_n{n:02d}_J{J}" in ids
    assert SIM_FIXTURE.stat().st_size < 100_000


@pytest.mark.parametrize(("fx", "case"), _sim_cases())
def test_critical_values_against_r_simulation(fx, case):
    """R's simulated 95% point and rwg.95 against our null distribution.

    ``q`` (R's type-1 95% quantile) must cut our simulated distribution at the same
    place: P_ours(r > q) <= α + tol and P_ours(r >= q) >= α − tol, with tol = 4 SE of the
    difference of two independent simulations of 20,000 replicates each, 0.0087.
    multilevel's rwg.95 is the next simulated value above q ("values >= rwg.95 are
    significant"): our distribution puts at most α + tol above it.
    """
    n, J = case["gsize"], case["nitems"]
    sp = case["scale_points"]
    items = tuple(sorted(an._item_set(sp, case["null"], J if np.ndim(sp) == 0 else None), key=lambda it: it.p))
    m = an._simulate_m(items, n, MC_REPLICATES)[n - 1]
    r = an._rwg_from_m(m, J)
    tol = 4 * math.sqrt(ALPHA * (1 - ALPHA)) * math.sqrt(1 / case["nrep"] + 1 / MC_REPLICATES)
    q = case["rwg_q"][case["probs"].index(0.95)]
    assert (r > q + 1e-9).mean() <= ALPHA + tol
    assert (r >= q - 1e-9).mean() >= ALPHA - tol
    ours = critical_values(n, scale_points=sp, n_items=J if np.ndim(sp) == 0 else None, null=case["null"])
    if case["rwg_95"] is not None:
        # both decisions reject the same simulated values up to Monte Carlo error
        assert (r >= case["rwg_95"] - 1e-9).mean() <= ALPHA + tol
    # the 90% and 99% points too
    for prob, qq in zip(case["probs"], case["rwg_q"]):
        assert (r > qq + 1e-9).mean() <= 1 - prob + 4 * math.sqrt(prob * (1 - prob)) * math.sqrt(
            1 / case["nrep"] + 1 / MC_REPLICATES
        )
    assert r.mean() == pytest.approx(case["rwg_mean"], abs=0.01)
    if case.get("rstar_q") is not None:
        qs = case["rstar_q"][case["probs"].index(0.95)]
        rs = 1.0 - m
        assert (rs > qs + 1e-9).mean() <= ALPHA + tol
        assert (rs >= qs - 1e-9).mean() >= ALPHA - tol
        # our r* critical value lies between R's 90% and 99% points
        q90, q99 = (case["rstar_q"][case["probs"].index(p)] for p in (0.90, 0.99))
        assert q90 - 1e-9 <= ours.rwg_star_j[0] <= q99 + 1e-9


@pytest.mark.parametrize(
    ("null", "scale_points", "J"),
    [
        ("uniform", 5, 1),
        ("uniform", 5, 5),
        ("slight_skew", 5, 1),
        ("slight_skew", 5, 3),
        ("slight_skew", 5, 5),
        ("heavy_skew", 5, 5),
        ("uniform", [2, 3, 3, 4, 5], None),
        ("uniform", [3, 4, 3, 3], None),
        ("uniform", 4, 1),
        ("uniform", 2, 1),
    ],
)
def test_approximation_above_the_simulated_sizes(null, scale_points, J):
    """Above MC_MAX_N the anchored chi-square approximation keeps the level near α.

    Checked against a simulation of up to 120 members (50,000 replicates, SE .001):
    measured .041–.049 (documented); asserted [.038, .052]. A single yes/no item is the
    documented exception (.052–.074).
    """
    items = an._item_set(scale_points, null, J)
    sizes = np.array([41, 45, 50, 60, 80, 100, 120])
    crit, method = an._critical_m(items, sizes, ALPHA)
    assert (method == 2).all()
    m = an._simulate_m(tuple(sorted(items, key=lambda it: it.p)), 120, 50_000)
    for size, c in zip(sizes, crit):
        level = (m[size - 1] < c - 1e-9).mean()
        if scale_points == 2:
            assert 0.045 <= level <= 0.078, (size, level)
        else:
            assert 0.038 <= level <= 0.052, (size, level)


# ---------------------------------------------------------------------------------------
# agreement_test
# ---------------------------------------------------------------------------------------
def test_agreement_test_hand_worked():
    # one 5-point item, uniform null:
    #   pair   (n = 2): identical answers, r_wg = 1, but n = 2 cannot show agreement
    #   trio   (n = 3): identical answers, m = 0 < 1/6 -> agrees
    #   near   (n = 3): 4, 4, 5: s² = 1/3, m = 1/6, r_wg = 5/6 = the critical value: not
    #                   greater -> does not agree (P(m <= 1/6) is far above .05)
    #   single (n = 1): undefined -> None
    x = [3, 3, 2, 2, 2, 4, 4, 5, 1]
    g = ["pair", "pair", "trio", "trio", "trio", "near", "near", "near", "single"]
    r = agreement_test(x, g, scale_points=5, null="uniform")
    assert isinstance(r, AgreementTestResult)
    assert r.groups == ("near", "pair", "single", "trio")
    assert r.n.tolist() == [3, 2, 1, 3] and r.n_effective.tolist() == [3, 2, 1, 3]
    assert_allclose(r.rwg_j, [5 / 6, 1.0, np.nan, 1.0], equal_nan=True)
    assert_allclose(r.rwg_star_j, [5 / 6, 1.0, np.nan, 1.0], equal_nan=True)
    assert_allclose(r.critical_value, [5 / 6, 1.0, np.nan, 5 / 6], equal_nan=True)
    assert r.agrees.tolist() == [False, False, None, True]
    assert r.n_items == 1 and r.null == "uniform" and r.alpha == 0.05
    assert r.scale_points == (5,) and r.sigma2_e == (2.0,)
    d = r.to_dict()
    assert d["trio"] == {
        "n": 3,
        "n_effective": 3,
        "rwg_j": 1.0,
        "rwg_star_j": 1.0,
        "critical_value": pytest.approx(5 / 6),
        "critical_value_star": pytest.approx(5 / 6),
        "agrees": True,
    }
    assert d["single"]["agrees"] is None and math.isnan(d["single"]["rwg_j"])
    with pytest.raises(ValueError):
        r.rwg_j[0] = 0.0


def test_agreement_test_missing_answers_use_effective_n():
    # team a: 4 members, one skipped item 2 -> n = 4, n_effective = 3 (critical value of
    # a trio); team b: complete; team c: item 1 answered once -> undefined -> None;
    # team d: nobody answered -> n = 0, None
    nan = np.nan
    items = np.array(
        [
            [4, 4, 4],
            [4, 4, 4],
            [4, nan, 4],
            [4, 4, 4],
            [4, 4, 4],
            [4, 4, 4],
            [4, 4, 4],
            [4, 4, 4],
            [3, 3, 3],
            [nan, 3, 3],
            [nan, nan, nan],
            [nan, nan, nan],
        ]
    )
    g = list("aaaabbbbccdd")
    r = agreement_test(items, g, scale_points=5, null="slight_skew")
    assert r.n.tolist() == [4, 4, 2, 0]
    assert r.n_effective.tolist() == [3, 4, 1, 0]
    cv = critical_values([3, 4], scale_points=5, n_items=3, null="slight_skew")
    assert_allclose(r.critical_value[:2], cv.rwg_j)
    assert_allclose(r.critical_value_star[:2], cv.rwg_star_j)
    assert r.agrees.tolist() == [True, True, None, None]
    # propagate: a group with a missing answer is undefined
    p = agreement_test(items, g, scale_points=5, null="slight_skew", nan_policy="propagate")
    assert p.agrees.tolist() == [None, True, None, None]
    assert np.isnan(p.rwg_star_j[0]) and np.isnan(p.critical_value[0])
    with pytest.raises(ValueError, match="nan_policy='raise'"):
        agreement_test(items, g, scale_points=5, nan_policy="raise")


def test_agreement_test_matches_index_functions_and_decision_rule():
    rng = np.random.default_rng(11)
    n = 600
    g = rng.integers(0, 80, size=n)
    team = rng.normal(0, 1, size=80)[g]
    X = np.clip(np.rint(3.5 + team[:, None] + rng.normal(0, 0.9, size=(n, 4))), 1, 5)
    X[rng.random(X.shape) < 0.03] = np.nan
    for null in NULLS:
        r = agreement_test(X, g, scale_points=5, null=null, alpha=0.1)
        assert_allclose(r.rwg_j, rwg_j(X, g, scale_points=5, null=null).values, rtol=1e-12, equal_nan=True)
        assert_allclose(
            r.rwg_star_j, rwg_star_j(X, g, scale_points=5, null=null).values, rtol=1e-12, atol=1e-12, equal_nan=True
        )
        defined = ~np.isnan(r.rwg_j)
        agrees = np.array([a is True for a in r.agrees])
        assert agrees.any() and (~agrees[defined]).any()
        assert_array_equal(agrees[defined], r.rwg_j[defined] > r.critical_value[defined] + 1e-9)
        assert_array_equal(agrees[defined], r.rwg_star_j[defined] > r.critical_value_star[defined] + 1e-9)
        assert all(a is None for a in r.agrees[~defined])
        cv = critical_values(r.n_effective[defined], scale_points=5, n_items=4, null=null, alpha=0.1)
        assert_allclose(r.critical_value[defined], cv.rwg_j)
    # one item: r_wg
    r1 = agreement_test(X[:, 0], g, scale_points=5)
    assert_allclose(r1.rwg_j, rwg(X[:, 0], g, scale_points=5, null="slight_skew").values, rtol=1e-12, equal_nan=True)
    # invariant to row order and to encoding the groups first
    perm = rng.permutation(n)
    a = agreement_test(X, g, scale_points=5)
    b = agreement_test(X[perm], g[perm], scale_points=5)
    c = agreement_test(X, encode_groups(g), scale_points=5)
    for other in (b, c):
        assert_allclose(other.rwg_j, a.rwg_j, rtol=1e-12, equal_nan=True)
        assert other.agrees.tolist() == a.agrees.tolist()
    # alpha: a stricter level never adds agreeing groups
    strict = agreement_test(X, g, scale_points=5, alpha=0.01)
    assert not any(s is True and t is not True for s, t in zip(strict.agrees, a.agrees))


def _simulate_teams(rng, props, n, J, teams):
    X = rng.choice(np.arange(1, len(props) + 1), size=(teams * n, J), p=props).astype(float)
    return X, np.repeat(np.arange(teams), n)


@pytest.mark.parametrize("null", ["uniform", "slight_skew"])
@pytest.mark.parametrize("n", [5, 8, 12, 20])
@pytest.mark.parametrize("J", [3, 5])
def test_rejection_rate_under_the_null(null, n, J):
    """Teams answering at random from the null agree in about α of cases.

    20,000 simulated teams (fixed seed), so the rate has standard error about .0015
    around the exact level of the test; the exact level is computed above (at most α,
    at least .038 from discreteness and the Monte Carlo guard).
    """
    teams = 20_000
    rng = np.random.default_rng(1000 * n + J + (7 if null == "uniform" else 0))
    X, g = _simulate_teams(rng, null_distribution(null, 5), n, J, teams)
    r = agreement_test(X, g, scale_points=5, null=null)
    rate = np.mean([a is True for a in r.agrees])
    support, pmf = _exact_m(null, n, J)
    exact = pmf[support < _critical_m(null, n, J) - 1e-9].sum()
    se = math.sqrt(exact * (1 - exact) / teams)
    assert abs(rate - exact) <= 4 * se, (rate, exact)
    assert 0.038 - 4 * se <= rate <= ALPHA + 4 * se


@pytest.mark.parametrize("J", [3, 5])
def test_lenient_independent_team_is_not_agreeing(J):
    """Five members answering independently with ordinary leniency (σ² = 1.34).

    Against the slightly skewed null such a team is declared ``agrees=False`` in at
    least 95% of cases: exactly 1 − .0397 = 96.0% for J = 3 and 1 − .0430 = 95.7% for
    J = 5 (exact null distribution); measured on 20,000 simulated teams: 95.9% and
    95.6%. Against the uniform null the same teams agree in 28% (J = 3) and 45% (J = 5)
    of cases, and r_wg(j) >= .70 for 55% of them with J = 5.
    """
    rng = np.random.default_rng(1340 + J)
    teams = 20_000
    X, g = _simulate_teams(rng, null_distribution("slight_skew", 5), 5, J, teams)
    skew = agreement_test(X, g, scale_points=5, null="slight_skew")
    not_agree = np.mean([a is False for a in skew.agrees])
    support, pmf = _exact_m("slight_skew", 5, J)
    exact = 1.0 - pmf[support < _critical_m("slight_skew", 5, J) - 1e-9].sum()
    assert exact >= 0.95
    assert not_agree >= 0.95
    uniform = agreement_test(X, g, scale_points=5, null="uniform")
    assert np.mean([a is True for a in uniform.agrees]) > 0.25
    if J == 5:
        assert np.mean(rwg_j(X, g, scale_points=5).values >= 0.70) == pytest.approx(0.55, abs=0.02)


def test_agreeing_teams_are_found():
    # members share the team's view and deviate by one point now and then: power
    rng = np.random.default_rng(5)
    teams, n, J = 2000, 6, 5
    view = rng.integers(2, 5, size=teams)
    X = np.repeat(view, n)[:, None] + rng.choice([-1, 0, 0, 0, 0, 1], size=(teams * n, J))
    g = np.repeat(np.arange(teams), n)
    r = agreement_test(X.astype(float), g, scale_points=5)
    assert np.mean([a is True for a in r.agrees]) > 0.9


def test_agreement_test_errors():
    with pytest.raises(ValueError, match=r"alpha: must lie in \(0, 0.5\]"):
        agreement_test([1, 2], [0, 0], scale_points=5, alpha=1.0)
    with pytest.raises(ValueError, match="null: 'slight_skew' is defined for 5-point"):
        agreement_test([[1, 2]], [0], scale_points=[2, 3])
    with pytest.raises(
        ValueError,
        match=r"items: values must lie in \[1, 3\] "
        r"\(scale_points\[1\]=3\), got 4.0",
    ):
        agreement_test([[1, 4]], [0], scale_points=[2, 3], null="uniform")
    with pytest.raises(TypeError):
        agreement_test([1, 2], [0, 0], scale_points=5, sigma2_e=1.34)


# ---------------------------------------------------------------------------------------
# structure items
# ---------------------------------------------------------------------------------------
def test_ordinal_ranks_hand_worked():
    # item 0: options 10 < 20 < 30 (stored values), don't know = 99
    # item 1: options 1, 2 (yes / no), don't know = 3
    answers = np.array([[10, 1], [30, 3], [99, 2], [np.nan, 1], [20, np.nan]])
    r = ordinal_ranks(answers, [[10, 20, 30], [1, 2]], dont_know=[99, 3])
    assert r.scale_points == (3, 2)
    assert_allclose(r.ranks, [[1, 1], [3, np.nan], [np.nan, 2], [np.nan, 1], [2, np.nan]], equal_nan=True)
    assert r.dont_know.tolist() == [[False, False], [False, True], [True, False], [False, False], [False, False]]
    c = ordinal_ranks(answers, [[10, 20, 30], [1, 2]], dont_know=[99, 3], dont_know_as="category")
    assert c.scale_points == (4, 3)
    assert_allclose(c.ranks, [[1, 1], [3, 3], [4, 2], [np.nan, 1], [2, np.nan]], equal_nan=True)
    # the order given is the order of the ranks (options listed high to low)
    d = ordinal_ranks([3, 1, 2], [[3, 2, 1]])
    assert d.ranks[:, 0].tolist() == [1.0, 3.0, 2.0] and d.scale_points == (3,)
    # no don't-know option
    assert ordinal_ranks([[1], [2]], [[1, 2]]).scale_points == (2,)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (
            lambda: ordinal_ranks([[1, 5]], [[1, 2], [1, 2]], dont_know=[None, 3]),
            r"answers: value 5.0 at row 0, column 1 is not an option of item 1 "
            r"\(options \[1.0, 2.0\], don't know 3\)",
        ),
        (lambda: ordinal_ranks([[1, 1]], [[1, 2]]), r"options: must have one entry per item \(2\)"),
        (lambda: ordinal_ranks([[1]], [[1, 2]], dont_know=[3, 4]), r"dont_know: must have one entry per item \(1\)"),
        (lambda: ordinal_ranks([[1]], [[1]]), r"options\[0\]: needs at least 2 option values"),
        (lambda: ordinal_ranks([[1]], [[1, 1, 2]]), r"options\[0\]: option values must be distinct"),
        (
            lambda: ordinal_ranks([[1]], [[1, 2]], dont_know_as="drop"),
            r"dont_know_as: must be 'missing' or 'category', got 'drop'",
        ),
    ],
)
def test_ordinal_ranks_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_structure_items_of_the_bundled_questionnaire():
    """Intended use: raw option values of a dimension's structure items -> ranks -> test."""
    from analysis.instrument import load_questionnaire

    q = load_questionnaire("aligned-autonomy-v1")
    its = q.items_of("structure", "decision_rights")
    options = [[o.value for o in it.options if not o.dont_know] for it in its]
    dont_know = [next(o.value for o in it.options if o.dont_know) for it in its]
    rng = np.random.default_rng(2)
    teams, n = 300, 6
    # half the teams agree on one option per item (with a little noise), half answer at random
    raw = np.empty((teams * n, len(its)))
    g = np.repeat(np.arange(teams), n)
    for j, (opts, dk) in enumerate(zip(options, dont_know)):
        choices = np.array(opts + [dk])
        shared = rng.choice(opts, size=teams)[g]
        noise = rng.choice(choices, size=teams * n)
        raw[:, j] = np.where((g < teams // 2) & (rng.random(teams * n) < 0.9), shared, noise)
    ranks = ordinal_ranks(raw, options, dont_know=dont_know)
    r = agreement_test(ranks.ranks, g, scale_points=ranks.scale_points, null="uniform")
    assert r.scale_points == ranks.scale_points
    assert r.sigma2_e == pytest.approx(tuple((a * a - 1) / 12 for a in ranks.scale_points))
    agrees = np.array([a is True for a in r.agrees])
    assert agrees[: teams // 2].mean() > 0.8
    assert agrees[teams // 2 :].mean() < 0.1
