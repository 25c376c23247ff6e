"""Disagreement beyond chance against the organization's own spread."""

import numpy as np
import pytest

from analysis.dispersion import MAX_SIMULATED_N, dispersion_test


def test_level_is_at_most_alpha_for_random_groups():
    rng = np.random.default_rng(3)
    for n in (5, 8, 20):
        T = 2500
        # scale scores of correlated 5-point items with leniency, teams = random groups
        x = np.clip(np.round(rng.normal(3.6, 1.0, (T * n, 1)) + rng.normal(0, 0.6, (T * n, 5))), 1, 5).mean(1)
        r = dispersion_test(x, np.repeat(np.arange(T), n), alpha=0.05)
        assert np.mean([d is True for d in r.divided]) <= 0.05 + 4 * np.sqrt(0.05 * 0.95 / T)


def test_two_camps_are_found_and_agreement_is_not():
    rng = np.random.default_rng(4)
    base = rng.normal(55, 15, 600)
    camps = np.tile([25.0, 85.0], 6)
    agree = np.full(12, 55.0) + rng.normal(0, 2, 12)
    x = np.concatenate([base, camps, agree])
    teams = np.repeat(np.arange(52), [12] * 50 + [12, 12])
    r = dispersion_test(x, teams)
    assert r.divided[-2] is True and r.divided[-1] is False
    assert r.critical_value[-1] == pytest.approx(r.critical_value[-2])  # same size, same value


def test_hand_worked_edge_cases():
    r = dispersion_test([50, np.nan, 40, 60, 70], ["a", "a", "b", "b", "c"])
    assert r.n.tolist() == [1, 2, 1]
    assert r.divided.tolist() == [None, False, None]  # one score: untestable; 40 vs 60 is not beyond chance
    assert r.variance[1] == pytest.approx(200.0)
    const = dispersion_test([3.0] * 10, ["a"] * 5 + ["b"] * 5)
    assert const.divided.tolist() == [False, False]
    with pytest.raises(ValueError, match="alpha"):
        dispersion_test([1, 2], ["a", "a"], alpha=0.9)


def test_large_teams_use_the_normal_approximation_with_the_same_level():
    rng = np.random.default_rng(5)
    n, T = MAX_SIMULATED_N + 50, 400
    x = rng.normal(50, 20, n * T)
    r = dispersion_test(x, np.repeat(np.arange(T), n), alpha=0.05)
    assert np.mean([d is True for d in r.divided]) <= 0.05 + 4 * np.sqrt(0.05 * 0.95 / T)
    assert np.allclose(r.critical_value, r.critical_value[0])


def test_verdicts_do_not_depend_on_row_order_or_on_the_largest_team():
    rng = np.random.default_rng(3)
    sizes = [3, 4, 5, 6, 8, 12] * 5
    teams = np.repeat(np.arange(len(sizes)), sizes)
    scores = np.round(rng.normal(60, 15, teams.size) / 12.5) * 12.5  # discrete, with atoms
    first = dispersion_test(scores, teams)
    order = rng.permutation(teams.size)
    shuffled = dispersion_test(scores[order], teams[order])
    assert np.array_equal(first.critical_value, shuffled.critical_value)
    assert first.divided.tolist() == shuffled.divided.tolist()
    from analysis.dispersion import _null_quantiles

    pool = np.sort(rng.normal(0, 1, 200))
    assert np.array_equal(_null_quantiles(pool, 10, 0.05), _null_quantiles(pool, 40, 0.05)[:9])
