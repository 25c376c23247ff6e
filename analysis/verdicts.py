r"""Verdicts that carry their uncertainty: team findings, typology and maturity.

A team's perception score :math:`P` and structure index :math:`S` are estimates from a
handful of people. Every label put on a team is therefore decided on the **distribution
of the team's true scores**, never on the raw means alone, and it comes with its
probability: the finding and the typology on the sampling distribution of the team's
own means, gated by the team's reliability; the maturity level and the ranking on the
empirical-Bayes posterior means (Morris 1983).

Model (per dimension, vectorized over teams)
--------------------------------------------
Team :math:`j`'s true scores :math:`\theta_j = (\theta_{Pj}, \theta_{Sj})` are drawn
around the organization's mean :math:`\mu` with between-team variances
:math:`T = \operatorname{diag}(\tau_P^2, \tau_S^2)`;
the observed team means :math:`\bar x_j` scatter around :math:`\theta_j` with the
sampling covariance :math:`\Sigma_j = \begin{pmatrix}\sigma_P^2/n_{Pj} &
\sigma_{PS}\, n_{PSj}/(n_{Pj} n_{Sj}) \\ \cdot & \sigma_S^2/n_{Sj}\end{pmatrix}`, where
:math:`\sigma` are the pooled within-team (co)variances of the respondents' scores —
the within-person covariance carries the same-source halo between perception and
structure answers — and :math:`n_{PSj}` counts members with both scores.
:math:`\tau^2` comes from the one-way ANOVA mean squares (method of moments with
Bartko's :math:`n_0`, truncated at 0). The prior is deliberately **neutral about
discordance**: it assumes nothing about how perception and structure go together across
teams (no between-team covariance), because a prior that expects them to agree would
pull exactly the discordant teams the diagnostic looks for — proclaimed but not
anchored, unseen structure — towards concordance. Then

.. math:: \theta_j \mid \bar x_j \sim N\big(\bar x_j - \Sigma_j M_j(\bar x_j - \mu),\;
          \Sigma_j M_j T\big), \qquad M_j = (T + \Sigma_j)^{-1},

which pulls a team towards the organization in proportion to how little its own data
can be trusted; its means are the point estimates that rank teams and set their
maturity level. Its **reliability** for each measure is
:math:`\lambda_j = \tau^2/(\tau^2 + \sigma^2/n_j)` — ICC(2) at the team's own size.

The verdicts that put a team into a category — finding and typology — are decided on
the sampling distribution of the team's own means, :math:`N(\bar x_j, \Sigma_j)` (the
closed form of a parametric bootstrap), and only for teams whose reliability reaches
``min_reliability``: the gate, not shrinkage, is what keeps teams that differ from the
organization only by noise unlabelled. Measured on the simulator, shrinking for the
category pulled planted teams back into the middle bands — they came out ``mixed`` or
not precise — while the gate alone kept false labels on null data at zero
(``docs/methodology.md`` §7 and §17). Units and the organization are not shrunk (few,
large groups): their distribution is the sampling distribution with their own
variances.

Finding
-------
Perception and structure are never subtracted — they are scores on unlike scales.
Each is placed in its **own bands** (``thresholds.findings``: low / middle / high),
and the finding is the cell of the 3 × 3 grid the team's true scores fall in:
``anchored_strength`` (high, high), ``structural_gap`` (low, low),
``proclaimed_not_anchored`` (high, low), ``unseen_structure`` (low, high), ``mixed``
(any middle). Its probability is the mass of the cell under that distribution (bivariate normal,
:mod:`analysis.bvn`). A team gets the most probable finding only when that probability
is at least ``thresholds.verdicts.min_probability`` **and** its reliability for both
measures is at least ``thresholds.verdicts.min_reliability``; otherwise it is
``not_precise`` ("not precise enough to classify"). ``divided`` (members disagree, so
the means are not team properties) takes precedence and comes from the agreement test.

Maturity (non-compensatory)
    A dimension's level is the *lower* of the levels of its perception score and its
    structure index (``thresholds.maturity.cuts``), both from the posterior means for
    teams (the point estimates with the smallest error): a dimension is mature only when it is both felt and anchored; a high
    perception never makes up for missing structure.

Typology (non-compensatory)
    A dimension is *present* when both true scores reach ``thresholds.typology.present``;
    its probability :math:`p_d = P(\theta_P \ge c, \theta_S \ge c)`. With the
    dimensions treated as independent, ``aligned_autonomy`` has probability
    :math:`p_D p_R p_F`, ``drift`` :math:`p_D p_R (1 - p_F)`, ``ambiguity``
    :math:`p_D (1 - p_R)`, ``fragmentation`` :math:`(1 - p_D) p_R` and
    ``central_control`` :math:`(1 - p_D)(1 - p_R)`; the most probable pattern is given
    when it reaches ``min_probability`` (and the team is reliable enough), else
    ``not_precise``.

Error rates of these rules on simulated organizations are in ``docs/methodology.md``.

References
----------
.. [1] Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and
   applications. *Journal of the American Statistical Association*, 78(381), 47–55.
.. [2] Bartko, J. J. (1976). On various intraclass correlation reliability
   coefficients. *Psychological Bulletin*, 83(5), 762–765.
.. [3] Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability.
   In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and
   methods in organizations* (pp. 349–381). Jossey-Bass.
.. [4] Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common
   method biases in behavioral research. *Journal of Applied Psychology*, 88(5), 879–903.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from analysis.bvn import bvn_cdf, rectangle_probabilities
from analysis.maturity import maturity_level
from analysis.arrays import FloatArray, IntArray, ObjectArray

__all__ = [
    "NOT_PRECISE",
    "CELL_FINDINGS",
    "TYPOLOGY_ORDER",
    "Posterior",
    "team_posteriors",
    "group_posteriors",
    "finding_probabilities",
    "decide_findings",
    "presence_probability",
    "typology_probabilities",
    "decide_typology",
    "non_compensatory_level",
]

NOT_PRECISE = "not_precise"
#: Finding of each cell of the (perception band × structure band) grid, bands low/mid/high.
CELL_FINDINGS = (
    ("structural_gap", "mixed", "unseen_structure"),
    ("mixed", "mixed", "mixed"),
    ("proclaimed_not_anchored", "mixed", "anchored_strength"),
)
_FINDINGS = ("anchored_strength", "structural_gap", "proclaimed_not_anchored", "unseen_structure", "mixed")
TYPOLOGY_ORDER = ("aligned_autonomy", "drift", "ambiguity", "fragmentation", "central_control")
_FLAT = 1e12  # between-group variance standing for "no shrinkage"
_MIN_SD = 1e-9


@dataclass(frozen=True, eq=False)
class Posterior:
    """Distribution of the true (perception, structure) scores of each group for one
    dimension: ``mean`` (G, 2), ``cov`` (G, 2, 2); ``reliability`` (G, 2) is
    :math:`\\lambda` for perception and structure (1 for unshrunk groups, NaN where a
    measure has no data); ``between`` is :math:`T` (2, 2)."""

    mean: FloatArray
    cov: FloatArray
    reliability: FloatArray
    between: FloatArray

    @property
    def sd(self) -> FloatArray:
        out: FloatArray = np.sqrt(np.maximum(np.stack([self.cov[:, 0, 0], self.cov[:, 1, 1]], axis=1), 0.0))
        return out

    @property
    def rho(self) -> FloatArray:
        sd = np.maximum(self.sd, _MIN_SD)
        out: FloatArray = np.clip(self.cov[:, 0, 1] / (sd[:, 0] * sd[:, 1]), -1.0, 1.0)
        return out


def _moments(
    P: FloatArray, S: FloatArray, codes: IntArray, G: int
) -> dict[str, tuple[FloatArray, FloatArray, FloatArray, FloatArray]]:
    """Per group: counts, means and within (co)variance sums of P, S and of the pairs."""
    both = ~np.isnan(P) & ~np.isnan(S)
    out: dict[str, tuple[FloatArray, FloatArray, FloatArray, FloatArray]] = {}
    for name, x, seen in (("P", P, ~np.isnan(P)), ("S", S, ~np.isnan(S))):
        xs = np.where(seen, x, 0.0)
        # float sums (numpy's stubs type every bincount as intp)
        n = cast(FloatArray, np.bincount(codes, weights=seen.astype(float), minlength=G))
        s = cast(FloatArray, np.bincount(codes, weights=xs, minlength=G))
        ss = cast(FloatArray, np.bincount(codes, weights=xs * xs, minlength=G))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n
        out[name] = (n, mean, ss - np.where(n > 0, s * s / np.where(n > 0, n, 1), 0.0), s)
    pb, sb = np.where(both, P, 0.0), np.where(both, S, 0.0)
    nb = cast(FloatArray, np.bincount(codes, weights=both.astype(float), minlength=G))
    spb = cast(FloatArray, np.bincount(codes, weights=pb, minlength=G))
    ssb = cast(FloatArray, np.bincount(codes, weights=sb, minlength=G))
    scp = cast(FloatArray, np.bincount(codes, weights=pb * sb, minlength=G))
    safe = np.where(nb > 0, nb, 1)
    out["PS"] = (nb, spb / safe, ssb / safe, scp - np.where(nb > 0, spb * ssb / safe, 0.0))
    return out


def _anova(n: FloatArray, mean: FloatArray, within_ss: FloatArray) -> tuple[float, float, float]:
    """Pooled within variance, between variance (method of moments, >= 0; NaN with
    fewer than two groups) and the grand mean."""
    g = n > 0
    N, G = n[g].sum(), int(g.sum())
    grand = np.sum(n[g] * mean[g]) / N if N else np.nan
    msw = within_ss[g].sum() / (N - G) if N - G >= 1 else np.nan
    if G < 2 or np.isnan(msw):
        return msw, np.nan, grand
    msb = np.sum(n[g] * (mean[g] - grand) ** 2) / (G - 1)
    n0 = (N - np.sum(n[g] ** 2) / N) / (G - 1)
    return msw, max(0.0, (msb - msw) / n0), grand


def _within_cov(nb: FloatArray, scp: FloatArray) -> float:
    """Pooled within-team covariance of P and S over members with both scores."""
    g = nb > 0
    N, G = nb[g].sum(), int(g.sum())
    return float(scp[g].sum() / (N - G)) if N - G >= 1 else 0.0


def _sampling_cov(
    n_p: FloatArray,
    n_s: FloatArray,
    n_ps: FloatArray,
    var_p: float | FloatArray,
    var_s: float | FloatArray,
    cov_ps: float | FloatArray,
) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.zeros((n_p.shape[0], 2, 2))
        c[:, 0, 0] = var_p / n_p
        c[:, 1, 1] = var_s / n_s
        c[:, 0, 1] = c[:, 1, 0] = np.where((n_p > 0) & (n_s > 0), cov_ps * n_ps / (n_p * n_s), 0.0)
    return c


def _combine(xbar: FloatArray, mu: FloatArray, Sigma: FloatArray, T: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Posterior mean and covariance, ``(x - S M (x - mu), S M T)`` with ``M = (T + S)^-1``."""
    A = T[None, :, :] + Sigma
    det = A[:, 0, 0] * A[:, 1, 1] - A[:, 0, 1] * A[:, 1, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        M = (
            np.stack([np.stack([A[:, 1, 1], -A[:, 0, 1]], -1), np.stack([-A[:, 1, 0], A[:, 0, 0]], -1)], 1)
            / det[:, None, None]
        )
    SM = np.einsum("gij,gjk->gik", Sigma, M)
    mean = xbar - np.einsum("gij,gj->gi", SM, xbar - mu[None, :])
    cov = np.einsum("gij,jk->gik", SM, T)
    return mean, cov


def team_posteriors(
    perception: ArrayLike, structure: ArrayLike, codes: ArrayLike, n_groups: int
) -> tuple[Posterior, Posterior]:
    """Every team's true (perception, structure) scores for one dimension: the
    empirical-Bayes posterior (shrunken means, for ranking and display) and the sampling
    distribution of the team's own means (for the verdicts), both with the team's
    reliabilities (module docstring).

    Parameters
    ----------
    perception, structure : array_like, shape (n,)
        Respondent scores 0–100 (NaN = missing).
    codes : array_like of int, shape (n,)
        Team code of every respondent.
    n_groups : int

    Returns
    -------
    (Posterior, Posterior)
        Shrunken posterior, sampling distribution.
    """
    P, S = np.asarray(perception, float), np.asarray(structure, float)
    codes = np.asarray(codes, np.intp)
    m = _moments(P, S, codes, n_groups)
    (n_p, mean_p, ssw_p, _), (n_s, mean_s, ssw_s, _) = m["P"], m["S"]
    var_p, tau_p, mu_p = _anova(n_p, mean_p, ssw_p)
    var_s, tau_s, mu_s = _anova(n_s, mean_s, ssw_s)
    cov_w = _within_cov(m["PS"][0], m["PS"][3])
    if np.isfinite(var_p * var_s):
        cov_w = float(np.clip(cov_w, -np.sqrt(var_p * var_s), np.sqrt(var_p * var_s)))
    flat_p, flat_s = np.isnan(tau_p), np.isnan(tau_s)
    T = np.diag([_FLAT if flat_p else tau_p, _FLAT if flat_s else tau_s])  # neutral about discordance
    # an unknown sampling variance (no team with two members) stands for "no information"
    Sigma = np.nan_to_num(_sampling_cov(n_p, n_s, m["PS"][0], var_p, var_s, cov_w), nan=_FLAT, posinf=_FLAT)
    xbar = np.stack([mean_p, mean_s], axis=1)
    mean, cov = _combine(np.nan_to_num(xbar), np.nan_to_num(np.array([mu_p, mu_s])), Sigma, T)
    missing = np.isnan(xbar)
    mean[missing] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.stack([T[0, 0] / (T[0, 0] + var_p / n_p), T[1, 1] / (T[1, 1] + var_s / n_s)], axis=1)
    rel[missing] = np.nan
    return (
        Posterior(mean=mean, cov=cov, reliability=rel, between=T),
        Posterior(mean=xbar, cov=Sigma, reliability=rel, between=T),
    )


def group_posteriors(perception: ArrayLike, structure: ArrayLike, codes: ArrayLike, n_groups: int) -> Posterior:
    """The sampling distribution :math:`N(\\bar x, \\Sigma)` of every group's mean scores
    (units, the organization): no shrinkage, reliability 1."""
    P, S = np.asarray(perception, float), np.asarray(structure, float)
    codes = np.asarray(codes, np.intp)
    m = _moments(P, S, codes, n_groups)
    (n_p, mean_p, ssw_p, _), (n_s, mean_s, ssw_s, _) = m["P"], m["S"]
    nb, _, _, scp = m["PS"]
    with np.errstate(invalid="ignore", divide="ignore"):
        var_p = ssw_p / (n_p - 1)
        var_s = ssw_s / (n_s - 1)
        cov_ps = scp / (nb - 1)
    Sigma = _sampling_cov(n_p, n_s, nb, var_p, var_s, np.nan_to_num(cov_ps))
    mean = np.stack([mean_p, mean_s], axis=1)
    rel = np.where(np.isnan(mean), np.nan, 1.0)
    return Posterior(mean=mean, cov=np.nan_to_num(Sigma, nan=0.0), reliability=rel, between=np.full((2, 2), np.nan))


def finding_probabilities(
    post: Posterior, perception_band: tuple[float, float], structure_band: tuple[float, float]
) -> FloatArray:
    """Probability of each finding in the order anchored_strength, structural_gap,
    proclaimed_not_anchored, unseen_structure, mixed; shape (G, 5), NaN rows where a
    score is missing. ``perception_band``/``structure_band`` are ``(low, high)``: low is
    below ``low``, high from ``high`` on."""
    sd = np.maximum(post.sd, _MIN_SD)
    ok = ~np.isnan(post.mean).any(axis=1)
    cells = np.full((post.mean.shape[0], 3, 3), np.nan)
    if ok.any():
        cells[ok] = rectangle_probabilities(
            post.mean[ok, 0], post.mean[ok, 1], sd[ok, 0], sd[ok, 1], post.rho[ok], perception_band, structure_band
        )
    out = np.zeros((cells.shape[0], len(_FINDINGS)))
    for i in range(3):
        for j in range(3):
            out[:, _FINDINGS.index(CELL_FINDINGS[i][j])] += cells[:, i, j]
    out[~ok] = np.nan
    return out


def decide_findings(
    probabilities: ArrayLike,
    reliability: ArrayLike,
    *,
    min_probability: float,
    min_reliability: float,
    divided: ArrayLike | None = None,
) -> tuple[ObjectArray, FloatArray, ObjectArray]:
    """The finding per group, the probability of the most probable finding and that
    finding: the label is the most probable finding where its probability reaches
    ``min_probability`` and both reliabilities reach ``min_reliability``, else
    :data:`NOT_PRECISE`; ``"divided"`` where ``divided`` is True; None where a score is
    missing."""
    p = np.asarray(probabilities, float)
    rel = np.asarray(reliability, float)
    missing = np.isnan(p).any(axis=1)
    best = np.argmax(np.nan_to_num(p, nan=-1.0), axis=1)
    prob = np.where(missing, np.nan, p[np.arange(p.shape[0]), best])
    precise = (prob >= min_probability) & (np.nan_to_num(rel, nan=0.0).min(axis=1) >= min_reliability)
    likely = np.asarray(_FINDINGS, dtype=object)[best]
    label = np.where(precise, likely, NOT_PRECISE).astype(object)
    if divided is not None:
        label = np.where(np.asarray(divided, bool), "divided", label).astype(object)
    label[missing] = None
    likely[missing] = None  # a fresh object array (fancy indexing copies)
    return label, prob, likely


def presence_probability(post: Posterior, present: float) -> FloatArray:
    """:math:`P(\\theta_P \\ge c, \\theta_S \\ge c)` per group (NaN where a score is missing)."""
    sd = np.maximum(post.sd, _MIN_SD)
    zp = (post.mean[:, 0] - present) / sd[:, 0]
    zs = (post.mean[:, 1] - present) / sd[:, 1]
    ok = ~np.isnan(zp) & ~np.isnan(zs)
    out = np.full(zp.shape, np.nan)
    out[ok] = bvn_cdf(zp[ok], zs[ok], post.rho[ok])
    return out


def typology_probabilities(presence: ArrayLike) -> FloatArray:
    """Probabilities of :data:`TYPOLOGY_ORDER` from presence probabilities (G, 3) of
    direction, decision rights and feedback (module docstring); NaN rows where one is
    missing."""
    p = np.asarray(presence, float)
    d, r, f = p[:, 0], p[:, 1], p[:, 2]
    return np.stack([d * r * f, d * r * (1 - f), d * (1 - r), (1 - d) * r, (1 - d) * (1 - r)], axis=1)


def decide_typology(
    probabilities: ArrayLike, reliable: ArrayLike, *, min_probability: float
) -> tuple[ObjectArray, FloatArray]:
    """The typology per group and its probability (:data:`NOT_PRECISE` below
    ``min_probability`` or where ``reliable`` is False; None where it cannot be computed)."""
    p = np.asarray(probabilities, float)
    missing = np.isnan(p).any(axis=1)
    best = np.argmax(np.nan_to_num(p, nan=-1.0), axis=1)
    prob = np.where(missing, np.nan, p[np.arange(p.shape[0]), best])
    precise = (prob >= min_probability) & np.asarray(reliable, bool)
    label = np.where(precise, np.asarray(TYPOLOGY_ORDER, dtype=object)[best], NOT_PRECISE).astype(object)
    label[missing] = None
    return label, prob


def non_compensatory_level(perception: ArrayLike, structure: ArrayLike, cuts: Sequence[float]) -> IntArray:
    """Maturity level 1–5 as the lower of the perception level and the structure level
    (0 where either is missing)."""
    lp = maturity_level(perception, cuts)
    ls = maturity_level(structure, cuts)
    return np.where((lp == 0) | (ls == 0), 0, np.minimum(lp, ls))
