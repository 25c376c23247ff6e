"""Drivers: relative weights against base-R fixtures and hand computations."""

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from analysis.drivers import dominance_weights, relative_weights

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures/r/relative_weights.json").read_text())


def test_relative_weights_match_r():
    X, y = np.array(FIXTURE["x"]), np.array(FIXTURE["y"])
    r = relative_weights(X, y, names=FIXTURE["names"])
    # tolerance: both are exact closed forms; 1e-10 covers eigen-decomposition rounding
    assert_allclose(r.weights, FIXTURE["relative_weights"], rtol=1e-10)
    assert_allclose(r.r2, FIXTURE["r2"], rtol=1e-10)
    assert_allclose(r.rescaled.sum(), 100.0)
    assert r.to_dict()["predictors"][0]["name"] == "wt"


def test_dominance_weights_match_r_and_are_close_to_relative_weights():
    X, y = np.array(FIXTURE["x"]), np.array(FIXTURE["y"])
    d = dominance_weights(X, y, names=FIXTURE["names"])
    assert_allclose(d.weights, FIXTURE["dominance"], rtol=1e-9)
    assert_allclose(d.weights.sum(), FIXTURE["r2"], rtol=1e-10)
    r = relative_weights(X, y)
    assert np.abs(r.weights - d.weights).max() < 0.02  # Johnson (2000): close approximation


def test_uncorrelated_predictors_get_their_squared_correlations():
    # hand computation: orthogonal, centred predictors -> weight_j = r_jy^2
    X = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 2, dtype=float)
    y = 0.5 * X[:, 0] + 0.1 * X[:, 1] + np.array([0.1, -0.1, -0.1, 0.1, -0.1, 0.1, 0.1, -0.1])
    r = relative_weights(X, y)
    r_xy = [np.corrcoef(X[:, j], y)[0, 1] for j in range(2)]
    assert_allclose(r.weights, np.square(r_xy), atol=1e-12)
    assert_allclose(r.weights.sum(), r.r2)


def test_listwise_deletion_and_errors():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, 0.5, 0.0] + rng.normal(size=50)
    X[0, 1] = np.nan
    y[1] = np.nan
    assert relative_weights(X, y).n_obs == 48
    with pytest.raises(ValueError, match="constant variable"):
        relative_weights(np.column_stack([X[:, 0], np.ones(50)]), y)
    with pytest.raises(ValueError, match="perfectly collinear"):
        relative_weights(np.column_stack([X[2:, 0], 2 * X[2:, 0]]), y[2:])
    with pytest.raises(ValueError, match="too few"):
        relative_weights(X[:4], y[:4])
    with pytest.raises(ValueError, match=r"y: has shape"):
        relative_weights(X, y[:3])


# ---------------------------------------------------------------------------------------
# cluster bootstrap
# ---------------------------------------------------------------------------------------
from analysis.drivers import (  # noqa: E402
    N_RESAMPLES,
    RelativeWeightsBootstrapResult,
    _weights_from_cov,
    bootstrap_relative_weights,
)


def clustered(seed, teams=30, size=8, beta=(0.5, 0.3, 0.1), between=0.3):
    """Three correlated predictors and an outcome, 30 % of every variance between teams."""
    rng = np.random.default_rng(seed)
    p = len(beta)
    A = np.full((p, p), 0.3) + 0.7 * np.eye(p)
    L = np.linalg.cholesky(A)
    team = np.repeat(np.arange(teams), size)
    X = (np.sqrt(between) * rng.normal(size=(teams, p)) @ L.T)[team] + np.sqrt(1 - between) * rng.normal(
        size=(team.size, p)
    ) @ L.T
    y = X @ np.asarray(beta) + np.sqrt(0.3) * rng.normal(size=teams)[team] + rng.normal(size=team.size)
    C = np.empty((p + 1, p + 1))
    C[:p, :p] = A
    C[:p, p] = C[p, :p] = A @ np.asarray(beta)
    C[p, p] = np.asarray(beta) @ A @ np.asarray(beta) + 1.3
    return X, y, team, _weights_from_cov(C, p)


def test_bootstrap_estimates_are_relative_weights_and_layout():
    X, y, team, _ = clustered(1)
    r = bootstrap_relative_weights(X, y, [f"T{t:02d}" for t in team], names=["a", "b", "c"], n_resamples=200)
    point = relative_weights(X, y, names=["a", "b", "c"])
    assert isinstance(r, RelativeWeightsBootstrapResult)
    assert_allclose(r.weights, point.weights, rtol=1e-12)
    assert r.n_groups == 30 and r.n_obs == 240 and r.replicates.shape == (200, 3) and r.n_failed == 0
    assert np.all((r.ci_low <= r.weights) & (r.weights <= r.ci_high))
    assert_allclose(r.rank_first.sum(), 1.0)
    d = r.to_dict()
    assert list(d) == ["r2", "r2_ci_low", "r2_ci_high", "n_obs", "n_groups", "interval", "predictors", "top"]
    assert d["interval"] == {
        "method": "percentile",
        "resampling": "teams",
        "confidence": 0.95,
        "n_resamples": 200,
        "n_failed": 0,
        "seed": 0,
    }
    order = [point.names[j] for j in np.argsort(-point.weights)]
    assert [p["name"] for p in d["predictors"]] == order
    assert set(d["predictors"][0]) == {
        "name",
        "weight",
        "percent",
        "weight_ci_low",
        "weight_ci_high",
        "percent_ci_low",
        "percent_ci_high",
        "rank_first",
    }
    assert (d["top"]["name"], d["top"]["runner_up"]) == tuple(order[:2])
    assert d["top"]["rank_first"] == r.rank_first[r.top]
    # the keys of relative_weights' to_dict are kept
    assert {k: d[k] for k in ("r2", "n_obs")} == {k: point.to_dict()[k] for k in ("r2", "n_obs")}
    assert N_RESAMPLES == 1000


def test_replicates_equal_relative_weights_of_the_resampled_teams():
    """The vectorized engine against explicit resampling, replicate by replicate: replicate
    b draws rng.integers(0, T, (B, T))[b] (teams in label order) and keeps all their rows."""
    X, y, team, _ = clustered(2, teams=12, size=6)
    X[3, 1] = np.nan  # listwise deletion happens before resampling
    r = bootstrap_relative_weights(X, y, team, n_resamples=150, seed=11)
    draws = np.random.default_rng(11).integers(0, 12, size=(150, 12))
    rows_of = [np.flatnonzero((team == t) & ~np.isnan(X).any(axis=1)) for t in range(12)]
    for b in (0, 1, 2, 77, 149):
        rows = np.concatenate([rows_of[t] for t in draws[b]])
        assert_allclose(r.replicates[b], relative_weights(X[rows], y[rows]).weights, rtol=1e-9, atol=1e-13)


def test_percentile_interval_and_ranks_from_the_replicates():
    X, y, team, _ = clustered(3)
    r = bootstrap_relative_weights(X, y, team, n_resamples=300, confidence=0.9, seed=5)
    reps = r.replicates
    assert_allclose([r.ci_low, r.ci_high], np.quantile(reps, [0.05, 0.95], axis=0))
    share = 100 * reps / reps.sum(axis=1, keepdims=True)
    assert_allclose([r.rescaled_ci_low, r.rescaled_ci_high], np.quantile(share, [0.05, 0.95], axis=0))
    assert_allclose([r.r2_ci_low, r.r2_ci_high], np.quantile(reps.sum(axis=1), [0.05, 0.95]))
    assert_allclose(r.rank_first, np.bincount(reps.argmax(axis=1), minlength=3) / 300)
    diff = share[:, r.top] - share[:, r.runner_up]
    assert_allclose([r.difference_ci_low, r.difference_ci_high], np.quantile(diff, [0.05, 0.95]))
    assert r.distinguishable == (r.difference_ci_low > 0)


def test_exact_bootstrap_distribution_of_three_teams():
    """Hand-computable case: with 3 teams there are 27 equally likely resamples. The share
    in which x0 ranks first and the bootstrap mean of its weight, enumerated exactly,
    must match 20,000 replicates within 4 Monte Carlo standard errors."""
    rng = np.random.default_rng(8)  # exact share 13/27
    team = np.repeat([0, 1, 2], 10)
    X = rng.normal(size=(30, 2)) + rng.normal(size=(3, 2))[team]
    y = 0.5 * X[:, 0] + 0.45 * X[:, 1] + rng.normal(size=30)
    exact = np.array(
        [
            relative_weights(
                X[np.concatenate([np.flatnonzero(team == t) for t in draw])],
                y[np.concatenate([np.flatnonzero(team == t) for t in draw])],
            ).weights
            for draw in np.array(np.meshgrid([0, 1, 2], [0, 1, 2], [0, 1, 2])).reshape(3, -1).T
        ]
    )
    p_first = np.mean(exact[:, 0] > exact[:, 1])
    r = bootstrap_relative_weights(X, y, team, n_resamples=20_000, seed=1)
    se = np.sqrt(p_first * (1 - p_first) / 20_000)
    assert p_first == pytest.approx(13 / 27)
    assert abs(r.rank_first[0] - p_first) < 4 * se
    mean, sd = exact[:, 0].mean(), exact[:, 0].std()
    assert abs(r.replicates[:, 0].mean() - mean) < 4 * sd / np.sqrt(20_000)


def test_coverage_by_simulation():
    """150 data sets of 40 teams x 10 (docs/methodology.md §11 reports 1,000 per design):
    the 95 % percentile intervals of all three weights cover the population weights in
    about 92-94 % of the data sets; a bootstrap of respondents ignores the clustering and
    covers far less."""
    hits = np.zeros(3)
    naive = np.zeros(3)
    for rep in range(150):
        X, y, team, true_w = clustered(1000 + rep, teams=40, size=10)
        r = bootstrap_relative_weights(X, y, team, n_resamples=400, seed=rep)
        hits += (r.ci_low <= true_w) & (true_w <= r.ci_high)
        n = bootstrap_relative_weights(X, y, np.arange(team.size), n_resamples=400, seed=rep)
        naive += (n.ci_low <= true_w) & (true_w <= n.ci_high)
    coverage = hits / 150
    assert np.all(coverage >= 0.88) and np.all(coverage <= 0.99), coverage
    assert np.all(naive / 150 < coverage), (naive / 150, coverage)


def test_top_predictor_distinguishable_or_not():
    X, y, team, _ = clustered(6, teams=80, size=15, beta=(0.7, 0.1, 0.1))
    r = bootstrap_relative_weights(X, y, team)
    assert r.names[r.top] == "x0" and r.distinguishable and r.rank_first[r.top] > 0.99
    X, y, team, _ = clustered(7, teams=20, size=8, beta=(0.4, 0.4, 0.0))
    r = bootstrap_relative_weights(X, y, team)
    assert not r.distinguishable and r.difference_ci_low < 0 < r.difference_ci_high
    assert 0.2 < r.rank_first[r.top] < 0.95


def test_deterministic_seed_and_failed_replicates():
    X, y, team, _ = clustered(8)
    a = bootstrap_relative_weights(X, y, team, n_resamples=100, seed=3)
    b = bootstrap_relative_weights(X, y, team, n_resamples=100, seed=3)
    c = bootstrap_relative_weights(X, y, team, n_resamples=100, seed=4)
    assert np.array_equal(a.replicates, b.replicates) and not np.array_equal(a.replicates, c.replicates)
    g = bootstrap_relative_weights(X, y, team, n_resamples=100, seed=np.random.default_rng(3))
    assert np.array_equal(g.replicates, a.replicates) and g.seed is None
    # a predictor that varies in one team only is constant in the replicates without it
    X2 = X.copy()
    X2[:, 2] = np.where(team == 0, X[:, 2], 0.0)
    r = bootstrap_relative_weights(X2, y, team, n_resamples=400)
    missing_team0 = (np.random.default_rng(0).integers(0, 30, size=(400, 30)) != 0).all(axis=1).sum()
    assert r.n_failed == missing_team0 > 0
    assert np.isnan(r.replicates).any(axis=1).sum() == r.n_failed
    assert np.isfinite(r.ci_low).all()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"n_resamples": 50}, r"^n_resamples: must be an integer >= 100, got 50$"),
        ({"n_resamples": 100.0}, r"^n_resamples: must be an integer >= 100, got 100.0$"),
        ({"confidence": 1.0}, r"^confidence: must lie strictly between 0 and 1, got 1.0$"),
        ({"seed": -1}, r"^seed: must be a non-negative integer or a numpy Generator, got -1$"),
        ({"seed": "x"}, r"^seed: must be a non-negative integer or a numpy Generator, got 'x'$"),
    ],
)
def test_bootstrap_argument_errors(kwargs, pattern):
    X, y, team, _ = clustered(9)
    with pytest.raises(ValueError, match=pattern):
        bootstrap_relative_weights(X, y, team, **kwargs)


def test_bootstrap_needs_two_teams_and_matching_groups():
    X, y, team, _ = clustered(10)
    with pytest.raises(ValueError, match=r"^groups: 1 team\(s\) with complete rows; the bootstrap needs at least 2$"):
        bootstrap_relative_weights(X, y, np.zeros(team.size))
    with pytest.raises(ValueError, match=r"^groups: has 3 entries, expected 240$"):
        bootstrap_relative_weights(X, y, [0, 1, 2])
