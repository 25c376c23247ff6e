"""Tests for analysis.icc: ICC(1), ICC(2) and the one-way ANOVA behind them.

Reference values come from R: ``aov`` + ``multilevel::ICC1`` / ``ICC2`` (fixtures written
by tests/fixtures/r/agreement.R, versions in each fixture's "meta"). Tolerance for every
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

from analysis.icc import ICCResult, icc

RTOL = 1e-6
ATOL = 1e-12
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
FLOAT_FIELDS = ("icc1", "icc2", "f", "pvalue", "ms_between", "ms_within")
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
    assert_allclose([getattr(result, f) for f in FLOAT_FIELDS], [exp[f] for f in FLOAT_FIELDS],
                    rtol=RTOL, atol=ATOL)
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
    assert all(type(d[f]) is float for f in FLOAT_FIELDS)
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
        (lambda: icc([1, 2], [0, 1], nan_policy="ignore"), ValueError, r"nan_policy: must be one of 'omit', 'raise', 'propagate', got 'ignore'"),
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
    y = draw(st.lists(st.one_of(st.integers(1, 5).map(float),
                                st.floats(-10, 10, allow_nan=False, width=32)),
                      min_size=n, max_size=n))
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
    assert_allclose([getattr(shuffled, f) for f in FLOAT_FIELDS],
                    [getattr(r, f) for f in FLOAT_FIELDS], rtol=1e-9, atol=1e-12)
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
