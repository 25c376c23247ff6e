"""Tests for analysis.icc: ICC(1), ICC(2) and the one-way ANOVA behind them.

Reference values come from R: ``aov`` + ``multilevel::ICC1`` / ``ICC2`` (fixtures written
by tests/fixtures/r/agreement.R, versions in each fixture's "meta"), and for the confidence
intervals ``psych::ICC`` (equal group sizes) and Searle's interval with Bartko's n0 written
out in base R (unequal sizes; tests/fixtures/r/icc_intervals.R). Tolerance for every
comparison with R: ``assert_allclose(rtol=1e-6, atol=1e-12)``; degrees of freedom and
counts must be equal.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from analysis.icc import (
    ICC1_BANDS,
    GroupReliabilityResult,
    ICCResult,
    group_reliability,
    icc,
    icc1_bands,
)

RTOL = 1e-6
ATOL = 1e-12
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
FLOAT_FIELDS = ("icc1", "icc2", "f", "pvalue", "ms_between", "ms_within")
CI_FIELDS = ("icc1_n0", "icc1_ci_low", "icc1_ci_high", "icc2_ci_low", "icc2_ci_high")
INT_FIELDS = ("df_between", "df_within", "n_groups", "n_obs")


def _icc_cases():
    out = []
    for path in sorted(FIXTURES.glob("agreement_*.json")):
        fx = json.loads(path.read_text())
        for case in fx["cases"]:
            if case["function"] == "icc":
                out.append(pytest.param(fx, case, id=f"{fx['meta']['dataset']}:{case['id']}"))
    return out


ICC_CASES = _icc_cases()


def test_fixture_cases_found():
    assert len(ICC_CASES) >= 15


@pytest.mark.parametrize(("fx", "case"), ICC_CASES)
def test_matches_r(fx, case):
    (col,) = case["columns"]
    y = np.array([np.nan if v is None else v for v in fx["data"]["columns"][col]], dtype=float)
    groups = case.get("group_override", fx["data"]["group"])
    result = icc(y, groups, nan_policy=case["nan_policy"])
    exp = case["expected"]
    assert_allclose([getattr(result, f) for f in FLOAT_FIELDS], [exp[f] for f in FLOAT_FIELDS], rtol=RTOL, atol=ATOL)
    assert [getattr(result, f) for f in INT_FIELDS] == [exp[f] for f in INT_FIELDS]


def test_hand_worked_balanced():
    # a: 1, 2   b: 3, 4   c: 5, 6     grand mean 3.5, group means 1.5, 3.5, 5.5
    # SSB = 2 (4 + 0 + 4) = 16, df 2 -> MSB 8;  SSW = 3 x 0.5 = 1.5, df 3 -> MSW 0.5
    # F = 16;  k = 2:  ICC1 = 7.5 / (8 + 0.5) = 15/17;  ICC2 = 7.5 / 8 = 15/16
    r = icc([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    assert isinstance(r, ICCResult)
    assert (r.ms_between, r.ms_within, r.f) == pytest.approx((8.0, 0.5, 16.0), rel=1e-14)
    assert (r.df_between, r.df_within, r.n_groups, r.n_obs) == (2, 3, 3, 6)
    assert r.icc1 == pytest.approx(15 / 17, rel=1e-14)
    assert r.icc2 == pytest.approx(15 / 16, rel=1e-14)
    assert r.pvalue == pytest.approx(0.02509, abs=5e-6)  # R: Pr(>F) 0.02509


def test_hand_worked_unequal_groups_uses_mean_group_size():
    # a: 1, 3 (mean 2)   b: 4, 5, 6 (mean 5)   N = 5, G = 2, grand mean 3.8
    # SSB = 2 (1.8^2) + 3 (1.2^2) = 6.48 + 4.32 = 10.8, df 1 -> MSB 10.8
    # SSW = (1 + 1) + (1 + 0 + 1) = 4, df 3 -> MSW 4/3;  F = 8.1
    # multilevel::ICC1 uses k = N/G = 2.5 (not Bartko's (N - sum n^2/N)/(G-1) = 2.4):
    #   ICC1 = (10.8 - 4/3) / (10.8 + 1.5 (4/3)) = 9.4667 / 12.8 = 0.739583...
    #   ICC2 = 9.4667 / 10.8 = 0.876543...      (R: 0.739583333333333, 0.876543209876543)
    r = icc([1, 3, 4, 5, 6], [0, 0, 1, 1, 1])
    assert r.ms_between == pytest.approx(10.8, rel=1e-14)
    assert r.ms_within == pytest.approx(4 / 3, rel=1e-14)
    assert r.f == pytest.approx(8.1, rel=1e-14)
    assert r.icc1 == pytest.approx(0.739583333333333, rel=1e-12)
    assert r.icc2 == pytest.approx(0.876543209876543, rel=1e-12)
    assert r.pvalue == pytest.approx(0.065321, abs=5e-7)  # R: Pr(>F) 0.065321


def test_to_dict_and_frozen():
    r = icc([1, 2, 3, 4], [0, 0, 1, 1])
    d = r.to_dict()
    assert list(d) == [f.name for f in dataclasses.fields(ICCResult)]
    assert all(type(d[f]) is float for f in FLOAT_FIELDS + CI_FIELDS + ("n0", "confidence"))
    assert all(type(d[f]) is int for f in INT_FIELDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.icc1 = 0.0


# ---------------------------------------------------------------------------------------
# edge cases
# ---------------------------------------------------------------------------------------
def test_all_in_one_group():
    r = icc([1, 2, 3, 4], ["t"] * 4)
    assert (r.df_between, r.df_within, r.n_groups, r.n_obs) == (0, 3, 1, 4)
    assert r.ms_within == pytest.approx(5 / 3)
    for f in ("icc1", "icc2", "f", "pvalue", "ms_between"):
        assert math.isnan(getattr(r, f)), f


def test_all_groups_of_size_one():
    r = icc([1, 2, 3, 4], [0, 1, 2, 3])
    assert (r.df_between, r.df_within, r.n_groups, r.n_obs) == (3, 0, 4, 4)
    assert r.ms_between == pytest.approx(5 / 3)
    for f in ("icc1", "icc2", "f", "pvalue", "ms_within"):
        assert math.isnan(getattr(r, f)), f


def test_zero_within_variance():
    # a: 1, 1  b: 2, 2, 2 -> MSW = 0, MSB = 1.2 (R: F = Inf, p < 2.2e-16, ICC1 = ICC2 = 1)
    r = icc([1, 1, 2, 2, 2], list("aabbb"))
    assert r.ms_within == 0.0 and r.f == math.inf and r.pvalue == 0.0
    assert r.icc1 == 1.0 and r.icc2 == 1.0


def test_no_variance_at_all():
    r = icc([3, 3, 3, 3], [0, 0, 1, 1])
    assert r.ms_between == 0.0 and r.ms_within == 0.0
    for f in ("icc1", "icc2", "f", "pvalue"):
        assert math.isnan(getattr(r, f)), f


def test_equal_group_means():
    # a: 1, 3  b: 2, 2 -> both means 2: MSB = 0, MSW = (2 + 0)/2 = 1, k = 2
    # ICC1 = -1 / (0 + 1) = -1;  ICC2 = -1 / 0 = -inf;  F = 0, p = 1
    r = icc([1, 3, 2, 2], list("aabb"))
    assert (r.ms_between, r.ms_within, r.f, r.pvalue) == (0.0, 1.0, 0.0, 1.0)
    assert r.icc1 == -1.0 and r.icc2 == -math.inf


def test_empty_and_all_missing():
    for y, g in (([], []), ([np.nan, np.nan], [0, 1])):
        r = icc(y, g)
        assert (r.n_obs, r.n_groups, r.df_between, r.df_within) == (0, 0, 0, 0)
        assert all(math.isnan(getattr(r, f)) for f in FLOAT_FIELDS)


def test_nan_policies():
    y = [1, 2, np.nan, 4, 5, 6, np.nan]
    g = ["a", "a", "a", "b", "b", "c", "c"]
    omit = icc(y, g)
    # omit: as if the missing rows were not there; group c keeps one score
    same = icc([1, 2, 4, 5, 6], ["a", "a", "b", "b", "c"])
    assert omit == same
    assert (omit.n_obs, omit.n_groups, omit.df_between, omit.df_within) == (5, 3, 2, 2)
    # a group that loses all its scores does not count
    r = icc([1, 2, 4, 5, np.nan], ["a", "a", "b", "b", "c"])
    assert (r.n_groups, r.df_between) == (2, 1)
    prop = icc(y, g, nan_policy="propagate")
    assert all(math.isnan(getattr(prop, f)) for f in FLOAT_FIELDS)
    assert (prop.n_obs, prop.n_groups) == (7, 3)
    with pytest.raises(ValueError, match=r"scores: contains missing values \(NaN\), first at position 2"):
        icc(y, g, nan_policy="raise")
    assert icc([1, 2, 4, 5], list("aabb"), nan_policy="raise") == icc([1, 2, 4, 5], list("aabb"))
    assert icc([1, 2, 4, 5], list("aabb"), nan_policy="propagate") == icc([1, 2, 4, 5], list("aabb"))


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: icc([1, 2, 3], [0, 0]), ValueError, r"groups: has 2 entries, expected 3"),
        (lambda: icc([[1, 2], [3, 4]], [0, 1]), ValueError, r"scores: must be one-dimensional, got shape \(2, 2\)"),
        (lambda: icc([1, np.inf], [0, 1]), ValueError, r"scores: contains non-finite value inf"),
        (lambda: icc(["x", "y"], [0, 1]), TypeError, r"scores: must be numeric, got dtype <U1"),
        (
            lambda: icc([1, 2], [0, 1], nan_policy="ignore"),
            ValueError,
            r"nan_policy: must be one of 'omit', 'raise', 'propagate', got 'ignore'",
        ),
        (lambda: icc([1, 2], [0, np.nan]), ValueError, r"groups: contains missing labels"),
    ],
)
def test_errors_name_argument_and_value(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


# ---------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------
@st.composite
def scores_and_groups(draw):
    n = draw(st.integers(2, 60))
    n_groups = draw(st.integers(1, 8))
    y = draw(
        st.lists(
            st.one_of(st.integers(1, 5).map(float), st.floats(-10, 10, allow_nan=False, width=32)),
            min_size=n,
            max_size=n,
        )
    )
    g = draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n))
    perm = draw(st.permutations(range(n)))
    return np.array(y, dtype=float), np.array(g), np.array(perm)


@settings(max_examples=200, deadline=None)
@given(scores_and_groups())
def test_invariance_and_consistency(data):
    y, g, perm = data
    r = icc(y, g)
    shuffled = icc(y[perm], np.array([f"unit {9 - v}" for v in g])[perm])
    assert [getattr(shuffled, f) for f in INT_FIELDS] == [getattr(r, f) for f in INT_FIELDS]
    assert_allclose(
        [getattr(shuffled, f) for f in FLOAT_FIELDS], [getattr(r, f) for f in FLOAT_FIELDS], rtol=1e-9, atol=1e-12
    )
    # one-way ANOVA agrees with scipy; ICC2 is the Spearman-Brown step-up of ICC1 at N/G
    usable = r.df_between > 0 and r.df_within > 0 and r.ms_within > 1e-9 * max(r.ms_between, 1)
    if usable:
        ref = stats.f_oneway(*[y[g == v] for v in np.unique(g)])
        assert_allclose([r.f, r.pvalue], [ref.statistic, ref.pvalue], rtol=1e-7, atol=1e-12)
        k = r.n_obs / r.n_groups
        if r.ms_between > 1e-9:
            # near icc1 = -1/(k - 1) the step-up divides by almost zero: compare loosely
            assert_allclose(r.icc2, k * r.icc1 / (1 + (k - 1) * r.icc1), rtol=1e-6, atol=1e-12)
        assert r.icc1 <= 1 + 1e-12 and r.icc2 <= 1 + 1e-12


def test_public_api_exports():
    import analysis

    assert analysis.ICCResult is ICCResult
    assert analysis.__dict__["icc"] is icc


# ---------------------------------------------------------------------------------------
# confidence intervals
# ---------------------------------------------------------------------------------------
INTERVALS = json.loads((FIXTURES / "icc_intervals.json").read_text())


def test_interval_fixture_header():
    meta = INTERVALS["meta"]
    assert meta["generated_by"] == "tests/fixtures/r/icc_intervals.R"
    assert meta["packages"]["psych"] and meta["r_version"].startswith("R version")
    refs = {c["reference"] for c in INTERVALS["cases"]}
    assert refs == {"psych::ICC", "R by hand (Searle n0)"}


@pytest.mark.parametrize("case", INTERVALS["cases"], ids=[c["id"] for c in INTERVALS["cases"]])
def test_intervals_match_r(case):
    """psych::ICC: ICC1 = our ICC(1), ICC1k = our ICC(2), their bounds = our intervals."""
    exp = case["expected"]
    r = icc(case["data"]["value"], case["data"]["group"], confidence=case["confidence"])
    got = [r.icc1, r.icc2, r.f, r.n0] + [getattr(r, f) for f in CI_FIELDS]
    want = [exp["icc1"], exp["icc2"], exp["f"], exp["n0"]] + [exp[f] for f in CI_FIELDS]
    assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    assert (r.df_between, r.df_within) == (exp["df_between"], exp["df_within"])
    if "multilevel_icc1" in exp:  # psych and multilevel agree on balanced data
        assert_allclose([r.icc1, r.icc2], [exp["multilevel_icc1"], exp["multilevel_icc2"]], rtol=RTOL)
    assert r.icc1_ci_low <= r.icc1_n0 <= r.icc1_ci_high
    assert r.icc2_ci_low <= r.icc2 <= r.icc2_ci_high


def test_interval_hand_worked_balanced():
    # a: 1, 2  b: 3, 4  c: 5, 6: F = 16 on (2, 3) df, k = n0 = 2
    # F_L = 16 / F.975(2, 3) = 16 / 16.04411 = 0.997251;  F_U = 16 * F.975(3, 2) = 16 * 39.16549 = 626.648
    # ICC(1): (F_L - 1)/(F_L + 1) = -0.0013764;  (F_U - 1)/(F_U + 1) = 0.9968135
    # ICC(2): 1 - 1/F_L = -0.0027567;            1 - 1/F_U = 0.9984042
    r = icc([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    f_l = 16 / stats.f.ppf(0.975, 2, 3)
    f_u = 16 * stats.f.ppf(0.975, 3, 2)
    assert (f_l, f_u) == pytest.approx((0.997251, 626.648), rel=1e-5)
    assert r.n0 == 2.0 and r.icc1_n0 == pytest.approx(r.icc1, rel=1e-14)
    assert (r.icc1_ci_low, r.icc1_ci_high) == pytest.approx(((f_l - 1) / (f_l + 1), (f_u - 1) / (f_u + 1)), rel=1e-12)
    assert (r.icc2_ci_low, r.icc2_ci_high) == pytest.approx((1 - 1 / f_l, 1 - 1 / f_u), rel=1e-12)
    assert (r.icc1_ci_low, r.icc1_ci_high) == pytest.approx((-0.0013764, 0.9968135), abs=5e-7)
    # 90 %: narrower
    r90 = icc([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"], confidence=0.90)
    assert r.icc1_ci_low < r90.icc1_ci_low < r90.icc1_ci_high < r.icc1_ci_high
    assert r90.confidence == 0.90


def test_interval_hand_worked_unequal_groups_uses_n0():
    # a: 1, 3   b: 4, 5, 6: F = 8.1 on (1, 3) df; n0 = (5 - (4 + 9)/5)/1 = 2.4 (N/G = 2.5)
    # ICC(1) with n0 (the centre of the interval): 7.1 / (8.1 + 1.4) = 0.7473684
    # F_L = 8.1 / F.975(1, 3) = 8.1 / 17.44344 = 0.464359 -> (F_L - 1)/(F_L + 1.4) = -0.287295
    r = icc([1, 3, 4, 5, 6], [0, 0, 1, 1, 1])
    assert r.n0 == pytest.approx(2.4, rel=1e-14)
    assert r.icc1_n0 == pytest.approx(7.1 / 9.5, rel=1e-12)
    assert r.icc1 == pytest.approx(0.739583333333333, rel=1e-12)  # multilevel, N/G: unchanged
    f_l = 8.1 / stats.f.ppf(0.975, 1, 3)
    f_u = 8.1 * stats.f.ppf(0.975, 3, 1)
    assert f_l == pytest.approx(0.464359, rel=1e-5)
    assert r.icc1_ci_low == pytest.approx((f_l - 1) / (f_l + 1.4), rel=1e-12)
    assert r.icc1_ci_high == pytest.approx((f_u - 1) / (f_u + 1.4), rel=1e-12)
    assert r.icc2_ci_low == pytest.approx(1 - 1 / f_l, rel=1e-12)


def test_interval_edge_cases():
    r = icc([1, 1, 2, 2, 2], list("aabbb"))  # no variance within: F = inf
    assert (r.icc1_ci_low, r.icc1_ci_high, r.icc2_ci_low, r.icc2_ci_high) == (1.0, 1.0, 1.0, 1.0)
    r = icc([1, 3, 2, 2], list("aabb"))  # equal means: F = 0
    assert r.icc1_ci_low == r.icc1_ci_high == -1.0  # -1/(n0 - 1), n0 = 2
    assert r.icc2_ci_low == r.icc2_ci_high == -math.inf
    for y, g in (([1, 2, 3, 4], ["t"] * 4), ([1, 2, 3, 4], [0, 1, 2, 3]), ([3, 3, 3, 3], [0, 0, 1, 1]), ([], [])):
        r = icc(y, g)
        assert all(math.isnan(getattr(r, f)) for f in CI_FIELDS), (y, g)
    prop = icc([1, 2, np.nan, 4], [0, 0, 1, 1], nan_policy="propagate")
    assert all(math.isnan(getattr(prop, f)) for f in CI_FIELDS + ("n0",))


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.95", None])
def test_confidence_must_lie_in_0_1(bad):
    with pytest.raises(ValueError, match=r"^confidence: must lie strictly between 0 and 1, got "):
        icc([1, 2, 3, 4], [0, 0, 1, 1], confidence=bad)


def _coverage(sizes, rho, reps, seed, confidence=0.95):
    """Share of intervals covering ICC(1) = rho and the reliability at n0 (normal data)."""
    rng = np.random.default_rng(seed)
    sizes = np.asarray(sizes)
    groups = np.repeat(np.arange(sizes.size), sizes)
    N, G = sizes.sum(), sizes.size
    n0 = (N - (sizes**2).sum() / N) / (G - 1)
    lam = n0 * rho / (1 + (n0 - 1) * rho)
    u = rng.normal(size=(reps, G)) * np.sqrt(rho)
    e = rng.normal(size=(reps, N)) * np.sqrt(1 - rho)
    hit1 = hit2 = 0
    for r in range(reps):
        res = icc(u[r, groups] + e[r], groups, confidence=confidence)
        hit1 += res.icc1_ci_low <= rho <= res.icc1_ci_high
        hit2 += res.icc2_ci_low <= lam <= res.icc2_ci_high
    return hit1 / reps, hit2 / reps


@pytest.mark.parametrize(("design", "rho"), [("15x8", 0.05), ("15x8", 0.20), ("50x5-20", 0.05), ("50x5-20", 0.20)])
def test_interval_coverage_by_simulation(design, rho):
    """4,000 data sets per design (docs/methodology.md §5 reports 20,000 per design):
    the interval is exact for 15 teams of 8 and keeps close to 95 % for 50 teams of
    5-20 members (Searle's approximation with n0). Standard error of a share of 4,000
    near 0.95: 0.0034; the bounds allow 3 standard errors."""
    sizes = [8] * 15 if design == "15x8" else np.random.default_rng(7).integers(5, 21, size=50)
    c1, c2 = _coverage(sizes, rho, reps=4000, seed=11)
    assert 0.94 <= c1 <= 0.96, c1
    assert 0.94 <= c2 <= 0.96, c2


def test_interval_width_at_15_teams_of_8():
    """The review's example: 15 teams of 8 with ICC(1) = 0.05 leave an interval about
    [-0.04, 0.25] wide — it cannot separate little from substantial variance."""
    # F at its expectation under rho = .05, k = 8: E[MS_B]/E[MS_W] = 1 + 8 * .05/.95
    f = 1 + 8 * 0.05 / 0.95
    f_l, f_u = f / stats.f.ppf(0.975, 14, 105), f * stats.f.ppf(0.975, 105, 14)
    low, high = (f_l - 1) / (f_l + 7), (f_u - 1) / (f_u + 7)
    assert (round(low, 2), round(high, 2)) == (-0.04, 0.25)
    assert icc1_bands(low, high) == ICC1_BANDS


# ---------------------------------------------------------------------------------------
# reliability of a group mean by group size
# ---------------------------------------------------------------------------------------
def test_group_reliability_hand_worked():
    # rho = .2: lambda(4) = .8 / 1.6 = .5; lambda(9) = 1.8 / 2.6 = .6923; lambda(16) = 3.2 / 4 = .8
    # min size for .70: .7 * .8 / (.3 * .2) = 9.33 -> 10; at rho = .35: 4.33 -> 5; at .1: 21 exactly
    r = group_reliability([4, 9, 16], 0.2, ci=(0.1, 0.35))
    assert isinstance(r, GroupReliabilityResult)
    assert_allclose(r.reliability, [0.5, 1.8 / 2.6, 0.8], rtol=1e-14)
    assert_allclose(r.ci_low, [0.4 / 1.3, 0.9 / 1.8, 1.6 / 2.5], rtol=1e-14)
    assert_allclose(r.ci_high, [1.4 / 2.05, 3.15 / 3.8, 5.6 / 6.25], rtol=1e-14)
    assert (r.min_size, r.min_size_ci_low, r.min_size_ci_high) == (10, 5, 21)
    assert r.to_dict()["reliability"] == pytest.approx([0.5, 1.8 / 2.6, 0.8])


def test_group_reliability_at_n0_is_icc2_and_its_interval():
    for case in INTERVALS["cases"]:
        res = icc(case["data"]["value"], case["data"]["group"], confidence=case["confidence"])
        r = group_reliability(res.n0, res)
        assert r.confidence == case["confidence"]
        if res.icc1_ci_low > 0:
            assert_allclose(
                [r.reliability, r.ci_low, r.ci_high],
                [res.icc2 if case["reference"] == "psych::ICC" else 1 - 1 / res.f, res.icc2_ci_low, res.icc2_ci_high],
                rtol=1e-10,
            )


def test_group_reliability_vectorized_and_truncated():
    sizes = np.array([[5, 10, 20], [1, np.nan, 0]])
    r = group_reliability(sizes, np.array([0.1, -0.02, 0.3]))
    assert r.reliability.shape == (2, 3)
    assert r.reliability[0, 0] == pytest.approx(0.5 / 1.4)
    assert r.reliability[0, 1] == 0.0  # negative ICC(1): no reliability
    assert r.reliability[1, 0] == pytest.approx(0.1)  # one member: lambda = rho
    assert np.isnan(r.reliability[1, 1:]).all()
    assert np.isnan(r.ci_low).all()  # no interval given
    assert_allclose(r.min_size, [21, np.inf, 6])
    # the same through an ICCResult, vectorized over many teams at once
    res = icc([1, 2, 3, 4, 5, 6, 2, 3], list("aabbccdd"))
    teams = np.arange(1, 1001)
    rr = group_reliability(teams, res)
    assert rr.reliability.shape == (1000,) and np.all(np.diff(rr.reliability) > 0)
    assert np.all((rr.ci_low <= rr.reliability) & (rr.reliability <= rr.ci_high))


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (
            lambda: group_reliability([5], 0.1, target=1.0),
            ValueError,
            r"^target: must lie strictly between 0 and 1, got 1.0$",
        ),
        (lambda: group_reliability([5], icc([1, 2, 3, 4], [0, 0, 1, 1]), ci=(0, 1)), ValueError, r"^ci: give it only"),
        (lambda: group_reliability(["x"], 0.1), TypeError, r"^sizes: must be numeric"),
    ],
)
def test_group_reliability_errors(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_icc1_bands():
    assert icc1_bands(-0.04, 0.25) == ("little", "moderate", "substantial")
    assert icc1_bands(-0.04, 0.04) == ("little",)
    assert icc1_bands(0.05, 0.0999) == ("moderate",)
    assert icc1_bands(0.04, 0.10) == ("little", "moderate", "substantial")
    assert icc1_bands(0.10, 0.40) == ("substantial",)
    assert icc1_bands(0.0, 0.3, cuts=(0.1, 0.2)) == ("little", "moderate", "substantial")
    assert icc1_bands(float("nan"), 0.3) == ()
    with pytest.raises(ValueError, match=r"^cuts: must be two increasing numbers"):
        icc1_bands(0, 1, cuts=(0.2, 0.1))
    with pytest.raises(ValueError, match=r"^ci_low: must not exceed ci_high"):
        icc1_bands(0.3, 0.1)


def test_public_api_exports_intervals():
    import analysis

    assert analysis.group_reliability is group_reliability
    assert analysis.icc1_bands is icc1_bands
    assert analysis.GroupReliabilityResult is GroupReliabilityResult
