"""Group-vs-rest comparisons, p-value adjustment and the two-sample test."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.compare import adjust_pvalues, group_vs_rest, grouped_sums, two_sample

P = [0.01, 0.04, 0.03, 0.2, 0.001, 0.04]


def test_adjustment_matches_r_p_adjust():
    # R 4.2.2: p.adjust(c(0.01, 0.04, 0.03, 0.2, 0.001, 0.04), "holm" / "BH")
    assert_allclose(adjust_pvalues(P, method="holm"), [0.05, 0.12, 0.12, 0.2, 0.006, 0.12])
    assert_allclose(adjust_pvalues(P, method="bh"), [0.03, 0.048, 0.048, 0.2, 0.006, 0.048])


def test_adjustment_ignores_nan_and_keeps_shape():
    p = np.array([[0.01, np.nan], [0.04, 0.03]])
    got = adjust_pvalues(p, method="holm")
    assert got.shape == (2, 2) and np.isnan(got[0, 1])
    assert_allclose(got[~np.isnan(p)], [0.03, 0.06, 0.06])
    with pytest.raises(ValueError, match="method: must be one of holm, bh"):
        adjust_pvalues(P, method="bonferroni")
    with pytest.raises(ValueError, match=r"pvalues: must lie in \[0, 1\]"):
        adjust_pvalues([1.5])


def test_two_sample_matches_welch_and_r():
    x = np.array([1, 2, 3, 4, 5, 6, 7, 2, 3.0])
    y = np.array([3, 4, 5, 6, 7, 8, 5.0])
    r = two_sample(x.size, x.mean(), x.var(ddof=1), y.size, y.mean(), y.var(ddof=1))
    # R 4.2.2: t.test(x, y)$p.value
    assert_allclose(r.pvalue, 0.0794957576532428, rtol=1e-10)
    assert_allclose(r.t, stats.ttest_ind(x, y, equal_var=False).statistic)
    pooled = np.sqrt(((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / (x.size + y.size - 2))
    assert_allclose(r.d, (x.mean() - y.mean()) / pooled)


def test_two_sample_undefined_for_tiny_or_constant_samples():
    r = two_sample([1, 5], [3, 3], [np.nan, 0], [10, 5], [2, 3], [1, 0])
    assert np.isnan(r.pvalue).all() and np.isnan(r.d).all()


def test_group_vs_rest_equals_a_loop_over_groups():
    rng = np.random.default_rng(7)
    g = rng.integers(0, 6, size=300)
    x = rng.normal(size=(300, 2)) + (g == 2)[:, None] * 1.5
    x[rng.random((300, 2)) < 0.1] = np.nan
    res = group_vs_rest(x, g, variables=["a", "b"], min_effect=0.8)
    for k in range(6):
        for j in range(2):
            a = x[g == k, j]
            b = x[g != k, j]
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            t = stats.ttest_ind(a, b, equal_var=False)
            assert_allclose(res.test.t[k, j], t.statistic, rtol=1e-9)
            assert_allclose(res.test.pvalue[k, j], t.pvalue, rtol=1e-9)
            assert_allclose(res.mean[k, j], a.mean())
            assert_allclose(res.rest_mean[k, j], b.mean())
    assert_allclose(res.p_adjusted, adjust_pvalues(res.test.pvalue, method="holm"))
    assert res.flagged[2].all() and res.flagged.sum() == 2
    rows = res.to_dict()["flagged"]
    assert {r["group"] for r in rows} == {2}


def test_flags_need_both_significance_and_effect_size():
    rng = np.random.default_rng(1)
    g = np.repeat([0, 1], 20000)
    x = rng.normal(size=40000) + 0.1 * g        # tiny effect, huge n: significant, not large
    res = group_vs_rest(x, g, min_effect=0.5)
    assert (res.p_adjusted < 0.05).all() and not res.flagged.any()
    res = group_vs_rest(x, g, min_effect=0.05)
    assert res.flagged.all()


def test_include_restricts_the_family():
    rng = np.random.default_rng(2)
    g = rng.integers(0, 4, size=400)
    x = rng.normal(size=400) + (g == 0)
    res = group_vs_rest(x, g, include=[True, False, False, False])
    assert np.isnan(res.p_adjusted[1:]).all()
    assert_allclose(res.p_adjusted[0], res.test.pvalue[0])  # family of one
    with pytest.raises(ValueError, match="correction: must be one of"):
        group_vs_rest(x, g, correction="x")


def test_grouped_sums_skip_negative_codes_and_fill_empty_groups():
    m = np.arange(12.0).reshape(6, 2)
    got = grouped_sums(m, [2, -1, 0, 2, 0, -1], 4)
    assert_allclose(got, [[4 + 8, 5 + 9], [0, 0], [0 + 6, 1 + 7], [0, 0]])
