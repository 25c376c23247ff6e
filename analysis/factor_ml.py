"""Maximum-likelihood fit of a confirmatory factor model to one covariance matrix: the
parameter layout (:class:`_Model`), the discrepancy function, start values, Fisher scoring
with an L-BFGS fallback (:func:`_fit_ml`). Used by :func:`analysis.factor.cfa`, the one-factor
helper and :mod:`analysis.invariance`.

Part of :mod:`analysis.factor` (whose docstring gives the estimator and its references).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.arrays import BoolArray, FloatArray

_MAX_ITER = 500


# ---------------------------------------------------------------------------------------
# Core ML fit on a covariance matrix
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _MLFit:
    """Unstandardized ML estimates of a CFA model fitted to one covariance matrix."""

    lam: FloatArray  # (p, m) loadings, markers = 1
    phi: FloatArray  # (m, m) factor covariances
    theta: FloatArray  # (p,) residual variances
    sigma: FloatArray  # (p, p) model-implied covariance
    fmin: float  # F_ML at the solution (lavaan's fmin is half of it)
    converged: bool
    iterations: int
    identified: bool  # information matrix non-singular at the solution


class _Model:
    """Parameter layout of a CFA model: free loadings, Phi (lower triangle), Theta."""

    def __init__(self, pattern: BoolArray, markers: Sequence[int]) -> None:
        self.pattern = pattern
        self.p, self.m = pattern.shape
        self.markers = tuple(markers)
        self.free_lam = [(i, f) for f in range(self.m) for i in range(self.p) if pattern[i, f] and i != self.markers[f]]
        self.phi_idx = [(f, g) for f in range(self.m) for g in range(f + 1)]
        self.n_lam = len(self.free_lam)
        self.n_phi = len(self.phi_idx)
        self.q = self.n_lam + self.n_phi + self.p
        li = np.array([i for i, _ in self.free_lam], dtype=int)
        lf = np.array([f for _, f in self.free_lam], dtype=int)
        self._lam_rows, self._lam_cols = li, lf
        self._phi_rows = np.array([f for f, _ in self.phi_idx], dtype=int)
        self._phi_cols = np.array([g for _, g in self.phi_idx], dtype=int)

    def unpack(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        lam = np.zeros((self.p, self.m))
        lam[list(self.markers), range(self.m)] = 1.0
        lam[self._lam_rows, self._lam_cols] = x[: self.n_lam]
        phi = np.zeros((self.m, self.m))
        vals = x[self.n_lam : self.n_lam + self.n_phi]
        phi[self._phi_rows, self._phi_cols] = vals
        phi[self._phi_cols, self._phi_rows] = vals
        theta = x[self.n_lam + self.n_phi :].copy()
        return lam, phi, theta

    def pack(self, lam: FloatArray, phi: FloatArray, theta: FloatArray) -> FloatArray:
        return np.concatenate([lam[self._lam_rows, self._lam_cols], phi[self._phi_rows, self._phi_cols], theta])

    def sigma(self, x: FloatArray) -> FloatArray:
        lam, phi, theta = self.unpack(x)
        out: FloatArray = lam @ phi @ lam.T + np.diag(theta)
        return out

    def jacobian(self, x: FloatArray) -> FloatArray:
        """dSigma/dtheta_k as a (q, p, p) array."""
        lam, phi, _ = self.unpack(x)
        p = self.p
        d = np.zeros((self.q, p, p))
        lp = lam @ phi
        for k, (i, f) in enumerate(self.free_lam):
            d[k, i, :] += lp[:, f]
            d[k, :, i] += lp[:, f]
        for k, (f, g) in enumerate(self.phi_idx, start=self.n_lam):
            outer = np.outer(lam[:, f], lam[:, g])
            d[k] = outer if f == g else outer + outer.T
        k0 = self.n_lam + self.n_phi
        d[np.arange(k0, self.q), np.arange(p), np.arange(p)] = 1.0
        return d


def _chol_logdet_inv(a: FloatArray) -> tuple[float, FloatArray] | None:
    """(logdet, inverse) of a symmetric matrix, or None if it is not positive definite."""
    try:
        c = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(c)) or np.any(np.diag(c) <= 0):
        return None
    logdet = 2.0 * float(np.sum(np.log(np.diag(c))))
    c_inv = np.linalg.inv(c)
    return logdet, c_inv.T @ c_inv


def _min_corr_eigenvalue(s: FloatArray) -> float:
    """Smallest eigenvalue of the correlation matrix of ``s`` (scale-free singularity test)."""
    sd = np.sqrt(np.diag(s))
    return float(np.linalg.eigvalsh(s / np.outer(sd, sd))[0])


_SINGULAR_TOL = 1e-10


def _discrepancy(
    model: _Model, x: FloatArray, s: FloatArray, logdet_s: float
) -> tuple[float, FloatArray | None, FloatArray | None]:
    sig = model.sigma(x)
    res = _chol_logdet_inv(sig)
    if res is None:
        return math.inf, None, None
    logdet, inv = res
    f = logdet + float(np.sum(s * inv)) - logdet_s - model.p
    return f, sig, inv


def _start_values(model: _Model, s: FloatArray, simple: bool) -> FloatArray:
    """Starting values.

    ``simple`` reproduces lavaan's "simple" start (loadings 1, factor variances 0.05,
    residual variances half the observed variances). Otherwise loadings come from the
    squared multiple correlations within each factor's indicator block (signs from the
    block's first principal component), rescaled to the marker.
    """
    p, m = model.p, model.m
    sd = np.sqrt(np.diag(s))
    lam = np.zeros((p, m))
    phi = np.zeros((m, m))
    theta = 0.5 * np.diag(s).copy()
    if simple:
        lam[model.pattern] = 1.0
        np.fill_diagonal(phi, 0.05)
        return model.pack(lam, phi, theta)
    r = s / np.outer(sd, sd)
    h_max = np.zeros(p)
    for f in range(m):
        idx = np.flatnonzero(model.pattern[:, f])
        rf = r[np.ix_(idx, idx)]
        if idx.size >= 3:
            try:
                h = 1.0 - 1.0 / np.diag(np.linalg.inv(rf))
            except (np.linalg.LinAlgError, ValueError):
                h = np.full(idx.size, 0.5)
        else:
            h = np.full(idx.size, abs(rf[0, 1]))
        h = np.clip(np.nan_to_num(h, nan=0.5), 0.05, 0.95)
        _, vecs = np.linalg.eigh(rf)
        v = vecs[:, -1]
        mpos = int(np.flatnonzero(idx == model.markers[f])[0])
        sign = np.sign(v) * (np.sign(v[mpos]) or 1.0)
        sign[sign == 0] = 1.0
        raw = sign * np.sqrt(h) * sd[idx]
        lam[idx, f] = raw / raw[mpos]
        phi[f, f] = raw[mpos] ** 2
        h_max[idx] = np.maximum(h_max[idx], h)
    theta = np.diag(s) * (1.0 - h_max)
    return model.pack(lam, phi, theta)


def _fisher_scoring(
    model: _Model, s: FloatArray, logdet_s: float, x0: FloatArray, max_iter: int | None = None
) -> tuple[FloatArray, float, bool, int, bool]:
    """Minimise F_ML from ``x0``. Returns (x, f, converged, iterations, identified)."""
    if max_iter is None:
        max_iter = _MAX_ITER
    x = x0.copy()
    f, _, inv = _discrepancy(model, x, s, logdet_s)
    if inv is None or not math.isfinite(f):
        return x, f, False, 0, True
    identified = True
    for it in range(1, max_iter + 1):
        w = inv - inv @ s @ inv
        d = model.jacobian(x)
        q = len(d)
        g = d.reshape(q, -1) @ w.ravel()
        a = np.matmul(inv, d)
        h = a.reshape(q, -1) @ a.transpose(0, 2, 1).reshape(q, -1).T  # tr(A_k A_l), as one matrix product
        try:
            c = np.linalg.cholesky(h)  # raises unless h is positive definite
            step = np.linalg.solve(c.T, np.linalg.solve(c, g))
            if not np.all(np.isfinite(step)):
                raise np.linalg.LinAlgError("non-finite Fisher-scoring step")
        except (np.linalg.LinAlgError, ValueError):
            step = np.linalg.lstsq(h, g, rcond=None)[0]
        decrement = float(g @ step)
        if not math.isfinite(decrement):
            return x, f, False, it, False
        if decrement < 1e-22:
            ev = np.linalg.eigvalsh(h)
            identified = bool(ev[0] > 1e-10 * max(ev[-1], 1e-300))
            return x, f, True, it, identified
        t = 1.0
        for _ in range(60):
            x_new = x - t * step
            f_new, _, inv_new = _discrepancy(model, x_new, s, logdet_s)
            if inv_new is not None and (
                f_new <= f - 1e-4 * t * decrement
                or (math.isfinite(f_new) and f_new <= f + 1e-13 * max(1.0, abs(f)) and decrement < 1e-12)
            ):
                break
            t *= 0.5
        else:
            # no descent possible: either already at the optimum within rounding or stuck
            ev = np.linalg.eigvalsh(h)
            identified = bool(ev[0] > 1e-10 * max(ev[-1], 1e-300))
            return x, f, decrement < 1e-14, it, identified
        x, f, inv = x_new, f_new, inv_new
    return x, f, False, max_iter, identified


def _lbfgs(model: _Model, s: FloatArray, logdet_s: float, x0: FloatArray) -> FloatArray:
    """Fallback: L-BFGS-B on F_ML with the analytic gradient (no bounds)."""

    def fun(x: FloatArray) -> tuple[float, FloatArray]:
        f, _, inv = _discrepancy(model, x, s, logdet_s)
        if inv is None or not math.isfinite(f):
            return 1e10, np.zeros_like(x)
        w = inv - inv @ s @ inv
        d = model.jacobian(x)
        return f, d.reshape(len(d), -1) @ w.ravel()

    from scipy import optimize  # imported here: rarely needed and slow to import

    res = optimize.minimize(fun, x0, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    out: FloatArray = res.x
    return out


def _fit_ml(s: FloatArray, pattern: BoolArray, markers: Sequence[int]) -> _MLFit:
    """Fit a CFA model (marker identification, correlated factors) to ``s`` by ML."""
    model = _Model(pattern, markers)
    res = _chol_logdet_inv(s)
    if res is None or not np.all(np.diag(s) > 0) or _min_corr_eigenvalue(s) <= _SINGULAR_TOL:
        raise ValueError("the sample covariance matrix is not positive definite")
    logdet_s = res[0]
    best: tuple[FloatArray, float, bool, bool] | None = None
    total_iter = 0
    for simple in (False, True):
        x0 = _start_values(model, s, simple)
        x, f, conv, it, ident = _fisher_scoring(model, s, logdet_s, x0)
        total_iter += it
        if best is None or (math.isfinite(f) and (f < best[1] or not best[2])):
            best = (x, f, conv, ident)
        if conv:
            break
    assert best is not None  # the loop ran
    if not best[2]:
        x0 = best[0] if math.isfinite(best[1]) else _start_values(model, s, True)
        x = _lbfgs(model, s, logdet_s, x0)
        x, f, conv, it, ident = _fisher_scoring(model, s, logdet_s, x)
        total_iter += it
        if math.isfinite(f) and (f <= best[1] or not math.isfinite(best[1])):
            best = (x, f, conv, ident)
    x, f, conv, ident = best
    lam, phi, theta = model.unpack(x)
    return _MLFit(
        lam=lam,
        phi=phi,
        theta=theta,
        sigma=lam @ phi @ lam.T + np.diag(theta),
        fmin=float(f),
        converged=bool(conv and math.isfinite(f)),
        iterations=total_iter,
        identified=ident,
    )
