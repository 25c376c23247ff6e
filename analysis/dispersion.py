r"""Disagreement beyond chance: is a team more spread than its organization's teams are?

A team is **divided** when its members' scores vary more than a group of the same size
drawn at random from the organization's **within-team** spread would, at level α. The
null is *empirical*: the deviations of all respondents from their own team's mean —
with everything that shapes answers (leniency, a person's answers to the items of a
scale moving together, which a null of independent item answers ignores and would then
call ordinary teams divided; "don't know" left out) but without any camps beyond what
teams ordinarily hold. A team that exceeds it holds camps rather than one shared view.
The test is run on the perception score and on the structure index of each dimension
(:func:`dispersion_test`), each at α/2, so that a team is called divided on either with
probability at most about α when it is spread like the organization's teams.

Null distribution
-----------------
The pool is every score's deviation from its team's mean, scaled by
:math:`\sqrt{n_g/(n_g - 1)}` so that its variance is the pooled within-team variance
(teams of one member are left out). For every group size :math:`n` up to the largest
team, the distribution of the sample variance :math:`s^2` of :math:`n` values drawn at
random (with replacement) from the pool, from ``REPLICATES`` simulated groups drawn in one array operation
(nested: the first :math:`n` draws of a replicate form its group of size :math:`n`, so
every size's distribution is exact; the draws are ordered so that the groups of size
:math:`n` are the same whatever the largest team, and the pool is sorted, so that the
critical values do not depend on the order of the respondents or on the other teams'
sizes). The critical value is the :math:`(1 - α)` quantile
taken two Monte Carlo standard errors inside the tail (a value the statistic takes, and
"greater than" decides, so that neither the atoms of discrete scores nor simulation error
push the level above α). The seed is fixed, so the result is deterministic. Above
``MAX_SIMULATED_N`` members the sample variance is close to normal, with
:math:`\operatorname{Var}(s^2) = \mu_4/n - \sigma^4 (n-3)/(n(n-1))` from the pool's
central moments.

References
----------
.. [1] Good, P. (2005). *Permutation, parametric and bootstrap tests of hypotheses*
   (3rd ed.). Springer (Monte Carlo tests against an empirical null).
.. [2] Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of
   statistical significance for r_WG and average deviation interrater agreement
   indexes. *Journal of Applied Psychology*, 88(2), 356–362 (small-sample critical
   values of a within-group dispersion under a null of no shared view).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Hashable, Iterable

import numpy as np
from scipy import special
from numpy.typing import ArrayLike

from analysis.groups import Groups, encode_groups
from analysis.arrays import FloatArray, IntArray

__all__ = ["REPLICATES", "DispersionTestResult", "dispersion_test"]

REPLICATES = 4000
MAX_SIMULATED_N = 200
_SEED = 20_240_617
_GUARD_SE = 2.0


@dataclass(frozen=True, eq=False)
class DispersionTestResult:
    """Per group: ``n`` (scores), ``variance`` (s², ddof 1), ``critical_value`` (the
    null's upper quantile for the group's size) and ``divided`` (True / False; None
    where ``n < 2`` or the organization has fewer than two scores)."""

    groups: tuple[Any, ...]
    n: IntArray
    variance: FloatArray
    critical_value: FloatArray
    divided: FloatArray
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        return {
            g: {"n": int(n), "variance": v, "critical_value": c, "divided": d}
            for g, n, v, c, d in zip(
                self.groups,
                self.n.tolist(),
                self.variance.tolist(),
                self.critical_value.tolist(),
                self.divided.tolist(),
            )
        }


def _null_quantiles(pool: FloatArray, max_n: int, alpha: float) -> FloatArray:
    """Upper α quantile of s² of n draws from ``pool``, for n = 2..max_n (index n - 2)."""
    rng = np.random.default_rng(_SEED)
    # draw i of every replicate comes before draw i + 1 in the stream, so the first n
    # draws (and the critical value for size n) do not depend on max_n
    x = pool[rng.integers(0, pool.size, size=(max_n, REPLICATES))]
    n = np.arange(2, max_n + 1)[:, None]
    # var = (Σx² - (Σx)²/n) / (n - 1) for n >= 2, in place (the arrays are large)
    s2 = x * x
    np.cumsum(s2, axis=0, out=s2)
    np.cumsum(x, axis=0, out=x)
    s1, var = x[1:], s2[1:]
    np.multiply(s1, s1, out=s1)
    s1 /= n
    var -= s1
    var /= n - 1
    k = (
        REPLICATES
        - 1
        - max(int(np.floor(alpha * REPLICATES - _GUARD_SE * np.sqrt(alpha * (1 - alpha) * REPLICATES))), 0)
    )
    var.partition(k, axis=1)
    return var[:, k]


def dispersion_test(
    scores: ArrayLike, groups: Iterable[Hashable] | ArrayLike | Groups, *, alpha: float = 0.05
) -> DispersionTestResult:
    """Whether each group's scores vary more than a random group's of the same size
    drawn from the pooled within-group spread.

    Parameters
    ----------
    scores : array_like of float, shape (n,)
        One score per respondent (NaN = none).
    groups : array_like, shape (n,), or Groups
    alpha : float
        Level of the test, in (0, 0.5].

    Returns
    -------
    DispersionTestResult

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> scores = np.concatenate([rng.normal(50, 15, 400), [10, 90] * 6])   # last team: two camps
    >>> teams = np.repeat(np.arange(41), [10] * 40 + [12])
    >>> dispersion_test(scores, teams).divided[-1]
    True
    """
    if not 0 < alpha <= 0.5:
        raise ValueError(f"alpha: must lie in (0, 0.5], got {alpha!r}")
    x = np.asarray(scores, dtype=float)
    g = groups if isinstance(groups, Groups) else encode_groups(groups, n=x.shape[0])
    seen = ~np.isnan(x)
    G = g.n_groups
    n = np.bincount(g.codes[seen], minlength=G)
    s1 = np.bincount(g.codes[seen], weights=x[seen], minlength=G)
    s2 = np.bincount(g.codes[seen], weights=x[seen] ** 2, minlength=G)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n >= 2, (s2 - s1 * s1 / np.maximum(n, 1)) / (n - 1), np.nan)
    crit = np.full(G, np.nan)
    # the within-team distribution: every score's deviation from its team's mean, scaled
    # by sqrt(n/(n - 1)) so that its variance is the pooled within-team variance
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / np.maximum(n, 1)
        scale = np.sqrt(n / np.maximum(n - 1, 1))
    own = seen & (n[g.codes] >= 2)
    # sorted and rounded: the null depends on the deviations, not on the order of the
    # respondents or the last bits of the means
    pool = np.sort(np.round(((x - mean[g.codes]) * scale[g.codes])[own], 9))
    testable = (n >= 2) & (pool.size >= 2)
    small = testable & (n <= MAX_SIMULATED_N)
    if small.any():
        q = _null_quantiles(pool, int(n[small].max()), alpha)
        crit[small] = q[n[small] - 2]
    large = testable & (n > MAX_SIMULATED_N)
    if large.any():
        d = pool - pool.mean()
        sigma2, mu4 = float(np.mean(d**2)), float(np.mean(d**4))
        m = n[large].astype(float)
        sd = np.sqrt(np.maximum(mu4 / m - sigma2**2 * (m - 3) / (m * (m - 1)), 0.0))
        crit[large] = sigma2 + special.ndtri(1.0 - alpha) * sd
    divided = np.full(G, None, dtype=object)
    divided[testable] = (var[testable] > crit[testable] + 1e-9 * np.maximum(1.0, crit[testable])).tolist()
    for a in (n, var, crit, divided):
        a.setflags(write=False)
    return DispersionTestResult(
        groups=g.labels, n=n, variance=var, critical_value=crit, divided=divided, alpha=float(alpha)
    )
