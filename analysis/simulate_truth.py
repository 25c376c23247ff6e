r"""Ground truth of a simulation: population values of every team, unit and wave.

The simulator (:mod:`analysis.simulate`) draws answers from a latent-variable model in
which every answer is a *threshold model* of normal latent variables. This module turns
the model's parameters for each team into the *population* (expected) values that the
engine estimates — the perception score and structure index on 0–100, the share of
"don't know" — and the verdicts they imply under the questionnaire's thresholds. It
never looks at the simulated answers.

Population of a team
    A team of :math:`n` members is a mixture of *sub-populations* :math:`s` (lead or
    member, one of two camps in a divided team, tenure below one year or not) with
    weights :math:`w_s` equal to their expected shares in the team. Within a
    sub-population every answer is a threshold model of normal latents with two
    person-level factors :math:`F = (F_1, F_2) \sim N(0, I)` shared by the items of a
    dimension and independent item residuals.

Perception items
    Favourable latent :math:`f_j = m_j + L_j^\top F + s_j\,\varepsilon_j`; the answer
    after reverse keying is :math:`x_j = 1 + \#\{k : f_j > \tau_k\}` for the scale's
    thresholds :math:`\tau_1 < \dots < \tau_{A-1}`. Its expectation is exact,

    .. math:: E[x_j] = 1 + \sum_k \Phi\!\left(\frac{m_j - \tau_k}
              {\sqrt{s_j^2 + \lVert L_j \rVert^2}}\right),

    and the expected perception score is
    :math:`100\,(\tfrac1J \sum_j E[x_j] - 1)/(A - 1)`. (With answers missing completely
    at random the 2/3 rule does not change this expectation: every item is equally
    likely to be among the answered ones.)
Structure items
    Report latent :math:`v_j = m_j + L_j F_1 + s_j \varepsilon_j`; the option is the
    :math:`k`-th lowest-scoring one when :math:`v_j` lies between the item's cut points
    :math:`c_k` and :math:`c_{k+1}`. "Don't know" is answered with probability
    :math:`\Phi(\beta_j + K_j F_2)` (an unawareness latent; :math:`F_2` is independent of
    :math:`F_1`), so

    .. math:: E[\text{score}_j] = q_j\,\text{score}_{dk} + (1 - q_j)\Big(\text{score}_0
              + \sum_k (\text{score}_k - \text{score}_{k-1})\,
              \Phi\!\big(\tfrac{m_j - c_k}{\sqrt{s_j^2 + L_j^2}}\big)\Big),
              \qquad q_j = \Phi\!\big(\beta_j/\sqrt{1 + K_j^2}\big).

    The structure index is the product's: the mean score of the known answers to the
    team items (organization-wide facts and "don't know" left out), here the expected
    known score mass over the expected known share; ``visibility`` counts "don't know"
    as 0, a known team answer as 100 and a known organization-wide answer as its score,
    and ``dont_know`` is the expected share of "don't know".
Spread
    The within-team standard deviations of respondent scores (used for the true
    standardized differences) need the covariance of the items; they are computed by
    Gauss–Hermite quadrature over :math:`F` (12 × 12 nodes): given :math:`F` the items
    are independent, so
    :math:`\operatorname{Var}(\bar x) = E_F[\tfrac{1}{J^2}\sum_j \operatorname{Var}(x_j
    \mid F)] + \operatorname{Var}_F(E[\bar x \mid F])`, then mixed over the
    sub-populations. This variance assumes complete answers. ``item_variance`` is the
    mean population variance of the team's perception items (exact), the quantity that
    within-team agreement indices compare with a null variance.

Groups above teams
    A unit's (the organization's) value is the size-weighted mean of its teams' values;
    its variance is the size-weighted mixture variance.

Verdicts implied by the truth
    * ``finding`` per team and dimension: the bands of ``thresholds.findings`` applied to
      the true perception score and structure index (``anchored_strength``,
      ``structural_gap``, ``proclaimed_not_anchored``, ``unseen_structure``, ``mixed``),
      and ``divided`` where a split team was planted;
    * ``level`` (maturity) the lower of the levels of the true perception score and
      structure index (``thresholds.maturity.cuts``), ``combined`` the lower of the two,
      and ``typology`` with a dimension present when both reach
      ``thresholds.typology.present`` — non-compensatory, as the product rules;
    * ``differences``: every team and unit vs the rest of the organization, per dimension
      and measure, the true difference, the true Cohen's :math:`d` (pooled population
      standard deviation as the engine pools the sample ones) and ``matters`` =
      :math:`|d| \ge` ``min_effect`` (0.5, the engine's default);
    * ``changes`` between waves: the true change per group, dimension and measure and
      ``matters`` = :math:`|\Delta| \ge` ``min_change`` (5 points, the engine's default).

References
----------
.. [1] Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item
   parameters: Application of an EM algorithm. *Psychometrika*, 46(4), 443–459
   (Gauss–Hermite quadrature over normal latent traits).
.. [2] Samejima, F. (1969). Estimation of latent ability using a response pattern of
   graded scores. *Psychometrika Monograph Supplement*, 34(4, Pt. 2) (threshold models
   of ordered answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from analysis.frozen import freeze as _freeze, plain as _plain
from analysis.instrument import DIMENSIONS, FindingThresholds, Questionnaire, Thresholds
from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray

__all__ = [
    "GroupTruth",
    "PerceptionPopulation",
    "Population",
    "StructurePopulation",
    "Truth",
    "WaveTruth",
    "MIN_EFFECT",
    "MIN_CHANGE",
    "compute_truth",
]

#: Smallest |d| of a difference that matters (the engine's default ``min_effect``).
MIN_EFFECT = 0.5
#: Smallest change (points) that matters between waves (the engine's default ``min_change``).
MIN_CHANGE = 5.0
_GH = 12
_TEAM_CHUNK = 400


def _phi(x: FloatArray) -> FloatArray:
    out: FloatArray = special.ndtr(x)
    return out


# ---------------------------------------------------------------- population spec


@dataclass(frozen=True, eq=False)
class PerceptionPopulation:
    """Threshold model of one dimension's perception items for every team.

    Attributes
    ----------
    weights : ndarray, shape (T, S)
        Share of each sub-population in each team (rows sum to 1).
    mean : ndarray, shape (T, S, J)
        :math:`m_j` of the favourable latent.
    loadings : ndarray, shape (J, 2) or (T, S, J, 2)
        Loadings on the two person-level factors.
    residual : ndarray, shape (J,)
        Residual standard deviation :math:`s_j` (> 0).
    thresholds : ndarray, shape (A - 1,)
        Increasing thresholds :math:`\\tau_k`.
    """

    weights: FloatArray
    mean: FloatArray
    loadings: FloatArray
    residual: FloatArray
    thresholds: FloatArray


@dataclass(frozen=True, eq=False)
class StructurePopulation:
    """Threshold model of one dimension's structure items for every team.

    Attributes
    ----------
    weights : ndarray, shape (T, S)
    mean : ndarray, shape (T, S, J)
        :math:`m_j` of the report latent.
    loadings : ndarray, shape (J,)
        Loading on factor 1 (same-source halo).
    residual : ndarray, shape (J,)
    cuts : tuple of ndarray
        Per item, the increasing cut points between its scored options.
    scores : tuple of ndarray
        Per item, the option scores in the order of the cut points (lowest first).
    dont_know_score : ndarray, shape (J,)
    dont_know_beta : ndarray, shape (T, S, J)
        :math:`\\beta_j`: "don't know" with probability :math:`\\Phi(\\beta_j + K_j F_2)`.
    dont_know_loadings : ndarray, shape (J,)
        :math:`K_j`, the loading on factor 2 (unawareness).
    team : ndarray of bool, shape (J,), optional
        Which items are about the team (``scope: team``; default all); the others are
        organization-wide facts, which count only towards visibility.
    """

    weights: FloatArray
    mean: FloatArray
    loadings: FloatArray
    residual: FloatArray
    cuts: tuple[FloatArray, ...]
    scores: tuple[FloatArray, ...]
    dont_know_score: FloatArray
    dont_know_beta: FloatArray
    dont_know_loadings: FloatArray
    team: BoolArray | None = None


@dataclass(frozen=True, eq=False)
class Population:
    """Everything the truth needs about one wave of a simulated organization."""

    teams: tuple[str, ...]  # team labels (sorted)
    sizes: IntArray  # (T,) members
    units: tuple[str, ...] | None  # unit labels, or None
    unit_of_team: IntArray | None  # (T,) index into units
    perception: tuple[PerceptionPopulation, ...]  # one per dimension
    structure: tuple[StructurePopulation, ...]  # one per dimension
    planted: ObjectArray  # (T, 3) planted finding or None
    planted_typology: ObjectArray  # (T,) planted typology or None
    unit_effect: FloatArray | None  # (U, 6) planted unit effects (latent, standardized)
    points: int  # points of the perception scale


# ------------------------------------------------------------------ moments


def perception_moments(
    p: PerceptionPopulation, *, spread: bool = True
) -> tuple[FloatArray, FloatArray | None, FloatArray]:
    """Expected perception score (0–100), its within-team SD and the mean item variance.

    Returns ``(mean, sd, item_variance)``, each shape (T,); ``sd`` is None when
    ``spread`` is False.
    """
    A = p.thresholds.size + 1
    K = A - 1
    rank = 2.0 * np.arange(1, K + 1) - 1.0  # E[(x-1)^2] = sum_m (2m - 1) P(f > tau_m)
    full = np.ndim(p.loadings) == 4
    load = p.loadings if full else np.asarray(p.loadings)
    tot = np.sqrt(p.residual**2 + (load**2).sum(-1))  # (J,) or (T,S,J)
    exceed = _phi((p.mean[..., None] - p.thresholds) / tot[..., None])  # (T,S,J,K)
    ex = 1.0 + exceed.sum(-1)  # (T,S,J)
    ex2 = 1.0 + 2.0 * (ex - 1.0) + exceed @ rank
    w = p.weights
    item_mean = (w[..., None] * ex).sum(1)  # (T,J)
    item_var = (w[..., None] * ex2).sum(1) - item_mean**2
    mean_x = item_mean.mean(-1)
    score = (mean_x - 1.0) / (A - 1) * 100.0
    sd = None
    if spread:
        var = np.empty(score.shape)
        F, W = _gh_grid()
        for lo in range(0, score.size, _TEAM_CHUNK):
            sl = slice(lo, lo + _TEAM_CHUNK)
            if full:
                shift = (load[sl][:, :, None] * F[:, None, :]).sum(-1)  # (t,S,Q,J)
            else:
                shift = F @ load.T  # (Q,J)
            lin = p.mean[sl, :, None, :] + shift
            e = _phi((lin[..., None] - p.thresholds) / p.residual[:, None])  # (t,S,Q,J,K)
            m1 = e.sum(-1)  # E[x - 1 | F]
            v = e @ rank - m1**2  # Var(x | F)
            J = m1.shape[-1]
            cmean = m1.mean(-1)  # (t,S,Q)
            cvar = v.sum(-1) / J**2
            mu_s = (W * cmean).sum(-1)  # (t,S)
            e2_s = (W * (cvar + cmean**2)).sum(-1)
            mu = (w[sl] * mu_s).sum(-1)
            var[sl] = (w[sl] * e2_s).sum(-1) - mu**2
        sd = np.sqrt(np.maximum(var, 0.0)) / (A - 1) * 100.0
    return score, sd, item_var.mean(-1)


def structure_moments(
    p: StructurePopulation, *, spread: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]:
    """Expected structure index, visibility, "don't know" share and SD of the index.

    The structure index is the product's (``analysis.scoring``): the mean score of the
    known answers to the team items — "don't know" depends on awareness only, so a known
    answer scores on average what every answer would — approximated as the ratio of the
    expected known score mass to the expected known share. Visibility counts "don't
    know" as 0, a known team answer as 100 and a known organization-wide answer as its
    score; the "don't know" share is over all items.

    Returns ``(index, visibility, dont_know, sd)``, each shape (T,); ``sd`` (of the
    index over complete known answers) is None when ``spread`` is False.
    """
    w = p.weights
    J = p.mean.shape[-1]
    team = np.ones(J, bool) if p.team is None else np.asarray(p.team, bool)
    q = _phi(p.dont_know_beta / np.sqrt(1.0 + p.dont_know_loadings**2))  # (T,S,J)
    opt = np.empty(p.mean.shape)
    tot = np.sqrt(p.residual**2 + p.loadings**2)
    for j in range(J):  # loop over the few items of a dimension
        cuts, sc = p.cuts[j], p.scores[j]
        up = _phi((p.mean[..., j, None] - cuts) / tot[j])  # P(option >= k)
        opt[..., j] = sc[0] + (up * np.diff(sc)).sum(-1)
    known = 1.0 - q
    with np.errstate(invalid="ignore", divide="ignore"):
        index = (w * (known * opt)[..., team].sum(-1)).sum(-1) / (w * known[..., team].sum(-1)).sum(-1)
    visibility = (w * (known * np.where(team, 100.0, opt)).mean(-1)).sum(-1)
    dont_know = (w * q.mean(-1)).sum(-1)
    sd = None
    if spread:
        F, W = _gh_grid()
        T = index.size
        var = np.empty(T)
        items = np.flatnonzero(team)
        for lo in range(0, T, _TEAM_CHUNK):
            sl = slice(lo, lo + _TEAM_CHUNK)
            cm: FloatArray | float = 0.0
            cv: FloatArray | float = 0.0
            for j in items.tolist():
                cuts, sc = p.cuts[j], p.scores[j]
                step = np.diff(sc)
                # score = sc_0 + sum_k step_k [v > c_k], so E[score^2] needs
                # sum_{k,l} step_k step_l P(v > c_max(k,l)) = sum_m P_m step_m (step_m + 2 sum_{k<m} step_k)
                cross = step * (step + 2.0 * (np.cumsum(step) - step))
                lin = p.mean[sl, :, None, j] + p.loadings[j] * F[:, 0]  # (t,S,Q)
                up = _phi((lin[..., None] - cuts) / p.residual[j])  # (t,S,Q,K-1)
                o1 = sc[0] + up @ step
                o2 = sc[0] ** 2 + 2.0 * sc[0] * (up @ step) + up @ cross
                cm = cm + o1
                cv = cv + (o2 - o1**2)
            cm = cm / items.size
            # a member averages only the team items they know: Var(mean) ~ var / m with
            # m ~ Binomial(J, 1 - q) given at least half known (the scoring's rule)
            cv = cv / items.size * _inverse_known(q[sl][..., team].mean(-1), items.size)[..., None]
            mu_s = (W * cm).sum(-1)
            e2_s = (W * (cv + cm**2)).sum(-1)
            mu = (w[sl] * mu_s).sum(-1)
            var[sl] = (w[sl] * e2_s).sum(-1) - mu**2
        sd = np.sqrt(np.maximum(var, 0.0))
    return index, visibility, dont_know, sd


def _inverse_known(q: FloatArray, J: int) -> FloatArray:
    """E[1/m] for m ~ Binomial(J, 1 - q) given m >= J/2, element-wise over ``q``."""
    m = np.arange(1, J + 1)
    pm = special.comb(J, m) * (1.0 - q[..., None]) ** m * q[..., None] ** (J - m)
    pm = np.where(2 * m >= J, pm, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.nan_to_num((pm / m).sum(-1) / pm.sum(-1), nan=1.0 / J)
    return out


_GRID: tuple[FloatArray, FloatArray] | None = None


def _gh_grid() -> tuple[FloatArray, FloatArray]:
    """Nodes (Q², 2) and weights (Q²,) of the tensor Gauss–Hermite rule for N(0, I₂)."""
    global _GRID
    if _GRID is None:
        x, w = np.polynomial.hermite_e.hermegauss(_GH)
        w = w / w.sum()
        F = np.stack(np.meshgrid(x, x, indexing="ij"), -1).reshape(-1, 2)
        _GRID = (F, np.outer(w, w).ravel())
    return _GRID


# ------------------------------------------------------------------ verdict rules


def _band_finding(P: FloatArray, S: FloatArray, th: FindingThresholds) -> ObjectArray:
    p_hi, p_lo = P >= th.perception.high, P < th.perception.low
    s_hi, s_lo = S >= th.structure.high, S < th.structure.low
    findings = np.array(
        [None, "anchored_strength", "structural_gap", "proclaimed_not_anchored", "unseen_structure"], dtype=object
    )
    out: ObjectArray = np.select(
        [np.isnan(P) | np.isnan(S), p_hi & s_hi, p_lo & s_lo, p_hi & s_lo, p_lo & s_hi], findings, default="mixed"
    ).astype(object)
    return out


def _level(C: FloatArray, cuts: Sequence[float]) -> IntArray:
    return (1 + np.searchsorted(np.asarray(cuts, float), C, side="right")).astype(np.int64)


def _typology(C: FloatArray, present: float) -> ObjectArray:
    """Typology from the lower of perception and structure per dimension (a dimension is
    present only when both reach ``present``)."""
    d, r, f = (C[:, i] >= present for i in range(3))
    both = d & r
    return np.select(
        [both & f, both, d, r], ["aligned_autonomy", "drift", "ambiguity", "fragmentation"], default="central_control"
    ).astype(object)


# ------------------------------------------------------------------ results


@dataclass(frozen=True, eq=False)
class GroupTruth:
    """Population values of the groups of one level in one wave.

    Attributes
    ----------
    level : {'team', 'unit', 'organization'}
    labels : tuple of str
    parent : tuple of str or None
        The unit of every team (teams with a unit level only).
    n : ndarray of int, shape (G,)
        Members.
    perception, structure, visibility, dont_know, combined : ndarray, shape (G, 3)
        Expected perception score, structure index (0–100, "don't know" scored as the
        questionnaire says), mean score of the answers that are not "don't know", share
        of "don't know" (0–1) and (perception + structure)/2.
    perception_sd, structure_sd : ndarray, shape (G, 3)
        Population standard deviation of respondent scores within the group.
    item_variance : ndarray, shape (G, 3)
        Mean population variance of the perception items (scale points², after reverse
        keying) within the group.
    level_ : ndarray of int, shape (G, 3)
        Maturity level 1–5: the lower of the true perception and structure levels.
    finding : ndarray of object, shape (G, 3)
        Finding implied by the true scores (see the module docstring).
    planted : ndarray of object, shape (G, 3)
        The finding planted in the cell, or None.
    typology : ndarray of object, shape (G,)
    planted_typology : ndarray of object, shape (G,)
    """

    level: str
    labels: tuple[str, ...]
    parent: tuple[str, ...] | None
    n: IntArray
    perception: FloatArray
    structure: FloatArray
    visibility: FloatArray
    dont_know: FloatArray
    combined: FloatArray
    perception_sd: FloatArray
    structure_sd: FloatArray
    item_variance: FloatArray
    level_: IntArray
    finding: ObjectArray
    planted: ObjectArray
    typology: ObjectArray
    planted_typology: ObjectArray

    def index(self, label: str) -> int:
        """Row of ``label``; ``KeyError`` if unknown."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise KeyError(label) from None

    def record(self, i: int) -> dict[str, Any]:
        """One group as plain data (see :meth:`Truth.to_dict`)."""
        key = {"team": "team", "unit": "unit", "organization": None}[self.level]
        out: dict[str, Any] = {key: self.labels[i]} if key else {}
        if self.parent is not None:
            out["unit"] = self.parent[i]
        out["n"] = int(self.n[i])
        out["typology"] = self.typology[i]
        out["planted_typology"] = self.planted_typology[i]
        out["dimensions"] = {
            d: {
                "perception": round(float(self.perception[i, j]), 4),
                "structure": round(float(self.structure[i, j]), 4),
                "visibility": _round(self.visibility[i, j]),
                "dont_know": round(float(self.dont_know[i, j]), 4),
                "combined": round(float(self.combined[i, j]), 4),
                "perception_sd": round(float(self.perception_sd[i, j]), 4),
                "structure_sd": round(float(self.structure_sd[i, j]), 4),
                "item_variance": round(float(self.item_variance[i, j]), 4),
                "level": int(self.level_[i, j]),
                "finding": self.finding[i, j],
                "planted": self.planted[i, j],
            }
            for j, d in enumerate(DIMENSIONS)
        }
        return out

    def to_dict(self) -> list[dict[str, Any]]:
        return [self.record(i) for i in range(len(self.labels))]


def _round(x: float | np.floating[Any], k: int = 4) -> float | None:
    x = float(x)
    return round(x, k) if np.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class WaveTruth:
    """Truth of one wave: teams, units, the organization and the differences.

    ``differences`` holds one mapping per level (team, unit), group, dimension and
    measure (``perception``/``structure``): ``{level, group, dimension, measure,
    difference, d, matters, direction}`` with ``direction`` ``higher``/``lower`` and
    ``matters`` = :math:`|d| \\ge` :data:`MIN_EFFECT`; for units it also holds
    ``unit_effect``, the planted effect of the unit (0 when units are random groupings
    of teams).
    """

    label: str
    teams: GroupTruth
    units: GroupTruth | None
    organization: GroupTruth
    differences: tuple[MappingProxyType[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "organization": self.organization.record(0),
            "units": self.units.to_dict() if self.units is not None else [],
            "teams": self.teams.to_dict(),
            "differences": [_plain(dict(r)) for r in self.differences],
        }


@dataclass(frozen=True, eq=False)
class Truth:
    """Ground truth of a simulation (see the module docstring).

    Attributes
    ----------
    scenario : str
    parameters : mapping
        The generative model's parameters (confounds, ICC, planted effects).
    thresholds : mapping
        The questionnaire thresholds the verdicts were derived with, plus
        ``min_effect`` and ``min_change``.
    waves : tuple of WaveTruth
        One per simulated wave (the first is the responses of :attr:`Simulation.data`).
    changes : tuple of mapping
        Between consecutive waves: ``{from_wave, to_wave, level, group, dimension,
        measure ('score' or 'structure'), before, after, difference, matters, planted}``.
    """

    scenario: str
    parameters: MappingProxyType[str, Any]
    thresholds: MappingProxyType[str, Any]
    waves: tuple[WaveTruth, ...]
    changes: tuple[MappingProxyType[str, Any], ...]

    @property
    def teams(self) -> GroupTruth:
        """Teams of the first wave."""
        return self.waves[0].teams

    @property
    def units(self) -> GroupTruth | None:
        return self.waves[0].units

    @property
    def organization(self) -> GroupTruth:
        return self.waves[0].organization

    @property
    def differences(self) -> tuple[MappingProxyType[str, Any], ...]:
        return self.waves[0].differences

    def team(self, label: str, wave: int = 0) -> dict[str, Any]:
        """One team's truth as plain data."""
        t = self.waves[wave].teams
        return t.record(t.index(label))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: ``{scenario, parameters, thresholds, waves: [{label,
        organization, units, teams, differences}], changes}``; a group record is
        ``{team|unit, unit, n, typology, planted_typology, dimensions: {dimension:
        {perception, structure, visibility, dont_know, combined, perception_sd,
        structure_sd, item_variance, level, finding, planted}}}``."""
        return {
            "scenario": self.scenario,
            "parameters": _plain(self.parameters),
            "thresholds": _plain(self.thresholds),
            "waves": [w.to_dict() for w in self.waves],
            "changes": [_plain(dict(c)) for c in self.changes],
        }


# ------------------------------------------------------------------ computation


def _moments(pop: Population) -> dict[str, FloatArray]:
    T = len(pop.teams)
    out: dict[str, FloatArray] = {
        k: np.empty((T, 3))
        for k in (
            "perception",
            "perception_sd",
            "item_variance",
            "structure",
            "visibility",
            "dont_know",
            "structure_sd",
        )
    }
    for d in range(3):
        out["perception"][:, d], out["perception_sd"][:, d], out["item_variance"][:, d] = perception_moments(
            pop.perception[d]
        )
        (out["structure"][:, d], out["visibility"][:, d], out["dont_know"][:, d], out["structure_sd"][:, d]) = (
            structure_moments(pop.structure[d])
        )
    return out


def _aggregate(
    m: dict[str, FloatArray], sizes: FloatArray, codes: IntArray, G: int
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Size-weighted means and mixture variances of team moments for G groups."""
    n = np.bincount(codes, weights=sizes, minlength=G).astype(float)

    def wmean(x: FloatArray) -> FloatArray:
        mean: FloatArray = (
            np.stack([np.bincount(codes, weights=sizes * x[:, d], minlength=G) for d in range(3)], -1) / n[:, None]
        )
        return mean

    out: dict[str, FloatArray] = {}
    for key, sd in (("perception", "perception_sd"), ("structure", "structure_sd")):
        mu = wmean(m[key])
        out[key] = mu
        out[sd] = np.sqrt(np.maximum(wmean(m[sd] ** 2 + m[key] ** 2) - mu**2, 0.0))
    out["dont_know"] = wmean(m["dont_know"])
    out["visibility"] = wmean(m["visibility"])
    # the structure index of a group counts the members who know: weight by the known share
    with np.errstate(invalid="ignore", divide="ignore"):
        out["structure"] = wmean(m["structure"] * (1 - m["dont_know"])) / wmean(1 - m["dont_know"])
    mean_item = wmean(m["item_variance"])  # within-team item variance, averaged
    out["item_variance"] = mean_item
    return n, out


def _group(
    level: str,
    labels: Sequence[str],
    parent: tuple[str, ...] | None,
    n: ArrayLike,
    m: dict[str, FloatArray],
    th: Thresholds,
    planted: ObjectArray,
    planted_typology: ObjectArray,
) -> GroupTruth:
    P, S = m["perception"], m["structure"]
    finding = _band_finding(P, S, th.findings)
    finding = np.where(planted == "divided", "divided", finding).astype(object)
    return GroupTruth(
        level=level,
        labels=tuple(labels),
        parent=parent,
        n=np.asarray(n, np.int64),
        perception=P,
        structure=S,
        visibility=m["visibility"],
        dont_know=m["dont_know"],
        combined=np.minimum(P, S),
        perception_sd=m["perception_sd"],
        structure_sd=m["structure_sd"],
        item_variance=m["item_variance"],
        level_=np.minimum(_level(P, th.maturity.cuts), _level(S, th.maturity.cuts)),
        finding=finding,
        planted=planted,
        typology=_typology(np.minimum(P, S), th.typology.present),
        planted_typology=planted_typology,
    )


def _differences(
    level: str,
    labels: Sequence[str],
    n: FloatArray,
    m: dict[str, FloatArray],
    unit_effect: FloatArray | None = None,
) -> tuple[MappingProxyType[str, Any], ...]:
    """Each group vs the rest of the organization (population values)."""
    N = n.sum()
    rows = []
    for measure, key, sd in (("perception", "perception", "perception_sd"), ("structure", "structure", "structure_sd")):
        mu, s = m[key], m[sd]
        tot = (n[:, None] * mu).sum(0)
        tot2 = (n[:, None] * (s**2 + mu**2)).sum(0)
        nr = (N - n)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            rest = (tot - n[:, None] * mu) / nr
            rest_var = np.maximum((tot2 - n[:, None] * (s**2 + mu**2)) / nr - rest**2, 0.0)
            pooled = np.sqrt(((n[:, None] - 1) * s**2 + (nr - 1) * rest_var) / (n[:, None] + nr - 2))
            diff = mu - rest
            d = diff / pooled
        for g, label in enumerate(labels):
            for j, dim in enumerate(DIMENSIONS):
                row: dict[str, Any] = {
                    "level": level,
                    "group": label,
                    "dimension": dim,
                    "measure": measure,
                    "difference": _round(diff[g, j]),
                    "d": _round(d[g, j]),
                    "matters": bool(np.isfinite(d[g, j]) and abs(d[g, j]) >= MIN_EFFECT),
                    "direction": "higher" if diff[g, j] > 0 else "lower",
                }
                if unit_effect is not None:
                    k = DIMENSIONS.index(dim) + (0 if measure == "perception" else 3)
                    row["unit_effect"] = round(float(unit_effect[g, k]), 4)
                rows.append(MappingProxyType(row))
    return tuple(rows)


def _wave(pop: Population, label: str, th: Thresholds) -> WaveTruth:
    m = _moments(pop)
    T = len(pop.teams)
    parent = None
    if pop.units is not None and pop.unit_of_team is not None:
        parent = tuple(pop.units[u] for u in pop.unit_of_team)
    teams = _group("team", pop.teams, parent, pop.sizes, m, th, pop.planted, pop.planted_typology)
    units = None
    diffs = list(_differences("team", pop.teams, pop.sizes.astype(float), m))
    if pop.units is not None and pop.unit_of_team is not None:
        U = len(pop.units)
        n_u, mu = _aggregate(m, pop.sizes.astype(float), pop.unit_of_team, U)
        units = _group("unit", pop.units, None, n_u, mu, th, np.full((U, 3), None, object), np.full(U, None, object))
        diffs += _differences("unit", pop.units, n_u, mu, pop.unit_effect)
    n_o, mo = _aggregate(m, pop.sizes.astype(float), np.zeros(T, np.intp), 1)
    org = _group("organization", ("",), None, n_o, mo, th, np.full((1, 3), None, object), np.full(1, None, object))
    return WaveTruth(label=label, teams=teams, units=units, organization=org, differences=tuple(diffs))


def _changes(
    waves: Sequence[WaveTruth], labels: Sequence[str], planted_changes: Mapping[int, Collection[tuple[str, str]]]
) -> tuple[MappingProxyType[str, Any], ...]:
    rows = []
    for i in range(len(waves) - 1):
        a, b = waves[i], waves[i + 1]
        for level, ga, gb in (
            ("organization", a.organization, b.organization),
            ("unit", a.units, b.units),
            ("team", a.teams, b.teams),
        ):
            if ga is None or gb is None:
                continue
            for g, label in enumerate(gb.labels):
                k = ga.index(label)
                for j, dim in enumerate(DIMENSIONS):
                    for measure, key in (("score", "perception"), ("structure", "structure")):
                        before = float(getattr(ga, key)[k, j])
                        after = float(getattr(gb, key)[g, j])
                        diff = after - before
                        planted = level == "team" and (label, dim) in planted_changes.get(i + 1, ())
                        rows.append(
                            MappingProxyType(
                                {
                                    "from_wave": labels[i],
                                    "to_wave": labels[i + 1],
                                    "level": level,
                                    "group": label,
                                    "dimension": dim,
                                    "measure": measure,
                                    "before": round(before, 4),
                                    "after": round(after, 4),
                                    "difference": round(diff, 4),
                                    "matters": bool(abs(diff) >= MIN_CHANGE),
                                    "planted": planted,
                                }
                            )
                        )
    return tuple(rows)


def compute_truth(
    populations: Sequence[Population],
    questionnaire: Questionnaire,
    *,
    scenario: str,
    parameters: dict[str, Any],
    labels: Sequence[str] | None = None,
    planted_changes: Mapping[int, Collection[tuple[str, str]]] | None = None,
) -> Truth:
    """The :class:`Truth` of one or more waves of a simulated organization.

    Parameters
    ----------
    populations : sequence of Population
        One per wave (same teams in every wave).
    questionnaire : Questionnaire
        Source of ``thresholds``.
    scenario : str
    parameters : dict
        Model parameters, recorded as they are.
    labels : sequence of str, optional
        Wave labels (default ``W1``, ``W2``, …, as :func:`analysis.compare_waves`).
    planted_changes : mapping of int to set of (team, dimension), optional
        The changes planted at the step into wave ``i``.

    Returns
    -------
    Truth
    """
    th = questionnaire.thresholds
    labels = list(labels) if labels is not None else [f"W{i + 1}" for i in range(len(populations))]
    waves = tuple(_wave(p, labels[i], th) for i, p in enumerate(populations))
    thresholds = {
        "perception": {"low": th.findings.perception.low, "high": th.findings.perception.high},
        "structure": {"low": th.findings.structure.low, "high": th.findings.structure.high},
        "maturity_cuts": list(th.maturity.cuts),
        "typology_present": th.typology.present,
        "min_effect": MIN_EFFECT,
        "min_change": MIN_CHANGE,
    }
    return Truth(
        scenario=scenario,
        parameters=_freeze(_plain(parameters)),
        thresholds=_freeze(thresholds),
        waves=waves,
        changes=_changes(waves, labels, planted_changes or {}),
    )
