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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

__all__ = ["RelativeWeightsResult", "relative_weights", "dominance_weights"]


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

    names: tuple
    weights: np.ndarray
    rescaled: np.ndarray
    r2: float
    n_obs: int

    def to_dict(self) -> dict:
        """``{"r2", "n_obs", "predictors": [{"name", "weight", "percent"}, …]}``,
        largest weight first."""
        rows = [
            {"name": n, "weight": float(w), "percent": float(r)}
            for n, w, r in zip(self.names, self.weights, self.rescaled)
        ]
        rows.sort(key=lambda r: (-r["weight"], r["name"]))
        return {"r2": float(self.r2), "n_obs": int(self.n_obs), "predictors": rows}


def _complete(X, y, names):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X: must be two-dimensional (respondents x predictors), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y: has shape {y.shape}, expected ({X.shape[0]},)")
    p = X.shape[1]
    names = tuple(names) if names is not None else tuple(f"x{j}" for j in range(p))
    if len(names) != p:
        raise ValueError(f"names: has {len(names)} entries for {p} predictors")
    keep = ~np.isnan(y) & ~np.isnan(X).any(axis=1)
    X, y = X[keep], y[keep]
    if X.shape[0] < p + 2:
        raise ValueError(f"X: {X.shape[0]} complete rows are too few for {p} predictors")
    sd = X.std(axis=0)
    if np.any(sd == 0) or y.std() == 0:
        const = [names[j] for j in np.flatnonzero(sd == 0)] or ["the criterion"]
        raise ValueError(f"X: constant variable(s) {', '.join(const)}; no correlations")
    C = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    return C[:p, :p], C[:p, p], names, X.shape[0]


def relative_weights(X, y, *, names=None) -> RelativeWeightsResult:
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
    Rxx, rxy, names, n = _complete(X, y, names)
    evals, evecs = np.linalg.eigh(Rxx)
    if evals.min() <= 1e-10 * evals.max():
        raise ValueError("X: predictors are perfectly collinear")
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    weights = (lam ** 2) @ (beta ** 2)
    r2 = float(weights.sum())
    return RelativeWeightsResult(
        names=names, weights=weights, rescaled=100.0 * weights / r2 if r2 > 0 else weights * np.nan,
        r2=r2, n_obs=n,
    )


def dominance_weights(X, y, *, names=None) -> RelativeWeightsResult:
    """General dominance weights (Budescu 1993) by all :math:`2^p` subset regressions.

    Same parameters and result type as :func:`relative_weights`; the weights sum to
    :math:`R^2` as well. Cost grows as :math:`2^p`, so ``p`` is limited to 15.
    """
    Rxx, rxy, names, n = _complete(X, y, names)
    p = len(names)
    if p > 15:
        raise ValueError(f"X: dominance analysis is limited to 15 predictors, got {p}")

    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            idx = list(subset)
            r2[subset] = float(rxy[idx] @ np.linalg.solve(Rxx[np.ix_(idx, idx)], rxy[idx]))
    weights = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        per_size = []
        for size in range(p):
            gains = [
                r2[tuple(sorted(s + (j,)))] - r2[s]
                for s in itertools.combinations(others, size)
            ]
            per_size.append(np.mean(gains))
        weights[j] = np.mean(per_size)
    total = r2[tuple(range(p))]
    return RelativeWeightsResult(names=names, weights=weights, rescaled=100.0 * weights / total,
                                 r2=total, n_obs=n)
