r"""Drivers of the outcome: relative weights (Johnson 2000) and dominance analysis.

Which dimensions and structure items best predict the litmus item? With correlated
predictors the regression coefficients do not answer this; relative importance
partitions the model :math:`R^2` among the predictors instead.

Relative weights (Johnson 2000)
    With the predictor correlation matrix :math:`R_{xx} = P \Delta P^\top`
    (eigendecomposition) and the predictor–criterion correlations :math:`r_{xy}`, the
    orthogonal counterparts of the predictors have loadings
    :math:`\Lambda = P \Delta^{1/2} P^\top`; the criterion's regression on them is
    :math:`\beta^* = \Lambda^{-1} r_{xy}`, and the raw weight of predictor :math:`j` is

    .. math:: \varepsilon_j = \sum_k \lambda_{jk}^2 \beta_k^{*2},
              \qquad \sum_j \varepsilon_j = R^2 .

    Rescaled weights are :math:`100\,\varepsilon_j / R^2` (% of the explained variance).

General dominance (Budescu 1993; Azen & Budescu 2003)
    The average, over subset sizes, of the average increase in :math:`R^2` when
    predictor :math:`j` is added to a subset of the other predictors. Exact but
    exponential (:math:`2^p` regressions); relative weights approximate it closely and
    are what the engine reports. :func:`dominance_weights` is provided to check them.

Both use listwise deletion: only respondents with the criterion and every predictor.

Intervals by a cluster bootstrap (:func:`bootstrap_relative_weights`)
    Respondents are nested in teams, so the teams are resampled with replacement
    (Davison & Hinkley 1997, §3.8; Field & Welsh 2007) and the relative weights are
    recomputed in every replicate; the percentile interval (Efron & Tibshirani 1993,
    ch. 13) of each weight, of its share of :math:`R^2` and of the difference between
    the first and the second predictor is reported, with the share of replicates in
    which each predictor ranks first (Tonidandel, LeBreton & Johnson 2009 test
    relative weights with bootstrap intervals in the same way). All replicates are
    computed at once: per-team sums and cross-products of the variables, team counts
    of every replicate (multinomial, :math:`T` draws of :math:`T` teams), the
    replicates' covariance matrices as one matrix product, and one batched
    eigendecomposition.

Relative weights describe how the predictors share the explained variance of the
outcome in these answers — association, not cause (``docs/methodology.md`` §11).

References
----------
.. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
   predictor variables in multiple regression. *Multivariate Behavioral Research*,
   35(1), 1–19. https://doi.org/10.1207/S15327906MBR3501_1
.. [2] Budescu, D. V. (1993). Dominance analysis: A new approach to the problem of
   relative importance of predictors in multiple regression. *Psychological Bulletin*,
   114(3), 542–551. https://doi.org/10.1037/0033-2909.114.3.542
.. [3] Azen, R., & Budescu, D. V. (2003). The dominance analysis approach for comparing
   predictors in multiple regression. *Psychological Methods*, 8(2), 129–148.
.. [4] Tonidandel, S., & LeBreton, J. M. (2011). Relative importance analysis: A useful
   supplement to regression analysis. *Journal of Business and Psychology*, 26(1), 1–9.
.. [5] Tonidandel, S., LeBreton, J. M., & Johnson, J. W. (2009). Determining the
   statistical significance of relative weights. *Psychological Methods*, 14(4),
   387–399. https://doi.org/10.1037/a0017735
.. [6] Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*.
   Chapman & Hall.
.. [7] Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap methods and their
   application*. Cambridge University Press.
.. [8] Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal of
   the Royal Statistical Society B*, 69(3), 369–390.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any
from collections.abc import Hashable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from analysis.groups import Groups, encode_groups
from analysis.arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "RelativeWeightsResult",
    "relative_weights",
    "dominance_weights",
    "RelativeWeightsBootstrapResult",
    "bootstrap_relative_weights",
    "N_RESAMPLES",
]

#: Default number of bootstrap replicates of :func:`bootstrap_relative_weights`: the
#: Monte Carlo error of a 95 % percentile limit is then about 0.1 standard errors of the
#: weight, and the cost at 5,000 teams stays near 0.1 s (``docs/methodology.md`` §11).
N_RESAMPLES = 1000


@dataclass(frozen=True, eq=False)
class RelativeWeightsResult:
    """Result of :func:`relative_weights`.

    Attributes
    ----------
    names : tuple of str
        Predictor names.
    weights : ndarray, shape (p,)
        Raw relative weights; they sum to :attr:`r2`.
    rescaled : ndarray, shape (p,)
        Weights as % of :attr:`r2` (sum 100).
    r2 : float
        :math:`R^2` of the regression of the criterion on all predictors.
    n_obs : int
        Complete rows used.
    """

    names: tuple[Any, ...]
    weights: FloatArray
    rescaled: FloatArray
    r2: float
    n_obs: int

    def to_dict(self) -> dict[str, Any]:
        """``{"r2", "n_obs", "predictors": [{"name", "weight", "percent"}, …]}``,
        largest weight first."""
        rows = [
            {"name": n, "weight": float(w), "percent": float(r)}
            for n, w, r in zip(self.names, self.weights, self.rescaled)
        ]
        rows.sort(key=lambda r: (-r["weight"], r["name"]))
        return {"r2": float(self.r2), "n_obs": int(self.n_obs), "predictors": rows}


def _complete(
    X_in: ArrayLike, y_in: ArrayLike, names: Iterable[str] | None
) -> tuple[FloatArray, FloatArray, tuple[str, ...], int, BoolArray]:
    """Correlations of the complete rows: (Rxx, rxy, names, n, mask of the complete rows)."""
    X = np.asarray(X_in, dtype=float)
    y = np.asarray(y_in, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X: must be two-dimensional (respondents x predictors), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y: has shape {y.shape}, expected ({X.shape[0]},)")
    p = X.shape[1]
    labels = tuple(names) if names is not None else tuple(f"x{j}" for j in range(p))
    if len(labels) != p:
        raise ValueError(f"names: has {len(labels)} entries for {p} predictors")
    keep = ~np.isnan(y) & ~np.isnan(X).any(axis=1)
    X, y = X[keep], y[keep]
    if X.shape[0] < p + 2:
        raise ValueError(f"X: {X.shape[0]} complete rows are too few for {p} predictors")
    sd = X.std(axis=0)
    if np.any(sd == 0) or y.std() == 0:
        const = [labels[j] for j in np.flatnonzero(sd == 0)] or ["the criterion"]
        raise ValueError(f"X: constant variable(s) {', '.join(const)}; no correlations")
    C = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    return C[:p, :p], C[:p, p], labels, X.shape[0], keep


def relative_weights(X: ArrayLike, y: ArrayLike, *, names: Iterable[str] | None = None) -> RelativeWeightsResult:
    """Johnson's (2000) relative weights of the predictors ``X`` for the criterion ``y``.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Predictors (NaN = missing; rows with any NaN are dropped).
    y : array_like, shape (n,)
        Criterion.
    names : sequence of str, optional

    Returns
    -------
    RelativeWeightsResult

    Raises
    ------
    ValueError
        Bad shapes, fewer than ``p + 2`` complete rows, a constant variable, or
        perfectly collinear predictors.

    Examples
    --------
    With uncorrelated predictors the weights are the squared correlations:

    >>> import numpy as np
    >>> X = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 2, dtype=float)
    >>> y = 0.5 * X[:, 0] + 0.1 * X[:, 1] + np.array([.1, -.1, -.1, .1, -.1, .1, .1, -.1])
    >>> r = relative_weights(X, y)
    >>> bool(np.isclose(r.weights.sum(), r.r2))
    True
    """
    Rxx, rxy, labels, n, _ = _complete(X, y, names)
    return _relative_weights(Rxx, rxy, labels, n)


def _relative_weights(Rxx: FloatArray, rxy: FloatArray, names: tuple[str, ...], n: int) -> RelativeWeightsResult:
    evals, evecs = np.linalg.eigh(Rxx)
    if evals.min() <= 1e-10 * evals.max():
        raise ValueError("X: predictors are perfectly collinear")
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    weights = (lam**2) @ (beta**2)
    r2 = float(weights.sum())
    return RelativeWeightsResult(
        names=names,
        weights=weights,
        rescaled=100.0 * weights / r2 if r2 > 0 else weights * np.nan,
        r2=r2,
        n_obs=n,
    )


def dominance_weights(X: ArrayLike, y: ArrayLike, *, names: Iterable[str] | None = None) -> RelativeWeightsResult:
    """General dominance weights (Budescu 1993) by all :math:`2^p` subset regressions.

    Same parameters and result type as :func:`relative_weights`; the weights sum to
    :math:`R^2` as well. Cost grows as :math:`2^p`, so ``p`` is limited to 15.
    """
    Rxx, rxy, labels, n, _ = _complete(X, y, names)
    p = len(labels)
    if p > 15:
        raise ValueError(f"X: dominance analysis is limited to 15 predictors, got {p}")

    r2: dict[tuple[int, ...], float] = {(): 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            idx = list(subset)
            r2[subset] = float(rxy[idx] @ np.linalg.solve(Rxx[np.ix_(idx, idx)], rxy[idx]))
    weights = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        per_size = []
        for size in range(p):
            gains = [r2[tuple(sorted(s + (j,)))] - r2[s] for s in itertools.combinations(others, size)]
            per_size.append(np.mean(gains))
        weights[j] = np.mean(per_size)
    total = r2[tuple(range(p))]
    return RelativeWeightsResult(names=labels, weights=weights, rescaled=100.0 * weights / total, r2=total, n_obs=n)


# ------------------------------------------------------------------ cluster bootstrap


def _weights_from_cov(C: FloatArray, p: int, scale: FloatArray | float | None = None) -> FloatArray:
    """Relative weights of every covariance matrix in ``C`` (..., p + 1, p + 1), criterion
    last, in one batched eigendecomposition; NaN rows where a matrix is unusable (a
    variance not above ``1e-10 * scale``, e.g. a variable constant in a replicate, or
    collinear predictors)."""
    d = np.diagonal(C, axis1=-2, axis2=-1)
    floor = 0.0 if scale is None else 1e-10 * np.asarray(scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(d)
        R = C / sd[..., :, None] / sd[..., None, :]
    ok = np.all(d > floor, axis=-1) & np.all(np.isfinite(R), axis=(-2, -1))
    R = np.where(ok[..., None, None], R, np.eye(p + 1))
    evals, evecs = np.linalg.eigh(R[..., :p, :p])
    ok &= evals[..., 0] > 1e-10 * evals[..., -1]
    root = np.sqrt(np.where(ok[..., None], evals, 1.0))
    lam = (evecs * root[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    proj = (np.swapaxes(evecs, -1, -2) @ R[..., :p, p:])[..., 0] / root
    beta = (evecs @ proj[..., None])[..., 0]
    w = ((lam**2) @ (beta**2)[..., None])[..., 0]
    return np.where(ok[..., None], w, np.nan)


def _team_moments(
    Z: FloatArray, codes: IntArray, T: int
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[IntArray, IntArray]]:
    """Per-team counts, sums and upper-triangle cross-products of the columns of ``Z``
    (``np.bincount``; the loop runs over columns and column pairs, never over teams)."""
    q = Z.shape[1]
    counts = np.bincount(codes, minlength=T).astype(float)
    S = np.empty((T, q))
    for j in range(q):
        S[:, j] = np.bincount(codes, weights=Z[:, j], minlength=T)
    ia, ib = np.triu_indices(q)
    Q = np.empty((T, ia.size))
    for k in range(ia.size):
        Q[:, k] = np.bincount(codes, weights=Z[:, ia[k]] * Z[:, ib[k]], minlength=T)
    return counts, S, Q, (ia, ib)


def _bootstrap_weights(
    counts: FloatArray,
    S: FloatArray,
    Q: FloatArray,
    pairs: tuple[IntArray, IntArray],
    p: int,
    n_resamples: int,
    rng: np.random.Generator,
    chunk_cells: int = 2_000_000,
    draw_cells: int = 250_000,
) -> FloatArray:
    """Relative weights of ``n_resamples`` cluster-bootstrap replicates, shape (B, p).

    Replicate ``b`` draws ``T`` teams with replacement (``rng.integers(0, T, (B, T))``
    in order); its covariance matrix comes from the team sums weighted by how often
    each team was drawn. Replicates are processed in chunks of about ``chunk_cells``
    draw counts (one matrix product each); the counts are drawn in smaller pieces,
    which stay in the processor cache."""
    T = counts.size
    q = S.shape[1]
    ia, ib = pairs
    N = counts.sum()
    diag = ia == ib
    scale = (Q.sum(axis=0)[diag] - S.sum(axis=0) ** 2 / N) / (N - 1.0)  # variances of all data
    M = np.column_stack([counts, S, Q])
    out = np.empty((n_resamples, p))
    rows = max(1, chunk_cells // T)
    step = max(1, draw_cells // T)
    for start in range(0, n_resamples, rows):  # chunks of replicates bound the memory
        b = min(rows, n_resamples - start)
        W = np.empty((b, T))
        for a in range(0, b, step):
            c = min(step, b - a)
            draws = rng.integers(0, T, size=(c, T))
            draws += T * np.arange(c)[:, None]
            W[a : a + c] = np.bincount(draws.ravel(), minlength=c * T).reshape(c, T)
        R = W @ M
        n, s, qq = R[:, 0], R[:, 1 : 1 + q], R[:, 1 + q :]
        C = np.empty((b, q, q))
        C[:, ia, ib] = qq
        C[:, ib, ia] = qq
        with np.errstate(invalid="ignore", divide="ignore"):
            C = (C - s[:, :, None] * s[:, None, :] / n[:, None, None]) / (n - 1.0)[:, None, None]
        out[start : start + b] = _weights_from_cov(C, p, scale)
    return out


@dataclass(frozen=True, eq=False)
class RelativeWeightsBootstrapResult(RelativeWeightsResult):
    """Result of :func:`bootstrap_relative_weights`: the relative weights of
    :func:`relative_weights` with cluster-bootstrap intervals.

    Attributes
    ----------
    names, weights, rescaled, r2, n_obs
        As :class:`RelativeWeightsResult` (the estimates from all data).
    n_groups : int
        Teams (clusters) with at least one complete row; the units resampled.
    ci_low, ci_high : ndarray, shape (p,)
        Percentile interval of each raw weight.
    rescaled_ci_low, rescaled_ci_high : ndarray, shape (p,)
        Percentile interval of each weight as % of :math:`R^2`.
    r2_ci_low, r2_ci_high : float
        Percentile interval of :math:`R^2`.
    rank_first : ndarray, shape (p,)
        Share of the replicates in which each predictor has the largest weight.
    top, runner_up : int
        Index of the predictor with the largest and the second largest weight (ties
        by name, as in :meth:`to_dict`); ``runner_up`` is -1 with one predictor.
    difference_ci_low, difference_ci_high : float
        Percentile interval of the difference top − runner-up in percentage points of
        :math:`R^2`.
    distinguishable : bool
        The top predictor is told apart from the runner-up: ``difference_ci_low > 0``.
    replicates : ndarray, shape (n_resamples, p)
        Raw weights of every replicate (NaN where a replicate is not estimable).
    n_resamples, n_failed : int
        Replicates drawn, and those not estimable (e.g. a constant variable), which are
        left out of the intervals.
    confidence : float
    seed : int or None
        The seed used (None when a Generator was passed).
    method : str
        ``"percentile"``.
    """

    n_groups: int
    ci_low: FloatArray
    ci_high: FloatArray
    rescaled_ci_low: FloatArray
    rescaled_ci_high: FloatArray
    r2_ci_low: float
    r2_ci_high: float
    rank_first: FloatArray
    top: int
    runner_up: int
    difference_ci_low: float
    difference_ci_high: float
    distinguishable: bool
    replicates: FloatArray
    n_resamples: int
    n_failed: int
    confidence: float
    seed: int | None
    method: str = "percentile"

    def to_dict(self) -> dict[str, Any]:
        """``{"r2", "r2_ci_low", "r2_ci_high", "n_obs", "n_groups", "interval", "predictors",
        "top"}`` with ``interval = {"method", "resampling", "confidence", "n_resamples",
        "n_failed", "seed"}``, ``predictors`` largest weight first, each ``{"name",
        "weight", "percent", "weight_ci_low", "weight_ci_high", "percent_ci_low",
        "percent_ci_high", "rank_first"}``, and ``top = {"name", "runner_up",
        "rank_first", "difference_ci_low", "difference_ci_high", "distinguishable"}``
        (None with one predictor). Plain floats; NaN stays NaN."""
        rows = [
            {
                "name": n,
                "weight": float(w),
                "percent": float(r),
                "weight_ci_low": float(a),
                "weight_ci_high": float(b),
                "percent_ci_low": float(c),
                "percent_ci_high": float(d),
                "rank_first": float(f),
            }
            for n, w, r, a, b, c, d, f in zip(
                self.names,
                self.weights,
                self.rescaled,
                self.ci_low,
                self.ci_high,
                self.rescaled_ci_low,
                self.rescaled_ci_high,
                self.rank_first,
            )
        ]
        rows.sort(key=lambda r: (-r["weight"], r["name"]))
        top = None
        if self.runner_up >= 0:
            top = {
                "name": self.names[self.top],
                "runner_up": self.names[self.runner_up],
                "rank_first": float(self.rank_first[self.top]),
                "difference_ci_low": float(self.difference_ci_low),
                "difference_ci_high": float(self.difference_ci_high),
                "distinguishable": bool(self.distinguishable),
            }
        return {
            "r2": float(self.r2),
            "r2_ci_low": float(self.r2_ci_low),
            "r2_ci_high": float(self.r2_ci_high),
            "n_obs": int(self.n_obs),
            "n_groups": int(self.n_groups),
            "interval": {
                "method": self.method,
                "resampling": "teams",
                "confidence": float(self.confidence),
                "n_resamples": int(self.n_resamples),
                "n_failed": int(self.n_failed),
                "seed": self.seed,
            },
            "predictors": rows,
            "top": top,
        }


def bootstrap_relative_weights(
    X: ArrayLike,
    y: ArrayLike,
    groups: Iterable[Hashable] | ArrayLike | Groups,
    *,
    names: Iterable[str] | None = None,
    n_resamples: int = N_RESAMPLES,
    confidence: float = 0.95,
    seed: int | np.random.SeedSequence | None = 0,
) -> RelativeWeightsBootstrapResult:
    r"""Relative weights with cluster-bootstrap confidence intervals (teams resampled).

    The estimates are those of :func:`relative_weights`. Their uncertainty comes from a
    bootstrap that resamples whole teams, since respondents of one team are not
    independent (Davison & Hinkley 1997, §3.8; Field & Welsh 2007): each of
    ``n_resamples`` replicates draws :math:`T` of the :math:`T` teams with replacement,
    keeps every complete row of the drawn teams (a team drawn twice counts twice), and
    recomputes the weights. All replicates are computed at once: with per-team counts
    :math:`n_t`, sums :math:`s_t` and cross-products :math:`Q_t` of the (centred)
    variables and the replicate's draw counts :math:`w_{bt}`,

    .. math:: C_b = \frac{\sum_t w_{bt} Q_t - (\sum_t w_{bt} s_t)(\sum_t w_{bt} s_t)^\top /
              N_b}{N_b - 1}, \qquad N_b = \sum_t w_{bt} n_t,

    is the covariance matrix of the replicate's data, and the weights follow from one
    batched eigendecomposition of the correlation matrices.

    **Intervals** are percentile intervals (Efron & Tibshirani 1993, ch. 13): the
    :math:`\alpha/2` and :math:`1 - \alpha/2` quantiles of the replicates. Relative
    weights are bounded by 0 and :math:`R^2` and skewed near the bounds; percentile
    limits respect the bounds and any monotone transformation (raw weight or % of
    :math:`R^2`). BCa intervals were not chosen: their acceleration would need a
    jackknife over teams, and with weights near zero the bias correction is unstable;
    the percentile interval's coverage was checked by simulation instead
    (``docs/methodology.md`` §11).

    **Top vs runner-up.** The share of replicates in which each predictor has the
    largest weight (``rank_first``), and the percentile interval of the difference
    between the two largest weights in percentage points of :math:`R^2`; the top
    predictor is ``distinguishable`` from the runner-up when that interval lies above 0
    (Tonidandel, LeBreton & Johnson 2009 compare weights the same way).

    Parameters
    ----------
    X : array_like, shape (n, p)
        Predictors (NaN = missing; rows with any NaN are dropped).
    y : array_like, shape (n,)
        Criterion.
    groups : array_like or Groups, shape (n,)
        Team of every row: the unit resampled.
    names : sequence of str, optional
    n_resamples : int
        Bootstrap replicates (default :data:`N_RESAMPLES` = 1000; at least 100).
    confidence : float
        Level of the intervals.
    seed : int or numpy.random.Generator
        Seed of the replicates (default 0: the same data give the same intervals).

    Returns
    -------
    RelativeWeightsBootstrapResult

    Raises
    ------
    ValueError
        As :func:`relative_weights`; fewer than 2 teams with complete rows; bad
        ``n_resamples``, ``confidence`` or ``seed``.

    References
    ----------
    .. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative weight
       of predictor variables in multiple regression. *Multivariate Behavioral
       Research*, 35(1), 1–19.
    .. [2] Tonidandel, S., LeBreton, J. M., & Johnson, J. W. (2009). Determining the
       statistical significance of relative weights. *Psychological Methods*, 14(4),
       387–399.
    .. [3] Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*.
       Chapman & Hall.
    .. [4] Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap methods and their
       application*. Cambridge University Press.
    .. [5] Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. *Journal
       of the Royal Statistical Society B*, 69(3), 369–390.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> team = np.repeat(np.arange(40), 10)
    >>> X = rng.normal(size=(400, 2)) + rng.normal(size=(40, 2))[team]
    >>> y = X @ [0.6, 0.2] + rng.normal(size=400)
    >>> r = bootstrap_relative_weights(X, y, team, names=["a", "b"], n_resamples=200)
    >>> bool(r.ci_low[0] < r.weights[0] < r.ci_high[0]), r.names[r.top], bool(r.distinguishable)
    (True, 'a', True)
    """
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 100:
        raise ValueError(f"n_resamples: must be an integer >= 100, got {n_resamples!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating)) or not 0 < confidence < 1:
        raise ValueError(f"confidence: must lie strictly between 0 and 1, got {confidence!r}")
    if isinstance(seed, np.random.Generator):
        rng, seed_out = seed, None
    elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        rng, seed_out = np.random.default_rng(int(seed)), int(seed)
    else:
        raise ValueError(f"seed: must be a non-negative integer or a numpy Generator, got {seed!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    Rxx, rxy, labels, n_obs, keep = _complete(X, y, names)
    point = _relative_weights(Rxx, rxy, labels, n_obs)
    g = encode_groups(groups, n=X.shape[0], name="groups")
    all_rows = bool(keep.all())
    Z = np.column_stack([X, y]) if all_rows else np.column_stack([X[keep], y[keep]])
    Z -= Z.mean(axis=0)
    codes = g.codes if all_rows else g.codes[keep]
    present = np.bincount(codes, minlength=g.n_groups) > 0
    T = int(present.sum())
    if T < g.n_groups:  # teams without a complete row are not resampled
        codes = (np.cumsum(present) - 1)[codes]
    if T < 2:
        raise ValueError(f"groups: {T} team(s) with complete rows; the bootstrap needs at least 2")
    p = X.shape[1]
    counts, S, Q, pairs = _team_moments(Z, codes, T)
    reps = _bootstrap_weights(counts, S, Q, pairs, p, int(n_resamples), rng)
    valid = ~np.isnan(reps).any(axis=1)
    n_failed = int((~valid).sum())
    good = reps[valid]
    alpha = 1.0 - float(confidence)
    qs = (alpha / 2.0, 1.0 - alpha / 2.0)
    order = sorted(range(p), key=lambda j: (-point.weights[j], point.names[j]))
    top, runner = order[0], (order[1] if p > 1 else -1)
    nan2 = (np.full(p, np.nan), np.full(p, np.nan))
    if good.shape[0] == 0:
        lo, hi = nan2
        rlo, rhi = nan2
        r2lo = r2hi = dlo = dhi = math.nan
        first = np.full(p, np.nan)
    else:
        r2b = good.sum(axis=1)
        share = 100.0 * good / r2b[:, None]
        lo, hi = np.quantile(good, qs, axis=0)
        rlo, rhi = np.quantile(share, qs, axis=0)
        r2lo, r2hi = (float(v) for v in np.quantile(r2b, qs))
        first = np.bincount(np.argmax(good, axis=1), minlength=p) / good.shape[0]
        if runner >= 0:
            dlo, dhi = (float(v) for v in np.quantile(share[:, top] - share[:, runner], qs))
        else:
            dlo = dhi = math.nan
    return RelativeWeightsBootstrapResult(
        names=point.names,
        weights=point.weights,
        rescaled=point.rescaled,
        r2=point.r2,
        n_obs=point.n_obs,
        n_groups=int(T),
        ci_low=lo,
        ci_high=hi,
        rescaled_ci_low=rlo,
        rescaled_ci_high=rhi,
        r2_ci_low=r2lo,
        r2_ci_high=r2hi,
        rank_first=first,
        top=int(top),
        runner_up=int(runner),
        difference_ci_low=dlo,
        difference_ci_high=dhi,
        distinguishable=bool(runner >= 0 and dlo > 0),
        replicates=reps,
        n_resamples=int(n_resamples),
        n_failed=n_failed,
        confidence=float(confidence),
        seed=seed_out,
    )
