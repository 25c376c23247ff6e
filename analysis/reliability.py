"""Internal-consistency reliability of a scale: Cronbach's alpha and McDonald's omega.

Both functions take a respondents x items matrix of one dimension's items, **already
reverse-keyed** (reverse-keying is the caller's job: pass ``(low + high) - x`` for a
reverse-keyed item, e.g. ``6 - x`` on a 1..5 scale). Missing answers are NaN.

Missing-data policies (``nan_policy``):

``"pairwise"`` (default)
    Every covariance ``c_ij`` is computed from the respondents who answered both items
    ``i`` and ``j`` (pair-specific means, divisor ``n_ij - 1``), exactly as R's
    ``cov(x, use = "pairwise")`` and therefore as ``psych::alpha`` (whose default is
    ``use = "pairwise"``). Respondents without any answer are ignored; ``n_obs`` counts the
    respondents with at least one answer. Every pair of items must have at least 2 common
    respondents. A pairwise matrix need not be positive semi-definite; with heavy
    missingness prefer ``"listwise"``.
``"listwise"``
    Only respondents who answered every item are used (``psych::alpha(na.omit(x))``).
``"raise"``
    Any NaN raises ``ValueError``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.factor import fit_one_factor
from analysis.factor_ml import _SINGULAR_TOL, _min_corr_eigenvalue
from analysis.arrays import FloatArray, IntArray

__all__ = ["AlphaResult", "OmegaResult", "cronbach_alpha", "omega_total"]

_NAN_POLICIES = ("pairwise", "listwise", "raise")
_SCALES = ("covariance", "correlation")
# a total-score variance below this share of the summed item variances counts as zero
_ZERO_TOTAL = 1e-12


def _as_items(items: ArrayLike, *, min_items: int, name: str = "items") -> FloatArray:
    arr = np.asarray(items)
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}") from None
    arr = arr.astype(float, copy=False)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (respondents x items), got an array of shape {arr.shape}")
    if arr.shape[1] < min_items:
        raise ValueError(f"{name} must have at least {min_items} items (columns), got {arr.shape[1]}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contain infinite values")
    return arr


def _pairwise_cov(x: FloatArray) -> tuple[FloatArray, IntArray]:
    """R's ``cov(x, use = "pairwise.complete.obs")`` and the pairwise counts ``n_ij``."""
    ok = ~np.isnan(x)
    m = ok.astype(float)
    # centring by the column means does not change any pairwise covariance but avoids
    # cancellation for large n
    xc = np.where(ok, x - np.nanmean(x, axis=0), 0.0)
    n_ij = m.T @ m
    sxy = xc.T @ xc
    sx = xc.T @ m  # sx[i, j] = sum of x_i over rows where both i and j are present
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (sxy - sx * sx.T / n_ij) / (n_ij - 1.0)
    return cov, n_ij


def _covariance(x: FloatArray, nan_policy: str, *, name: str = "items") -> tuple[FloatArray, int, IntArray | None]:
    """Covariance matrix (divisor n - 1 or n_ij - 1), n_obs, and the rows' validity."""
    if nan_policy not in _NAN_POLICIES:
        raise ValueError(f"nan_policy must be one of {_NAN_POLICIES}, got {nan_policy!r}")
    k = x.shape[1]
    isnan = np.isnan(x)
    if isnan.any():
        if nan_policy == "raise":
            raise ValueError(f"{name} contain {int(isnan.sum())} missing value(s) (NaN) and nan_policy='raise'")
        empty = np.flatnonzero(isnan.all(axis=0))
        if empty.size:
            raise ValueError(f"{name} column(s) {empty.tolist()} have no answers (all NaN)")
    if nan_policy == "listwise" or not isnan.any():
        x = x[~isnan.any(axis=1)]
        n_obs = x.shape[0]
        if n_obs < 2:
            raise ValueError(
                f"need at least 2 respondents who answered every item, got {n_obs}"
                + (" (nan_policy='listwise')" if isnan.any() else "")
            )
        xc = x - x.mean(axis=0)
        cov = (xc.T @ xc) / (n_obs - 1)
        n_ij = np.full((k, k), float(n_obs))
    else:
        x = x[~isnan.all(axis=1)]
        n_obs = x.shape[0]
        cov, n_ij = _pairwise_cov(x)
        few = np.argwhere(np.triu(n_ij < 2))
        if few.size:
            i, j = few[0]
            raise ValueError(
                f"{name} columns {int(i)} and {int(j)} have {int(n_ij[i, j])} respondent(s) in "
                "common; pairwise covariances need at least 2"
            )
    var = np.diag(cov)
    const = np.flatnonzero(~(var > 0))
    if const.size:
        raise ValueError(
            f"{name} column(s) {const.tolist()} have zero variance (every respondent gave the "
            "same answer); drop them before computing reliability"
        )
    return cov, n_obs, n_ij


def _as_tuple(a: FloatArray) -> list[float]:
    out: list[float] = a.tolist()
    return out


# ---------------------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AlphaResult:
    """Result of :func:`cronbach_alpha`.

    Attributes
    ----------
    statistic : float
        Raw coefficient alpha from the covariance matrix (psych's ``raw_alpha``).
    std_alpha : float
        Standardized alpha from the correlation matrix ``cov2cor(C)`` (psych's
        ``std.alpha``).
    n_obs : int
        Respondents used: with at least one answer (pairwise) or complete (listwise).
    n_items : int
    item_rest : ndarray, shape (n_items,)
        Correlation of each item with the sum of the other items (psych's ``r.drop``).
    alpha_if_deleted : ndarray, shape (n_items,)
        Raw alpha of the scale without each item (psych's ``alpha.drop$raw_alpha``); NaN
        when the scale has only 2 items (alpha of a single item is undefined).
    nan_policy : str
    """

    statistic: float
    std_alpha: float
    n_obs: int
    n_items: int
    item_rest: FloatArray = field(repr=False)
    alpha_if_deleted: FloatArray = field(repr=False)
    nan_policy: str = "pairwise"

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python representation (JSON serializable; NaN stays float NaN)."""
        return {
            "statistic": self.statistic,
            "std_alpha": self.std_alpha,
            "n_obs": self.n_obs,
            "n_items": self.n_items,
            "item_rest": _as_tuple(self.item_rest),
            "alpha_if_deleted": _as_tuple(self.alpha_if_deleted),
            "nan_policy": self.nan_policy,
        }


def _alpha_from_cov(c: FloatArray) -> float:
    """Alpha from a covariance matrix; NaN where the total score has no variance."""
    k = c.shape[0]
    total = c.sum()
    if total <= _ZERO_TOTAL * np.trace(c):
        return math.nan
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def cronbach_alpha(items: ArrayLike, *, nan_policy: str = "pairwise") -> AlphaResult:
    """Cronbach's coefficient alpha with item–rest correlations and alpha-if-deleted.

    For ``k`` items with covariance matrix ``C`` (divisor ``n - 1``),

    .. math::

        \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1^\\top C
        \\mathbf 1}\\Bigr),

    the standardized alpha is the same formula on ``R = D^{-1/2} C D^{-1/2}``,
    ``alpha_std = k/(k-1) (1 - k / 1'R1)``. The item–rest correlation of item ``i`` is
    ``(1'C_i - c_ii) / sqrt(c_ii (1'C1 - 2 1'C_i + c_ii))`` and alpha-if-deleted is alpha of
    ``C`` without row and column ``i``. All are computed from one covariance matrix, as in
    ``psych::alpha`` (Revelle), which they reproduce.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Respondents in rows, the (reverse-keyed) items of one scale in columns, NaN for a
        missing answer. ``k >= 2``.
    nan_policy : {"pairwise", "listwise", "raise"}, optional
        See the module docstring. ``"pairwise"`` (default) matches ``psych::alpha(x)``,
        ``"listwise"`` matches ``psych::alpha(na.omit(x))``.

    Returns
    -------
    AlphaResult

    Raises
    ------
    TypeError
        If ``items`` is not numeric.
    ValueError
        If ``items`` is not 2-D, has fewer than 2 columns, contains infinite values, a
        column has no answers or zero variance (psych drops such items with a warning; we
        refuse), fewer than 2 respondents remain, a pair of items has fewer than 2
        respondents in common (pairwise), or ``nan_policy`` is unknown or ``"raise"`` and
        there are NaNs.

    Notes
    -----
    Where the items cancel out so that every respondent has the same total score
    (:math:`\\mathbf{1}'C\\mathbf{1} = 0` up to rounding), alpha is undefined and
    ``statistic`` is NaN (likewise ``std_alpha`` where the correlations sum to 0).

    Worked example: items ``[[1, 2], [2, 2], [3, 4]]`` have variances 1 and 4/3 and
    covariance 1, so ``tr C = 7/3``, ``1'C1 = 13/3`` and
    ``alpha = 2 (1 - 7/13) = 12/13``.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       *Psychometrika*, 16(3), 297–334.
    .. [2] Revelle, W. (2022). *psych: Procedures for Psychological, Psychometric, and
       Personality Research* (R package version 2.2.9). Northwestern University.

    Examples
    --------
    >>> from analysis.reliability import cronbach_alpha
    >>> res = cronbach_alpha([[1, 2], [2, 2], [3, 4]])
    >>> round(res.statistic, 6)
    0.923077
    """
    x = _as_items(items, min_items=2)
    c, n_obs, _ = _covariance(x, nan_policy)
    k = c.shape[0]
    total = c.sum()
    alpha = _alpha_from_cov(c)
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    std_alpha = k / (k - 1) * (1.0 - k / r.sum()) if r.sum() > _ZERO_TOTAL * k else math.nan
    col = c.sum(axis=0)
    diag = np.diag(c)
    rest_var = total - 2.0 * col + diag
    with np.errstate(invalid="ignore", divide="ignore"):
        item_rest = (col - diag) / np.sqrt(diag * rest_var)
    if k > 2:
        tr = np.trace(c)
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha_drop = (k - 1) / (k - 2) * (1.0 - (tr - diag) / rest_var)
    else:
        alpha_drop = np.full(k, np.nan)
    return AlphaResult(
        statistic=float(alpha),
        std_alpha=float(std_alpha),
        n_obs=int(n_obs),
        n_items=int(k),
        item_rest=item_rest,
        alpha_if_deleted=alpha_drop,
        nan_policy=nan_policy,
    )


# ---------------------------------------------------------------------------------------
# McDonald's omega total
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OmegaResult:
    """Result of :func:`omega_total`.

    Attributes
    ----------
    statistic : float
        McDonald's omega total ``(sum lambda)^2 / ((sum lambda)^2 + sum theta)``.
    loadings : ndarray, shape (n_items,)
        One-factor ML loadings on the chosen ``scale`` (factor variance 1; raw item units
        for ``"covariance"``, standardized for ``"correlation"``). Sign fixed so that the
        first item's loading is positive.
    uniquenesses : ndarray, shape (n_items,)
        Residual variances on the same scale.
    scale : str
        ``"covariance"`` or ``"correlation"``.
    n_obs, n_items : int
    nan_policy : str
    converged : bool
    heywood : tuple of int
        Items with a negative residual variance (Heywood case); omega is then unreliable.
    """

    statistic: float
    loadings: FloatArray = field(repr=False)
    uniquenesses: FloatArray = field(repr=False)
    scale: str = "covariance"
    n_obs: int = 0
    n_items: int = 0
    nan_policy: str = "pairwise"
    converged: bool = True
    heywood: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python representation (JSON serializable)."""
        return {
            "statistic": self.statistic,
            "loadings": _as_tuple(self.loadings),
            "uniquenesses": _as_tuple(self.uniquenesses),
            "scale": self.scale,
            "n_obs": self.n_obs,
            "n_items": self.n_items,
            "nan_policy": self.nan_policy,
            "converged": self.converged,
            "heywood": list(self.heywood),
        }


def omega_total(items: ArrayLike, *, nan_policy: str = "pairwise", scale: str = "covariance") -> OmegaResult:
    """McDonald's omega total from a one-factor maximum-likelihood model.

    A one-factor model ``Sigma = lambda lambda' + diag(theta)`` is fitted by maximum
    likelihood (Jöreskog 1969; the same fit as :func:`analysis.factor.cfa`, i.e. lavaan's
    ``cfa()`` defaults) and

    .. math::

        \\omega = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\theta_i}

    (McDonald 1999), the share of the variance of the unit-weighted sum score that is due to
    the common factor, with the model-implied variance in the denominator (as
    ``semTools::compRelSEM(obs.var = FALSE)``).

    ``scale="covariance"`` (default) uses the unstandardized estimates, i.e. the
    reliability of the sum (or mean) of the raw item scores -- the score the product
    reports. ``scale="correlation"`` uses the completely standardized estimates, i.e. the
    reliability of the sum of z-scored items (the analogue of standardized alpha).

    The covariance matrix is computed as in :func:`cronbach_alpha` (see the module
    docstring for ``nan_policy``) and rescaled by ``(n_obs - 1) / n_obs`` to the ML
    divisor, as lavaan does with ``sample.cov``; omega and standardized estimates do not
    depend on this rescaling.

    Parameters
    ----------
    items : array_like, shape (n, k)
        Respondents in rows, the (reverse-keyed) items of one scale in columns, NaN for a
        missing answer. ``k >= 3`` (a one-factor model with 2 items is not identified).
    nan_policy : {"pairwise", "listwise", "raise"}, optional
    scale : {"covariance", "correlation"}, optional

    Returns
    -------
    OmegaResult

    Raises
    ------
    TypeError
        If ``items`` is not numeric.
    ValueError
        As :func:`cronbach_alpha`; also if there are fewer than 3 items, ``scale`` is
        unknown, or the (pairwise) covariance matrix is not positive definite.

    Warns
    -----
    RuntimeWarning
        If the fit did not converge or is a Heywood case (also flagged in the result).

    References
    ----------
    .. [1] McDonald, R. P. (1999). *Test theory: A unified treatment*. Mahwah, NJ:
       Lawrence Erlbaum.
    .. [2] Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. *Psychometrika*, 34(2), 183–202.
    .. [3] Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       *Journal of Statistical Software*, 48(2), 1–36. doi:10.18637/jss.v048.i02
    """
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of {_SCALES}, got {scale!r}")
    x = _as_items(items, min_items=3)
    c, n_obs, _ = _covariance(x, nan_policy)
    s = c * ((n_obs - 1) / n_obs)
    if _min_corr_eigenvalue(s) <= _SINGULAR_TOL:
        raise ValueError(
            "the covariance matrix of items is not positive definite"
            + (
                " (pairwise covariances can be inconsistent; try nan_policy='listwise')"
                if nan_policy == "pairwise" and np.isnan(x).any()
                else " (an item is a linear combination of others, or too few respondents)"
            )
        )
    fit = fit_one_factor(s)
    lam, theta = fit.loadings, fit.uniquenesses
    if scale == "correlation":
        sd = np.sqrt(fit.implied_variances)
        lam, theta = lam / sd, theta / fit.implied_variances
    common = lam.sum() ** 2
    omega = common / (common + theta.sum())
    if not fit.converged:
        warnings.warn("the one-factor ML fit did not converge", RuntimeWarning, stacklevel=2)
    if fit.heywood:
        warnings.warn(
            f"Heywood case: negative residual variance for item(s) {list(fit.heywood)}; omega is not trustworthy",
            RuntimeWarning,
            stacklevel=2,
        )
    return OmegaResult(
        statistic=float(omega) if math.isfinite(omega) else math.nan,
        loadings=lam,
        uniquenesses=theta,
        scale=scale,
        n_obs=int(n_obs),
        n_items=int(x.shape[1]),
        nan_policy=nan_policy,
        converged=fit.converged,
        heywood=fit.heywood,
    )
