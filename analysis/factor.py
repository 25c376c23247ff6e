"""Confirmatory factor analysis by maximum likelihood.

The model is the usual congeneric measurement model

.. math::

    \\Sigma(\\vartheta) = \\Lambda \\Phi \\Lambda^\\top + \\Theta ,

with a loading pattern ``Lambda`` (the first indicator of every factor is the marker,
its loading fixed to 1), a free symmetric factor covariance matrix ``Phi`` (factors are
correlated) and a diagonal residual covariance matrix ``Theta``. The parameters minimise
the maximum-likelihood discrepancy of Jöreskog (1969)

.. math::

    F_{ML} = \\log|\\Sigma| + \\operatorname{tr}(S \\Sigma^{-1}) - \\log|S| - p ,

where ``S`` is the sample covariance matrix with divisor ``N`` (the "normal" likelihood
that lavaan uses by default, Rosseel 2012). The minimisation is a Fisher-scoring loop with
the analytic gradient ``g_k = tr(W dSigma/dtheta_k)``, ``W = Sigma^-1 (Sigma - S) Sigma^-1``,
and the expected information ``H_kl = tr(Sigma^-1 dSigma_k Sigma^-1 dSigma_l)``, with
step halving; everything after the covariance matrix costs the same for 100 or 10^6 rows.

This module also provides :func:`fit_one_factor`, the one-factor fit that
:func:`analysis.reliability.omega_total` uses.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from analysis.factor_ml import (  # noqa: F401 (re-exported: the import path of callers)
    _Model,
    _SINGULAR_TOL,
    _chol_logdet_inv,
    _fit_ml,
    _min_corr_eigenvalue,
)
from analysis.arrays import BoolArray, FloatArray

__all__ = ["CFAResult", "OneFactorFit", "cfa", "fit_one_factor"]

#: Cut-offs of a good fit (Hu & Bentler 1999; docs/methodology.md): CFI and TLI at least,
#: RMSEA and SRMR at most these values. Every text and report takes them from here.
FIT_CUTOFFS = MappingProxyType({"cfi": 0.95, "tli": 0.95, "rmsea": 0.06, "srmr": 0.08})


def fit_acceptable(cfi: float, rmsea: float, srmr: float) -> bool:
    """Whether a fit reaches :data:`FIT_CUTOFFS` on CFI, RMSEA and SRMR."""
    return bool(cfi >= FIT_CUTOFFS["cfi"] and rmsea <= FIT_CUTOFFS["rmsea"] and srmr <= FIT_CUTOFFS["srmr"])


def fit_indices(
    chisq: float, df: int, base: float, df0: int, n: int, s: FloatArray, sigma: FloatArray
) -> tuple[float, float, float, float]:
    """CFI, TLI, RMSEA and Bentler's SRMR of a model with ``chisq`` on ``df`` against the
    independence model's ``base`` on ``df0``, from ``n`` rows with covariance ``s`` and
    the model-implied ``sigma`` (lavaan's definitions; see :func:`cfa`)."""
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, base - df0, 0.0)
    cfi = 1.0 if (abs(t1) <= 1.5e-8 and abs(t2) <= 1.5e-8) else 1.0 - t1 / t2
    tt1 = (chisq - df) * df0
    tt2 = (base - df0) * df
    tli = 1.0 - tt1 / tt2 if (df > 0 and abs(tt2) > 0) else 1.0
    rmsea = math.sqrt(max(chisq / n / df - 1.0 / n, 0.0)) if df > 0 else 0.0
    sd = np.sqrt(np.diag(s))
    resid = (s - sigma) / np.outer(sd, sd)
    p = len(s)
    srmr = math.sqrt(float(np.sum(resid[np.tril_indices(p)] ** 2)) / (p * (p + 1) / 2))
    return cfi, tli, rmsea, srmr


_NAN_POLICIES_CFA = ("listwise", "raise")

# ---------------------------------------------------------------------------------------
# One-factor helper (used by analysis.reliability.omega_total)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OneFactorFit:
    """ML estimates of a one-factor model with the factor variance fixed to 1.

    Attributes
    ----------
    loadings : ndarray, shape (k,)
        Loadings on the scale of ``cov`` (``lambda_i * sqrt(phi)`` of the marker
        parameterization); their sign is fixed so that the first loading is positive.
    uniquenesses : ndarray, shape (k,)
        Residual variances ``theta_i`` on the scale of ``cov``.
    implied_variances : ndarray, shape (k,)
        Model-implied item variances ``lambda_i**2 + theta_i``.
    converged, identified : bool
    iterations : int
    heywood : tuple of int
        Positions of items with a negative residual variance (Heywood cases).
    fmin : float
        The ML discrepancy ``F_ML`` at the solution.
    """

    loadings: FloatArray
    uniquenesses: FloatArray
    implied_variances: FloatArray
    converged: bool
    identified: bool
    iterations: int
    heywood: tuple[Any, ...]
    fmin: float


def fit_one_factor(cov: ArrayLike) -> OneFactorFit:
    """Fit a one-factor model to a covariance matrix by maximum likelihood.

    Same model, estimator and optimiser as :func:`cfa` (Jöreskog 1969), reported with the
    factor variance fixed to 1. The estimates do not depend on the number of observations.

    Parameters
    ----------
    cov : array_like, shape (k, k)
        Symmetric positive definite covariance (or correlation) matrix, ``k >= 3``.

    Returns
    -------
    OneFactorFit

    Raises
    ------
    ValueError
        If ``cov`` is not a square, symmetric, positive definite matrix with ``k >= 3``
        (with fewer than 3 items a one-factor model is not identified).

    References
    ----------
    .. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. *Psychometrika*, 34(2), 183–202.
    """
    s = np.asarray(cov, dtype=float)
    if s.ndim != 2 or s.shape[0] != s.shape[1]:
        raise ValueError(f"cov must be a square matrix, got shape {s.shape}")
    k = s.shape[0]
    if k < 3:
        raise ValueError(f"cov has {k} variable(s); a one-factor model needs at least 3 to be identified")
    if not np.all(np.isfinite(s)) or not np.allclose(s, s.T, rtol=1e-10, atol=0):
        raise ValueError("cov must be a finite symmetric matrix")
    s = 0.5 * (s + s.T)
    fit = _fit_ml(s, np.ones((k, 1), dtype=bool), [0])
    scale = math.sqrt(fit.phi[0, 0]) if fit.phi[0, 0] > 0 else math.nan
    loadings = fit.lam[:, 0] * scale
    return OneFactorFit(
        loadings=loadings,
        uniquenesses=fit.theta.copy(),
        implied_variances=np.diag(fit.sigma).copy(),
        converged=fit.converged,
        identified=fit.identified,
        iterations=fit.iterations,
        heywood=tuple(int(i) for i in np.flatnonzero(fit.theta < 0)),
        fmin=fit.fmin,
    )


# ---------------------------------------------------------------------------------------
# Public CFA
# ---------------------------------------------------------------------------------------


def _frozen(d: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k: (MappingProxyType(v) if isinstance(v, dict) else v) for k, v in d.items()})


def _plain(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (_plain(v) if isinstance(v, Mapping) else v) for k, v in d.items()}


@dataclass(frozen=True, eq=False)
class CFAResult:
    """Result of :func:`cfa`.

    Attributes
    ----------
    chisq : float
        Likelihood-ratio statistic ``N * F_ML`` (lavaan's "standard" test).
    df : int
        Degrees of freedom ``p (p + 1) / 2 - n_parameters``.
    pvalue : float
        Upper tail of the chi-square distribution (NaN when ``df == 0``).
    cfi, tli : float
        Comparative fit index (Bentler 1990) and Tucker–Lewis index (Tucker & Lewis 1973)
        against the independence (diagonal) baseline model.
    rmsea, rmsea_ci_low, rmsea_ci_high : float
        RMSEA (Steiger 1990) with ``N`` in the denominator and its 90 % confidence
        interval from the non-central chi-square distribution.
    srmr : float
        Bentler's standardized root mean square residual (lavaan's "srmr").
    loadings : mapping
        ``{factor: {indicator: loading}}`` in the completely standardized metric
        (lavaan's ``std.all``).
    factor_correlations : mapping
        ``{factor: {factor: correlation}}``.
    residual_variances : mapping
        ``{indicator: theta}`` unstandardized.
    std_residual_variances : mapping
        ``{indicator: theta / sigma_ii}`` (``std.all``).
    loadings_unstandardized : mapping
        ``{factor: {indicator: lambda}}`` with the marker loading 1.
    factor_covariances : mapping
        ``{factor: {factor: phi}}`` unstandardized.
    n_obs : int
        Rows used (after listwise deletion).
    n_parameters : int
    baseline_chisq : float
    baseline_df : int
    fmin : float
        lavaan's ``fmin``, i.e. ``F_ML / 2``.
    loglik : float
        Log-likelihood of the fitted model.
    converged : bool
    iterations : int
        Fisher-scoring iterations (not comparable with lavaan's nlminb count).
    heywood : tuple
        Indicators with a negative residual variance (standardized loading above 1).
    problems : tuple of str
        Human-readable notes: non-convergence, Heywood cases, a non positive definite
        factor covariance matrix, an empirically unidentified model. Empty if none.
    observed : tuple
        Indicator labels in the order used for ``implied_cov``.
    factors : tuple
    implied_cov : ndarray, shape (p, p)
        Model-implied covariance matrix.
    """

    chisq: float
    df: int
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    srmr: float
    loadings: Mapping[str, Any]
    factor_correlations: Mapping[str, Any]
    residual_variances: Mapping[str, Any]
    std_residual_variances: Mapping[str, Any]
    loadings_unstandardized: Mapping[str, Any]
    factor_covariances: Mapping[str, Any]
    n_obs: int
    n_parameters: int
    baseline_chisq: float
    baseline_df: int
    fmin: float
    loglik: float
    converged: bool
    iterations: int
    heywood: tuple[Any, ...]
    problems: tuple[Any, ...]
    observed: tuple[Any, ...]
    factors: tuple[Any, ...]
    implied_cov: FloatArray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python representation (JSON serializable when labels are str/int)."""
        out = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            if isinstance(v, Mapping):
                v = _plain(v)
            elif isinstance(v, np.ndarray):
                v = v.tolist()
            elif isinstance(v, tuple):
                v = list(v)
            out[name] = v
        return out


def _columns_from_data(data: Any, labels: list[Any], names: Sequence[str] | None) -> FloatArray:
    """Return an (n, p) float array with the columns ``labels`` of ``data``."""
    by_name = all(isinstance(lab, str) for lab in labels)
    by_index = all(isinstance(lab, (int, np.integer)) and not isinstance(lab, bool) for lab in labels)
    if not (by_name or by_index):
        raise TypeError(
            f"model must name indicators either all by column name (str) or all by column index (int), got {labels!r}"
        )
    dtype_names = getattr(getattr(data, "dtype", None), "names", None)
    if names is None and (dtype_names or isinstance(data, Mapping) or hasattr(data, "columns")):
        if not by_name:
            raise TypeError("model must name indicators by column name when data is dict-like")
        available = set(dtype_names) if dtype_names else set(data.keys() if hasattr(data, "keys") else data.columns)
        missing = [lab for lab in labels if lab not in available]
        if missing:
            raise ValueError(f"model refers to columns not in data: {missing!r}")
        cols = []
        for lab in labels:
            col = np.asarray(data[lab])
            if col.ndim != 1:
                raise ValueError(f"data[{lab!r}] must be one-dimensional, got shape {col.shape}")
            cols.append(col)
        lengths = {c.shape[0] for c in cols}
        if len(lengths) > 1:
            raise ValueError(f"columns of data have different lengths: {sorted(lengths)}")
        try:
            return np.column_stack([c.astype(float) for c in cols])
        except (TypeError, ValueError) as exc:
            raise TypeError(f"data must be numeric: {exc}") from None
    arr = np.asarray(data)
    if arr.ndim != 2:
        raise ValueError(f"data must be 2-D (observations x variables), got shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"data must be numeric, got dtype {arr.dtype}") from None
    if by_name:
        if names is None:
            raise ValueError(
                "model names indicators by column name; pass names= (one label per column "
                "of data) or a dict-like / structured array"
            )
        names = list(names)
        if len(names) != arr.shape[1]:
            raise ValueError(f"names has {len(names)} labels but data has {arr.shape[1]} columns")
        if len(set(names)) != len(names):
            raise ValueError(f"names must be unique, got {names!r}")
        pos = {nm: j for j, nm in enumerate(names)}
        missing = [lab for lab in labels if lab not in pos]
        if missing:
            raise ValueError(f"model refers to columns not in names: {missing!r}")
        idx = [pos[lab] for lab in labels]
    else:
        bad = [lab for lab in labels if not -arr.shape[1] <= lab < arr.shape[1]]
        if bad:
            raise ValueError(f"model refers to column indices {bad!r} but data has {arr.shape[1]} columns")
        idx = [int(lab) % arr.shape[1] for lab in labels]
        if len(set(idx)) != len(idx):
            raise ValueError(f"model refers to the same column twice through indices {labels!r}")
    return arr[:, idx].astype(float)


def _parse_model(model: object) -> tuple[list[str], list[Any], BoolArray, list[int]]:
    if not isinstance(model, Mapping):
        raise TypeError(f"model must be a dict mapping factor names to lists of indicators, got {type(model).__name__}")
    if len(model) == 0:
        raise ValueError("model must define at least one factor, got {}")
    factors = []
    indicators = []
    for factor, items in model.items():
        if not isinstance(factor, str):
            raise TypeError(f"factor names must be str, got {factor!r}")
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence | np.ndarray):
            raise TypeError(f"model[{factor!r}] must be a list of indicators, got {items!r}")
        items = [it.item() if isinstance(it, np.generic) else it for it in items]
        if len(set(items)) != len(items):
            raise ValueError(f"model[{factor!r}] lists an indicator twice: {items!r}")
        if len(items) < 2:
            raise ValueError(
                f"model[{factor!r}] has {len(items)} indicator(s); a factor needs at least 2 "
                "(at least 3 if it is the only factor) to be identified"
            )
        factors.append(factor)
        indicators.append(items)
    if len(factors) == 1 and len(indicators[0]) < 3:
        raise ValueError(
            f"model[{factors[0]!r}] has {len(indicators[0])} indicators; a one-factor model "
            "needs at least 3 to be identified"
        )
    observed = []
    for items in indicators:
        for it in items:
            if it not in observed:
                observed.append(it)
    pattern = np.zeros((len(observed), len(factors)), dtype=bool)
    pos = {lab: i for i, lab in enumerate(observed)}
    markers = []
    for f, items in enumerate(indicators):
        for it in items:
            pattern[pos[it], f] = True
        markers.append(pos[items[0]])
    if len(set(markers)) != len(markers):
        raise ValueError("two factors have the same first indicator (marker); reorder the model")
    return factors, observed, pattern, markers


def _decreasing_root(fn: Callable[[float], float], lo: float, hi: float) -> float:
    """Root of a decreasing function with ``fn(lo) >= 0 >= fn(hi)``, by bisection to
    machine precision (the non-central chi-square cdf is monotone in lambda)."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if fn(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _rmsea_ci(x2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's lav_fit_rmsea_ci: invert the non-central chi-square cdf in lambda."""
    if not (math.isfinite(x2) and df >= 1):
        return (0.0, 0.0) if math.isfinite(x2) else (math.nan, math.nan)
    upper_perc = 1 - (1 - level) / 2
    lower_perc = (1 - level) / 2

    def cdf(lam: float) -> float:
        return float(special.chdtr(df, x2) if lam == 0 else special.chndtr(x2, df, lam))

    if cdf(0.0) - upper_perc < 0:
        low = 0.0
    else:
        lam_l = _decreasing_root(lambda lam: cdf(lam) - upper_perc, 0.0, x2)
        low = math.sqrt(lam_l / (n * df))
    n_rmsea = max(n, x2 * 4)
    if cdf(n_rmsea) - lower_perc > 0 or cdf(0.0) - lower_perc < 0:
        high = 0.0
    else:
        lam_u = _decreasing_root(lambda lam: cdf(lam) - lower_perc, 0.0, n_rmsea)
        high = math.sqrt(lam_u / (n * df))
    return low, high


def cfa(
    data: Any, model: Mapping[str, Sequence[Any]], *, names: Sequence[str] | None = None, nan_policy: str = "listwise"
) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, as lavaan's ``cfa()`` defaults.

    The model ``Sigma = Lambda Phi Lambda' + Theta`` is estimated by minimising

    ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p``

    (Jöreskog 1969) with ``S`` the sample covariance matrix with divisor ``N``. As in
    lavaan (Rosseel 2012): ML estimator, "normal" likelihood, marker-variable
    identification (the first indicator of each factor has its loading fixed to 1), all
    factor variances and covariances free, residuals uncorrelated, no mean structure.
    Fit measures:

    - ``chisq = N F_ML`` with ``df = p (p + 1) / 2 - q``;
    - baseline (independence) model: ``chisq_0 = N (sum_i log s_ii - log|S|)``,
      ``df_0 = p (p - 1) / 2``;
    - ``CFI = 1 - max(chisq - df, 0) / max(chisq - df, chisq_0 - df_0, 0)`` (Bentler 1990);
    - ``TLI = 1 - ((chisq - df) df_0) / ((chisq_0 - df_0) df)`` (Tucker & Lewis 1973;
      Bentler & Bonett 1980), not truncated to [0, 1];
    - ``RMSEA = sqrt(max(chisq / N / df - 1 / N, 0))`` (Steiger 1990) and its 90 %
      interval from the non-central chi-square distribution;
    - ``SRMR = sqrt(mean_{i <= j} ((s_ij - sigma_ij) / sqrt(s_ii s_jj))^2)``, Bentler's
      version, which is what lavaan reports as ``srmr`` (Hu & Bentler 1999).

    Standardized loadings are ``lambda_if sqrt(phi_ff) / sqrt(sigma_ii)`` (``std.all``).

    Parameters
    ----------
    data : array_like, shape (n, k), structured array, or dict-like of columns
        Observations in rows. A plain 2-D array is addressed by column index in ``model``
        or by label through ``names``; a mapping of column name to 1-D array (a
        ``pandas.DataFrame`` works) or a structured array is addressed by name.
    model : dict
        ``{factor: [indicator, ...]}``. Indicators are column names (str) or column indices
        (int). The first indicator of each factor is its marker. An indicator may load on
        several factors (cross-loading). Columns not named in the model are ignored.
    names : sequence of str, optional
        Column labels of a plain 2-D ``data``.
    nan_policy : {"listwise", "raise"}, optional
        ``"listwise"`` (default, like lavaan's ``missing = "listwise"``) drops every row
        with a missing (NaN) value in a model variable; ``"raise"`` raises ``ValueError``
        if there is any. Full-information ML is not implemented.

    Returns
    -------
    CFAResult

    Raises
    ------
    TypeError
        If ``model`` is not a dict, or ``data`` is not numeric.
    ValueError
        If a factor has fewer than 2 indicators (fewer than 3 for a one-factor model), the
        model has negative degrees of freedom, an indicator is not in ``data``, ``data``
        contains infinite values, ``nan_policy`` is unknown or is ``"raise"`` and data
        contain NaN, fewer than ``p + 1`` complete rows remain, an indicator is constant,
        or the sample covariance matrix is singular.

    Warns
    -----
    RuntimeWarning
        When the fit did not converge, the solution is a Heywood case (negative residual
        variance), the factor covariance matrix is not positive definite, or the model is
        empirically unidentified. The same notes are in ``result.problems``; the result is
        returned so the caller can report it.

    Notes
    -----
    A factor with 2 indicators is identified only through its covariance with other
    factors; if that covariance is near zero the information matrix is singular and the
    result is flagged as unidentified.

    References
    ----------
    .. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood
       factor analysis. *Psychometrika*, 34(2), 183–202.
    .. [2] Bentler, P. M. (1990). Comparative fit indexes in structural models.
       *Psychological Bulletin*, 107(2), 238–246.
    .. [3] Tucker, L. R., & Lewis, C. (1973). A reliability coefficient for maximum
       likelihood factor analysis. *Psychometrika*, 38(1), 1–10.
    .. [4] Steiger, J. H. (1990). Structural model evaluation and modification: An
       interval estimation approach. *Multivariate Behavioral Research*, 25(2), 173–180.
    .. [5] Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
       structure analysis: Conventional criteria versus new alternatives. *Structural
       Equation Modeling*, 6(1), 1–55.
    .. [6] Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
       *Journal of Statistical Software*, 48(2), 1–36. doi:10.18637/jss.v048.i02

    Examples
    --------
    >>> res = cfa(x, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
    ...               "speed": ["x7", "x8", "x9"]}, names=["x1", ..., "x9"])  # doctest: +SKIP
    >>> round(res.chisq, 3), res.df, round(res.cfi, 3)  # doctest: +SKIP
    (85.306, 24, 0.931)
    """
    if nan_policy not in _NAN_POLICIES_CFA:
        raise ValueError(f"nan_policy must be one of {_NAN_POLICIES_CFA}, got {nan_policy!r}")
    factors, observed, pattern, markers = _parse_model(model)
    x = _columns_from_data(data, observed, names)
    p, m = pattern.shape
    if np.isinf(x).any():
        raise ValueError("data contain infinite values")
    nan_rows = np.isnan(x).any(axis=1)
    if nan_rows.any():
        if nan_policy == "raise":
            raise ValueError(
                f"data contain missing values (NaN) in {int(nan_rows.sum())} row(s) and nan_policy='raise'"
            )
        x = x[~nan_rows]
    n = x.shape[0]
    model_ = _Model(pattern, markers)
    df = p * (p + 1) // 2 - model_.q
    if df < 0:
        raise ValueError(
            f"model is not identified: {model_.q} free parameters but only {p * (p + 1) // 2} "
            f"variances and covariances (df = {df})"
        )
    if n < p + 1:
        raise ValueError(f"need at least p + 1 = {p + 1} complete observations for {p} indicators, got {n}")
    mean = x.mean(axis=0)
    xc = x - mean
    s = (xc.T @ xc) / n
    var = np.diag(s)
    const = [observed[i] for i in np.flatnonzero(~(var > 1e-14 * np.maximum(1.0, mean**2)))]
    if const:
        raise ValueError(f"indicator(s) {const!r} are constant in the {n} rows used")
    res_s = _chol_logdet_inv(s)
    if res_s is None or _min_corr_eigenvalue(s) <= _SINGULAR_TOL:
        raise ValueError(
            f"the sample covariance matrix of {observed!r} is singular (n_obs={n}, "
            f"p={p}); some indicators are linear combinations of others"
        )
    logdet_s = res_s[0]

    fit = _fit_ml(s, pattern, markers)
    f_ml = max(fit.fmin, 0.0)  # F_ML >= 0; an exactly fitting model can give -1e-16
    chisq = n * f_ml
    base = n * (float(np.sum(np.log(var))) - logdet_s)
    df0 = p * (p - 1) // 2
    pvalue = float(special.chdtrc(df, chisq)) if df > 0 else math.nan

    cfi, tli, rmsea, srmr = fit_indices(chisq, df, base, df0, n, s, fit.sigma)
    ci_low, ci_high = _rmsea_ci(chisq, df, n)
    res_sig = _chol_logdet_inv(fit.sigma)
    loglik = (
        -0.5 * n * (p * math.log(2 * math.pi) + res_sig[0] + float(np.sum(s * res_sig[1])))
        if res_sig is not None
        else math.nan
    )

    sig_sd = np.sqrt(np.abs(np.diag(fit.sigma)))
    phi_sd = np.sqrt(np.abs(np.diag(fit.phi)))
    loadings, loadings_u, fcov, fcor = {}, {}, {}, {}
    for f, name in enumerate(factors):
        idx = np.flatnonzero(pattern[:, f])
        loadings[name] = {observed[i]: float(fit.lam[i, f] * phi_sd[f] / sig_sd[i]) for i in idx}
        loadings_u[name] = {observed[i]: float(fit.lam[i, f]) for i in idx}
        fcov[name] = {g: float(fit.phi[f, j]) for j, g in enumerate(factors)}
        fcor[name] = {g: float(fit.phi[f, j] / (phi_sd[f] * phi_sd[j])) for j, g in enumerate(factors)}
    resvar = {observed[i]: float(fit.theta[i]) for i in range(p)}
    std_resvar = {observed[i]: float(fit.theta[i] / fit.sigma[i, i]) for i in range(p)}

    heywood = tuple(observed[i] for i in np.flatnonzero(fit.theta < 0))
    problems = []
    if not fit.converged:
        problems.append("the ML fit did not converge; estimates and fit measures are unreliable")
    if heywood:
        problems.append(
            f"Heywood case: negative residual variance for {list(heywood)!r} (standardized loading above 1)"
        )
    if m > 1 and np.linalg.eigvalsh(fit.phi)[0] <= 0:
        problems.append("the factor covariance matrix is not positive definite")
    elif m == 1 and fit.phi[0, 0] <= 0:
        problems.append("the factor variance is not positive")
    if not fit.identified:
        problems.append("the information matrix is singular: the model is empirically not identified")
    for msg in problems:
        warnings.warn(msg, RuntimeWarning, stacklevel=2)

    return CFAResult(
        chisq=float(chisq),
        df=int(df),
        pvalue=pvalue,
        cfi=float(cfi),
        tli=float(tli),
        rmsea=float(rmsea),
        rmsea_ci_low=float(ci_low),
        rmsea_ci_high=float(ci_high),
        srmr=float(srmr),
        loadings=_frozen(loadings),
        factor_correlations=_frozen(fcor),
        residual_variances=MappingProxyType(resvar),
        std_residual_variances=MappingProxyType(std_resvar),
        loadings_unstandardized=_frozen(loadings_u),
        factor_covariances=_frozen(fcov),
        n_obs=int(n),
        n_parameters=int(model_.q),
        baseline_chisq=float(base),
        baseline_df=int(df0),
        fmin=float(f_ml / 2.0),
        loglik=float(loglik),
        converged=fit.converged,
        iterations=fit.iterations,
        heywood=heywood,
        problems=tuple(problems),
        observed=tuple(observed),
        factors=tuple(factors),
        implied_cov=fit.sigma,
    )
