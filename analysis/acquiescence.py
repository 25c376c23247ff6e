"""The perception model with an acquiescence factor, fitted to one group.

A questionnaire with reverse-keyed items in every dimension turns the tendency to agree
with everything (acquiescence) into misfit of the plain three-factor model: it raises
the items as answered and lowers the recoded reverse-keyed ones. The model here adds a
random-intercept factor (Maydeu-Olivares & Coffman 2006) with loadings fixed at +1 and
−1, its variance free, uncorrelated with the content factors — the model the invariance
check fits to several groups (:mod:`analysis.invariance`), here to one. Its fit
measures follow :func:`analysis.factor.cfa` (lavaan's definitions): χ², df, CFI, TLI,
RMSEA and Bentler's SRMR over the covariances (docs/methodology.md §3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.factor import CFAResult, _parse_model, fit_acceptable, fit_indices
from analysis.invariance import Estimates, _chi2_sf, _minimize, _Structure

__all__ = ["AcquiescenceFit", "acquiescence_fit"]


@dataclass(frozen=True)
class AcquiescenceFit:
    """Fit of the model with an acquiescence factor; ``variance`` is the factor's
    estimated variance (on the answer scale), ``acceptable`` whether CFI, RMSEA and
    SRMR reach :data:`analysis.factor.FIT_CUTOFFS`."""

    chisq: float
    df: int
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    srmr: float
    variance: float
    n_obs: int
    converged: bool
    acceptable: bool

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in self.__dict__.items()}


def acquiescence_fit(
    values: ArrayLike,
    model: Mapping[str, Sequence[str]],
    loadings: Mapping[str, float],
    *,
    names: Sequence[str],
    plain: CFAResult | None = None,
) -> AcquiescenceFit:
    """Fit ``model`` (factor → items, the first the marker) with an acquiescence factor
    whose fixed ``loadings`` (item → +1 or −1) cover every item, to the complete rows of
    ``values`` (columns named by ``names``; reverse-keyed items already recoded).
    ``plain``, the :func:`analysis.factor.cfa` of the same model and rows, is where the
    fit starts (else the content model is fitted first).

    Raises ValueError when the items do not match or fewer complete rows than items
    remain.
    """
    _, observed, pattern, markers = _parse_model(model)
    if sorted(loadings) != sorted(observed) or any(o not in names for o in observed):
        raise ValueError("loadings, names: every item of the model needs a column and a loading")
    x = np.asarray(values, dtype=float)[:, [list(names).index(o) for o in observed]]
    x = x[~np.isnan(x).any(axis=1)]
    n, p = x.shape
    if n <= p:
        raise ValueError(f"{n} complete answer sets for {p} items")
    mean = x.mean(axis=0)
    cov = np.cov(x, rowvar=False, bias=True)
    sign, logdet = np.linalg.slogdet(cov)
    if sign <= 0:
        raise ValueError("the answers do not vary enough for a factor model")
    st = _Structure(pattern, markers, 1, "configural", np.array([float(loadings[o]) for o in observed]))
    start = None if plain is None else [_estimates(plain, list(model), observed)]
    est, f, converged = _minimize(st, pattern, markers, [(mean, cov, logdet)], np.ones(1), start)
    chisq, df = n * f, p * (p + 1) // 2 + p - st.q
    base, df0 = n * float(np.log(np.diag(cov)).sum() - logdet), p * (p - 1) // 2
    lam, phi, theta, _, _ = st.unpack(est, 0)
    cfi, tli, rmsea, srmr = fit_indices(chisq, df, base, df0, n, cov, lam @ phi @ lam.T + np.diag(theta))
    return AcquiescenceFit(
        chisq=float(chisq),
        df=int(df),
        pvalue=_chi2_sf(chisq, df),
        cfi=float(cfi),
        tli=float(tli),
        rmsea=float(rmsea),
        srmr=srmr,
        variance=float(phi[-1, -1]),
        n_obs=int(n),
        converged=converged,
        acceptable=converged and fit_acceptable(cfi, rmsea, srmr),
    )


def _estimates(plain: CFAResult, factors: list[str], observed: list[Any]) -> Estimates:
    """The unstandardized estimates of ``plain`` as arrays in the model's order."""
    lam = np.array([[plain.loadings_unstandardized[f].get(o, 0.0) for f in factors] for o in observed])
    phi = np.array([[plain.factor_covariances[f][g] for g in factors] for f in factors])
    theta = np.array([plain.residual_variances[o] for o in observed])
    return lam, phi, theta
