"""Within-group agreement: r_wg, r_wg(j), r*_wg(j), a_wg, AD_M and the agreement test.

Agreement indices answer whether the members of a group (a team) give interchangeable
answers, i.e. whether the group mean describes a shared reality. Every function here
computes its index for all groups in one pass with ``np.bincount`` over integer group
codes (:func:`analysis.groups.encode_groups`); there is no Python loop over groups or
respondents, only over the few item columns.

The definitions and the truncation and missing-value rules follow the reference
implementation, R package ``multilevel`` (Bliese), functions ``rwg``, ``rwg.j``, ``awg``
and ``ad.m``; the test suite compares against fixtures written by
``tests/fixtures/r/agreement.R``.

r_wg, r_wg(j) and r*_wg(j) (Lindell, Brandt & Whitney 1999) compare the group's variance
with the variance σ²_E of a *null distribution* of random answering: uniform by default,
or one of LeBreton & Senter's (2008) skewed nulls, which model random answering with
leniency (:mod:`analysis.agreement_null`). :func:`agreement_test` decides per group
whether the members agree more than random answering from the null would make them,
against small-sample critical values (Dunlap, Burke & Smith-Crowe 2003); it also serves
structure items, mapped to option ranks with :func:`ordinal_ranks`.

Missing answers (``nan_policy``)
--------------------------------
``"omit"`` (default)
    Each item is evaluated over the group's *observed* answers to that item: the group
    mean, variance (``ddof=1``) and deviations of item ``j`` in group ``g`` use only the
    respondents of ``g`` who answered ``j``. A respondent who skipped one item still
    counts for the others. For a single item this is exactly what ``multilevel`` does; for
    several items ``multilevel`` instead drops every respondent with any missing answer
    (listwise deletion, ``na.exclude``). To reproduce ``multilevel`` on incomplete data,
    pass only the complete rows.
``"raise"``
    Any NaN raises ``ValueError``.
``"propagate"``
    A group with any missing answer (in any item) gets NaN.

Undefined values
----------------
An index is NaN for a group in which some item has fewer than two observed answers
(a group of size 1, or an item answered by only one member): the within-group
variance is undefined, as in ``multilevel`` (which returns ``NA`` for groups of size 1).
Groups whose members answered nothing are kept in the result with NaN and ``n == 0``
(``multilevel`` drops them). ``GroupResult.n`` is the number of respondents of the group
with at least one observed answer (``"omit"``), or the group size (``"raise"``,
``"propagate"``).

References
----------
.. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
   reliability with and without response bias. *Journal of Applied Psychology*, 69(1),
   85-98. https://doi.org/10.1037/0021-9010.69.1.85
.. [2] Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater
   agreement for multi-item ratings of a single target. *Applied Psychological
   Measurement*, 23(2), 127-135. https://doi.org/10.1177/01466219922031257
.. [3] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
   reliability and interrater agreement. *Organizational Research Methods*, 11(4),
   815-852. https://doi.org/10.1177/1094428106296642
.. [4] Brown, R. D., & Hauenstein, N. M. A. (2005). Interrater agreement reconsidered: An
   alternative to the rwg indices. *Organizational Research Methods*, 8(2), 165-184.
   https://doi.org/10.1177/1094428105275376
.. [5] Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation
   indices for estimating interrater agreement. *Organizational Research Methods*, 2(1),
   49-68. https://doi.org/10.1177/109442819921004
.. [6] Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:
   Implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski
   (Eds.), *Multilevel theory, research, and methods in organizations* (pp. 349-381).
   San Francisco, CA: Jossey-Bass.
.. [7] Bliese, P. D. (2022). *multilevel: Multilevel Functions*. R package version 2.7.
   https://CRAN.R-project.org/package=multilevel
.. [8] Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of
   statistical significance for r_WG and average deviation interrater agreement
   indexes. *Journal of Applied Psychology*, 88(2), 356-362.
   https://doi.org/10.1037/0021-9010.88.2.356
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.agreement_null import (
    NULLS,
    Null,
    ScalePoints,
    _check_alpha,
    _critical_m,
    _item_set,
    _null_label,
    _rwg_from_m,
    _TOL,
    critical_values,
    null_distribution,
    null_variance,
)
from analysis.groups import GroupResult, Groups, encode_groups, group_sum
from analysis.arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "rwg",
    "rwg_j",
    "rwg_star_j",
    "awg",
    "ad_m",
    "agreement_test",
    "AgreementTestResult",
    "ordinal_ranks",
    "OrdinalItems",
    "NULLS",
    "null_distribution",
    "null_variance",
    "critical_values",
]

_NAN_POLICIES = ("omit", "raise", "propagate")
_CENTERS = ("mean", "median")


# ---------------------------------------------------------------------------------------
# argument checking
# ---------------------------------------------------------------------------------------
def _check_nan_policy(nan_policy: object) -> str:
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(f"nan_policy: must be one of 'omit', 'raise', 'propagate', got {nan_policy!r}")
    return nan_policy


def _check_scale_points(scale_points: object) -> int:
    if isinstance(scale_points, (bool, np.bool_)) or not isinstance(scale_points, numbers.Integral):
        raise TypeError(f"scale_points: must be an integer, got {scale_points!r}")
    if scale_points < 2:
        raise ValueError(f"scale_points: must be at least 2, got {scale_points!r}")
    return int(scale_points)


def _check_real(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: must be a real number, got {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name}: must be finite, got {number!r}")
    return number


def _null_sigma2(
    scale_points: ScalePoints | None, null: Null, sigma2_e: ArrayLike | None, n_items: int
) -> tuple[FloatArray, float | FloatArray, float | FloatArray, str]:
    """Per-item σ²_E (shape (J,)) and the answer range (lo, hi, what) to validate.

    ``scale_points`` (int or one per item) with ``null`` give σ²_E of the null; an
    explicit ``sigma2_e`` (scalar or one per item) replaces it, ``scale_points`` then only
    bounds the answers (no bound without it).
    """
    if sigma2_e is None:
        if scale_points is None:
            raise TypeError("scale_points: required unless sigma2_e is given")
        items = _item_set(scale_points, null, n_items)
        sigma2 = np.array([it.sigma2 for it in items])
    else:
        if not (isinstance(null, str) and null == "uniform"):
            raise ValueError(
                f"null: cannot be combined with sigma2_e (sigma2_e replaces the null's variance), got null={null!r}"
            )
        raw = np.asarray(sigma2_e) if not isinstance(sigma2_e, (str, bytes)) else None
        if raw is None or raw.dtype.kind not in "iuf":
            raise TypeError(f"sigma2_e: must be a positive number or one per item, got {sigma2_e!r}")
        sigma2 = raw.astype(float)
        if sigma2.ndim == 0:
            sigma2 = np.full(n_items, float(sigma2))
        elif sigma2.ndim != 1 or sigma2.size != n_items:
            raise ValueError(
                f"sigma2_e: must be a number or have one entry per item ({n_items}), got shape {sigma2.shape}"
            )
        if not (np.isfinite(sigma2).all() and (sigma2 > 0).all()):
            raise ValueError(f"sigma2_e: must be positive and finite, got {sigma2_e!r}")
        if scale_points is None:
            return sigma2, -np.inf, np.inf, "finite"
        items = _item_set(scale_points, "uniform", n_items)
    A = np.array([it.A for it in items], dtype=float)
    if np.ndim(scale_points) == 0:
        return sigma2, 1.0, float(A[0]), f"scale_points={int(A[0])}"
    return sigma2, 1.0, A, "scale_points"


def _variance_ratio(var: FloatArray, sigma2: FloatArray) -> FloatArray:
    """m = mean over items of s²_j / σ²_Ej per group, capped at 1; NaN if any item is.

    With one σ²_E for all items this is min(mean s², σ²_E)/σ²_E, exactly as before.
    """
    if np.all(sigma2 == sigma2[0]):
        s = float(sigma2[0])
        ratio: FloatArray = np.minimum(var.mean(axis=1), s) / s
    else:
        ratio = np.minimum((var / sigma2).mean(axis=1), 1.0)
    return ratio


def _as_numeric(data: ArrayLike, name: str) -> FloatArray:
    """``data`` as a float array (None in object arrays becomes NaN)."""
    try:
        arr = np.asarray(data)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name}: cannot be read as an array ({exc})") from None
    if arr.dtype.kind in "biuf":
        return arr.astype(float, copy=False)
    if arr.dtype.kind == "O":
        try:
            return arr.astype(float)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{name}: must be numeric, got dtype {arr.dtype}")


def _items_matrix(data: ArrayLike, name: str, *, min_items: int, allow_1d: bool) -> FloatArray:
    """Respondents x items float matrix from ``data`` (1-D input is one item if allowed)."""
    arr = _as_numeric(data, name)
    if arr.ndim == 1 and allow_1d:
        arr = arr[:, None]
    if arr.ndim != 2:
        expected = "one- or two-dimensional" if allow_1d else "two-dimensional (respondents x items)"
        raise ValueError(f"{name}: must be {expected}, got shape {arr.shape}")
    if arr.shape[1] < min_items:
        raise ValueError(
            f"{name}: needs at least {min_items} item column(s), got {arr.shape[1]}"
            + ("; use rwg for a single item" if min_items == 2 else "")
        )
    return arr


def _check_values(
    X: FloatArray,
    name: str,
    lo: float | FloatArray,
    hi: float | FloatArray,
    what: str,
    nan_policy: str,
    *,
    one_item: bool = False,
) -> BoolArray:
    """Validate finiteness, range and NaN policy; return the observed-value mask."""

    def where(row: int, col: int) -> str:
        return f"position {row}" if one_item else f"row {row}, column {col}"

    missing = np.isnan(X)
    infinite = np.isinf(X)
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise ValueError(
            f"{name}: contains non-finite value {float(X[row, col])!r} at {where(row, col)} "
            "(only NaN marks a missing answer)"
        )
    observed = ~missing
    out = observed & ((X < lo) | (X > hi))  # lo, hi: scalars or one bound per column
    if out.any():
        row, col = np.argwhere(out)[0]
        if isinstance(hi, np.ndarray) and hi.ndim:
            lo_c, hi_c = float(np.broadcast_to(lo, hi.shape)[col]), float(hi[col])
            what = f"{what}[{col}]={hi_c:g}"
        else:
            lo_c, hi_c = float(lo), float(hi)
        raise ValueError(
            f"{name}: values must lie in [{lo_c:g}, {hi_c:g}] ({what}), got "
            f"{float(X[row, col])!r} at {where(row, col)} ({int(out.sum())} value(s) out of range)"
        )
    if nan_policy == "raise" and missing.any():
        row, col = np.argwhere(missing)[0]
        raise ValueError(f"{name}: contains missing values (NaN), first at {where(row, col)}, and nan_policy='raise'")
    return observed


# ---------------------------------------------------------------------------------------
# vectorized per-group, per-item moments
# ---------------------------------------------------------------------------------------
class _Moments:
    """Per-group, per-item counts, sums, means and variances over observed answers.

    Arrays of shape (n, J) are kept in Fortran order so that every item column is
    contiguous for ``np.bincount`` (via :func:`analysis.groups.group_sum`).
    """

    __slots__ = ("X", "k", "s", "m", "var", "observed", "groups")

    def __init__(self, X: FloatArray, observed: BoolArray, groups: Groups):
        self.X = X
        self.groups = groups
        self.observed = observed
        Xz = np.where(observed, X, 0.0)
        self.k = group_sum(observed, groups)  # (G, J) observed answers
        self.s = group_sum(Xz, groups)  # (G, J) sums
        with np.errstate(invalid="ignore", divide="ignore"):
            self.m = self.s / self.k  # NaN where k == 0
            # two-pass variance (deviations from the group mean), ddof = 1
            dev = np.where(observed, X - self.expand(self.m), 0.0)
            np.multiply(dev, dev, out=dev)
            ss = group_sum(dev, groups)
            self.var = np.where(self.k >= 2, ss / (self.k - 1), np.nan)

    def expand(self, per_group: FloatArray) -> FloatArray:
        """(G, J) per-group values broadcast to the (n, J) rows, in Fortran order."""
        return np.take(per_group.T, self.groups.codes, axis=1).T

    def finish(self, statistic: str, values: FloatArray, nan_policy: str) -> GroupResult:
        values = np.asarray(values, dtype=float)
        codes, ng = self.groups.codes, self.groups.n_groups
        if nan_policy == "omit":
            answered = self.observed.any(axis=1)
            n = np.bincount(codes, weights=answered, minlength=ng).astype(np.intp)
        else:
            n = self.groups.counts.astype(np.intp)
            if nan_policy == "propagate":
                incomplete = ~self.observed.all(axis=1)
                any_missing = np.bincount(codes, weights=incomplete, minlength=ng) > 0
                values = np.where(any_missing, np.nan, values)
        values.setflags(write=False)
        n.setflags(write=False)
        return GroupResult(statistic=statistic, groups=self.groups.labels, values=values, n=n)


def _prepare(
    X: FloatArray,
    groups: ArrayLike | Groups,
    name: str,
    lo: float | FloatArray,
    hi: float | FloatArray,
    what: str,
    nan_policy: str,
    *,
    one_item: bool = False,
) -> _Moments:
    g = encode_groups(groups, n=X.shape[0], name="groups")
    X = np.asfortranarray(X)
    observed = _check_values(X, name, lo, hi, what, nan_policy, one_item=one_item)
    return _Moments(X, observed, g)


_MAX_COUNT_CELLS = 4_000_000


def _group_medians(X: FloatArray, observed: BoolArray, groups: Groups, k: FloatArray) -> FloatArray:
    """Per-group, per-item median over observed answers, without a loop over groups.

    Integer-valued answers with a moderate range use per-group answer counts (a
    counting sort); anything else sorts by (group, value). Both are exact.
    """
    ng, nj = k.shape
    out = np.full((ng, nj), np.nan)
    kk = k.astype(np.intp)
    lo_pos = (kk - 1) // 2  # 0-based positions of the middle answers
    hi_pos = kk // 2
    for j in range(nj):  # loop over items only
        obs = observed[:, j]
        codes = groups.codes[obs]
        vals = X[obs, j]
        has = kk[:, j] > 0
        if vals.size == 0:
            continue
        vmin, vmax = vals.min(), vals.max()
        span = int(vmax - vmin) + 1 if np.isfinite(vmax - vmin) else 0
        if 0 < span and ng * span <= _MAX_COUNT_CELLS and np.array_equal(vals, np.rint(vals)):
            offset = (vals - vmin).astype(np.intp)
            counts = np.bincount(codes * span + offset, minlength=ng * span).reshape(ng, span)
            cum = counts.cumsum(axis=1)
            lo = (cum <= lo_pos[:, j, None]).sum(axis=1)  # index of the lo-th answer
            hi = (cum <= hi_pos[:, j, None]).sum(axis=1)
            med = vmin + 0.5 * (lo + hi)
            out[has, j] = med[has]
        else:
            order = np.lexsort((vals, codes))  # by group, then value
            sv = vals[order]
            start = np.concatenate(([0], np.cumsum(kk[:, j])[:-1]))
            out[has, j] = 0.5 * (sv[start[has] + lo_pos[has, j]] + sv[start[has] + hi_pos[has, j]])
    return out


# ---------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------
def rwg(
    x: ArrayLike,
    groups: ArrayLike | Groups,
    *,
    scale_points: ScalePoints | None = None,
    null: Null = "uniform",
    sigma2_e: ArrayLike | None = None,
    nan_policy: str = "omit",
) -> GroupResult:
    r"""Single-item within-group agreement r_wg against a null distribution, per group.

    For the answers of group :math:`g` to one item on an :math:`A`-point scale,

    .. math::

        r_{wg} = 1 - \frac{\min(s_x^2, \sigma_E^2)}{\sigma_E^2},

    where :math:`s_x^2` is the sample variance (``ddof=1``) of the group's observed
    answers and :math:`\sigma_E^2` the variance expected if the members answered at
    random from the null distribution (James, Demaree & Wolf 1984): for the uniform null
    :math:`(A^2 - 1)/12`, for LeBreton & Senter's (2008) skewed nulls 1.34, 0.90 or 0.44
    on a 5-point scale (:func:`~analysis.agreement_null.null_variance`). A group variance
    above :math:`\sigma_E^2` gives 0 rather than a negative value, as ``multilevel::rwg``
    does (it caps the variance at ``ranvar``). The result lies in [0, 1]; 1 means perfect
    agreement.

    Parameters
    ----------
    x : array_like, shape (n,)
        Answers to one item, one per respondent, in ``[1, scale_points]``; NaN marks a
        missing answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    scale_points : int
        Number of answer categories :math:`A` (>= 2), e.g. 5 for a 5-point scale.
        Required unless ``sigma2_e`` is given (then it only bounds the answers).
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        Null distribution giving :math:`\sigma_E^2`; default ``'uniform'``. The skewed
        nulls are defined for 5-point scales; a sequence gives the proportions of the
        :math:`A` categories.
    sigma2_e : float, optional
        Explicit :math:`\sigma_E^2` (``multilevel``'s ``ranvar``) instead of ``null``.
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        ``'omit'`` (default) uses the group's observed answers, exactly like
        ``multilevel::rwg``; ``'raise'`` raises on NaN; ``'propagate'`` gives NaN for a
        group with a missing answer.

    Returns
    -------
    GroupResult
        ``statistic='rwg'``; ``values`` per sorted group label, NaN where fewer than
        two answers were observed; ``n`` the number of observed answers per group
        (group size for ``'raise'``/``'propagate'``).

    Raises
    ------
    ValueError
        Wrong shape, length mismatch with ``groups``, infinite values, values outside
        ``[1, scale_points]``, ``scale_points < 2``, unknown ``null`` or a skewed null
        with ``scale_points != 5``, ``null`` together with ``sigma2_e``, ``sigma2_e <= 0``,
        unknown ``nan_policy``, or NaN with ``nan_policy='raise'``.
    TypeError
        Non-numeric data, non-integer ``scale_points``, neither ``scale_points`` nor
        ``sigma2_e``.

    See Also
    --------
    rwg_j : several items; awg : a_wg, which does not assume a null distribution;
    agreement_test : the test against small-sample critical values.

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98. https://doi.org/10.1037/0021-9010.69.1.85
    .. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [3] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability: Implications for data aggregation and analysis. In K. J. Klein &
       S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
       organizations* (pp. 349-381). San Francisco, CA: Jossey-Bass.

    Examples
    --------
    >>> from analysis.agreement import rwg
    >>> r = rwg([4, 5, 4, 2, 2, 3], ["a", "a", "a", "b", "b", "b"], scale_points=5)
    >>> r.groups, r.values.round(4), r.n
    (('a', 'b'), array([0.8333, 0.8333]), array([3, 3]))

    Both groups have variance 1/3 against the uniform null variance 2, so
    r_wg = 1 - (1/3)/2 = 5/6. Against the slightly skewed null (σ²_E = 1.34) the same
    answers show less agreement, 1 - (1/3)/1.34:

    >>> rwg([4, 5, 4], [1, 1, 1], scale_points=5, null="slight_skew").values.round(4)
    array([0.7512])
    """
    nan_policy = _check_nan_policy(nan_policy)
    if scale_points is not None:
        _check_scale_points(scale_points)
    if sigma2_e is not None and np.ndim(sigma2_e) != 0:
        raise ValueError(f"sigma2_e: must be a single number for one item, got {sigma2_e!r}")
    sigma2, lo, hi, what = _null_sigma2(scale_points, null, sigma2_e, 1)
    arr = _as_numeric(x, "x")
    if arr.ndim != 1:
        raise ValueError(f"x: must be one-dimensional (one item), got shape {arr.shape}; use rwg_j for several items")
    mom = _prepare(arr[:, None], groups, "x", lo, hi, what, nan_policy, one_item=True)
    values = 1.0 - _variance_ratio(mom.var, sigma2)
    return mom.finish("rwg", values, nan_policy)


def rwg_j(
    items: ArrayLike,
    groups: ArrayLike | Groups,
    *,
    scale_points: ScalePoints | None = None,
    null: Null = "uniform",
    sigma2_e: ArrayLike | None = None,
    nan_policy: str = "omit",
) -> GroupResult:
    r"""Multi-item within-group agreement r_wg(j) against a null distribution, per group.

    For :math:`J` parallel items (James, Demaree & Wolf 1984),

    .. math::

        r_{wg(j)} = \frac{J\,(1 - m)}{J\,(1 - m) + m},
        \qquad m = \frac{1}{J}\sum_{j=1}^{J} \frac{s_j^2}{\sigma_{E,j}^2},

    where :math:`s_j^2` is the within-group variance (``ddof=1``) of item :math:`j` and
    :math:`\sigma_{E,j}^2` its null variance: :math:`(A^2 - 1)/12` for the uniform null,
    1.34, 0.90 or 0.44 for LeBreton & Senter's (2008) skewed 5-point nulls, or given
    explicitly. With one :math:`\sigma_E^2` for all items, :math:`m = \bar s^2/\sigma_E^2`
    and this is James et al.'s formula (``multilevel::rwg.j``). With item-specific
    :math:`\sigma_{E,j}^2` (items with different numbers of options) :math:`m` is the mean
    of the item ratios: James et al. obtain :math:`r_{wg(j)}` as the Spearman–Brown
    step-up of the mean single-item agreement :math:`1 - m` over :math:`J` items,
    :math:`J(1-m)/(1 + (J-1)(1-m))`, which is the formula above; each item's ratio keeps
    its own null. When :math:`m > 1` it is set to 1, so the index is 0 instead of
    negative or above 1, as ``multilevel::rwg.j`` caps :math:`\bar s^2` at
    :math:`\sigma_E^2`. The result lies in [0, 1]. (Lindell, Brandt & Whitney 1999
    propose :math:`r^*_{wg(j)} = 1 - m` instead, which does not grow with :math:`J`:
    :func:`rwg_star_j`.)

    Parameters
    ----------
    items : array_like, shape (n, J)
        Answers, one row per respondent and one column per item (J >= 2), in
        ``[1, scale_points]``; NaN marks a missing answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    scale_points : int or sequence of int
        Number of answer categories :math:`A` (>= 2) of every item, or one per item.
        Required unless ``sigma2_e`` is given (then it only bounds the answers).
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        Null distribution of every item; default ``'uniform'``. The skewed nulls are
        defined for 5-point scales; a sequence gives the proportions of the categories
        (one ``scale_points`` for all items).
    sigma2_e : float or sequence of float, optional
        Explicit :math:`\sigma_{E,j}^2`, one for all items or one per item, instead of
        ``null``.
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        ``'omit'`` (default): each item's variance is computed over the group's
        non-missing answers to that item (not listwise; ``multilevel::rwg.j`` drops
        incomplete rows, so pass complete rows to reproduce it). ``'raise'`` raises on
        NaN; ``'propagate'`` gives NaN for a group with any missing answer.

    Returns
    -------
    GroupResult
        ``statistic='rwg_j'``; NaN for a group in which any item has fewer than two
        observed answers (e.g. a group of size 1); ``n`` the number of respondents with
        at least one observed answer (group size for ``'raise'``/``'propagate'``).

    Raises
    ------
    ValueError
        ``items`` not two-dimensional or with fewer than 2 columns, length mismatch with
        ``groups``, infinite values, values outside ``[1, scale_points]``,
        ``scale_points < 2`` or with the wrong number of entries, unknown ``null`` or a
        skewed null with ``scale_points != 5``, ``null`` together with ``sigma2_e``,
        non-positive ``sigma2_e``, unknown ``nan_policy``, NaN with ``nan_policy='raise'``.
    TypeError
        Non-numeric data, non-integer ``scale_points``, neither ``scale_points`` nor
        ``sigma2_e``.

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98. https://doi.org/10.1037/0021-9010.69.1.85
    .. [2] Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of
       interrater agreement for multi-item ratings of a single target. *Applied
       Psychological Measurement*, 23(2), 127-135.
       https://doi.org/10.1177/01466219922031257
    .. [3] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [4] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability: Implications for data aggregation and analysis. In K. J. Klein &
       S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
       organizations* (pp. 349-381). San Francisco, CA: Jossey-Bass.

    Examples
    --------
    >>> from analysis.agreement import rwg_j
    >>> items = [[4, 4], [5, 4], [4, 5], [1, 5], [5, 1], [3, 3]]
    >>> rwg_j(items, [1, 1, 1, 2, 2, 2], scale_points=5).values.round(4)
    array([0.9091, 0.    ])

    Group 1: both item variances are 1/3, ratio 1/6, 2(5/6) / (2(5/6) + 1/6) = 10/11.
    Group 2: both variances are 4 > 2, truncated to 0.

    A yes/no item (2 options, σ²_E = 0.25) and a 3-option item (σ²_E = 2/3):

    >>> rwg_j([[1, 1], [1, 2], [1, 1]], [0, 0, 0], scale_points=[2, 3]).values.round(4)
    array([0.8571])

    Item variances 0 and 1/3, m = (0/0.25 + (1/3)/(2/3))/2 = 1/4, 2(3/4)/(2(3/4) + 1/4) = 6/7.
    """
    nan_policy = _check_nan_policy(nan_policy)
    X = _items_matrix(items, "items", min_items=2, allow_1d=False)
    sigma2, lo, hi, what = _null_sigma2(scale_points, null, sigma2_e, X.shape[1])
    mom = _prepare(X, groups, "items", lo, hi, what, nan_policy)
    J = X.shape[1]
    ratio = _variance_ratio(mom.var, sigma2)  # NaN if any item undefined
    values = J * (1.0 - ratio) / (J * (1.0 - ratio) + ratio)
    return mom.finish("rwg_j", values, nan_policy)


def rwg_star_j(
    items: ArrayLike,
    groups: ArrayLike | Groups,
    *,
    scale_points: ScalePoints | None = None,
    null: Null = "uniform",
    sigma2_e: ArrayLike | None = None,
    nan_policy: str = "omit",
) -> GroupResult:
    r"""Lindell, Brandt & Whitney's r*_wg(j), per group.

    .. math::

        r^*_{wg(j)} = 1 - m, \qquad
        m = \frac{1}{J}\sum_{j=1}^{J} \frac{s_j^2}{\sigma_{E,j}^2}
        \;\Bigl(= \bar s^2 / \sigma_E^2 \text{ with one null variance}\Bigr),

    the mean item variance relative to the null variance *without* the Spearman–Brown
    step of r_wg(j) (Lindell, Brandt & Whitney 1999, their index C): it does not rise
    with the number of items, so a long scale cannot produce agreement that its items do
    not show. It is not truncated: it is 1 for perfect agreement, 0 when the items vary
    as much as under the null and negative when they vary more (down to about −1 for
    maximal dissensus under the uniform null; lower for small groups or skewed nulls).
    For one item it equals the untruncated single-item r_wg. Nulls, ``sigma2_e``,
    missing answers and undefined groups exactly as :func:`rwg_j`.

    Parameters
    ----------
    items : array_like, shape (n,) or (n, J)
        Answers; a 1-D array is one item. NaN marks a missing answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups`.
    scale_points : int or sequence of int
        Number of categories of every item, or one per item; required unless
        ``sigma2_e`` is given.
    null : {'uniform', 'slight_skew', 'moderate_skew', 'heavy_skew'} or sequence of float
        Null distribution of every item; default ``'uniform'``.
    sigma2_e : float or sequence of float, optional
        Explicit null variance(s) instead of ``null``.
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        As :func:`rwg_j`.

    Returns
    -------
    GroupResult
        ``statistic='rwg_star_j'``; NaN for a group in which any item has fewer than two
        observed answers; ``n`` as :func:`rwg_j`.

    Raises
    ------
    ValueError, TypeError
        As :func:`rwg_j` (one item is allowed).

    References
    ----------
    .. [1] Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of
       interrater agreement for multi-item ratings of a single target. *Applied
       Psychological Measurement*, 23(2), 127-135.
       https://doi.org/10.1177/01466219922031257
    .. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642

    Examples
    --------
    >>> from analysis.agreement import rwg_star_j
    >>> items = [[4, 4], [5, 4], [4, 5], [1, 5], [5, 1], [3, 3]]
    >>> rwg_star_j(items, [1, 1, 1, 2, 2, 2], scale_points=5).values.round(4)
    array([ 0.8333, -1.    ])

    Group 1: mean variance 1/3, 1 - (1/3)/2 = 5/6 (r_wg(j) steps this up to 10/11).
    Group 2: mean variance 4, 1 - 4/2 = -1 (r_wg(j) truncates to 0).
    """
    nan_policy = _check_nan_policy(nan_policy)
    X = _items_matrix(items, "items", min_items=1, allow_1d=True)
    sigma2, lo, hi, what = _null_sigma2(scale_points, null, sigma2_e, X.shape[1])
    mom = _prepare(X, groups, "items", lo, hi, what, nan_policy)
    values = 1.0 - (mom.var / sigma2).mean(axis=1)
    return mom.finish("rwg_star_j", values, nan_policy)


def awg(
    items: ArrayLike, groups: ArrayLike | Groups, *, scale_min: float, scale_max: float, nan_policy: str = "omit"
) -> GroupResult:
    r"""Brown & Hauenstein's a_wg agreement index, per group (mean over items).

    For one item, a group of :math:`k` observed answers with mean :math:`M` and sample
    variance :math:`s^2` on a scale from :math:`L` to :math:`H` (Brown & Hauenstein
    2005),

    .. math::

        a_{wg} = 1 - \frac{2\,s^2}{\left[(H + L)M - M^2 - HL\right]\,\frac{k}{k-1}},

    i.e. the observed variance relative to the largest variance possible given the
    mean. It lies in [-1, 1] (1 = perfect agreement, -1 = maximal disagreement). Rules,
    exactly as ``multilevel::awg``:

    * the item's index is undefined (NaN) when :math:`M < (L(k-1) + H)/k` or
      :math:`M > (H(k-1) + L)/k` (the mean is too close to a scale end for the maximum
      variance to be attainable); with :math:`k = 2` only :math:`M = (L+H)/2` qualifies;
    * it is 1 when every answer is at :math:`L` or every answer is at :math:`H`;
    * for several items the group's a_wg is the mean of the item a_wg values that are
      defined (NaN when none is).

    Parameters
    ----------
    items : array_like, shape (n,) or (n, J)
        Answers in ``[scale_min, scale_max]``; a 1-D array is one item. NaN marks a
        missing answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    scale_min, scale_max : float
        The scale ends :math:`L < H` (e.g. 1 and 5).
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        ``'omit'`` (default): each item uses the group's non-missing answers to it,
        :math:`k` being their number (``multilevel::awg`` drops incomplete rows for
        several items). ``'raise'`` raises on NaN; ``'propagate'`` gives NaN for a
        group with any missing answer.

    Returns
    -------
    GroupResult
        ``statistic='awg'``; NaN for a group in which any item has fewer than two
        observed answers (e.g. a group of size 1) or no item has a defined a_wg;
        ``n`` the number of respondents with at least one observed answer (group size
        for ``'raise'``/``'propagate'``).

    Raises
    ------
    ValueError
        Bad shape, length mismatch with ``groups``, infinite values, values outside
        ``[scale_min, scale_max]``, ``scale_min >= scale_max``, unknown ``nan_policy``,
        NaN with ``nan_policy='raise'``.
    TypeError
        Non-numeric data or scale ends.

    References
    ----------
    .. [1] Brown, R. D., & Hauenstein, N. M. A. (2005). Interrater agreement
       reconsidered: An alternative to the rwg indices. *Organizational Research
       Methods*, 8(2), 165-184. https://doi.org/10.1177/1094428105275376
    .. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [3] Bliese, P. D. (2022). *multilevel: Multilevel Functions* (function ``awg``).
       R package version 2.7. https://CRAN.R-project.org/package=multilevel

    Examples
    --------
    >>> from analysis.agreement import awg
    >>> awg([2, 3, 4, 5, 5, 5], ["a", "a", "a", "b", "b", "b"],
    ...     scale_min=1, scale_max=5).values.round(4)
    array([0.6667, 1.    ])

    Group a: M = 3, s^2 = 1, maximum variance (5-3)(3-1)(3/2) = 6, a_wg = 1 - 2/6.
    """
    nan_policy = _check_nan_policy(nan_policy)
    L = _check_real(scale_min, "scale_min")
    H = _check_real(scale_max, "scale_max")
    if not L < H:
        raise ValueError(
            f"scale_max: must be greater than scale_min, got scale_min={scale_min!r}, scale_max={scale_max!r}"
        )
    X = _items_matrix(items, "items", min_items=1, allow_1d=True)
    mom = _prepare(X, groups, "items", L, H, f"scale_min={L:g}, scale_max={H:g}", nan_policy)
    k, s, M, var = mom.k, mom.s, mom.m, mom.var
    at_top = group_sum(mom.X == H, mom.groups) == k  # NaN never equals H
    at_bottom = group_sum(mom.X == L, mom.groups) == k
    with np.errstate(invalid="ignore", divide="ignore"):
        max_var = (H - M) * (M - L) * (k / (k - 1.0))
        a = 1.0 - 2.0 * var / max_var
    # M < (L(k-1)+H)/k  <=>  sum < L(k-1)+H, and likewise at the top (exact for integers)
    outside = (s < L * (k - 1.0) + H) | (s > H * (k - 1.0) + L)
    a = np.where(outside, np.nan, a)
    a = np.where(at_top | at_bottom, 1.0, a)
    defined = ~np.isnan(a)
    n_def = defined.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(defined, a, 0.0).sum(axis=1) / n_def
    values = np.where((n_def > 0) & ~(k < 2).any(axis=1), values, np.nan)
    return mom.finish("awg", values, nan_policy)


def ad_m(
    items: ArrayLike, groups: ArrayLike | Groups, *, center: str = "mean", nan_policy: str = "omit"
) -> GroupResult:
    r"""Average deviation index AD_M (or AD_Md), per group, averaged over items.

    For one item, a group's :math:`k` observed answers :math:`x_i` and their mean
    :math:`\bar x` (Burke, Finkelstein & Dusig 1999),

    .. math::

        AD_M = \frac{1}{k}\sum_{i=1}^{k} \lvert x_i - \bar x \rvert,
        \qquad AD_{M(J)} = \frac{1}{J}\sum_{j=1}^{J} AD_{M,j},

    in the units of the scale (0 = perfect agreement; Burke & Dunlap suggest
    :math:`AD \le A/6` as acceptable agreement on an :math:`A`-point scale). With
    ``center='median'`` deviations are taken from the group median (AD_Md). Matches
    ``multilevel::ad.m(type="mean")`` / ``type="median"``.

    Parameters
    ----------
    items : array_like, shape (n,) or (n, J)
        Answers; a 1-D array is one item. NaN marks a missing answer. No scale range
        is imposed, only finiteness.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    center : {'mean', 'median'}, optional
        Deviations from the group mean (default) or median.
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        ``'omit'`` (default): each item uses the group's non-missing answers to it
        (``multilevel::ad.m`` drops incomplete rows for several items). ``'raise'``
        raises on NaN; ``'propagate'`` gives NaN for a group with any missing answer.

    Returns
    -------
    GroupResult
        ``statistic='ad_m'`` (or ``'ad_md'`` for the median); NaN for a group in which
        any item has fewer than two observed answers (as ``multilevel`` returns NA for
        groups of size 1); always >= 0 otherwise. ``n`` the number of respondents with
        at least one observed answer (group size for ``'raise'``/``'propagate'``).

    Raises
    ------
    ValueError
        Bad shape, length mismatch with ``groups``, infinite values, unknown ``center``
        or ``nan_policy``, NaN with ``nan_policy='raise'``.
    TypeError
        Non-numeric data.

    References
    ----------
    .. [1] Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation
       indices for estimating interrater agreement. *Organizational Research Methods*,
       2(1), 49-68. https://doi.org/10.1177/109442819921004
    .. [2] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [3] Bliese, P. D. (2022). *multilevel: Multilevel Functions* (function ``ad.m``).
       R package version 2.7. https://CRAN.R-project.org/package=multilevel

    Examples
    --------
    >>> from analysis.agreement import ad_m
    >>> ad_m([[1, 2], [3, 2], [5, 5], [5, 5]], ["a", "a", "b", "b"]).to_dict()
    {'a': 0.5, 'b': 0.0}
    """
    nan_policy = _check_nan_policy(nan_policy)
    if not isinstance(center, str) or center not in _CENTERS:
        raise ValueError(f"center: must be 'mean' or 'median', got {center!r}")
    X = _items_matrix(items, "items", min_items=1, allow_1d=True)
    mom = _prepare(X, groups, "items", -np.inf, np.inf, "finite", nan_policy)
    c: FloatArray
    if center == "mean":
        c = mom.m
    else:
        c = _group_medians(mom.X, mom.observed, mom.groups, mom.k)
    dev = np.where(mom.observed, np.abs(mom.X - mom.expand(c)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_item = np.where(mom.k >= 2, group_sum(dev, mom.groups) / mom.k, np.nan)
    values = per_item.mean(axis=1)  # NaN if any item has fewer than 2 observed answers
    return mom.finish("ad_m" if center == "mean" else "ad_md", values, nan_policy)


# ---------------------------------------------------------------------------------------
# the agreement test: r_wg(j) and r*_wg(j) against small-sample critical values
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AgreementTestResult:
    """Per-group agreement indices and their test against a null distribution.

    Attributes
    ----------
    groups : tuple
        Group labels, sorted.
    n : ndarray of int
        Respondents with at least one observed answer (group size for
        ``nan_policy='raise'``/``'propagate'``), as in :class:`~analysis.groups.GroupResult`.
    n_effective : ndarray of int
        The group size the critical value is taken for: the smallest number of observed
        answers over the items (equal to ``n`` when every respondent answered every
        item; never larger, so missing answers cannot make the test more lenient).
    n_items : int
        Number of items :math:`J`.
    rwg_j : ndarray of float
        r_wg(j) (r_wg for one item) under the null; NaN where undefined.
    rwg_star_j : ndarray of float
        r*_wg(j) under the null; NaN where undefined.
    critical_value : ndarray of float
        Critical value of r_wg(j) for the group's ``n_effective`` and ``n_items``.
    critical_value_star : ndarray of float
        Critical value of r*_wg(j) (the same decision).
    agrees : ndarray of object
        ``True`` when r_wg(j) is greater than its critical value (the members agree
        more than random answering from the null would make them, at level ``alpha``),
        ``False`` when not, ``None`` when the index is undefined (an item with fewer
        than two answers, or a missing answer with ``nan_policy='propagate'``).
    null : str
        The null's name, or ``'custom'``.
    alpha : float
        Level of the test.
    scale_points : tuple of int
        Categories per item.
    sigma2_e : tuple of float
        Null variance per item.
    """

    groups: tuple[Any, ...]
    n: IntArray
    n_effective: IntArray
    n_items: int
    rwg_j: FloatArray
    rwg_star_j: FloatArray
    critical_value: FloatArray
    critical_value_star: FloatArray
    agrees: BoolArray
    null: str
    alpha: float
    scale_points: tuple[Any, ...]
    sigma2_e: tuple[Any, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{group: {'n', 'n_effective', 'rwg_j', 'rwg_star_j', 'critical_value',
        'critical_value_star', 'agrees'}}`` with plain Python values (NaN kept)."""
        cols = (
            self.n.tolist(),
            self.n_effective.tolist(),
            self.rwg_j.tolist(),
            self.rwg_star_j.tolist(),
            self.critical_value.tolist(),
            self.critical_value_star.tolist(),
            self.agrees.tolist(),
        )
        keys = ("n", "n_effective", "rwg_j", "rwg_star_j", "critical_value", "critical_value_star", "agrees")
        return {g: dict(zip(keys, row)) for g, row in zip(self.groups, zip(*cols))}


def agreement_test(
    items: ArrayLike,
    groups: ArrayLike | Groups,
    *,
    scale_points: ScalePoints,
    null: Null = "slight_skew",
    alpha: float = 0.05,
    nan_policy: str = "omit",
) -> AgreementTestResult:
    r"""Test within-group agreement against a null distribution, for every group at once.

    For each group: r_wg(j) and r*_wg(j) under the null (:func:`rwg_j`,
    :func:`rwg_star_j`; r_wg for one item), the small-sample critical value for the
    group's size and number of items (:func:`~analysis.agreement_null.critical_values`),
    and the decision ``agrees``: r_wg(j) greater than the critical value, i.e. the
    members' answers vary less than they would with probability 1 − α if each member
    answered every item independently at random from the null. Both indices are
    decreasing functions of :math:`m = J^{-1}\sum_j s_j^2/\sigma_{E,j}^2`, so the
    decision is the same for either.

    The default null is LeBreton & Senter's (2008) slightly skewed 5-point null
    (proportions .05/.15/.20/.35/.25, σ²_E = 1.34): random answering with ordinary
    leniency. Against the uniform null, a group of five lenient but independent members
    looks like agreement far too often.

    Structure items (factual questions with 2–5 options) are tested the same way: map
    each answer to its option's rank with :func:`ordinal_ranks`, pass the per-item
    numbers of options as ``scale_points`` and ``null='uniform'``; items with different
    numbers of options combine through the per-item ratios of :func:`rwg_j`.

    Parameters
    ----------
    items : array_like, shape (n,) or (n, J)
        Answers in ``[1, scale_points]`` (a 1-D array is one item); NaN marks a missing
        answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups`.
    scale_points : int or sequence of int
        Number of categories of every item, or one per item.
    null : {'slight_skew', 'uniform', 'moderate_skew', 'heavy_skew'} or sequence of float
        Null distribution of every item; default ``'slight_skew'`` (5-point items only).
        Explicit category proportions need a single ``scale_points``. (An explicit
        null *variance* is not enough: the critical values need the whole distribution.)
    alpha : float, optional
        Level of the test, in (0, 0.5]; default 0.05.
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        As :func:`rwg_j`. With ``'omit'`` the critical value is taken for
        ``n_effective``, the smallest number of answers to any item in the group.

    Returns
    -------
    AgreementTestResult

    Raises
    ------
    ValueError
        As :func:`rwg_j`; ``alpha`` outside (0, 0.5].
    TypeError
        As :func:`rwg_j`.

    Notes
    -----
    Critical values come from a deterministic, cached Monte Carlo simulation for groups
    of up to ``MC_MAX_N`` = 40 members and from a chi-square approximation above (see
    :mod:`analysis.agreement_null`). The first call for a given null, item set and α
    runs the simulation (about 0.01 s per item on one core); later calls reuse it.

    References
    ----------
    .. [1] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [2] Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of
       statistical significance for r_WG and average deviation interrater agreement
       indexes. *Journal of Applied Psychology*, 88(2), 356-362.
       https://doi.org/10.1037/0021-9010.88.2.356
    .. [3] Cohen, A., Doveh, E., & Nahum-Shani, I. (2009). Testing agreement for
       multi-item scales with the indices rwg(j) and ADm(j). *Organizational Research
       Methods*, 12(1), 148-164. https://doi.org/10.1177/1094428107300365
    .. [4] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98. https://doi.org/10.1037/0021-9010.69.1.85
    .. [5] Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of
       interrater agreement for multi-item ratings of a single target. *Applied
       Psychological Measurement*, 23(2), 127-135.
       https://doi.org/10.1177/01466219922031257

    Examples
    --------
    >>> from analysis.agreement import agreement_test
    >>> items = [[4, 4, 5], [4, 4, 4], [5, 4, 4], [4, 5, 4], [4, 4, 4],   # team a
    ...          [1, 5, 2], [5, 2, 4], [3, 4, 5], [4, 1, 3], [2, 5, 5]]   # team b
    >>> r = agreement_test(items, list("aaaaabbbbb"), scale_points=5)
    >>> r.rwg_j.round(3), r.critical_value.round(3), r.agrees.tolist()
    (array([0.945, 0.   ]), array([0.787, 0.787]), [True, False])
    """
    nan_policy = _check_nan_policy(nan_policy)
    alpha = _check_alpha(alpha)
    X = _items_matrix(items, "items", min_items=1, allow_1d=True)
    J = X.shape[1]
    item_nulls = _item_set(scale_points, null, J)
    sigma2 = np.array([it.sigma2 for it in item_nulls])
    A = np.array([it.A for it in item_nulls], dtype=float)
    hi: float | FloatArray
    if np.ndim(scale_points) == 0:
        lo, hi, what = 1.0, float(A[0]), f"scale_points={int(A[0])}"
    else:
        lo, hi, what = 1.0, A, "scale_points"
    mom = _prepare(X, groups, "items", lo, hi, what, nan_policy)

    with np.errstate(invalid="ignore", divide="ignore"):
        m = (mom.var / sigma2).mean(axis=1)  # NaN if any item has < 2 answers
    base = mom.finish("rwg_j", _rwg_from_m(m, J), nan_policy)
    rwg_values = base.values
    star = 1.0 - m
    if nan_policy == "propagate":
        star = np.where(np.isnan(rwg_values), np.nan, star)
    defined = ~np.isnan(rwg_values)

    n_eff = mom.k.min(axis=1).astype(np.intp) if J else np.zeros(len(rwg_values), np.intp)
    crit_m, _ = _critical_m(item_nulls, np.maximum(n_eff, 0), alpha)
    crit_m = np.where(defined, crit_m, np.nan)
    agree = defined & (m < np.minimum(crit_m, 1.0) - _TOL)
    agrees = np.empty(len(rwg_values), dtype=object)
    agrees[:] = None
    agrees[defined] = agree[defined].tolist()

    critical = _rwg_from_m(crit_m, J)
    critical_star = 1.0 - crit_m
    for arr in (n_eff, star, critical, critical_star, agrees):
        arr.setflags(write=False)
    return AgreementTestResult(
        groups=base.groups,
        n=base.n,
        n_effective=n_eff,
        n_items=J,
        rwg_j=rwg_values,
        rwg_star_j=star,
        critical_value=critical,
        critical_value_star=critical_star,
        agrees=agrees,
        null=_null_label(null),
        alpha=alpha,
        scale_points=tuple(int(a) for a in A),
        sigma2_e=tuple(sigma2.tolist()),
    )


# ---------------------------------------------------------------------------------------
# structure items: answers to option ranks
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class OrdinalItems:
    """Answers mapped to option ranks.

    Attributes
    ----------
    ranks : ndarray of float, shape (n, J)
        Rank 1 … A_j of each answer's option (NaN: missing, or "don't know" treated as
        missing).
    scale_points : tuple of int
        :math:`A_j`, the number of ranked options per item (including "don't know" when
        it is its own category).
    dont_know : ndarray of bool, shape (n, J)
        Where the answer was "don't know".
    """

    ranks: FloatArray
    scale_points: tuple[int, ...]
    dont_know: BoolArray


_DK_POLICIES = ("missing", "category")


def ordinal_ranks(
    answers: ArrayLike,
    options: Sequence[Sequence[float]],
    *,
    dont_know: Sequence[float | None] | None = None,
    dont_know_as: str = "missing",
) -> OrdinalItems:
    r"""Map answers to structure items onto each option's rank (for agreement indices).

    Structure items are factual questions with a few ordered options (e.g. "yes, with
    explicit priorities" / "yes, without" / "no"). For within-team agreement each answer
    is placed on an :math:`A_j`-point ordinal scale, the rank of its option in
    ``options[j]`` (1 for the first), so that :func:`agreement_test` can compare the
    team's variance with the uniform null :math:`(A_j^2 - 1)/12` of that item.

    "Don't know" has no place on the ordered scale. ``dont_know_as='missing'``
    (default) leaves it out: agreement is then measured among the members who say they
    know, and a team where many do not know has a small effective size, which makes its
    critical value stricter rather than its agreement look higher. Not knowing is
    information in its own right, read from the share of "don't know" answers
    (:attr:`OrdinalItems.dont_know`), not from agreement. ``'category'`` makes it
    an extra option ranked after the last entry of ``options[j]`` (:math:`A_j + 1`
    options; in the bundled forms the options are listed from most to least structure,
    so "don't know" sits next to "no", where its score of 0 puts it).

    Parameters
    ----------
    answers : array_like, shape (n, J) or (n,)
        Option values as stored (e.g. 1 … K); NaN marks an unanswered item.
    options : sequence of J sequences
        For each item, the values of its substantive options in their order (either
        direction; only distances between ranks matter).
    dont_know : sequence of J values (or None), optional
        For each item, the value of its "don't know" option (None if it has none).
    dont_know_as : {'missing', 'category'}, optional
        How "don't know" enters the ranks (see above).

    Returns
    -------
    OrdinalItems

    Raises
    ------
    ValueError
        An answer that is neither an option nor "don't know" of its item (the item and
        value are named), ``options``/``dont_know`` not one entry per item, an item with
        fewer than 2 options, duplicate option values, unknown ``dont_know_as``.
    TypeError
        Non-numeric answers.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.agreement import ordinal_ranks
    >>> answers = np.array([[1, 2], [3, 4], [4, 1]], dtype=float)   # 4 = don't know
    >>> r = ordinal_ranks(answers, [[1, 2, 3], [1, 2, 3]], dont_know=[4, 4])
    >>> r.ranks.tolist(), r.scale_points
    ([[1.0, 2.0], [3.0, nan], [nan, 1.0]], (3, 3))
    >>> ordinal_ranks(answers, [[1, 2, 3], [1, 2, 3]], dont_know=[4, 4],
    ...               dont_know_as="category").ranks.tolist()
    [[1.0, 2.0], [3.0, 4.0], [4.0, 1.0]]
    """
    if not isinstance(dont_know_as, str) or dont_know_as not in _DK_POLICIES:
        raise ValueError(f"dont_know_as: must be 'missing' or 'category', got {dont_know_as!r}")
    X = _items_matrix(answers, "answers", min_items=1, allow_1d=True)
    n, J = X.shape
    if isinstance(options, (str, bytes)) or len(options) != J:
        raise ValueError(f"options: must have one entry per item ({J}), got {options!r}")
    if dont_know is None:
        dont_know = [None] * J
    if isinstance(dont_know, (str, bytes)) or len(dont_know) != J:
        raise ValueError(f"dont_know: must have one entry per item ({J}) (None for none), got {dont_know!r}")
    ranks = np.full((n, J), np.nan)
    dk_mask = np.zeros((n, J), dtype=bool)
    points = []
    for j in range(J):  # loop over items only
        opts = np.asarray(options[j], dtype=float)
        if opts.ndim != 1 or opts.size < 2:
            raise ValueError(f"options[{j}]: needs at least 2 option values, got {options[j]!r}")
        if np.unique(opts).size != opts.size:
            raise ValueError(f"options[{j}]: option values must be distinct, got {options[j]!r}")
        col = X[:, j]
        observed = ~np.isnan(col)
        order = np.argsort(opts)
        pos = np.clip(np.searchsorted(opts[order], col), 0, opts.size - 1)
        hit = observed & (opts[order][pos] == col)
        dk_value = dont_know[j]
        if dk_value is not None:
            dk = observed & (col == float(dk_value))
        else:
            dk = np.zeros(n, dtype=bool)
        bad = observed & ~hit & ~dk
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(
                f"answers: value {float(col[row])!r} at row {row}, column {j} is not an option "
                f"of item {j} (options {opts.tolist()}, don't know {dont_know[j]!r})"
            )
        ranks[hit, j] = order[pos[hit]] + 1.0
        dk_mask[:, j] = dk
        A = opts.size
        if dont_know_as == "category" and dont_know[j] is not None:
            A += 1
            ranks[dk, j] = float(A)
        points.append(A)
    ranks.setflags(write=False)
    dk_mask.setflags(write=False)
    return OrdinalItems(ranks=ranks, scale_points=tuple(points), dont_know=dk_mask)
