"""The vectorized bivariate normal distribution function against scipy (the same Genz
algorithm in Fortran), at correlations on both sides of the method's switch points."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.special import ndtr

from analysis.bvn import bvn_cdf, rectangle_probabilities


@pytest.mark.parametrize("rho", [-0.999, -0.93, -0.92, -0.76, -0.3, 0.0, 0.29, 0.31, 0.74, 0.76, 0.924, 0.926, 0.999])
def test_matches_scipy(rho):
    rng = np.random.default_rng(7)
    h, k = rng.normal(0, 2, 60), rng.normal(0, 2, 60)
    mvn = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])
    expected = np.array([mvn.cdf([a, b]) for a, b in zip(h, k)])
    assert_allclose(bvn_cdf(h, k, rho), expected, atol=1e-8)


def test_closed_forms_and_limits():
    assert bvn_cdf(0, 0, 0.5) == pytest.approx(0.25 + np.arcsin(0.5) / (2 * np.pi), abs=1e-15)
    x = np.array([-1.0, 0.3, 2.0])
    assert_allclose(bvn_cdf(x, x[::-1], 1.0), ndtr(np.minimum(x, x[::-1])), atol=1e-15)
    assert_allclose(bvn_cdf(x, x[::-1], -1.0), np.maximum(0, ndtr(x) + ndtr(x[::-1]) - 1), atol=1e-15)
    assert_allclose(
        bvn_cdf([np.inf, -np.inf, 1.0, np.inf], [0.5, 1.0, np.inf, np.inf], 0.3), [ndtr(0.5), 0.0, ndtr(1.0), 1.0]
    )
    with pytest.raises(ValueError, match="rho"):
        bvn_cdf(0, 0, 1.5)


def test_rectangles_sum_to_one_and_match_the_margins():
    p = rectangle_probabilities([50, 70], [50, 30], [5, 10], [5, 8], [0.3, -0.5], [45, 60], [40, 60])
    assert p.shape == (2, 3, 3)
    assert_allclose(p.sum(axis=(1, 2)), 1.0, atol=1e-12)
    margin = stats.norm.cdf([45, 60], 70, 10)
    assert_allclose(p[1].sum(axis=1), [margin[0], margin[1] - margin[0], 1 - margin[1]], atol=1e-12)
