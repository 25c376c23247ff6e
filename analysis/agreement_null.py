r"""Null distributions for r_wg-type agreement and small-sample critical values.

r_wg, r_wg(j) and r*_wg(j) compare a group's observed answer variance with the variance
σ²_E that answers would have if the members did not agree at all, i.e. if each answered
independently at random from a *null distribution* over the :math:`A` answer categories.
This module holds those null distributions and the critical values of the indices under
them; :mod:`analysis.agreement` computes the indices and the test.

Null distributions
------------------
``"uniform"``
    Every category equally likely (random responding, James, Demaree & Wolf 1984):
    :math:`\sigma_E^2 = (A^2 - 1)/12`, for any :math:`A \ge 2` (2 for :math:`A = 5`).
``"slight_skew"``, ``"moderate_skew"``, ``"heavy_skew"``
    Random responding *with leniency*: answers pile up at the favourable end of the
    scale, as they do on ordinary rating scales. The uniform null then overstates
    agreement, because a lenient but otherwise random group has a variance well below
    :math:`(A^2-1)/12` (LeBreton & Senter 2008, Table 3). Defined here for 5-point
    scales only, with the proportions of categories 1 … 5 given by LeBreton & Senter:

    ==================  ===============================  ===========
    null                proportions of 1, 2, 3, 4, 5     σ²_E
    ==================  ===============================  ===========
    ``uniform``         .20  .20  .20  .20  .20          2.00
    ``slight_skew``     .05  .15  .20  .35  .25          1.34
    ``moderate_skew``   .00  .10  .15  .40  .35          0.90
    ``heavy_skew``      .00  .00  .10  .40  .50          0.44
    ==================  ===============================  ===========

    σ²_E is the variance of the categorical distribution, :math:`\sum_a p_a (a-\mu)^2`,
    computed exactly from the proportions (it reproduces the published values). Other
    scale lengths raise ``ValueError``: the category proportions of the skewed nulls are
    not built in for them; pass explicit proportions instead (every function that takes
    ``null`` also accepts a sequence of :math:`A` category proportions).

Critical values (Monte Carlo)
-----------------------------
In the spirit of Dunlap, Burke & Smith-Crowe (2003) and Cohen, Doveh & Nahum-Shani
(2009) (``multilevel::rwg.sim``, ``rwg.j.sim``): the null distribution of an index for a
group of :math:`n` members answering :math:`J` items is the distribution of the index
when every member answers every item independently at random from the null. The
critical value at level α is its (1 − α) quantile (taken slightly inside the tail, see
below); a group **agrees** when its index *exceeds* the critical value, which happens
with probability at most α under the null.

Both indices are decreasing functions of one statistic,

.. math::

    m = \frac{1}{J}\sum_{j=1}^{J} \frac{s_j^2}{\sigma_{E,j}^2},
    \qquad r^*_{wg(j)} = 1 - m,
    \qquad r_{wg(j)} = \frac{J(1 - m)}{J(1 - m) + m}\ (m < 1;\ 0 \text{ otherwise}),

so the test is the same for both: the group agrees when :math:`m < m_\alpha`, the lower
α quantile of :math:`m` under the null. The answers are discrete, so :math:`m` has atoms;
:math:`m_\alpha` is the smallest simulated value with at most
:math:`k = \lfloor \alpha R - 2\sqrt{\alpha(1-\alpha)R} \rfloor` of the :math:`R`
simulated values below it (a type-1, inverse-CDF quantile taken two Monte Carlo standard
errors inside the tail), so that neither the atoms nor the simulation error push the
level of the test above α. Comparing with "≥" instead of ">" would count the atom at
the critical value itself and can exceed α badly for small groups (two members, one
5-point item, uniform null: P(both give the same answer) = .20). ``multilevel``'s
``rwg.95`` is the next simulated value *above* its 95% point with "≥", the same kind
of decision.

Computation: for each item the :math:`R` × ``MC_MAX_N`` answers are drawn in one array
operation from the null proportions (exactly, by indexing a lookup table with uniform
integers); cumulative sums over members give the item variance of every group size
:math:`n = 2 … ` ``MC_MAX_N`` at once (nested samples: each size's distribution is exact,
sizes are not independent of each other). There is no loop over replicates or group
sizes, only over items. ``MC_REPLICATES = 20_000`` replicates with a fixed seed derived
from the null and the items make the values deterministic (the same whatever else is
computed in the process); results are cached per null, item set and α.

Monte Carlo error: the probability under the null of exceeding a simulated critical
value has standard error :math:`\sqrt{\alpha(1-\alpha)/R}` ≈ 0.0015 at α = .05.
Above ``MC_MAX_N`` = 40 members the lower quantile comes from a moment-matched
chi-square approximation, :math:`m \approx \chi^2_\nu/\nu` with
:math:`\nu = 2/\operatorname{Var}(m)` and the exact finite-sample variance of a sample
variance, :math:`\operatorname{Var}(s^2) = \mu_4/n - \sigma^4 (n-3)/(n(n-1))`
(:math:`\mu_4` the fourth central moment of the null), *anchored* at the simulation:
its distance :math:`1 - m_\alpha` is multiplied by the ratio of the simulated to the
approximated distance at ``MC_MAX_N`` (the plain approximation is slightly lenient,
because the sample variance of discrete answers is more skewed than a chi-square).
Checked against simulations up to 120 members: the level stays within .041–.049 for
5-point items, single 3- or 4-option items and mixed 2- to 5-option item sets; for a
single yes/no item, whose variance takes few values, it reaches .052–.074.

References
----------
.. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
   reliability with and without response bias. *Journal of Applied Psychology*, 69(1),
   85-98. https://doi.org/10.1037/0021-9010.69.1.85
.. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
   reliability and interrater agreement. *Organizational Research Methods*, 11(4),
   815-852. https://doi.org/10.1177/1094428106296642
.. [3] Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of
   statistical significance for r_WG and average deviation interrater agreement
   indexes. *Journal of Applied Psychology*, 88(2), 356-362.
   https://doi.org/10.1037/0021-9010.88.2.356
.. [4] Cohen, A., Doveh, E., & Nahum-Shani, I. (2009). Testing agreement for multi-item
   scales with the indices rwg(j) and ADm(j). *Organizational Research Methods*, 12(1),
   148-164. https://doi.org/10.1177/1094428107300365
.. [5] Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of
   interrater agreement for multi-item ratings of a single target. *Applied
   Psychological Measurement*, 23(2), 127-135. https://doi.org/10.1177/01466219922031257
.. [6] Bliese, P. D. (2022). *multilevel: Multilevel Functions* (functions ``rwg.sim``,
   ``rwg.j.sim``). R package version 2.7. https://CRAN.R-project.org/package=multilevel
"""

from __future__ import annotations

import functools
import numbers
import zlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import special
from analysis.arrays import FloatArray, IntArray

__all__ = [
    "NULLS",
    "SKEWED_NULLS_5",
    "MC_REPLICATES",
    "MC_MAX_N",
    "MC_SEED",
    "null_distribution",
    "null_variance",
    "critical_values",
    "CriticalValues",
]

#: Names accepted by every ``null`` argument.
NULLS = ("uniform", "slight_skew", "moderate_skew", "heavy_skew")

#: Category proportions of LeBreton & Senter's (2008, Table 3) skewed nulls, 5-point scale.
SKEWED_NULLS_5 = {
    "slight_skew": (".05", ".15", ".20", ".35", ".25"),
    "moderate_skew": ("0", ".10", ".15", ".40", ".35"),
    "heavy_skew": ("0", "0", ".10", ".40", ".50"),
}

#: Monte Carlo replicates per (null, items, α).
MC_REPLICATES = 20_000
#: Largest group size simulated; larger groups use the chi-square approximation.
MC_MAX_N = 40
#: Base seed of the simulations (a per-null, per-item-set stream is derived from it).
MC_SEED = 20080815

_TOL = 1e-9  # decisions compare m with the lattice-valued critical m up to this


# ---------------------------------------------------------------------------------------
# null distributions
# ---------------------------------------------------------------------------------------
def _check_scale_points(scale_points, name="scale_points") -> int:
    if isinstance(scale_points, (bool, np.bool_)) or not isinstance(scale_points, numbers.Integral):
        raise TypeError(f"{name}: must be an integer, got {scale_points!r}")
    if scale_points < 2:
        raise ValueError(f"{name}: must be at least 2, got {scale_points!r}")
    return int(scale_points)


def _exact_proportions(null, A: int) -> tuple[Any, ...] | None:
    """Named null as a tuple of Fractions (None if ``null`` is not a name)."""
    if not isinstance(null, str):
        return None
    if null == "uniform":
        return tuple(Fraction(1, A) for _ in range(A))
    if null in SKEWED_NULLS_5:
        if A != 5:
            raise ValueError(
                f"null: {null!r} is defined for 5-point scales only (LeBreton & Senter 2008, "
                f"Table 3), got scale_points={A}; pass the category proportions as null, "
                "or sigma2_e"
            )
        return tuple(Fraction(p) for p in SKEWED_NULLS_5[null])
    raise ValueError(
        "null: must be one of 'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew' or "
        f"a sequence of category proportions, got {null!r}"
    )


def _custom_proportions(null, A: int | None) -> FloatArray:
    try:
        p = np.asarray(null, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"null: must be a name or a sequence of category proportions, got {null!r}") from None
    if p.ndim != 1 or p.size < 2:
        raise ValueError(
            f"null: category proportions must be a one-dimensional sequence of at least 2, got shape {p.shape}"
        )
    if A is not None and p.size != A:
        raise ValueError(f"null: has {p.size} category proportions, expected scale_points={A}")
    if not np.isfinite(p).all() or (p < 0).any() or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError(f"null: category proportions must be non-negative and sum to 1, got {p.tolist()}")
    if np.count_nonzero(p) < 2:
        raise ValueError(
            f"null: needs at least two categories with positive probability (variance 0 otherwise), got {p.tolist()}"
        )
    return p / p.sum()


def null_distribution(null="uniform", scale_points=5) -> FloatArray:
    """Category proportions of a null distribution.

    Parameters
    ----------
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        A named null (the skewed ones for 5-point scales only, LeBreton & Senter 2008,
        Table 3) or the proportions themselves (validated and returned as given).
    scale_points : int
        Number of categories :math:`A` (>= 2).

    Returns
    -------
    ndarray, shape (scale_points,)
        Proportions of categories 1 … A (read-only).

    Raises
    ------
    ValueError
        Unknown name, a skewed null with ``scale_points != 5``, proportions that are
        negative, do not sum to 1, have the wrong length or a single positive category.
    TypeError
        Non-integer ``scale_points``.

    Examples
    --------
    >>> from analysis.agreement_null import null_distribution
    >>> null_distribution("slight_skew", 5).tolist()
    [0.05, 0.15, 0.2, 0.35, 0.25]
    """
    A = _check_scale_points(scale_points)
    exact = _exact_proportions(null, A)
    p = np.array([float(f) for f in exact]) if exact is not None else _custom_proportions(null, A)
    p.setflags(write=False)
    return p


def null_variance(null="uniform", scale_points=5) -> float:
    r"""Expected error variance σ²_E of a null distribution.

    .. math::

        \sigma_E^2 = \sum_{a=1}^{A} p_a (a - \mu)^2, \qquad \mu = \sum_a a\,p_a,

    which is :math:`(A^2 - 1)/12` for the uniform null and 1.34, 0.90 and 0.44 for the
    slightly, moderately and heavily skewed 5-point nulls of LeBreton & Senter (2008,
    Table 3). Named nulls are computed in exact rational arithmetic.

    Parameters
    ----------
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        See :func:`null_distribution`.
    scale_points : int
        Number of categories :math:`A` (>= 2).

    Returns
    -------
    float

    Raises
    ------
    ValueError, TypeError
        As :func:`null_distribution`.

    References
    ----------
    .. [1] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642

    Examples
    --------
    >>> from analysis.agreement_null import null_variance
    >>> [null_variance(n, 5) for n in ("uniform", "slight_skew", "moderate_skew", "heavy_skew")]
    [2.0, 1.34, 0.9, 0.44]
    >>> null_variance("uniform", 2)
    0.25
    """
    A = _check_scale_points(scale_points)
    exact = _exact_proportions(null, A)
    if exact is not None:
        mu = sum(p * (a + 1) for a, p in enumerate(exact))
        return float(sum(p * (a + 1 - mu) ** 2 for a, p in enumerate(exact)))
    p = _custom_proportions(null, A)
    a = np.arange(1, A + 1)
    mu = float(p @ a)
    return float(p @ (a - mu) ** 2)


# ---------------------------------------------------------------------------------------
# item sets: one null per item
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    """The null of one item: proportions, σ²_E, μ4, and an exact sampling table."""

    p: tuple[Any, ...]  # proportions of categories 1..A (floats)
    sigma2: float
    mu4: float
    table: tuple[Any, ...]  # categories repeated p_a * D times (empty if not on a grid)

    @property
    def A(self) -> int:
        return len(self.p)


def _grid(p: FloatArray) -> tuple[Any, ...]:
    """Categories 1..A repeated p_a·D times for the smallest D <= 1000 that fits exactly."""
    for D in range(len(p), 1001):
        k = p * D
        if np.allclose(k, np.rint(k), rtol=0, atol=1e-9):
            return tuple(np.repeat(np.arange(1, len(p) + 1), np.rint(k).astype(int)).tolist())
    return ()


@functools.lru_cache(maxsize=256)
def _item(null_key, A: int) -> _Item:
    if isinstance(null_key, str):
        exact = _exact_proportions(null_key, A)
        mu = sum(p * (a + 1) for a, p in enumerate(exact))
        sigma2 = float(sum(p * (a + 1 - mu) ** 2 for a, p in enumerate(exact)))
        mu4 = float(sum(p * (a + 1 - mu) ** 4 for a, p in enumerate(exact)))
        p = np.array([float(f) for f in exact])
    else:
        p = np.array(null_key, dtype=float)
        a = np.arange(1, A + 1)
        mu = float(p @ a)
        sigma2 = float(p @ (a - mu) ** 2)
        mu4 = float(p @ (a - mu) ** 4)
    return _Item(p=tuple(p.tolist()), sigma2=sigma2, mu4=mu4, table=_grid(p))


def _item_set(scale_points, null, n_items=None, *, name="scale_points") -> tuple[Any, ...]:
    """Per-item nulls from ``scale_points`` (int or per-item sequence) and ``null``."""
    if np.ndim(scale_points) == 0:
        A = _check_scale_points(scale_points, name)
        if n_items is None:
            raise TypeError("n_items: required when scale_points is a single integer")
        if isinstance(n_items, (bool, np.bool_)) or not isinstance(n_items, numbers.Integral):
            raise TypeError(f"n_items: must be an integer, got {n_items!r}")
        if n_items < 1:
            raise ValueError(f"n_items: must be at least 1, got {n_items!r}")
        A_list = [A] * int(n_items)
    else:
        arr = np.asarray(scale_points)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"{name}: must be an integer or a non-empty one-dimensional sequence of "
                f"integers (one per item), got {scale_points!r}"
            )
        A_list = [
            _check_scale_points(a.item() if hasattr(a, "item") else a, f"{name}[{j}]")
            for j, a in enumerate(arr.tolist())
        ]
        if n_items is not None and n_items != len(A_list):
            raise ValueError(f"{name}: has {len(A_list)} entries, expected one per item ({n_items})")
    if isinstance(null, str):
        key = null
        for A in set(A_list):
            _exact_proportions(null, A)  # validates the name and the scale length
    else:
        if len(set(A_list)) != 1:
            raise ValueError(
                f"null: category proportions need a single scale_points for all items; got scale_points={A_list}"
            )
        key = tuple(_custom_proportions(null, A_list[0]).tolist())
    return tuple(_item(key, A) for A in A_list)


# ---------------------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------------------
def _seed(items: tuple[Any, ...]) -> np.random.Generator:
    key = repr(tuple(it.p for it in items)).encode()
    return np.random.default_rng(np.random.SeedSequence(MC_SEED, spawn_key=(zlib.crc32(key),)))


def _simulate_m(items: tuple[Any, ...], max_n: int, replicates: int) -> FloatArray:
    """Simulated m for group sizes 1..max_n: array (max_n, replicates), row n-1 = size n.

    ``items`` must be in canonical (sorted) order; one generator draws the items in turn.
    Integer arithmetic throughout (n(n-1)s² is an integer); in-place to stay fast.
    """
    rng = _seed(items)
    J = len(items)
    shape = (max_n, replicates)
    n = np.arange(1, max_n + 1, dtype=np.int32)[:, None]
    same = len({it.sigma2 for it in items}) == 1
    acc = np.zeros(shape, dtype=np.int64 if same else float)
    s1, s2, v = (np.empty(shape, dtype=np.int32) for _ in range(3))
    for it in items:  # loop over items only
        if it.table:  # exact: uniform integers index the table of categories
            table = np.asarray(it.table, dtype=np.int32)
            idx = rng.integers(0, len(table), size=shape, dtype=np.int16 if len(table) < 32767 else np.int32)
            x = np.take(table, idx)
        else:  # proportions not on a grid: inverse CDF of uniforms
            u = rng.random(shape)
            x = np.ones(shape, dtype=np.int32)
            for c in np.cumsum(it.p)[:-1]:
                x += u >= c
        np.cumsum(x, axis=0, out=s1)
        np.multiply(x, x, out=x)
        np.cumsum(x, axis=0, out=s2)
        np.multiply(s2, n, out=v)
        np.multiply(s1, s1, out=s1)
        np.subtract(v, s1, out=v)  # n (n - 1) s^2, an exact integer
        if same:
            acc += v
        else:
            acc += v * (1.0 / it.sigma2)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = 1.0 / (J * n * (n - 1.0))
        if same:
            scale = scale / items[0].sigma2
        return acc * scale


#: The simulated quantile is taken this many Monte Carlo standard errors inside the tail.
MC_GUARD_SE = 2.0


def _k(alpha: float, replicates: int) -> int:
    """0-based order statistic of the lower quantile (type 1): at most k of R values below.

    k = ⌊αR − 2·√(α(1 − α)R)⌋: two Monte Carlo standard errors inside α, so that the
    simulation error does not push the level of the test above α.
    """
    guard = MC_GUARD_SE * np.sqrt(alpha * (1.0 - alpha) * replicates)
    return max(int(np.floor(alpha * replicates - guard + 1e-9)), 0)


@functools.lru_cache(maxsize=128)
def _mc_critical_m(items: tuple[Any, ...], alpha: float, max_n: int, replicates: int) -> FloatArray:
    """Lower α quantile of m for n = 2..max_n (index n - 2); read-only."""
    m = _simulate_m(items, max_n, replicates)[1:]
    k = _k(alpha, replicates)
    out = np.partition(m, k, axis=1)[:, k]
    out.setflags(write=False)
    return out


def _approx_critical_m(items: tuple[Any, ...], n: IntArray, alpha: float) -> FloatArray:
    """Moment-matched chi-square approximation of the lower α quantile of m."""
    n = np.asarray(n, dtype=float)
    J = len(items)
    kurt = np.array([it.mu4 / it.sigma2**2 for it in items])
    var_ratio = (kurt[:, None] / n - (n - 3.0) / (n * (n - 1.0))).sum(axis=0) / J**2
    nu = 2.0 / var_ratio
    return 2.0 * special.gammaincinv(nu / 2.0, alpha) / nu  # chi2.ppf(alpha, nu) / nu


def _critical_m(
    items: tuple[Any, ...], n, alpha: float, *, max_n: int = None, replicates: int = None
) -> tuple[FloatArray, FloatArray]:
    """Critical m per entry of ``n`` and the method code (0 undefined, 1 MC, 2 approx)."""
    max_n = MC_MAX_N if max_n is None else max_n
    replicates = MC_REPLICATES if replicates is None else replicates
    items = tuple(sorted(items, key=lambda it: it.p))
    n = np.asarray(n, dtype=np.int64)
    out = np.full(n.shape, np.nan)
    method = np.zeros(n.shape, dtype=np.int8)
    small = (n >= 2) & (n <= max_n)
    if small.any():
        table = _mc_critical_m(items, float(alpha), max_n, replicates)
        out[small] = table[n[small] - 2]
        method[small] = 1
    large = n > max_n
    if large.any():
        sizes, inverse = np.unique(n[large], return_inverse=True)
        # chi-square approximation anchored at the simulated value for max_n: the
        # distance 1 - m is scaled by the ratio simulated / approximated at max_n
        at_cap = _mc_critical_m(items, float(alpha), max_n, replicates)[-1]
        approx_cap = _approx_critical_m(items, np.array([max_n]), alpha)[0]
        scale = (1.0 - at_cap) / (1.0 - approx_cap) if approx_cap < 1.0 else 1.0
        if not (np.isfinite(scale) and scale > 0):
            scale = 1.0
        out[large] = 1.0 - scale * (1.0 - _approx_critical_m(items, sizes, alpha))[inverse]
        method[large] = 2
    return out, method


def _rwg_from_m(m: FloatArray, J: int) -> FloatArray:
    """r_wg(j) as a function of m (truncated at 0 for m >= 1, as multilevel does)."""
    mm = np.minimum(m, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return J * (1.0 - mm) / (J * (1.0 - mm) + mm)


def _check_alpha(alpha) -> float:
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha: must be a real number, got {alpha!r}")
    alpha = float(alpha)
    if not 0.0 < alpha <= 0.5:
        raise ValueError(f"alpha: must lie in (0, 0.5], got {alpha!r}")
    return alpha


def _null_label(null) -> str:
    return null if isinstance(null, str) else "custom"


# ---------------------------------------------------------------------------------------
# public critical values
# ---------------------------------------------------------------------------------------
_METHODS = ("undefined", "monte_carlo", "chi2_approximation")


@dataclass(frozen=True, eq=False)
class CriticalValues:
    """Critical values of r_wg(j) and r*_wg(j) per group size.

    Attributes
    ----------
    n : ndarray of int
        The group sizes asked for.
    n_items : int
        Number of items :math:`J`.
    scale_points : tuple of int
        Number of categories of each item.
    sigma2_e : tuple of float
        σ²_E of each item's null.
    null : str
        The null's name, or ``'custom'`` for explicit proportions.
    alpha : float
        Level of the test.
    rwg_j : ndarray of float
        Critical value of r_wg(j) (of r_wg for one item) per entry of ``n``: a group
        agrees when its index is **greater than** this value. NaN for ``n < 2``.
    rwg_star_j : ndarray of float
        Critical value of r*_wg(j) (same decision).
    method : tuple of str
        ``'monte_carlo'`` (n <= ``MC_MAX_N``), ``'chi2_approximation'`` (larger
        groups, anchored at the simulation) or ``'undefined'`` (n < 2), per entry of
        ``n``.
    """

    n: IntArray
    n_items: int
    scale_points: tuple[Any, ...]
    sigma2_e: tuple[Any, ...]
    null: str
    alpha: float
    rwg_j: FloatArray
    rwg_star_j: FloatArray
    method: tuple[Any, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{n: {'rwg_j': …, 'rwg_star_j': …, 'method': …}}`` with plain Python values."""
        return {
            int(k): {"rwg_j": float(a), "rwg_star_j": float(b), "method": m}
            for k, a, b, m in zip(self.n.tolist(), self.rwg_j, self.rwg_star_j, self.method)
        }


def critical_values(n, *, scale_points, n_items=None, null="uniform", alpha=0.05) -> CriticalValues:
    r"""Small-sample critical values of r_wg(j) and r*_wg(j) under a null distribution.

    For a group of :math:`n` members answering :math:`J` items independently at random
    from the null, the critical value is the (1 − α) quantile of the index (taken two
    Monte Carlo standard errors inside the tail); a group *agrees* (at level α) when its
    index is greater than it. Computed by Monte Carlo
    (``MC_REPLICATES`` replicates, fixed seed, cached) for :math:`n \le` ``MC_MAX_N`` and
    by a chi-square approximation anchored at the simulation above; see the module
    docstring for the method and its error. With :math:`J = 1` the values are those of
    the single-item r_wg (both indices are then :math:`1 - s^2/\sigma_E^2`, r_wg
    truncated at 0).

    Parameters
    ----------
    n : int or array_like of int
        Group sizes (members with answers). Sizes below 2 give NaN.
    scale_points : int or sequence of int
        Number of categories :math:`A` of every item (then ``n_items`` is required), or
        one entry per item (items with different numbers of options).
    n_items : int, optional
        Number of items :math:`J` when ``scale_points`` is a single integer.
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        The null distribution of every item (see :func:`null_distribution`; the skewed
        nulls need ``scale_points == 5``). Explicit proportions need a single
        ``scale_points``.
    alpha : float, optional
        Level of the test, in (0, 0.5]; default 0.05.

    Returns
    -------
    CriticalValues

    Raises
    ------
    ValueError
        Unknown null, a skewed null with other than 5 points, ``alpha`` outside
        (0, 0.5], ``n_items`` < 1 or not matching ``scale_points``, negative ``n``.
    TypeError
        Non-integer ``scale_points``, ``n_items`` or ``n``; ``n_items`` missing.

    References
    ----------
    .. [1] Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of
       statistical significance for r_WG and average deviation interrater agreement
       indexes. *Journal of Applied Psychology*, 88(2), 356-362.
       https://doi.org/10.1037/0021-9010.88.2.356
    .. [2] Cohen, A., Doveh, E., & Nahum-Shani, I. (2009). Testing agreement for
       multi-item scales with the indices rwg(j) and ADm(j). *Organizational Research
       Methods*, 12(1), 148-164. https://doi.org/10.1177/1094428107300365
    .. [3] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642

    Examples
    --------
    >>> from analysis.agreement_null import critical_values
    >>> cv = critical_values([2, 3, 5], scale_points=5, n_items=1)
    >>> cv.rwg_j.round(4).tolist(), cv.method
    ([1.0, 0.8333, 0.75], ('monte_carlo', 'monte_carlo', 'monte_carlo'))

    Two members can never show agreement on one 5-point item at α = .05 (equal answers
    happen with probability .20 by chance); three show it only by answering identically.
    """
    alpha = _check_alpha(alpha)
    items = _item_set(scale_points, null, n_items)
    n_arr = np.asarray(n)
    if n_arr.dtype.kind not in "iu":
        if n_arr.dtype.kind == "f" and n_arr.size and np.array_equal(n_arr, np.rint(n_arr)):
            n_arr = n_arr.astype(np.int64)
        elif n_arr.size:
            raise TypeError(f"n: must be integer group sizes, got {n!r}")
        else:
            n_arr = n_arr.astype(np.int64)
    if (n_arr < 0).any():
        raise ValueError(f"n: group sizes must be non-negative, got {n!r}")
    n_arr = np.atleast_1d(n_arr).astype(np.int64)
    m, method = _critical_m(items, n_arr, alpha)
    J = len(items)
    rwg_cv = _rwg_from_m(m, J)
    star_cv = 1.0 - m
    for arr in (n_arr, rwg_cv, star_cv):
        arr.setflags(write=False)
    return CriticalValues(
        n=n_arr,
        n_items=J,
        scale_points=tuple(it.A for it in items),
        sigma2_e=tuple(it.sigma2 for it in items),
        null=_null_label(null),
        alpha=alpha,
        rwg_j=rwg_cv,
        rwg_star_j=star_cv,
        method=tuple(_METHODS[c] for c in method.tolist()),
    )
