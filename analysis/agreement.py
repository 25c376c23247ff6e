"""Within-group agreement: r_wg, r_wg(j), a_wg and AD_M for every group at once.

Agreement indices answer whether the members of a group (a team) give interchangeable
answers, i.e. whether the group mean describes a shared reality. Every function here
computes its index for all groups in one pass with ``np.bincount`` over integer group
codes (:func:`analysis.groups.encode_groups`); there is no Python loop over groups or
respondents, only over the few item columns.

The definitions and the truncation and missing-value rules follow the reference
implementation, R package ``multilevel`` (Bliese), functions ``rwg``, ``rwg.j``, ``awg``
and ``ad.m``; the test suite compares against fixtures written by
``tests/fixtures/r/agreement.R``.

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
"""

from __future__ import annotations

import numbers

import numpy as np

from analysis.groups import GroupResult, Groups, encode_groups, group_sum

__all__ = ["rwg", "rwg_j", "awg", "ad_m"]

_NAN_POLICIES = ("omit", "raise", "propagate")
_CENTERS = ("mean", "median")


# ---------------------------------------------------------------------------------------
# argument checking
# ---------------------------------------------------------------------------------------
def _check_nan_policy(nan_policy) -> str:
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(
            f"nan_policy: must be one of 'omit', 'raise', 'propagate', got {nan_policy!r}"
        )
    return nan_policy


def _check_scale_points(scale_points) -> int:
    if isinstance(scale_points, (bool, np.bool_)) or not isinstance(
        scale_points, numbers.Integral
    ):
        raise TypeError(f"scale_points: must be an integer, got {scale_points!r}")
    if scale_points < 2:
        raise ValueError(f"scale_points: must be at least 2, got {scale_points!r}")
    return int(scale_points)


def _check_real(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return value


def _as_numeric(data, name: str) -> np.ndarray:
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


def _items_matrix(data, name: str, *, min_items: int, allow_1d: bool) -> np.ndarray:
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


def _check_values(X: np.ndarray, name: str, lo: float, hi: float, what: str,
                  nan_policy: str, *, one_item: bool = False) -> np.ndarray:
    """Validate finiteness, range and NaN policy; return the observed-value mask."""

    def where(row, col):
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
    out = observed & ((X < lo) | (X > hi))
    if out.any():
        row, col = np.argwhere(out)[0]
        raise ValueError(
            f"{name}: values must lie in [{lo:g}, {hi:g}] ({what}), got {float(X[row, col])!r} "
            f"at {where(row, col)} ({int(out.sum())} value(s) out of range)"
        )
    if nan_policy == "raise" and missing.any():
        row, col = np.argwhere(missing)[0]
        raise ValueError(
            f"{name}: contains missing values (NaN), first at {where(row, col)}, "
            "and nan_policy='raise'"
        )
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

    def __init__(self, X: np.ndarray, observed: np.ndarray, groups: Groups):
        self.X = X
        self.groups = groups
        self.observed = observed
        Xz = np.where(observed, X, 0.0)
        self.k = group_sum(observed, groups)              # (G, J) observed answers
        self.s = group_sum(Xz, groups)                    # (G, J) sums
        with np.errstate(invalid="ignore", divide="ignore"):
            self.m = self.s / self.k                      # NaN where k == 0
            # two-pass variance (deviations from the group mean), ddof = 1
            dev = np.where(observed, X - self.expand(self.m), 0.0)
            np.multiply(dev, dev, out=dev)
            ss = group_sum(dev, groups)
            self.var = np.where(self.k >= 2, ss / (self.k - 1), np.nan)

    def expand(self, per_group: np.ndarray) -> np.ndarray:
        """(G, J) per-group values broadcast to the (n, J) rows, in Fortran order."""
        return np.take(per_group.T, self.groups.codes, axis=1).T

    def finish(self, statistic: str, values: np.ndarray, nan_policy: str) -> GroupResult:
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


def _prepare(X: np.ndarray, groups, name: str, lo: float, hi: float, what: str,
             nan_policy: str, *, one_item: bool = False) -> _Moments:
    g = encode_groups(groups, n=X.shape[0], name="groups")
    X = np.asfortranarray(X)
    observed = _check_values(X, name, lo, hi, what, nan_policy, one_item=one_item)
    return _Moments(X, observed, g)


_MAX_COUNT_CELLS = 4_000_000


def _group_medians(X: np.ndarray, observed: np.ndarray, groups: Groups, k: np.ndarray) -> np.ndarray:
    """Per-group, per-item median over observed answers, without a loop over groups.

    Integer-valued answers with a moderate range use per-group answer counts (a
    counting sort); anything else sorts by (group, value). Both are exact.
    """
    ng, nj = k.shape
    out = np.full((ng, nj), np.nan)
    kk = k.astype(np.intp)
    lo_pos = (kk - 1) // 2               # 0-based positions of the middle answers
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
            lo = (cum <= lo_pos[:, j, None]).sum(axis=1)   # index of the lo-th answer
            hi = (cum <= hi_pos[:, j, None]).sum(axis=1)
            med = vmin + 0.5 * (lo + hi)
            out[has, j] = med[has]
        else:
            order = np.lexsort((vals, codes))          # by group, then value
            sv = vals[order]
            start = np.concatenate(([0], np.cumsum(kk[:, j])[:-1]))
            out[has, j] = 0.5 * (sv[start[has] + lo_pos[has, j]] + sv[start[has] + hi_pos[has, j]])
    return out


# ---------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------
def rwg(x, groups, *, scale_points, nan_policy="omit") -> GroupResult:
    r"""Single-item within-group agreement r_wg against the uniform null, per group.

    For the answers of group :math:`g` to one item on an :math:`A`-point scale,

    .. math::

        r_{wg} = 1 - \frac{\min(s_x^2, \sigma_E^2)}{\sigma_E^2},
        \qquad \sigma_E^2 = \frac{A^2 - 1}{12},

    where :math:`s_x^2` is the sample variance (``ddof=1``) of the group's observed
    answers and :math:`\sigma_E^2` the variance of a discrete uniform distribution over
    the :math:`A` categories (random responding, James, Demaree & Wolf 1984). A group
    variance above :math:`\sigma_E^2` gives 0 rather than a negative value, as
    ``multilevel::rwg`` does (it caps the variance at ``ranvar``). The result lies in
    [0, 1]; 1 means perfect agreement.

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
        ``[1, scale_points]``, ``scale_points < 2``, unknown ``nan_policy``, or NaN with
        ``nan_policy='raise'``.
    TypeError
        Non-numeric data or non-integer ``scale_points``.

    See Also
    --------
    rwg_j : several items; awg : a_wg, which does not assume a uniform null.

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
    r_wg = 1 - (1/3)/2 = 5/6.
    """
    nan_policy = _check_nan_policy(nan_policy)
    A = _check_scale_points(scale_points)
    arr = _as_numeric(x, "x")
    if arr.ndim != 1:
        raise ValueError(
            f"x: must be one-dimensional (one item), got shape {arr.shape}; "
            "use rwg_j for several items"
        )
    mom = _prepare(arr[:, None], groups, "x", 1.0, float(A), f"scale_points={A}", nan_policy,
                   one_item=True)
    sigma2 = (A * A - 1) / 12.0
    values = 1.0 - np.minimum(mom.var[:, 0], sigma2) / sigma2
    return mom.finish("rwg", values, nan_policy)


def rwg_j(items, groups, *, scale_points, nan_policy="omit") -> GroupResult:
    r"""Multi-item within-group agreement r_wg(j) against the uniform null, per group.

    For :math:`J` parallel items on an :math:`A`-point scale (James, Demaree & Wolf
    1984),

    .. math::

        r_{wg(j)} = \frac{J\,(1 - \bar s^2/\sigma_E^2)}
                         {J\,(1 - \bar s^2/\sigma_E^2) + \bar s^2/\sigma_E^2},
        \qquad \sigma_E^2 = \frac{A^2 - 1}{12},

    where :math:`\bar s^2` is the mean over the :math:`J` items of the within-group
    item variances (``ddof=1``). When :math:`\bar s^2 > \sigma_E^2` it is set to
    :math:`\sigma_E^2`, so the index is 0 instead of negative or above 1, as
    ``multilevel::rwg.j`` does. The result lies in [0, 1]. (Lindell, Brandt & Whitney
    1999 propose :math:`r^*_{wg(j)} = 1 - \bar s^2/\sigma_E^2` instead, which does not
    grow with :math:`J`; LeBreton & Senter 2008 discuss both.)

    Parameters
    ----------
    items : array_like, shape (n, J)
        Answers, one row per respondent and one column per item (J >= 2), in
        ``[1, scale_points]``; NaN marks a missing answer.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    scale_points : int
        Number of answer categories :math:`A` (>= 2).
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
        ``scale_points < 2``, unknown ``nan_policy``, NaN with ``nan_policy='raise'``.
    TypeError
        Non-numeric data or non-integer ``scale_points``.

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
    """
    nan_policy = _check_nan_policy(nan_policy)
    A = _check_scale_points(scale_points)
    X = _items_matrix(items, "items", min_items=2, allow_1d=False)
    mom = _prepare(X, groups, "items", 1.0, float(A), f"scale_points={A}", nan_policy)
    J = X.shape[1]
    sigma2 = (A * A - 1) / 12.0
    ratio = np.minimum(mom.var.mean(axis=1), sigma2) / sigma2   # NaN if any item undefined
    values = J * (1.0 - ratio) / (J * (1.0 - ratio) + ratio)
    return mom.finish("rwg_j", values, nan_policy)


def awg(items, groups, *, scale_min, scale_max, nan_policy="omit") -> GroupResult:
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
            f"scale_max: must be greater than scale_min, got scale_min={scale_min!r}, "
            f"scale_max={scale_max!r}"
        )
    X = _items_matrix(items, "items", min_items=1, allow_1d=True)
    mom = _prepare(X, groups, "items", L, H, f"scale_min={L:g}, scale_max={H:g}", nan_policy)
    k, s, M, var = mom.k, mom.s, mom.m, mom.var
    at_top = group_sum(mom.X == H, mom.groups) == k      # NaN never equals H
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


def ad_m(items, groups, *, center="mean", nan_policy="omit") -> GroupResult:
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
    if center == "mean":
        c = mom.m
    else:
        c = _group_medians(mom.X, mom.observed, mom.groups, mom.k)
    dev = np.where(mom.observed, np.abs(mom.X - mom.expand(c)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_item = np.where(mom.k >= 2, group_sum(dev, mom.groups) / mom.k, np.nan)
    values = per_item.mean(axis=1)  # NaN if any item has fewer than 2 observed answers
    return mom.finish("ad_m" if center == "mean" else "ad_md", values, nan_policy)
