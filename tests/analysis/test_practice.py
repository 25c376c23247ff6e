"""Designed versus reported practice (analysis.practice, docs/methodology.md §18): the
member rule against the instrument, the posterior against an independent Beta, the
Bayesian FDR selection, k and complementary suppression, the confound of a design that
places decisions above the team, and the error rates on simulated data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.instrument import load_questionnaire
from analysis.privacy import suppress_hierarchy
from analysis.practice import (
    FINDING,
    bayes_fdr_select,
    designed_to_team,
    diagnose_practice,
    member_reports,
    posterior_override,
)
from analysis.simulate_practice import practice_error_rates, simulate_practice

NAN = np.nan


def test_the_member_rule_reads_the_options_of_instrument_v2():
    q = load_questionnaire("aligned-autonomy-v2")
    approvals = {o.value: o.label["en"] for o in q.item("dr_s4").options}
    overturned = {o.value: o.label["en"] for o in q.item("dr_s5").options}
    assert q.item("dr_s4").scale.id == "approvals_count_v2" and q.item("dr_s5").scale.id == "overturned_v2"
    assert (approvals[3], approvals[4], approvals[5]) == (
        "3 to 5",
        "6 or more",
        "My team has no agreed decision rights",
    )
    assert overturned[2].startswith("It was overruled from above") and overturned[3].startswith("It was overruled")
    assert overturned[4] == "This has not happened in the past year"
    over, info = member_reports(
        [1, 2, 3, 4, 5, 6, NAN, NAN, NAN, NAN, 5, 1], [NAN, NAN, NAN, NAN, NAN, NAN, 1, 2, 3, 4, 5, 3]
    )
    assert over.tolist() == [False, False, True, True, False, False, False, True, True, False, False, True]
    assert info.tolist() == [True, True, True, True, False, False, True, True, True, True, False, True]


def test_the_posterior_is_the_jeffreys_beta_tail():
    x = np.array([0, 1, 4, 7, 10, 3])
    n = np.array([5, 5, 5, 8, 20, 3])
    expected = stats.beta.sf(0.5, x + 0.5, n - x + 0.5)
    np.testing.assert_allclose(posterior_override(x, n), expected, rtol=1e-10)


def test_the_bayesian_fdr_takes_the_longest_prefix_within_the_bound():
    p = np.array([0.99, 0.97, 0.80, 0.95, 0.60, 0.999])
    chosen = bayes_fdr_select(p, np.ones(6, bool), 0.05)
    # sorted: .999 .99 .97 .95 .80 → mean wrong .001 .0055 .0137 .0228 .0582: four taken
    assert chosen.tolist() == [True, True, False, True, False, True]
    assert not bayes_fdr_select(p, np.zeros(6, bool), 0.05).any()
    assert not bayes_fdr_select([0.8], [True], 0.05).any()  # one team at 0.8: 20 % expected wrong


def _team(size, reports, *, team):
    a = np.where(np.arange(size) < reports, 4.0, 1.0)
    return a, np.full(size, NAN), np.full(size, team)


def test_a_design_that_places_decisions_above_is_never_flagged_and_k_hides_small_teams():
    parts = [
        _team(10, 9, team=0),
        _team(10, 10, team=1),
        _team(3, 3, team=2),
        _team(10, 1, team=3),
        _team(2, 0, team=4),
    ]  # the two small teams hold 5 answers together: nothing to subtract
    a, o, t = (np.concatenate(x) for x in zip(*parts))
    designed = [[0, 3], [2, 3], [1, 2], [0, 0], [0, 0]]  # team 1: everything at the unit or the centre
    res = diagnose_practice(a, o, t, designed, k=5)
    assert res.verdict.tolist() == [FINDING, "not_applicable", "hidden", "practice_as_designed", "hidden"]
    assert res.n.tolist() == [10, 10, 0, 10, 0] and res.x.tolist() == [9, 10, 0, 1, 0]
    assert np.isnan(res.probability[1]) and np.isnan(res.share[2])
    assert res.designed_to_team.tolist() == [True, False, True, True, True]
    assert res.low[0] < 0.9 < res.high[0]


def test_teams_hidden_in_the_main_results_stay_hidden():
    parts = [_team(10, 9, team=0), _team(10, 9, team=1)]
    a, o, t = (np.concatenate(x) for x in zip(*parts))
    res = diagnose_practice(a, o, t, [[0], [0]], k=5, team_hidden=[False, True], team_unit=[0, 0], n_units=1)
    assert not res.visible[1] and res.verdict[1] == "hidden" and res.n[1] == 0


@pytest.mark.parametrize("seed", range(20))
def test_no_hidden_count_can_be_recovered_by_subtraction(seed):
    """Differencing: within every unit released elsewhere (the main results' unit
    figures) and in the organization, the answers outside the shown groups number either
    none or at least k, so no total minus the shown teams isolates a group below k."""
    rng = np.random.default_rng(seed)
    T, U, k = 12, 3, 5
    sizes = rng.integers(0, 9, T)
    team = np.repeat(np.arange(T), sizes)
    a = rng.choice([1.0, 3.0, 6.0, NAN], len(team))
    o = rng.choice([1.0, 3.0, 5.0, NAN], len(team))
    unit = np.arange(T) % U
    res = diagnose_practice(a, o, team, rng.integers(-1, 4, (T, 4)), k=k, team_unit=unit, n_units=U)
    _, info = member_reports(a, o)
    n = np.bincount(team[info], minlength=T)
    assert (n[res.visible] >= k).all()
    units = suppress_hierarchy(n, unit, k=k, n_units=U).unit_visible
    for u in np.nonzero(units)[0]:
        rest = n[(unit == u) & ~res.visible].sum()
        assert rest == 0 or rest >= k, (u, n.tolist(), res.visible.tolist())
    outside = n[~units[unit] & ~res.visible].sum()
    assert outside == 0 or outside >= k


def test_the_simulator_plants_its_truth_and_keeps_the_confound():
    w = simulate_practice(np.random.default_rng(3), teams=200, team_size=400, scenario="planted")
    over, info = member_reports(w.approvals, w.overturned)
    observed = np.bincount(w.team[info & over], minlength=200) / np.bincount(w.team[info], minlength=200)
    np.testing.assert_allclose(observed, w.rho, atol=0.08)  # the exact ρ of the generative model
    assert (w.applicable == designed_to_team(w.designed)).all()
    assert w.truth[~w.applicable].mean() > 0.8  # the design asks for approvals: members report them


@pytest.mark.parametrize("n, max_false, min_recovery", [(8, 0.03, 0.35), (20, 0.03, 0.65)])
def test_the_error_rates_in_the_methodology(n, max_false, min_recovery):
    null = practice_error_rates("null", team_size=n, replications=30, seed=100)
    planted = practice_error_rates("planted", team_size=n, replications=30, seed=100)
    assert null["false_flag"] < max_false and planted["false_flag"] < max_false
    assert null["flagged_by_design"] == 0 and planted["flagged_by_design"] == 0
    assert planted["recovery"] > min_recovery and planted["fdr"] < 0.08


def test_the_rule_agrees_with_an_independent_implementation_in_r():
    """tests/fixtures/r/practice.R: member rule, pbeta/qbeta, the Bayesian FDR selection
    and the verdicts, computed in base R."""
    import json
    from pathlib import Path

    fx = json.loads((Path(__file__).parent.parent / "fixtures" / "r" / "practice.json").read_text())
    inp = fx["input"]
    nan_of = [np.nan if v is None else v for v in inp["overturned"]]
    res = diagnose_practice(
        np.asarray(inp["approvals"], float), np.asarray(nan_of, float), inp["team"], np.asarray(inp["designed"]), k=5
    )
    assert res.n.tolist() == fx["n"] and res.x.tolist() == fx["x"]
    applicable = res.designed_to_team
    np.testing.assert_allclose(res.probability[applicable], np.asarray(fx["probability"])[applicable], rtol=1e-10)
    np.testing.assert_allclose(res.low, fx["low"], rtol=1e-8)
    np.testing.assert_allclose(res.high, fx["high"], rtol=1e-8)
    assert res.verdict.tolist() == fx["verdict"]
