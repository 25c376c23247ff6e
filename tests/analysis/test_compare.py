"""Group-vs-rest comparisons, p-value adjustment and the two-sample test."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.compare import adjust_pvalues, compare_with_rest, group_vs_rest, grouped_sums, two_sample

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
            welch = stats.ttest_ind(a, b, equal_var=False)
            # the same difference over the pooled within-group variance of all six groups
            cols = [x[g == v, j][~np.isnan(x[g == v, j])] for v in range(6)]
            df = sum(len(c) for c in cols) - 6
            msw = sum(((c - c.mean()) ** 2).sum() for c in cols) / df
            t_pool = (a.mean() - b.mean()) / np.sqrt(msw / len(a) + b.var(ddof=1) / len(b))
            p_pool = 2 * stats.t.sf(abs(t_pool), df)
            p, t = (welch.pvalue, welch.statistic) if welch.pvalue >= p_pool else (p_pool, t_pool)
            assert_allclose(res.test.t[k, j], t, rtol=1e-9)
            assert_allclose(res.test.pvalue[k, j], p, rtol=1e-9)
            assert_allclose(res.mean[k, j], a.mean())
            assert_allclose(res.rest_mean[k, j], b.mean())
    assert_allclose(res.p_adjusted, adjust_pvalues(res.test.pvalue, method="holm"))
    assert res.flagged[2].all() and res.flagged.sum() == 2
    rows = res.to_dict()["flagged"]
    assert {r["group"] for r in rows} == {2}


def test_flags_need_both_significance_and_effect_size():
    rng = np.random.default_rng(1)
    g = np.repeat([0, 1], 20000)
    x = rng.normal(size=40000) + 0.1 * g  # tiny effect, huge n: significant, not large
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


# ---------------------------------------------------------------------------------------
# units vs rest at team level
# ---------------------------------------------------------------------------------------
from analysis.compare import UnitVsRestResult, compare_units_with_rest, unit_vs_rest  # noqa: E402


def respondents(seed, teams=40, units=4, icc=0.15, unit_effect=0.0, V=2):
    """Respondents in teams of 4-20 in units of whole teams; ``unit_effect`` raises unit 0."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(4, 21, size=teams)
    team = np.repeat(np.arange(teams), sizes)
    team_unit = rng.permutation(np.arange(teams) % units)
    x = np.sqrt(icc) * rng.normal(size=(teams, V))[team] + np.sqrt(1 - icc) * rng.normal(size=(team.size, V))
    x[:, 0] += unit_effect * (team_unit[team] == 0)
    return x, team, team_unit[team]


def test_unit_vs_rest_equals_a_loop_over_units():
    x, team, unit = respondents(1, unit_effect=0.6)
    x[::7, 1] = np.nan
    res = unit_vs_rest(x, [f"T{t}" for t in team], [f"U{u}" for u in unit], variables=["a", "b"])
    assert isinstance(res, UnitVsRestResult) and res.groups == ("U0", "U1", "U2", "U3")
    for u in range(4):
        for j in range(2):
            ok = ~np.isnan(x[:, j])
            tm = np.array([x[(team == t) & ok, j].mean() for t in np.unique(team[ok])])
            tu = np.array([unit[team == t][0] for t in np.unique(team[ok])])
            a, b = tm[tu == u], tm[tu != u]
            welch = stats.ttest_ind(a, b, equal_var=False)
            student = stats.ttest_ind(a, b, equal_var=True)
            assert_allclose(res.pvalue_welch[u, j], welch.pvalue, rtol=1e-9)
            assert_allclose(res.pvalue_pooled[u, j], student.pvalue, rtol=1e-9)
            assert_allclose(res.test.pvalue[u, j], max(welch.pvalue, student.pvalue), rtol=1e-9)
            t = welch if welch.pvalue >= student.pvalue else student
            assert_allclose(res.test.t[u, j], t.statistic, rtol=1e-9)
            assert_allclose([res.mean[u, j], res.rest_mean[u, j]], [a.mean(), b.mean()], rtol=1e-12)
            assert (res.n_teams[u, j], res.rest_n_teams[u, j]) == (a.size, b.size)
            # d: team-level difference over the pooled respondent-level SD of unit and rest
            ru, rr = x[(unit == u) & ok, j], x[(unit != u) & ok, j]
            sp = np.sqrt(((ru.size - 1) * ru.var(ddof=1) + (rr.size - 1) * rr.var(ddof=1)) / (ru.size + rr.size - 2))
            assert_allclose(res.test.d[u, j], (a.mean() - b.mean()) / sp, rtol=1e-9)
            assert res.n[u, j] == ru.size and res.rest_n[u, j] == rr.size
    assert_allclose(res.p_adjusted, adjust_pvalues(res.test.pvalue, method="holm"))
    assert res.flagged[0, 0] and not res.flagged[:, 1].any()


def test_hand_worked_team_means():
    # unit A: teams with means 1 and 3; unit B: teams with means 5, 6, 7 (two members each)
    # A vs rest: m1 = 2, s1^2 = 2, K1 = 2; m2 = 6, s2^2 = 1, K2 = 3
    # Welch: se^2 = 2/2 + 1/3 = 4/3, t = -4/sqrt(4/3) = -3.4641, df = (4/3)^2/(1/1 + (1/9)/2) = 1.6842
    # pooled: sp^2 = (2 + 2)/3 = 4/3, se^2 = 4/3 (1/2 + 1/3) = 10/9, t = -4/sqrt(10/9) = -3.7947, df 3
    x = np.array([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 5.5, 6.5, 6.5, 7.5])
    team = np.repeat(["a1", "a2", "b1", "b2", "b3"], 2)
    unit = np.repeat(["A", "A", "B", "B", "B"], 2)
    r = unit_vs_rest(x, team, unit, min_effect=0)
    assert_allclose(r.mean[:, 0], [2, 6])
    assert_allclose(r.pvalue_welch[0, 0], 2 * stats.t.sf(4 / np.sqrt(4 / 3), (4 / 3) ** 2 / (1 + 1 / 18)), rtol=1e-12)
    assert_allclose(r.pvalue_pooled[0, 0], 2 * stats.t.sf(4 / np.sqrt(10 / 9), 3), rtol=1e-12)
    assert r.pvalue_welch[0, 0] > r.pvalue_pooled[0, 0]
    assert_allclose(r.test.t[0, 0], -4 / np.sqrt(4 / 3)) and r.test.df[0, 0] == pytest.approx(1.6842, abs=1e-4)


def test_units_with_one_team_or_outside_the_family_are_not_tested():
    x, team, unit = respondents(2, teams=9, units=3)
    unit = np.where(team == 0, 9, unit)  # unit 9 holds only team 0
    r = unit_vs_rest(x, team, unit, include=[True, True, False, True])
    assert np.isnan(r.test.pvalue[3]).all() and not r.flagged[3].any()  # one team
    assert np.isnan(r.p_adjusted[2]).all() and np.isfinite(r.test.pvalue[2]).all()
    with pytest.raises(ValueError, match=r"^units: team 3 is in more than one unit"):
        unit_vs_rest(x, team, np.where(np.arange(team.size) == np.flatnonzero(team == 3)[0], 7, unit))
    with pytest.raises(ValueError, match=r"^correction: must be one of holm, bh, got 'x'$"):
        unit_vs_rest(x, team, unit, correction="x")
    with pytest.raises(ValueError, match=r"^units: has 3 entries, expected"):
        unit_vs_rest(x, team, [1, 2, 3])


def team_sums(rng, sizes, icc=0.15, V=6, corr=0.4, effect=None):
    """Per-team n, sum and sum of squares of V correlated normal variables, drawn from their
    exact distributions (respondent variance 1, a share ``icc`` between teams)."""
    T = sizes.size
    L = np.linalg.cholesky(np.full((V, V), corr) + (1 - corr) * np.eye(V))
    u = np.sqrt(icc) * rng.normal(size=(T, V)) @ L.T + (0 if effect is None else effect)
    n = np.repeat(sizes[:, None].astype(float), V, axis=1)
    mean = u + np.sqrt(1 - icc) * (rng.normal(size=(T, V)) @ L.T) / np.sqrt(n)
    within = np.where(n > 1, (1 - icc) * rng.chisquare(np.maximum(n - 1, 1)), 0.0)
    return n, n * mean, within + n * mean**2


def error_rates(units, total_teams, reps, seed, delta=0.0, min_effect=0.5):
    rng = np.random.default_rng(seed)
    labels, names = [f"U{u}" for u in range(units)], [str(j) for j in range(6)]
    any_holm = any_bh = fdp = power = resp_any = 0.0
    for _ in range(reps):
        sizes = rng.integers(4, 21, size=total_teams)
        team_unit = rng.permutation(np.arange(total_teams) % units)
        effect = np.zeros((total_teams, 6))
        effect[team_unit == 0, 0] = delta
        n, s, ss = team_sums(rng, sizes, effect=effect)
        kw = dict(n_units=units, labels=labels, variables=names, min_effect=min_effect)
        holm = compare_units_with_rest(n, s, ss, team_unit, **kw)
        bh = compare_units_with_rest(n, s, ss, team_unit, correction="bh", **kw)
        null = np.ones((units, 6), bool)
        null[:, 0] = delta == 0
        any_holm += (holm.flagged & null).any()
        any_bh += (bh.flagged & null).any()
        fdp += (bh.flagged & null).sum() / max(1, bh.flagged.sum())
        power += holm.flagged[0, 0]
        un, us, uss = (grouped_sums(a, team_unit, units) for a in (n, s, ss))
        resp = compare_with_rest(un, us, uss, labels=labels, variables=names, min_effect=min_effect)
        resp_any += (resp.flagged & null).any()
    return {
        k: v / reps
        for k, v in dict(fwer=any_holm, bh_fwer=any_bh, fdr=fdp, power=power, respondent_fwer=resp_any).items()
    }


@pytest.mark.parametrize(("units", "teams"), [(6, 480), (4, 60), (4, 15)])
def test_no_unit_effect_family_wise_error_at_most_5_percent(units, teams):
    """Teams with real team effects (ICC 0.15) put into units at random, 6 variables,
    1,000 diagnoses per design (docs/methodology.md §9 reports 4,000): the share of
    diagnoses with any flagged unit difference (Holm; BH, whose FDR equals it when no
    effect exists) stays at most 5 %, also without the minimum effect size; the
    respondent-level test on the same data flags in many diagnoses with few teams."""
    for min_effect in (0.0, 0.5):
        r = error_rates(units, teams, reps=1000, seed=units * teams, min_effect=min_effect)
        assert r["fwer"] <= 0.05 and r["bh_fwer"] <= 0.05 and r["fdr"] <= 0.05, (min_effect, r)
    if teams == 15:
        assert r["respondent_fwer"] > 0.5, r


def test_planted_unit_effect_is_found():
    """One unit's teams raised by 0.8 respondent standard deviations on one variable, 300
    diagnoses per design. An effect of 0.5 sits exactly at the minimum effect size, so
    about half of the estimates fall below it: the rule, not the test, limits the power
    there (with min_effect=0 it is found almost always with 80 teams per unit)."""
    r = error_rates(4, 60, reps=300, seed=3, delta=0.8)
    assert r["power"] >= 0.85 and r["fwer"] <= 0.05 and r["fdr"] <= 0.05, r
    r = error_rates(6, 480, reps=300, seed=4, delta=0.8)
    assert r["power"] >= 0.99 and r["fwer"] <= 0.05, r
    r = error_rates(6, 480, reps=300, seed=5, delta=0.5)
    assert 0.3 <= r["power"] <= 0.7, r
    r = error_rates(6, 480, reps=300, seed=5, delta=0.5, min_effect=0.0)
    assert r["power"] >= 0.99 and r["fwer"] <= 0.05, r


def test_respondent_level_vs_team_level_on_respondent_data():
    """The same comparison from respondent rows: with no unit effect, the respondent-level
    test of units (group_vs_rest) gives p < 0.05 far more often than 5 %; the team-level
    test does not."""
    raw_resp, raw_team = [], []
    for seed in range(60):
        x, team, unit = respondents(100 + seed, teams=24, units=4, icc=0.2, V=6)
        raw_resp.append(group_vs_rest(x, unit).test.pvalue.ravel())
        raw_team.append(unit_vs_rest(x, team, unit).test.pvalue.ravel())
    assert np.mean(np.concatenate(raw_resp) < 0.05) > 0.25
    assert np.mean(np.concatenate(raw_team) < 0.05) < 0.08


def test_a_small_group_that_happens_to_agree_is_not_flagged_on_its_own_variance():
    # five members answering a structure item alike have variance 0: Welch's test would
    # call a 12-point difference certain; against the pooled within-group spread it is not
    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(21), [5] + [20] * 20)
    x = rng.choice([0.0, 50.0, 100.0], size=g.size)[:, None]
    x[:5] = 60.0
    res = group_vs_rest(x, g, min_effect=0.0)
    welch = stats.ttest_ind(x[:5, 0], x[5:, 0], equal_var=False)
    assert np.isnan(welch.pvalue) or welch.pvalue < 1e-6 or res.test.pvalue[0, 0] > 0.05
    assert res.test.pvalue[0, 0] > 0.05 and not res.flagged[0, 0]
