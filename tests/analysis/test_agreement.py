"""Tests for analysis.agreement: r_wg, r_wg(j), a_wg, AD_M.

Reference values come from R package ``multilevel`` (fixtures written by
tests/fixtures/r/agreement.R, versions in each fixture's "meta"). Tolerance for every
comparison with R: ``assert_allclose(rtol=1e-6, atol=1e-12)``; the absolute part only
matters for values that are 0 in exact arithmetic (R prints e.g. -4.4e-16 for an a_wg
that is a mean of -1 and 1).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from analysis.agreement import ad_m, awg, rwg, rwg_j, rwg_star_j
from analysis.groups import GroupResult

RTOL = 1e-6
ATOL = 1e-12
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
FUNCS = {"rwg": rwg, "rwg_j": rwg_j, "rwg_star_j": rwg_star_j, "awg": awg, "ad_m": ad_m}


# ---------------------------------------------------------------------------------------
# R fixtures
# ---------------------------------------------------------------------------------------
def _load_cases(functions):
    out = []
    for path in sorted(FIXTURES.glob("agreement_*.json")):
        fx = json.loads(path.read_text())
        for case in fx["cases"]:
            if case["function"] in functions:
                out.append(pytest.param(fx, case, id=f"{fx['meta']['dataset']}:{case['id']}"))
    return out


def _case_inputs(fx, case):
    cols = fx["data"]["columns"]
    X = np.column_stack([np.array([np.nan if v is None else v for v in cols[c]], dtype=float) for c in case["columns"]])
    groups = np.array(case.get("group_override", fx["data"]["group"]))
    if "rows" in case:
        rows = np.array(case["rows"], dtype=int)
        X, groups = X[rows], groups[rows]
    return X, groups


AGREEMENT_CASES = _load_cases(set(FUNCS))


def test_fixtures_present_and_small():
    paths = sorted(FIXTURES.glob("agreement_*.json"))
    assert {p.stem for p in paths} >= {
        "agreement_lq2002",
        "agreement_bhr2000",
        "agreement_bh1996",
        "agreement_cohesion",
        "agreement_synthetic",
        "agreement_synthetic_missing",
        "agreement_structure",
    }
    assert sum(p.stat().st_size for p in paths) < 2_000_000
    for p in paths:
        meta = json.loads(p.read_text())["meta"]
        assert meta["r_version"].startswith("R version")
        assert meta["packages"]["multilevel"]
    assert len(AGREEMENT_CASES) > 40


@pytest.mark.parametrize(("fx", "case"), AGREEMENT_CASES)
def test_matches_r(fx, case):
    X, groups = _case_inputs(fx, case)
    fun = case["function"]
    args = dict(case["args"])
    data = X[:, 0] if fun == "rwg" else X
    result = FUNCS[fun](data, groups, nan_policy=case["nan_policy"], **args)
    assert isinstance(result, GroupResult)
    assert list(result.groups) == sorted(result.groups)

    exp = case["expected"]
    expected = {g: (np.nan if v is None else v) for g, v in zip(exp["group"], exp["value"])}
    expected_n = dict(zip(exp["group"], exp["n"]))
    got = result.to_dict()
    got_n = dict(zip(result.groups, result.n.tolist()))
    labels = list(expected)
    assert set(labels) <= set(got), "every group R reports is in the result"
    assert_allclose([got[g] for g in labels], [expected[g] for g in labels], rtol=RTOL, atol=ATOL, equal_nan=True)
    assert [got_n[g] for g in labels] == [expected_n[g] for g in labels]
    # multilevel drops groups without any observed answer; they are NaN with n == 0 here
    for g in set(got) - set(labels):
        assert math.isnan(got[g]) and got_n[g] == 0


def test_complete_rows_reproduce_multilevel_listwise():
    """multilevel deletes incomplete rows; passing complete rows gives its numbers."""
    fx = json.loads((FIXTURES / "agreement_synthetic_missing.json").read_text())
    case = next(c for c in fx["cases"] if c["id"] == "rwg_j_complete")
    X, groups = _case_inputs(fx, case)
    assert not np.isnan(X).any()
    full_X, full_groups = _case_inputs(fx, {**case, "rows": list(range(len(fx["data"]["group"])))})
    complete = ~np.isnan(full_X).any(axis=1)
    a = rwg_j(full_X[complete], full_groups[complete], scale_points=5)
    b = rwg_j(X, groups, scale_points=5)
    assert_array_equal(a.values, b.values)


# ---------------------------------------------------------------------------------------
# hand-worked examples
# ---------------------------------------------------------------------------------------
def test_rwg_hand_worked():
    # group a: 1, 2, 3 -> mean 2, s^2 = (1 + 0 + 1) / 2 = 1.
    #   5-point: sigma_E^2 = (25 - 1)/12 = 2  -> r_wg = 1 - 1/2 = 0.5
    #   7-point: sigma_E^2 = (49 - 1)/12 = 4  -> r_wg = 1 - 1/4 = 0.75
    # group b: 1, 5 -> s^2 = (4 + 4) / 1 = 8 > 2 -> truncated to 0 (also on 7 points: 8 > 4)
    # group c: 4 alone -> variance undefined -> NaN, n = 1
    x = [1, 2, 3, 1, 5, 4]
    g = ["a", "a", "a", "b", "b", "c"]
    r5 = rwg(x, g, scale_points=5)
    assert r5.statistic == "rwg"
    assert r5.groups == ("a", "b", "c")
    assert_allclose(r5.values, [0.5, 0.0, np.nan], equal_nan=True)
    assert r5.n.tolist() == [3, 2, 1]
    r7 = rwg(x, g, scale_points=7)
    assert_allclose(r7.values, [0.75, 0.0, np.nan], equal_nan=True)
    # 2-point scale: sigma_E^2 = (4 - 1)/12 = 0.25; answers 1, 1, 2 -> s^2 = 1/3 > 0.25 -> 0
    assert rwg([1, 1, 2], [0, 0, 0], scale_points=2).values.tolist() == [0.0]


def test_rwg_j_hand_worked():
    # one group, J = 2 items:
    #   item 1: 1, 2, 3 -> s^2 = 1;  item 2: 2, 2, 2 -> s^2 = 0;  mean s^2 = 0.5
    #   ratio = 0.5 / 2 = 0.25;  r_wg(j) = 2 (0.75) / (2 (0.75) + 0.25) = 1.5 / 1.75 = 6/7
    # second group identical but J = 2 with both items 1, 5, 3 (s^2 = 4 > 2) -> 0
    items = [[1, 2], [2, 2], [3, 2], [1, 1], [5, 5], [3, 3]]
    r = rwg_j(items, [0, 0, 0, 1, 1, 1], scale_points=5)
    assert r.statistic == "rwg_j"
    assert_allclose(r.values, [6 / 7, 0.0], rtol=1e-15)
    assert r.n.tolist() == [3, 3]
    # three items, four respondents:
    #   item 1: 1, 2, 3, 2 -> mean 2, s^2 = 2/3;  item 2: 2, 2, 2, 2 -> 0;
    #   item 3: 1, 3, 3, 1 -> mean 2, s^2 = 4/3;  mean s^2 = 2/3, ratio 1/3
    #   r_wg(j) = 3 (2/3) / (3 (2/3) + 1/3) = 2 / (7/3) = 6/7
    items = [[1, 2, 1], [2, 2, 3], [3, 2, 3], [2, 2, 1]]
    assert_allclose(rwg_j(items, [7, 7, 7, 7], scale_points=5).values, [6 / 7], rtol=1e-15)


def test_awg_hand_worked():
    # scale 1..5 (L = 1, H = 5); one item.
    # group a: 1, 3, 5: k = 3, M = 3, s^2 = 4, max variance (5-3)(3-1)(3/2) = 6
    #          a_wg = 1 - 2*4/6 = -1/3
    # group b: 1, 1, 2: M = 4/3 < (1*2 + 5)/3 = 7/3 -> undefined (NaN)
    # group c: 5, 5: all at the top -> 1
    # group d: 2, 4: k = 2, M = 3 = (1 + 5)/2 allowed; s^2 = 2; max (2)(2)(2) = 8 -> 1 - 4/8 = 0.5
    # group e: 2, 3: k = 2, M = 2.5 != 3 -> NaN
    # group f: 1, 1, 5: M = 7/3 exactly at the limit (allowed); s^2 = 16/3,
    #          max (8/3)(4/3)(3/2) = 16/3 -> 1 - 2 = -1
    x = [1, 3, 5, 1, 1, 2, 5, 5, 2, 4, 2, 3, 1, 1, 5]
    g = list("aaabbbccddeefff")
    r = awg(x, g, scale_min=1, scale_max=5)
    assert r.statistic == "awg"
    assert_allclose(r.values, [-1 / 3, np.nan, 1.0, 0.5, np.nan, -1.0], rtol=1e-12, equal_nan=True)
    # two items: mean of the defined item values. Group a with items (1,3,5) and (1,1,2):
    # item values -1/3 and NaN -> -1/3; group d items (2,4) and (4,2) -> 0.5 and 0.5.
    items = np.array([[1, 1], [3, 1], [5, 2], [2, 4], [4, 2]])
    r2 = awg(items, list("aaadd"), scale_min=1, scale_max=5)
    assert_allclose(r2.values, [-1 / 3, 0.5], rtol=1e-12)
    # no defined item at all -> NaN
    r3 = awg([[1, 1], [1, 2], [2, 1]], [0, 0, 0], scale_min=1, scale_max=5)
    assert np.isnan(r3.values[0])


def test_awg_other_scale_range():
    # scale 0..4: group 0, 2, 4: M = 2, s^2 = 4, max (4-2)(2-0)(3/2) = 6 -> 1 - 8/6 = -1/3
    r = awg([0, 2, 4], [1, 1, 1], scale_min=0, scale_max=4)
    assert_allclose(r.values, [-1 / 3], rtol=1e-12)


def test_ad_m_hand_worked():
    # group a: 1, 2, 6: mean 3 -> (2 + 1 + 3)/3 = 2;  median 2 -> (1 + 0 + 4)/3 = 5/3
    # group b: 4, 4: 0
    # two items: item 2 of group a is 2, 2, 2 -> 0;  AD_M = (2 + 0)/2 = 1, AD_Md = (5/3)/2
    x = [1, 2, 6, 4, 4]
    g = ["a", "a", "a", "b", "b"]
    assert_allclose(ad_m(x, g).values, [2.0, 0.0], rtol=1e-15)
    med = ad_m(x, g, center="median")
    assert med.statistic == "ad_md"
    assert_allclose(med.values, [5 / 3, 0.0], rtol=1e-15)
    items = np.column_stack([x, [2, 2, 2, 4, 4]])
    assert_allclose(ad_m(items, g).values, [1.0, 0.0], rtol=1e-15)
    assert_allclose(ad_m(items, g, center="median").values, [5 / 6, 0.0], rtol=1e-15)
    # even group size: median of 1, 2, 4, 5 is 3 -> (2 + 1 + 1 + 2)/4 = 1.5
    assert_allclose(ad_m([1, 2, 4, 5], [0, 0, 0, 0], center="median").values, [1.5])


def test_rwg_skewed_nulls_hand_worked():
    # answers 3, 4, 5: s^2 = 1.  uniform 1 - 1/2 = .5; slight 1 - 1/1.34; moderate
    # 1 - 1/0.90 < 0 -> 0; heavy 1/0.44 > 1 -> 0.  answers 4, 4, 5: s^2 = 1/3 (< 0.44).
    x = [3, 4, 5, 4, 4, 5]
    g = ["a", "a", "a", "b", "b", "b"]
    expected = {
        "uniform": [0.5, 1 - (1 / 3) / 2],
        "slight_skew": [1 - 1 / 1.34, 1 - (1 / 3) / 1.34],
        "moderate_skew": [0.0, 1 - (1 / 3) / 0.9],
        "heavy_skew": [0.0, 1 - (1 / 3) / 0.44],
    }
    for null, values in expected.items():
        assert_allclose(rwg(x, g, scale_points=5, null=null).values, values, rtol=1e-14)
    # sigma2_e is multilevel's ranvar; the same numbers as the named null
    assert_array_equal(rwg(x, g, sigma2_e=1.34).values, rwg(x, g, scale_points=5, null="slight_skew").values)
    # explicit category proportions: yes/no item with p = (.2, .8): sigma2 = .16
    y = [1, 2, 2]  # s^2 = 1/3 > .16 -> 0;  2, 2, 2 -> 1
    assert_allclose(rwg(y + [2, 2, 2], [0, 0, 0, 1, 1, 1], scale_points=2, null=[0.2, 0.8]).values, [0.0, 1.0])


def test_rwg_j_per_item_null_variances_hand_worked():
    # items with 2, 3 and 5 options; uniform nulls 1/4, 2/3, 2.
    #   item 1: 1, 1, 2, 1 -> s^2 = 1/4   -> ratio 1
    #   item 2: 1, 2, 1, 1 -> s^2 = 1/4   -> ratio 3/8
    #   item 3: 4, 4, 5, 4 -> s^2 = 1/4   -> ratio 1/8
    # m = (1 + 3/8 + 1/8)/3 = 1/2;  r_wg(j) = 3(1/2)/(3(1/2) + 1/2) = 3/4;  r* = 1/2.
    items = [[1, 1, 4], [1, 2, 4], [2, 1, 5], [1, 1, 4]]
    g = [0, 0, 0, 0]
    assert_allclose(rwg_j(items, g, scale_points=[2, 3, 5]).values, [0.75], rtol=1e-14)
    assert_allclose(rwg_star_j(items, g, scale_points=[2, 3, 5]).values, [0.5], rtol=1e-14)
    assert_allclose(rwg_j(items, g, sigma2_e=[0.25, 2 / 3, 2.0]).values, [0.75], rtol=1e-14)
    # a common sigma2_e given per item equals the scalar (and the classic formula)
    assert_array_equal(rwg_j(items, g, sigma2_e=[2.0, 2.0, 2.0]).values, rwg_j(items, g, sigma2_e=2.0).values)
    # without scale_points, sigma2_e does not bound the answers (e.g. centred codes)
    assert_allclose(rwg_j(np.array(items) - 10.0, g, sigma2_e=[0.25, 2 / 3, 2.0]).values, [0.75], rtol=1e-14)
    # the mean ratio is capped at 1 (multilevel caps the mean variance at ranvar):
    # item 1: 1, 2 -> s^2 = 1/2, ratio 2;  item 2: 3, 3 -> 0.  m = min(1, 1) -> 0
    assert_allclose(rwg_j([[1, 3], [2, 3]], [0, 0], scale_points=[2, 5]).values, [0.0])
    assert_allclose(rwg_star_j([[1, 3], [2, 3]], [0, 0], scale_points=[2, 5]).values, [0.0])


def test_rwg_star_j_hand_worked():
    # the two groups of the rwg_j example: mean variances 1/3 and 4 against sigma2 = 2
    items = [[4, 4], [5, 4], [4, 5], [1, 5], [5, 1], [3, 3]]
    g = [1, 1, 1, 2, 2, 2]
    r = rwg_star_j(items, g, scale_points=5)
    assert r.statistic == "rwg_star_j"
    assert_allclose(r.values, [5 / 6, -1.0], rtol=1e-14)  # not truncated
    assert_allclose(
        rwg_star_j(items, g, scale_points=5, null="slight_skew").values, [1 - (1 / 3) / 1.34, 1 - 4 / 1.34], rtol=1e-14
    )
    # r* = 1 - m and r_wg(j) = J(1 - m)/(J(1 - m) + m): r_wg(j) >= r* whenever r* >= 0
    rj = rwg_j(items, g, scale_points=5).values
    assert rj[0] > r.values[0]
    # one item: r* is the untruncated single-item r_wg
    x = [1, 2, 3, 1, 5]
    gg = ["a", "a", "a", "b", "b"]
    assert_allclose(rwg_star_j(x, gg, scale_points=5).values, [0.5, 1 - 8 / 2])
    assert_allclose(rwg(x, gg, scale_points=5).values, [0.5, 0.0])
    # n = 2, constant answers, a group of one, missing answers
    items = np.array([[2, 4], [2, 5], [3, 3], [3, 3], [1, np.nan], [5, 5], [4, 4]])
    g = ["pair", "pair", "const", "const", "miss", "miss", "one"]
    r = rwg_star_j(items, g, scale_points=5)
    # const: 1;  miss: item 2 has one answer -> NaN;  one: NaN
    # pair: item 1 s^2 = 0, item 2 s^2 = 1/2 -> 1 - (1/4)/2 = 7/8
    assert r.groups == ("const", "miss", "one", "pair")
    assert_allclose(r.values, [1.0, np.nan, np.nan, 7 / 8], equal_nan=True)
    assert r.n.tolist() == [2, 2, 1, 2]


def test_default_null_is_uniform_and_unchanged():
    rng = np.random.default_rng(3)
    X = rng.integers(1, 6, size=(300, 4)).astype(float)
    X[rng.random(X.shape) < 0.05] = np.nan
    g = rng.integers(0, 40, size=300)
    for fun in (rwg_j, rwg_star_j):
        assert_array_equal(fun(X, g, scale_points=5).values, fun(X, g, scale_points=5, null="uniform").values)
        assert_array_equal(fun(X, g, scale_points=5).values, fun(X, g, sigma2_e=2.0).values)
        assert_array_equal(fun(X, g, scale_points=5).values, fun(X, g, scale_points=[5, 5, 5, 5]).values)
    assert_array_equal(rwg(X[:, 0], g, scale_points=5).values, rwg(X[:, 0], g, scale_points=5, null=[0.2] * 5).values)


# ---------------------------------------------------------------------------------------
# edge cases
# ---------------------------------------------------------------------------------------
def test_group_of_one_and_constant_group():
    items = np.array([[3, 3], [3, 3], [3, 3], [2, 5]], dtype=float)
    g = ["const", "const", "const", "single"]
    assert_allclose(rwg(items[:, 0], g, scale_points=5).values, [1.0, np.nan], equal_nan=True)
    assert_allclose(rwg_j(items, g, scale_points=5).values, [1.0, np.nan], equal_nan=True)
    assert_allclose(awg(items, g, scale_min=1, scale_max=5).values, [1.0, np.nan], equal_nan=True)
    assert_allclose(ad_m(items, g).values, [0.0, np.nan], equal_nan=True)
    assert_allclose(ad_m(items, g, center="median").values, [0.0, np.nan], equal_nan=True)
    for fun, kw in [(rwg_j, {"scale_points": 5}), (awg, {"scale_min": 1, "scale_max": 5}), (ad_m, {})]:
        assert fun(items, g, **kw).n.tolist() == [3, 1]


def test_constant_non_integer_answers_give_exact_agreement():
    # constant answers whose sum is not exact in floating point
    x = [1.1] * 7 + [4.7] * 3
    g = [0] * 7 + [1] * 3
    assert_allclose(rwg(x, g, scale_points=5).values, [1.0, 1.0])
    assert_allclose(ad_m(x, g).values, [0.0, 0.0], atol=1e-15)
    assert_allclose(awg(x, g, scale_min=1.1, scale_max=4.7).values, [1.0, 1.0])


def test_empty_input_gives_empty_result():
    r = rwg_j(np.empty((0, 3)), [], scale_points=5)
    assert r.groups == () and r.values.shape == (0,) and r.n.shape == (0,)


NAN = np.nan
# group a: item 1 = 1, 2, NaN; item 2 = 2, 2, 4   (respondent 3 skipped item 1)
# group b: 4, 5 / 4, 4                             (complete)
# group c: NaN, NaN / NaN, NaN                     (nobody answered)
# group d: 3, NaN / 3, 5                            (item 1 answered once -> undefined)
MISSING_ITEMS = np.array(
    [
        [1, 2],
        [2, 2],
        [NAN, 4],
        [4, 4],
        [5, 4],
        [NAN, NAN],
        [NAN, NAN],
        [3, 3],
        [NAN, 5],
    ]
)
MISSING_GROUPS = ["a", "a", "a", "b", "b", "c", "c", "d", "d"]


def test_nan_policy_omit_uses_observed_answers_per_item():
    # a: item 1 s^2 over (1, 2) = 0.5; item 2 s^2 over (2, 2, 4) = 4/3; mean 11/12
    #    ratio 11/24 -> 2 (13/24) / (2 (13/24) + 11/24) = 26/37
    # b: item 1 (4, 5) s^2 = 0.5, item 2 (4, 4) 0; mean 0.25, ratio 1/8 -> 2(7/8)/(2(7/8)+1/8)
    #    = 14/15
    r = rwg_j(MISSING_ITEMS, MISSING_GROUPS, scale_points=5)
    assert_allclose(r.values, [26 / 37, 14 / 15, NAN, NAN], rtol=1e-14, equal_nan=True)
    assert r.n.tolist() == [3, 2, 0, 2]
    # rwg on item 1 alone: a -> 1 - 0.25 = 0.75 (n = 2), b -> 0.75, c, d NaN
    r1 = rwg(MISSING_ITEMS[:, 0], MISSING_GROUPS, scale_points=5)
    assert_allclose(r1.values, [0.75, 0.75, NAN, NAN], equal_nan=True)
    assert r1.n.tolist() == [2, 2, 0, 1]
    # AD_M for a: item 1 (1, 2) -> 0.5; item 2 (2, 2, 4) mean 8/3 -> (2/3+2/3+4/3)/3 = 8/9
    a = ad_m(MISSING_ITEMS, MISSING_GROUPS)
    assert_allclose(a.values, [(0.5 + 8 / 9) / 2, 0.25, NAN, NAN], rtol=1e-14, equal_nan=True)
    w = awg(MISSING_ITEMS, MISSING_GROUPS, scale_min=1, scale_max=5)
    assert np.isnan(w.values[2:]).all()


def test_nan_policy_propagate():
    for fun, kw in [(rwg_j, {"scale_points": 5}), (awg, {"scale_min": 1, "scale_max": 5}), (ad_m, {})]:
        r = fun(MISSING_ITEMS, MISSING_GROUPS, nan_policy="propagate", **kw)
        omit = fun(MISSING_ITEMS, MISSING_GROUPS, **kw)
        assert np.isnan(r.values[[0, 2, 3]]).all()
        assert_array_equal(r.values[1], omit.values[1])  # complete group b unchanged
        assert r.n.tolist() == [3, 2, 2, 2]
    r = rwg(MISSING_ITEMS[:, 1], MISSING_GROUPS, scale_points=5, nan_policy="propagate")
    # item 2 is missing only in group c; d (3, 5): s^2 = 2 = sigma_E^2 -> 0
    assert_allclose(r.values, [1 - (4 / 3) / 2, 1.0, NAN, 0.0], equal_nan=True)


def test_nan_policy_raise():
    for fun, kw in [(rwg_j, {"scale_points": 5}), (awg, {"scale_min": 1, "scale_max": 5}), (ad_m, {})]:
        with pytest.raises(ValueError, match=r"items: contains missing values .*row 2, column 0"):
            fun(MISSING_ITEMS, MISSING_GROUPS, nan_policy="raise", **kw)
        complete = MISSING_ITEMS[[0, 1, 3, 4]]
        assert_array_equal(
            fun(complete, list("aabb"), nan_policy="raise", **kw).values,
            fun(complete, list("aabb"), **kw).values,
        )
    with pytest.raises(ValueError, match="x: contains missing values"):
        rwg([1, np.nan], [0, 0], scale_points=5, nan_policy="raise")


def test_none_in_object_array_is_missing():
    r = rwg(np.array([1, 2, None, 3], dtype=object), [0, 0, 0, 0], scale_points=5)
    assert_allclose(r.values, [0.5])
    assert r.n.tolist() == [3]


def test_results_are_read_only():
    r = rwg([1, 2], [0, 0], scale_points=5)
    with pytest.raises(ValueError):
        r.values[0] = 2.0


# ---------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: rwg([1, 2], [0, 0], scale_points=1), ValueError, r"scale_points: must be at least 2, got 1"),
        (lambda: rwg([1, 2], [0, 0], scale_points=5.0), TypeError, r"scale_points: must be an integer, got 5\.0"),
        (lambda: rwg([1, 2], [0, 0], scale_points=True), TypeError, r"scale_points: must be an integer"),
        (
            lambda: rwg([1, 6], [0, 0], scale_points=5),
            ValueError,
            r"x: values must lie in \[1, 5\] \(scale_points=5\), got 6\.0 at position 1",
        ),
        (lambda: rwg([0, 1], [0, 0], scale_points=5), ValueError, r"x: values must lie in \[1, 5\].*got 0\.0"),
        (lambda: rwg([1, np.inf], [0, 0], scale_points=5), ValueError, r"x: contains non-finite value inf"),
        (lambda: rwg([[1, 2]], [0], scale_points=5), ValueError, r"x: must be one-dimensional .*shape \(1, 2\).*rwg_j"),
        (lambda: rwg([1, 2, 3], [0, 0], scale_points=5), ValueError, r"groups: has 2 entries, expected 3"),
        (lambda: rwg(["a", "b"], [0, 0], scale_points=5), TypeError, r"x: must be numeric, got dtype <U1"),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=5, nan_policy="drop"),
            ValueError,
            r"nan_policy: must be one of 'omit', 'raise', 'propagate', got 'drop'",
        ),
        (lambda: rwg([1, 2], [0, None], scale_points=5), ValueError, r"groups: contains missing labels"),
        (
            lambda: rwg_j([[1], [2]], [0, 0], scale_points=5),
            ValueError,
            r"items: needs at least 2 item column\(s\), got 1; use rwg",
        ),
        (
            lambda: rwg_j([1, 2], [0, 0], scale_points=5),
            ValueError,
            r"items: must be two-dimensional .*got shape \(2,\)",
        ),
        (
            lambda: rwg_j([[1, 2], [3, -1]], [0, 0], scale_points=5),
            ValueError,
            r"items: values must lie in \[1, 5\].*got -1\.0 at row 1, column 1",
        ),
        (
            lambda: rwg_j(np.ones((2, 2, 2)), [0, 0], scale_points=5),
            ValueError,
            r"items: must be two-dimensional .*\(2, 2, 2\)",
        ),
        (lambda: rwg_j([[1, 2], [1, 2]], [0, 0, 0], scale_points=5), ValueError, r"groups: has 3 entries, expected 2"),
        (
            lambda: awg([1, 2], [0, 0], scale_min=5, scale_max=1),
            ValueError,
            r"scale_max: must be greater than scale_min, got scale_min=5, scale_max=1",
        ),
        (
            lambda: awg([1, 2], [0, 0], scale_min=1, scale_max=1),
            ValueError,
            r"scale_max: must be greater than scale_min",
        ),
        (
            lambda: awg([1, 2], [0, 0], scale_min="1", scale_max=5),
            TypeError,
            r"scale_min: must be a real number, got '1'",
        ),
        (lambda: awg([1, 2], [0, 0], scale_min=1, scale_max=np.inf), ValueError, r"scale_max: must be finite, got inf"),
        (
            lambda: awg([1, 7], [0, 0], scale_min=1, scale_max=5),
            ValueError,
            r"items: values must lie in \[1, 5\] \(scale_min=1, scale_max=5\), got 7\.0",
        ),
        (
            lambda: awg(np.ones((2, 0)), [0, 0], scale_min=1, scale_max=5),
            ValueError,
            r"items: needs at least 1 item column\(s\), got 0",
        ),
        (lambda: ad_m([1, 2], [0, 0], center="mode"), ValueError, r"center: must be 'mean' or 'median', got 'mode'"),
        (lambda: ad_m([1, -np.inf], [0, 0]), ValueError, r"items: contains non-finite value -inf"),
        (lambda: ad_m([1 + 2j, 2], [0, 0]), TypeError, r"items: must be numeric, got dtype complex128"),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=5, null="skewed"),
            ValueError,
            r"null: must be one of 'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew' or a sequence of category proportions, got 'skewed'",
        ),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=7, null="slight_skew"),
            ValueError,
            r"null: 'slight_skew' is defined for 5-point scales only .*got scale_points=7",
        ),
        (
            lambda: rwg_j([[1, 2], [2, 2]], [0, 0], scale_points=[5, 4], null="heavy_skew"),
            ValueError,
            r"null: 'heavy_skew' is defined for 5-point scales only .*got scale_points=4",
        ),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=5, null=[0.5, 0.6, 0, 0, 0]),
            ValueError,
            r"null: category proportions must be non-negative and sum to 1",
        ),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=5, null=[0.5, 0.5]),
            ValueError,
            r"null: has 2 category proportions, expected scale_points=5",
        ),
        (
            lambda: rwg([1, 2], [0, 0], scale_points=5, null=[1, 0, 0, 0, 0]),
            ValueError,
            r"null: needs at least two categories with positive probability",
        ),
        (lambda: rwg([1, 2], [0, 0]), TypeError, r"scale_points: required unless sigma2_e is given"),
        (
            lambda: rwg([1, 2], [0, 0], sigma2_e=1.3, null="slight_skew"),
            ValueError,
            r"null: cannot be combined with sigma2_e .*got null='slight_skew'",
        ),
        (lambda: rwg([1, 2], [0, 0], sigma2_e=0.0), ValueError, r"sigma2_e: must be positive and finite, got 0\.0"),
        (
            lambda: rwg([1, 2], [0, 0], sigma2_e=[1.0, 2.0]),
            ValueError,
            r"sigma2_e: must be a single number for one item",
        ),
        (
            lambda: rwg([1, 2], [0, 0], sigma2_e="2"),
            TypeError,
            r"sigma2_e: must be a positive number or one per item, got '2'",
        ),
        (
            lambda: rwg_j([[1, 2], [2, 2]], [0, 0], sigma2_e=[1.0, 2.0, 3.0]),
            ValueError,
            r"sigma2_e: must be a number or have one entry per item \(2\), got shape \(3,\)",
        ),
        (
            lambda: rwg_j([[1, 2], [2, 2]], [0, 0], scale_points=[5, 5, 5]),
            ValueError,
            r"scale_points: has 3 entries, expected one per item \(2\)",
        ),
        (
            lambda: rwg_j([[1, 2], [2, 2]], [0, 0], scale_points=[5, 1]),
            ValueError,
            r"scale_points\[1\]: must be at least 2, got 1",
        ),
        (
            lambda: rwg_j([[1, 3], [2, 2]], [0, 0], scale_points=[5, 2]),
            ValueError,
            r"items: values must lie in \[1, 2\] \(scale_points\[1\]=2\), got 3\.0 at row 0, column 1",
        ),
        (
            lambda: rwg_j([[1, 3], [2, 2]], [0, 0], scale_points=5.0),
            TypeError,
            r"scale_points: must be an integer, got 5\.0",
        ),
        (
            lambda: rwg_star_j([[1, 9]], [0], scale_points=5),
            ValueError,
            r"items: values must lie in \[1, 5\] \(scale_points=5\), got 9\.0",
        ),
        (
            lambda: rwg_star_j(np.ones((2, 0)), [0, 0], scale_points=5),
            ValueError,
            r"items: needs at least 1 item column\(s\), got 0",
        ),
    ],
)
def test_errors_name_argument_and_value(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


# ---------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------
@st.composite
def survey(draw, min_items=2, missing=True):
    n = draw(st.integers(1, 40))
    j = draw(st.integers(min_items, 4))
    n_groups = draw(st.integers(1, 6))
    cell = st.one_of(st.integers(1, 5).map(float), st.just(np.nan)) if missing else st.integers(1, 5).map(float)
    values = draw(st.lists(st.lists(cell, min_size=j, max_size=j), min_size=n, max_size=n))
    groups = draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n))
    perm = draw(st.permutations(range(n)))
    return np.array(values, dtype=float), np.array(groups), np.array(perm)


ALL = [
    ("rwg", lambda X, g, **k: rwg(X[:, 0], g, scale_points=5, **k)),
    ("rwg_j", lambda X, g, **k: rwg_j(X, g, scale_points=5, **k)),
    ("awg", lambda X, g, **k: awg(X, g, scale_min=1, scale_max=5, **k)),
    ("ad_m", lambda X, g, **k: ad_m(X, g, **k)),
    ("ad_md", lambda X, g, **k: ad_m(X, g, center="median", **k)),
    ("rwg_star_j", lambda X, g, **k: rwg_star_j(X, g, scale_points=5, **k)),
    ("rwg_j_slight", lambda X, g, **k: rwg_j(X, g, scale_points=5, null="slight_skew", **k)),
]
PROP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(survey())
def test_invariant_to_row_order_and_relabeling(data):
    X, g, perm = data
    labels = np.array([f"team-{9 - v}" for v in g])  # order of labels reversed vs codes
    for name, fun in ALL:
        for policy in ("omit", "propagate"):
            base = fun(X, g, nan_policy=policy)
            shuffled = fun(X[perm], g[perm], nan_policy=policy)
            assert_allclose(shuffled.values, base.values, rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=name)
            assert_array_equal(shuffled.n, base.n)
            relabeled = fun(X, labels, nan_policy=policy).to_dict()
            for grp, v in base.to_dict().items():
                assert_allclose(relabeled[f"team-{9 - grp}"], v, rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=name)


@PROP
@given(survey())
def test_ranges(data):
    X, g, _ = data
    for name, fun in ALL:
        v = fun(X, g).values
        v = v[~np.isnan(v)]
        if name in ("rwg", "rwg_j", "rwg_j_slight"):
            assert ((v >= 0) & (v <= 1)).all(), name
        elif name == "rwg_star_j":
            assert (v <= 1).all()
        elif name == "awg":
            assert ((v >= -1 - 1e-12) & (v <= 1 + 1e-12)).all()
        else:
            assert (v >= 0).all()


def _naive(X, g, name):
    """Per-group loop over observed answers: the definitions written out directly."""
    out = {}
    for grp in np.unique(g):
        rows = X[g == grp]
        cols = [c[~np.isnan(c)] for c in rows.T]
        if name == "rwg":
            cols = cols[:1]
        if any(len(c) < 2 for c in cols):
            out[grp] = np.nan
            continue
        if name == "rwg":
            out[grp] = 1 - min(np.var(cols[0], ddof=1), 2.0) / 2.0
        elif name in ("rwg_j", "rwg_j_slight"):
            s2e = 2.0 if name == "rwg_j" else 1.34
            s = min(np.mean([np.var(c, ddof=1) for c in cols]), s2e) / s2e
            out[grp] = len(cols) * (1 - s) / (len(cols) * (1 - s) + s)
        elif name == "rwg_star_j":
            out[grp] = 1 - np.mean([np.var(c, ddof=1) for c in cols]) / 2.0
        elif name in ("ad_m", "ad_md"):
            center = np.mean if name == "ad_m" else np.median
            out[grp] = np.mean([np.mean(np.abs(c - center(c))) for c in cols])
        else:
            vals = []
            for c in cols:
                k, m, s2 = len(c), c.mean(), np.var(c, ddof=1)
                if (c == 5).all() or (c == 1).all():
                    vals.append(1.0)
                elif m < (k - 1 + 5) / k - 1e-12 or m > (5 * (k - 1) + 1) / k + 1e-12:
                    continue
                else:
                    vals.append(1 - 2 * s2 / ((5 - m) * (m - 1) * k / (k - 1)))
            out[grp] = np.mean(vals) if vals else np.nan
    return out


@PROP
@given(survey(missing=True))
def test_vectorized_equals_per_group_definition(data):
    X, g, _ = data
    for name, fun in ALL:
        got = fun(X, g).to_dict()
        expected = _naive(X, g, name)
        assert set(got) == set(expected)
        for grp in expected:
            assert_allclose(
                got[grp], expected[grp], rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"{name} group {grp}"
            )


def test_public_api_exports():
    import analysis

    for name in ("rwg", "rwg_j", "awg", "ad_m"):
        assert getattr(analysis, name) is FUNCS[name]


@PROP
@given(
    st.lists(st.tuples(st.floats(-50, 50, allow_nan=False), st.integers(0, 4)), min_size=1, max_size=40), st.booleans()
)
def test_median_center_non_integer_and_integer_paths(rows, integer):
    # integer-valued answers use a counting path, other answers a sort by (group, value)
    x = np.array([round(v) if integer else v for v, _ in rows], dtype=float)
    g = np.array([grp for _, grp in rows])
    got = ad_m(x, g, center="median").to_dict()
    for grp in np.unique(g):
        xs = x[g == grp]
        expected = np.mean(np.abs(xs - np.median(xs))) if len(xs) >= 2 else np.nan
        assert_allclose(got[grp], expected, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_pre_encoded_groups_give_same_result():
    from analysis.groups import encode_groups

    X = MISSING_ITEMS
    enc = encode_groups(MISSING_GROUPS)
    for name, fun in ALL:
        a, b = fun(X, MISSING_GROUPS), fun(X, enc)
        assert a.groups == b.groups
        assert_array_equal(a.values, b.values)
