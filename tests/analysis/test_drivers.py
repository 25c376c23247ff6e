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
    y = 0.5 * X[:, 0] + 0.1 * X[:, 1] + np.array([.1, -.1, -.1, .1, -.1, .1, .1, -.1])
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
