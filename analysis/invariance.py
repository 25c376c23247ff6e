r"""Measurement invariance across groups: configural, metric and scalar multi-group CFA.

Before perception scores of two groups (English and German respondents; two waves) are
compared, the items must measure the same thing in both. The three-factor perception
model is fitted to all groups at once by maximum likelihood with a mean structure,

.. math::

    \Sigma_g = \Lambda_g \Phi_g \Lambda_g^\top + \Theta_g, \qquad
    \mu_g = \nu_g + \Lambda_g \alpha_g ,

at three nested levels (Meredith 1993; Vandenberg & Lance 2000):

* **configural** — the same pattern of loadings, every parameter free per group
  (latent means fixed at 0);
* **metric** — loadings equal across groups;
* **scalar** — loadings and intercepts equal; latent means free in every group but the
  first.

Each factor's first item is its marker (loading 1). On survey data
(:func:`perception_invariance`, :func:`wave_invariance`) the model has an acquiescence
factor besides the three content factors: a random intercept (Maydeu-Olivares & Coffman
2006) with loadings fixed at +1 on the items as answered and −1 on the recoded
reverse-keyed ones, its variance free, uncorrelated with the content factors; without
it, balanced keying makes the tendency to agree with everything look like misfit
(docs/methodology.md §19). The discrepancy is the normal-theory
ML function with divisor :math:`n_g`, as lavaan's default (Rosseel 2012),

.. math::

    F = \sum_g \frac{n_g}{N}\Big[\log|\Sigma_g| + \operatorname{tr}(S_g\Sigma_g^{-1})
        + (m_g - \mu_g)^\top \Sigma_g^{-1} (m_g - \mu_g) - \log|S_g| - p\Big],

:math:`\chi^2 = N F`, minimised with its analytic gradient (BFGS, then Newton steps on
the finite-difference Hessian of the gradient). CFI uses the independence model with
free means and variances per group; RMSEA is
:math:`\sqrt{G}\sqrt{\max(\chi^2 - df, 0)/(df\,N)}` (Steiger 1998, as lavaan).

A level is **supported** when its fit is not worse than the previous level's by more
than :math:`\Delta CFI < -0.01` (Cheung & Rensvold 2002) or :math:`\Delta RMSEA >
0.015` (Chen 2007); the :math:`\chi^2` difference test is reported too, but with
hundreds of respondents it flags differences too small to matter. Respondents are
nested in teams, which the model ignores: the figures describe the fit, the
:math:`\chi^2` p-values are optimistic.

References
----------
.. [1] Meredith, W. (1993). Measurement invariance, factor analysis and factorial
   invariance. *Psychometrika*, 58(4), 525–543.
.. [2] Vandenberg, R. J., & Lance, C. E. (2000). A review and synthesis of the
   measurement invariance literature. *Organizational Research Methods*, 3(1), 4–70.
.. [3] Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for
   testing measurement invariance. *Structural Equation Modeling*, 9(2), 233–255.
.. [4] Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of
   measurement invariance. *Structural Equation Modeling*, 14(3), 464–504.
.. [5] Steiger, J. H. (1998). A note on multiple sample extensions of the RMSEA fit
   index. *Structural Equation Modeling*, 5(4), 411–419.
.. [6] Maydeu-Olivares, A., & Coffman, D. L. (2006). Random intercept item factor
   analysis. *Psychological Methods*, 11(4), 344–362.
.. [7] Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
   *Journal of Statistical Software*, 48(2), 1–36.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from analysis.factor import _parse_model
from analysis.factor_ml import _fit_ml
from analysis.instrument import DIMENSIONS, comparable_items
from analysis.scoring import reverse_keyed
from analysis.arrays import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from analysis.instrument import Questionnaire
    from analysis.responses import ResponseData

#: A group's mean vector, covariance matrix (divisor N) and the log-determinant of the covariance.
_Moments = tuple[FloatArray, FloatArray, float]

__all__ = [
    "LEVELS",
    "MIN_GROUP_SIZE",
    "InvarianceFit",
    "InvarianceResult",
    "measurement_invariance",
    "perception_invariance",
    "wave_invariance",
]

#: Nested levels, weakest first.
LEVELS = ("configural", "metric", "scalar")
#: Complete answer sets every group needs before invariance is tested.
MIN_GROUP_SIZE = 200
DELTA_CFI, DELTA_RMSEA = -0.01, 0.015


@dataclass(frozen=True)
class InvarianceFit:
    """Fit of one level: ``chisq``, ``df``, ``pvalue``, ``cfi``, ``rmsea``, ``converged``;
    against the previous level ``delta_chisq``, ``delta_df``, ``delta_pvalue``,
    ``delta_cfi``, ``delta_rmsea`` and ``supported`` (None for configural)."""

    level: str
    chisq: float
    df: int
    pvalue: float
    cfi: float
    rmsea: float
    converged: bool
    delta_chisq: float | None = None
    delta_df: int | None = None
    delta_pvalue: float | None = None
    delta_cfi: float | None = None
    delta_rmsea: float | None = None
    supported: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class InvarianceResult:
    """Invariance across ``groups`` (labels with their ``n``). ``estimable`` is False with
    a ``reason`` (en/de) when a group is below :data:`MIN_GROUP_SIZE`; else ``fits``
    holds one :class:`InvarianceFit` per level and ``highest`` names the highest level
    supported (None if not even configural fits, i.e. CFI < 0.90)."""

    groups: tuple[Any, ...]
    n: tuple[Any, ...]
    estimable: bool
    fits: tuple[Any, ...] = ()
    highest: str | None = None
    reason: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "n": list(self.n),
            "estimable": self.estimable,
            "fits": [f.to_dict() for f in self.fits],
            "highest": self.highest,
            "reason": self.reason,
            "min_group_size": MIN_GROUP_SIZE,
        }


class _Structure:
    """Index maps of the free parameters of every group for one level. With ``method``
    (one fixed loading per item) a response-style factor is added as the last factor:
    its loadings fixed, its variance free, uncorrelated with the content factors."""

    def __init__(
        self, pattern: BoolArray, markers: Sequence[int], G: int, level: str, method: FloatArray | None = None
    ) -> None:
        p, k = pattern.shape
        m = k + (method is not None)
        self.p, self.m, self.G = p, m, G
        free_lam = np.zeros((p, m), bool)
        free_lam[:, :k] = pattern
        free_lam[markers, np.arange(k)] = False
        self.lam_fixed = np.zeros((p, m))
        self.lam_fixed[markers, np.arange(k)] = 1.0
        if method is not None:
            self.lam_fixed[:, k] = method
        free_phi = np.ones((m, m), bool)
        free_phi[:k, k:] = free_phi[k:, :k] = False  # the response style is uncorrelated with the content
        count = 0

        def new(shape: int | tuple[int, ...]) -> IntArray:
            nonlocal count
            size = int(np.prod(shape))
            out = np.arange(count, count + size).reshape(shape)
            count += size
            return out

        shared_lam = level in ("metric", "scalar")
        shared_nu = level == "scalar"
        lam_ids: IntArray | None = None
        nu_ids: IntArray | None = None
        self.lam: list[IntArray] = []
        self.phi: list[IntArray] = []
        self.theta: list[IntArray] = []
        self.nu: list[IntArray] = []
        self.alpha: list[IntArray] = []
        for g in range(G):
            if lam_ids is None or not shared_lam:
                lam_ids = np.full((p, m), -1)
                lam_ids[free_lam] = new(int(free_lam.sum()))
            if nu_ids is None or not shared_nu:
                nu_ids = new(p)
            phi = np.full((m, m), -1)
            iu = tuple(ix[free_phi[np.triu_indices(m)]] for ix in np.triu_indices(m))
            phi[iu] = new(len(iu[0]))
            phi[(iu[1], iu[0])] = phi[iu]
            alpha = new(m) if (level == "scalar" and g > 0) else np.full(m, -1)
            self.lam.append(lam_ids)
            self.phi.append(phi)
            self.theta.append(new(p))
            self.nu.append(nu_ids)
            self.alpha.append(alpha)
        self.q = count

    def unpack(self, x: FloatArray, g: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        def fill(ids: IntArray, fixed: FloatArray | float) -> FloatArray:
            return np.where(ids >= 0, x[np.maximum(ids, 0)], fixed)

        return (
            fill(self.lam[g], self.lam_fixed),
            fill(self.phi[g], 0.0),
            fill(self.theta[g], 0.0),
            fill(self.nu[g], 0.0),
            fill(self.alpha[g], 0.0),
        )


def _objective(
    x: FloatArray, st: _Structure, moments: Sequence[_Moments], weights: FloatArray
) -> tuple[float, FloatArray]:
    f = 0.0
    grad = np.zeros(st.q)
    for g, (mean, cov, logdet_s) in enumerate(moments):
        lam, phi, theta, nu, alpha = st.unpack(x, g)
        sigma = lam @ phi @ lam.T + np.diag(theta)
        try:
            chol = np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError:
            return np.inf, grad
        inv = np.linalg.inv(sigma)
        d = mean - (nu + lam @ alpha)
        f_g = 2 * np.log(np.diag(chol)).sum() + np.trace(cov @ inv) + d @ inv @ d - logdet_s - st.p
        w = weights[g]
        f += w * f_g
        big = inv - inv @ (cov + np.outer(d, d)) @ inv  # dF/dSigma
        dmu = -2.0 * inv @ d  # dF/dmu
        parts = (
            (st.lam[g], 2.0 * big @ lam @ phi + np.outer(dmu, alpha)),
            (st.phi[g], lam.T @ big @ lam),
            (st.theta[g], np.diag(big)),
            (st.nu[g], dmu),
            (st.alpha[g], lam.T @ dmu),
        )
        for ids, value in parts:
            free = ids >= 0
            np.add.at(grad, ids[free], w * value[free])
    return f, grad


#: Loadings, factor covariances and residual variances of a fitted content model.
Estimates = tuple[FloatArray, FloatArray, FloatArray]


def _start(
    st: _Structure,
    pattern: BoolArray,
    markers: Sequence[int],
    moments: Sequence[_Moments],
    fits: Sequence[Estimates] | None = None,
) -> FloatArray:
    """Each group's single-group fit of the content model (``fits`` where the caller has
    them already); a response-style factor starts with a small variance and takes that
    share out of the residual variances."""
    x = np.zeros(st.q)
    k = pattern.shape[1]
    for g, (mean, cov, _) in enumerate(moments):
        if fits is None:
            ml = _fit_ml(cov, pattern, markers)
            lam_g, phi_g, theta_g = ml.lam, ml.phi, ml.theta
        else:
            lam_g, phi_g, theta_g = fits[g]
        lam = st.lam[g][:, :k] >= 0
        x[st.lam[g][:, :k][lam]] = lam_g[lam]  # shared loadings: the last group's start
        phi = st.phi[g][:k, :k] >= 0
        x[st.phi[g][:k, :k][phi]] = phi_g[phi]
        x[st.theta[g]] = theta_g
        if st.m > k:
            style = 0.05 * float(np.min(theta_g))
            x[st.phi[g][k, k]] = style
            x[st.theta[g]] = theta_g - style * st.lam_fixed[:, k] ** 2
        x[st.nu[g]] = mean
    return x


def _chi2_sf(x: float, df: int) -> float:
    """Upper tail of the chi-square distribution (NaN for ``df <= 0``, as scipy.stats)."""
    return float(special.chdtrc(df, x)) if df > 0 else math.nan


def _minimize(
    st: _Structure,
    pattern: BoolArray,
    markers: Sequence[int],
    moments: Sequence[_Moments],
    weights: FloatArray,
    fits: Sequence[Estimates] | None = None,
) -> tuple[FloatArray, float, bool]:
    def fun(x: FloatArray) -> tuple[float, FloatArray]:
        return _objective(x, st, moments, weights)

    x = _start(st, pattern, markers, moments, fits)
    from scipy import optimize  # on first use: scipy.optimize costs a tenth of a second to import

    res = optimize.minimize(fun, x, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
    x = res.x
    for _ in range(4):  # Newton steps on the finite-difference Hessian of the gradient
        g = fun(x)[1]
        if np.max(np.abs(g)) < 1e-7:  # converged: χ² is then exact to O(|g|²); no Hessian needed
            break
        h = 1e-6
        hess = np.empty((st.q, st.q))
        for j in range(st.q):  # loop over parameters, not data (q is a few hundred at most)
            e = np.zeros(st.q)
            e[j] = h
            hess[:, j] = (fun(x + e)[1] - fun(x - e)[1]) / (2 * h)
        hess = (hess + hess.T) / 2
        try:
            step = np.linalg.solve(hess, g)
        except np.linalg.LinAlgError:
            break
        if not np.isfinite(fun(x - step)[0]):
            break
        x = x - step
        if np.max(np.abs(step)) < 1e-10:
            break
    f, g = fun(x)
    return x, f, bool(np.isfinite(f) and np.max(np.abs(g)) < 1e-6)


def _fit_level(
    level: str,
    pattern: BoolArray,
    markers: Sequence[int],
    moments: Sequence[_Moments],
    ns: Sequence[int],
    baseline: tuple[float, int],
    method: FloatArray | None,
) -> InvarianceFit:
    G = len(moments)
    N = float(sum(ns))
    st = _Structure(pattern, markers, G, level, method)
    x, f, converged = _minimize(st, pattern, markers, moments, np.asarray(ns) / N)
    p = pattern.shape[0]
    df = G * (p * (p + 1) // 2 + p) - st.q
    chisq = N * f
    b_chisq, b_df = baseline
    cfi = (
        1.0 - max(chisq - df, 0.0) / max(b_chisq - b_df, chisq - df, 0.0)
        if max(b_chisq - b_df, chisq - df) > 0
        else 1.0
    )
    rmsea = math.sqrt(G) * math.sqrt(max(chisq - df, 0.0) / (df * N)) if df > 0 else 0.0
    return InvarianceFit(
        level=level,
        chisq=float(chisq),
        df=int(df),
        pvalue=_chi2_sf(chisq, df),
        cfi=float(cfi),
        rmsea=float(rmsea),
        converged=converged,
    )


def measurement_invariance(
    values: ArrayLike,
    groups: ArrayLike,
    model: Mapping[str, Sequence[str]],
    *,
    names: Sequence[str] | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
    response_style: Mapping[str, float] | None = None,
) -> InvarianceResult:
    """Configural, metric and scalar invariance of a CFA model across groups.

    Parameters
    ----------
    values : array_like, shape (n, p)
        Item answers (reverse-keyed items already recoded); rows with a missing answer
        are left out (listwise).
    groups : array_like, shape (n,)
        Group label of every row (e.g. the response language); groups are ordered by
        label, the first is the reference of the latent means.
    model : mapping
        Factor name → list of item names (the first is the marker), as for
        :func:`analysis.factor.cfa`.
    names : sequence of str
        Column names of ``values``.
    min_group_size : int
        Complete rows every group needs (default :data:`MIN_GROUP_SIZE`).
    response_style : mapping, optional
        Item name → fixed loading of a response-style factor (a random intercept,
        Maydeu-Olivares & Coffman 2006: +1 for an item as answered, −1 for a recoded
        reverse-keyed one, so that it models acquiescence), one for every item of the
        model; its variance is free in every group, its mean free with the other
        latent means at the scalar level, and it is uncorrelated with the factors.

    Returns
    -------
    InvarianceResult
    """
    x = np.asarray(values, dtype=float)
    g = np.asarray(groups).astype(str)
    if x.ndim != 2 or g.shape != (x.shape[0],):
        raise ValueError("values, groups: values must be (n, p) and groups (n,)")
    names = list(names) if names is not None else [str(j) for j in range(x.shape[1])]
    if len(names) != x.shape[1]:
        raise ValueError(f"names: {len(names)} names for {x.shape[1]} columns")
    factors, observed, pattern, markers = _parse_model(model)
    missing = [o for o in observed if o not in names]
    if missing:
        raise ValueError(f"model: items {missing} are not among names")
    x = x[:, [names.index(o) for o in observed]]
    style = None
    if response_style is not None:
        if sorted(response_style) != sorted(observed):
            raise ValueError("response_style: needs one loading for every item of the model")
        style = np.array([float(response_style[o]) for o in observed])
    keep = ~np.isnan(x).any(axis=1)
    x, g = x[keep], g[keep]
    labels, codes = np.unique(g, return_inverse=True)
    ns = tuple(int(c) for c in np.bincount(codes, minlength=len(labels)))
    if len(labels) < 2 or min(ns) < min_group_size:
        return InvarianceResult(
            tuple(labels.tolist()),
            ns,
            False,
            reason={
                "en": f"needs at least two groups of {min_group_size} or more complete answer sets",
                "de": f"braucht mindestens zwei Gruppen mit je {min_group_size} oder mehr vollständigen Antworten",
            },
        )
    moments: list[_Moments] = []
    for j in range(len(labels)):
        rows = x[codes == j]
        mean = rows.mean(axis=0)
        cov = np.cov(rows, rowvar=False, bias=True)
        sign, logdet = np.linalg.slogdet(cov)
        if sign <= 0:
            return InvarianceResult(
                tuple(labels.tolist()),
                ns,
                False,
                reason={
                    "en": "the answers of a group do not vary enough for a factor model",
                    "de": "die Antworten einer Gruppe streuen zu wenig für ein Faktorenmodell",
                },
            )
        moments.append((mean, cov, logdet))
    p = len(observed)
    baseline = (
        float(sum(n * (np.log(np.diag(c)).sum() - ld) for n, (_, c, ld) in zip(ns, moments))),
        len(labels) * p * (p - 1) // 2,
    )
    fits: list[InvarianceFit] = []
    highest: str | None = None
    for level in LEVELS:
        fit = _fit_level(level, pattern, markers, moments, ns, baseline, style)
        if fits:
            prev = fits[-1]
            d_chi, d_df = fit.chisq - prev.chisq, fit.df - prev.df
            d_cfi, d_rmsea = fit.cfi - prev.cfi, fit.rmsea - prev.rmsea
            ok = bool(d_cfi >= DELTA_CFI and d_rmsea <= DELTA_RMSEA and fit.converged)
            fit = InvarianceFit(
                **{
                    **fit.__dict__,
                    "delta_chisq": d_chi,
                    "delta_df": d_df,
                    "delta_pvalue": _chi2_sf(max(d_chi, 0.0), d_df),
                    "delta_cfi": d_cfi,
                    "delta_rmsea": d_rmsea,
                    "supported": ok,
                }
            )
            if ok and highest == prev.level:
                highest = level
        elif fit.converged and fit.cfi >= 0.90:
            highest = level
        fits.append(fit)
    return InvarianceResult(tuple(labels.tolist()), ns, True, tuple(fits), highest)


# ----------------------------------------------------------------- on survey data


def _perception_model(q: Questionnaire, item_ids: Sequence[str]) -> dict[str, list[str]]:
    return {dim: [i for i in item_ids if q.item(i).dimension == dim] for dim in DIMENSIONS}


def _acquiescence(q: Questionnaire, item_ids: Sequence[str]) -> dict[str, float]:
    """The loadings of the acquiescence factor on the recoded perception items: agreeing
    with everything raises a plain item and lowers a recoded reverse-keyed one."""
    return {i: -1.0 if q.item(i).reverse else 1.0 for i in item_ids}


def perception_invariance(
    data: ResponseData, groups: ArrayLike, *, min_group_size: int = MIN_GROUP_SIZE
) -> InvarianceResult:
    """Invariance of the three-factor perception model across ``groups`` of the
    respondents of one campaign (e.g. their response language; None or "" rows are
    left out)."""
    q = data.questionnaire
    ids = [it.id for it in q.items_of("perception")]
    g = np.asarray(groups, dtype=object)
    keep = np.array([isinstance(v, str) and v != "" for v in g], bool)
    x = reverse_keyed(data, ids)[keep]
    return measurement_invariance(
        x,
        g[keep].astype(str),
        _perception_model(q, ids),
        names=ids,
        min_group_size=min_group_size,
        response_style=_acquiescence(q, ids),
    )


def wave_invariance(
    waves: Sequence[ResponseData], labels: Sequence[str], *, min_group_size: int = MIN_GROUP_SIZE
) -> InvarianceResult:
    """Invariance of the perception model between waves (one :class:`ResponseData` per
    wave), on the perception items every wave shares word for word in every language
    (:func:`analysis.instrument.comparable_items`); not estimable when a dimension keeps
    fewer than 3 of them."""
    first = waves[0].questionnaire
    common = [it.id for it in first.items_of("perception")]
    for other in waves[1:]:
        shared = set(comparable_items(first, other.questionnaire).items)
        common = [i for i in common if i in shared]
    model = _perception_model(first, common)
    if min(len(v) for v in model.values()) < 3:
        return InvarianceResult(
            tuple(labels),
            tuple(w.n for w in waves),
            False,
            reason={
                "en": "the waves share fewer than 3 identical perception items in a dimension",
                "de": "die Wellen haben in einer Dimension weniger als 3 gleichlautende Wahrnehmungsfragen",
            },
        )
    x = np.vstack([reverse_keyed(w, common) for w in waves])
    g = np.concatenate([np.full(w.n, f"{j:03d}") for j, w in enumerate(waves)])
    res = measurement_invariance(
        x, g, model, names=common, min_group_size=min_group_size, response_style=_acquiescence(first, common)
    )
    return InvarianceResult(tuple(labels), res.n, res.estimable, res.fits, res.highest, res.reason)
