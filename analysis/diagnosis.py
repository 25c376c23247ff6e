r"""The diagnosis: from a respondents x items matrix to released, anonymous results.

:func:`diagnose` computes, for the organization, every unit and every team, everything
in DESIGN §3 items 1–9 and then applies the anonymity rules of :mod:`analysis.privacy`
as the last step: the :class:`Diagnosis` it returns holds only released figures.

Pipeline
--------
1. Respondent scores (:mod:`analysis.scoring`).
2. Organization level, perception items of the three dimensions after reverse keying:
   Cronbach's α and McDonald's ω per dimension (:mod:`analysis.reliability`), the
   three-factor CFA (:mod:`analysis.factor`), ICC(1)/ICC(2) of the perception score and
   the structure index with teams as groups (:mod:`analysis.icc`).
3. Per team and per unit (vectorized over all groups): perception score, structure
   index and visibility with a t-based confidence interval, the empirical-Bayes
   shrunken scores and the team's reliability, r_wg(j), a_wg and AD_M
   (:mod:`analysis.agreement`), maturity level, finding with its probability,
   typology (:mod:`analysis.verdicts`), misconception prevalence and its difference
   from the organization, the outcome item.
4. Each team and unit vs the rest of the organization (:mod:`analysis.compare`), role
   gaps (leads vs members) and tenure bands at the organization level,
   drivers of the outcome (:mod:`analysis.drivers`).
5. Suppression (:mod:`analysis.privacy`), then the plain-language findings
   (:mod:`analysis.narrative`) from the released figures only.
6. Question-level results (:mod:`analysis.items`): every item's mean, distribution
   and share favourable per group, with a suppression plan of their own per item.

Verdicts (:mod:`analysis.verdicts`)
-----------------------------------
Teams are ranked and given their maturity level on the empirical-Bayes posterior of
their true perception score and structure index (Morris 1983): small teams are pulled
towards the organization in proportion to how little their means can be trusted. The
finding is the most probable cell of the perception and structure bands under the
sampling distribution of the team's own means, given with its probability only for
teams reliable enough, else ``not_precise``; maturity and typology are
non-compensatory (the weaker of perception and structure counts). Units and the
organization are judged on the sampling distribution of their means.

References
----------
.. [1] Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and
   applications. *Journal of the American Statistical Association*, 78(381), 47–55.
.. [2] Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability.
   In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and
   methods in organizations* (pp. 349–381). Jossey-Bass.
.. [3] Bartko, J. J. (1976). On various intraclass correlation reliability
   coefficients. *Psychological Bulletin*, 83(5), 762–765.
"""

from __future__ import annotations

import gc
import warnings
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import special

from analysis.agreement import ad_m, agreement_test, awg, ordinal_ranks, rwg_j
from analysis.dispersion import dispersion_test
from analysis.consensus import priority_consensus
from analysis.invariance import perception_invariance
from analysis.compare import (
    adjust_pvalues, compare_units_with_rest, compare_with_rest, grouped_sums, moments, subgroup_moments,
    two_sample,
)
from analysis.drivers import bootstrap_relative_weights
from analysis.factor import cfa, fit_acceptable
from analysis.frozen import freeze as _freeze, plain as _plain
from analysis.groups import Groups
from analysis.icc import icc
from analysis.instrument import DIMENSIONS, Questionnaire, load_questionnaire
from analysis.items import ItemResults, item_results
from analysis.verdicts import (
    Posterior, decide_findings, decide_typology, finding_probabilities, group_posteriors,
    non_compensatory_level, presence_probability, team_posteriors, typology_probabilities,
)
from analysis.narrative import LABELS, icc_reading, key_findings
from analysis.privacy import (
    NO_DATA, PRIMARY, hierarchy_pieces, reason_text, release_comments, subgroup_cells,
    suppress_hierarchy,
)
from analysis.reliability import cronbach_alpha, omega_total
from analysis.responses import ResponseData
from analysis.scoring import RespondentScores, score_responses

__all__ = ["Diagnosis", "GroupTable", "diagnose", "DIM_FIELDS", "JSON_FIELDS"]

#: Per-dimension figures of a group, each an (n_groups, 3) array in :class:`GroupTable`.
DIM_FIELDS = (
    "n", "score", "ci_low", "ci_high", "shrunk_score", "n_structure", "structure", "structure_ci_low",
    "structure_ci_high", "shrunk_structure", "visibility", "visibility_ci_low", "visibility_ci_high",
    "combined", "perception_reliability", "structure_reliability", "finding_probability",
    "rwg_j", "rwg_j_slight", "rwg_j_moderate", "rwg_star_j", "awg", "ad_m", "structure_rwg_j",
    "vs_rest_difference", "vs_rest_d", "vs_rest_p_adjusted",
    "structure_vs_rest_difference", "structure_vs_rest_d", "structure_vs_rest_p_adjusted",
)
#: Figures of the structure index, shown only where the structure answers reach k.
STRUCTURE_FIELDS = ("n_structure", "structure", "structure_ci_low", "structure_ci_high", "shrunk_structure",
                    "structure_reliability", "structure_rwg_j", "structure_vs_rest_difference",
                    "structure_vs_rest_d", "structure_vs_rest_p_adjusted")
#: Figures that need both perception and structure.
BOTH_FIELDS = ("combined", "finding_probability")
_MIN_K, _MAX_K, _SAFE_K = 3, 50, 5


# ------------------------------------------------------------------------------ results

def _ro(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class GroupTable:
    """Released figures of one level (teams, units or the organization), as arrays.

    Every array has one row per group (sorted by label); figures of suppressed groups
    and suppressed cells are NaN / None / 0 — they were never stored.

    Attributes
    ----------
    level : {'team', 'unit', 'organization'}
    labels : tuple of str
        Group labels (the organization has the single label ``""``).
    parent : tuple of str or None
        The unit of every team (teams with a unit level only).
    dimensions : tuple of str
        Column order of the per-dimension arrays.
    misconceptions : tuple of str
    suppressed : ndarray of bool, shape (G,)
    suppression_reason : ndarray of object, shape (G,)
        None, ``"fewer_than_k"``, ``"complementary"`` or ``"no_data"``.
    n : ndarray of float, shape (G,)
        Respondents (NaN when suppressed).
    n_teams : ndarray of int or None
        Teams per unit (units only).
    dims : mapping of str to ndarray, shape (G, 3)
        The figures named in :data:`DIM_FIELDS` (``n`` = answers used).
    cell_reason : ndarray of object, shape (G, 3)
        Why a dimension of a visible group is blank (None if it is shown).
    structure_reason : ndarray of object, shape (G, 3)
        Why the structure index of a shown dimension is blank (too few members with a
        known answer), None if it is shown.
    level_ : ndarray of int, shape (G, 3)
        Maturity level 1–5, the lower of perception and structure (0 = not shown).
    finding : ndarray of object, shape (G, 3)
        A finding of :data:`analysis.maturity.FINDINGS` (``"not_precise"`` included) or None.
    agreement : ndarray of object, shape (G, 3)
        ``"shared"``, ``"chance"`` or ``"divided"`` (teams; see ``_agreement``), else None.
    likely_finding : ndarray of object, shape (G, 3)
        The most probable finding, whose probability is ``finding_probability`` (it is
        the finding unless the group is divided or not precise enough).
    vs_rest_flagged, structure_vs_rest_flagged : ndarray of bool, shape (G, 3)
    typology : ndarray of object, shape (G,)
    typology_probability : ndarray of float, shape (G,)
    outcome : ndarray of float, shape (G,)
        Mean of the outcome item on 0–100.
    misconception : ndarray, shape (G, M)
        Share of respondents holding each misconception.
    misconception_vs_organization : ndarray, shape (G, M)
    comments : tuple of tuple of str
        Released comments per group.
    """

    level: str
    labels: tuple
    parent: tuple | None
    dimensions: tuple
    misconceptions: tuple
    suppressed: np.ndarray
    suppression_reason: np.ndarray
    n: np.ndarray
    n_teams: np.ndarray | None
    dims: MappingProxyType
    cell_reason: np.ndarray
    structure_reason: np.ndarray
    level_: np.ndarray
    finding: np.ndarray
    likely_finding: np.ndarray
    agreement: np.ndarray
    vs_rest_flagged: np.ndarray
    structure_vs_rest_flagged: np.ndarray
    typology: np.ndarray
    typology_probability: np.ndarray
    outcome: np.ndarray
    misconception: np.ndarray
    misconception_vs_organization: np.ndarray
    comments: tuple
    k: int

    def index(self, label) -> int:
        """Row of a group label (``KeyError`` if unknown)."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise KeyError(label) from None

    def records(self, rows=None) -> list:
        """JSON-ready records of the given rows (default all; see :meth:`Diagnosis.to_dict`).

        Figures are rounded for output: scores to 2 decimals, agreement indices and d
        to 3, shares to 4; the arrays of the table keep full precision. NaN becomes None.
        """
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of small containers, none of them cyclic
        try:
            return self._records(rows)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _records(self, rows) -> list:
        rows = range(len(self.labels)) if rows is None else rows
        idx = np.asarray(list(rows), dtype=np.intp)
        key = {"team": "team", "unit": "unit"}.get(self.level)
        cols = {f: _out(self.dims[f][idx], _DECIMALS.get(f, 2)) for f in JSON_FIELDS}
        cols["n"] = _out(self.dims["n"][idx], 0, integer=True)
        cols["n_structure"] = _out(self.dims["n_structure"][idx], 0, integer=True)
        level = self.level_[idx].tolist()
        finding = self.finding[idx].tolist()
        likely = self.likely_finding[idx].tolist()
        agreement = self.agreement[idx].tolist()
        flag_p = self.vs_rest_flagged[idx].tolist()
        flag_s = self.structure_vs_rest_flagged[idx].tolist()
        reason_cell = self.cell_reason[idx].tolist()
        reason_s = self.structure_reason[idx].tolist()
        typ_p = _out(self.typology_probability[idx], 3)
        mc = _out(self.misconception[idx], 4)
        mc_vs = _out(self.misconception_vs_organization[idx], 4)
        outcome = _out(self.outcome[idx], 2)
        n = _out(self.n[idx], 0, integer=True)
        out = []
        for r, i in enumerate(idx.tolist()):
            rec = {key: self.labels[i]} if key else {}
            if self.level == "team":
                rec["unit"] = self.parent[i] if self.parent is not None else None
            if self.n_teams is not None:
                rec["n_teams"] = int(self.n_teams[i])
            reason = self.suppression_reason[i]
            rec.update(suppressed=bool(self.suppressed[i]), suppression_reason=reason,
                       suppression_text=reason_text(reason, self.k), n=n[r])
            if self.suppressed[i]:
                out.append(rec)
                continue
            rec["typology"] = self.typology[i]
            rec["typology_probability"] = typ_p[r]
            rec["outcome"] = outcome[r]
            rec["misconceptions"] = dict(zip(self.misconceptions, mc[r]))
            rec["misconceptions_vs_organization"] = dict(zip(self.misconceptions, mc_vs[r]))
            dims = {}
            for j, d in enumerate(self.dimensions):
                cell = {f: cols[f][r][j] for f in JSON_FIELDS}
                cell["level"] = level[r][j] or None
                cell["finding"] = finding[r][j]
                cell["likely_finding"] = likely[r][j]
                cell["agreement"] = agreement[r][j]
                cell["vs_rest_flagged"] = flag_p[r][j]
                cell["structure_vs_rest_flagged"] = flag_s[r][j]
                cell["suppressed"] = reason_cell[r][j] is not None
                cell["suppression_reason"] = reason_cell[r][j]
                cell["structure_suppressed"] = reason_s[r][j] is not None
                cell["structure_suppression_reason"] = reason_s[r][j]
                dims[d] = cell
            rec["dimensions"] = dims
            rec["comments"] = list(self.comments[i])
            out.append(rec)
        return out

    def to_dict(self) -> list:
        """All records, JSON-ready (see :meth:`records`)."""
        return self.records()


#: Per-dimension figures in the JSON records (the p-values and raw differences of the
#: team-vs-rest tests stay in the arrays; flagged ones are listed in ``differences``).
JSON_FIELDS = tuple(f for f in DIM_FIELDS if not f.endswith(("_p_adjusted", "_difference")))
_DECIMALS = {"n": 0, "n_structure": 0, "rwg_j": 3, "rwg_j_slight": 3, "rwg_j_moderate": 3, "rwg_star_j": 3,
             "structure_rwg_j": 3, "awg": 3, "ad_m": 3, "vs_rest_d": 3, "structure_vs_rest_d": 3,
             "perception_reliability": 3, "structure_reliability": 3, "finding_probability": 3}


def _out(a: np.ndarray, decimals: int | None = 4, *, integer: bool = False) -> list:
    """Array → nested lists of Python numbers, rounded, NaN → None (vectorized)."""
    a = np.asarray(a, dtype=float)
    missing = ~np.isfinite(a)
    if decimals is not None:
        a = np.round(a, decimals)
    obj = (np.where(missing, 0, a).astype(np.int64) if integer else a).astype(object)
    obj[missing] = None
    return obj.tolist()


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """Result of :func:`diagnose`; holds released figures only.

    Attributes
    ----------
    questionnaire : mapping
        ``{"id", "version", "title", "misconceptions"}`` (names of the misconceptions).
    n_respondents : int or None
        None when the organization itself is below the minimum group size.
    settings : mapping
        The options used (``min_group_size``, ``comment_min_group_size``,
        ``correction``, ``alpha``, ``min_effect``, ``confidence``).
    dimensions : mapping
        Per dimension: ``name``, ``alpha``, ``omega``, ``reliability`` (item
        statistics or the reason it is not estimable), ``icc1``, ``icc2``,
        ``icc_reading`` (en/de), ``structure_icc1``, ``structure_icc2``,
        ``structure_icc_reading``, and the organization's ``score``, ``ci_low``,
        ``ci_high``, ``structure``, ``combined``, ``level``, ``finding``.
    cfa : mapping
        Fit of the three-factor perception model, or ``estimable: False`` with a reason.
    organization : GroupTable
        One row.
    units : GroupTable or None
    teams : GroupTable
    role_gaps, tenure, differences, findings : tuple of mapping
    drivers : mapping
    comments : mapping
        Organization-level comment pool and the number withheld.
    items : ItemResults
        Question-level results (:mod:`analysis.items`).
    scope : str or None
        None for the whole organization; the unit's label for the part a reader of
        one unit may see (:func:`analysis.scope.restrict_to_unit`).
    priority : mapping or None
        Consensus on the top priority (:func:`analysis.consensus.priority_consensus`)
        with the campaign's ``priorities``; None when the form has no priority item.
    invariance : mapping or None
        ``{"language": …}``: measurement invariance of the perception model across the
        response languages (:mod:`analysis.invariance`); None when no language was
        recorded.
    """

    questionnaire: MappingProxyType
    n_respondents: int | None
    settings: MappingProxyType
    dimensions: MappingProxyType
    cfa: MappingProxyType
    organization: GroupTable
    units: GroupTable | None
    teams: GroupTable
    role_gaps: tuple
    tenure: tuple
    differences: tuple
    drivers: MappingProxyType
    findings: tuple
    comments: MappingProxyType
    items: ItemResults
    scope: str | None = None
    priority: MappingProxyType | None = None
    invariance: MappingProxyType | None = None

    def team(self, label) -> dict:
        """JSON-ready record of one team."""
        return self.teams.records([self.teams.index(label)])[0]

    def unit(self, label) -> dict:
        """JSON-ready record of one unit."""
        if self.units is None:
            raise KeyError(label)
        return self.units.records([self.units.index(label)])[0]

    def to_dict(self) -> dict:
        """Plain JSON-ready data; ``json.dumps(d.to_dict(), sort_keys=True)`` is
        byte-identical for identical input. See ``docs/methodology.md`` for the layout."""
        org = self.organization.records()[0]
        org["comments"] = list(self.comments["organization"])
        org["comments_withheld"] = self.comments["withheld"]
        return {
            "questionnaire": _plain(self.questionnaire),
            "n_respondents": self.n_respondents,
            "settings": _plain(self.settings),
            "dimensions": _plain(self.dimensions),
            "cfa": _plain(self.cfa),
            "organization": org,
            "units": self.units.to_dict() if self.units is not None else [],
            "teams": self.teams.to_dict(),
            "role_gaps": _plain(self.role_gaps),
            "tenure": _plain(self.tenure),
            "differences": [dict(r) for r in self.differences],
            "drivers": _plain(self.drivers),
            "findings": _plain(self.findings),
            "items": self.items.to_dict(),
            "scope": self.scope,
            "priority": _plain(self.priority) if self.priority is not None else None,
            "invariance": _plain(self.invariance) if self.invariance is not None else None,
            "labels": LABELS,
        }


# --------------------------------------------------------------------- group figures

def _ci(n, mean, var, confidence):
    """t-based interval ``mean ± t(1 - (1 - confidence)/2, n - 1) · sd / sqrt(n)``, clipped to 0–100."""
    df, inv = np.unique(np.where(n > 1, n - 1, 0), return_inverse=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcrit = np.where(df > 0, special.stdtrit(np.maximum(df, 1), 0.5 + confidence / 2.0), np.nan)
        half = tcrit[inv.reshape(n.shape)] * np.sqrt(var / n)
    return np.clip(mean - half, 0, 100), np.clip(mean + half, 0, 100)


def _team_sums(scores: RespondentScores, teams: Groups):
    """Per-team counts, sums and sums of squares of every score column (one pass).

    Columns: perception (3), structure (3), visibility (3), misconceptions (M),
    outcome (1), all centred at 50 for numerical accuracy. Units and the organization
    are sums of teams.
    """
    blocks = [subgroup_moments(b - 50.0, teams.codes, teams.n_groups)
              for b in (scores.perception, scores.structure, scores.visibility, scores.misconception,
                        scores.outcome[:, None])]
    return tuple(np.hstack([b[i] for b in blocks]) for i in range(3))


def _group_figures(sums, n_respondents, M: int, confidence: float) -> dict:
    """Unsuppressed figures of every group of one level (internal; never returned)."""
    n, s, ss = sums
    G = n.shape[0]
    mean, var = moments(n, s, ss)
    mean = mean + 50.0
    lo, hi = _ci(n, mean, var, confidence)
    f = {
        "n_all": np.asarray(n_respondents, dtype=float),
        "n_p": n[:, 0:3], "score": mean[:, 0:3], "ci_low": lo[:, 0:3], "ci_high": hi[:, 0:3],
        "n_s": n[:, 3:6], "n_structure": n[:, 3:6], "structure": mean[:, 3:6], "structure_ci_low": lo[:, 3:6],
        "structure_ci_high": hi[:, 3:6],
        "n_v": n[:, 6:9], "visibility": mean[:, 6:9], "visibility_ci_low": lo[:, 6:9],
        "visibility_ci_high": hi[:, 6:9],
        "n_pv": np.hstack([n[:, 0:3], n[:, 6:9]]), "n_mc": n[:, 9:9 + M] if M else np.zeros((G, 1)),
        "misconception": mean[:, 9:9 + M], "outcome": mean[:, 9 + M], "n_out": n[:, 9 + M],
        "sums": (n[:, :6], s[:, :6], ss[:, :6]),
    }
    for key in DIM_FIELDS:
        f.setdefault(key, np.full((G, 3), np.nan))
    return f


def _posteriors(f: dict, scores: RespondentScores, codes, n_groups: int,
                shrink: bool) -> tuple[list[Posterior], list[Posterior]]:
    """Per dimension, the two distributions of every group's true (perception,
    structure) (:mod:`analysis.verdicts`): the one whose means are the point estimates
    (maturity level, combined score) and the one on which findings and typology are
    decided. With ``shrink`` (teams) the first is the empirical-Bayes posterior — its
    means (the shrunken scores) and the team reliabilities go into ``f`` — and the
    second the sampling distribution of the team's own means; otherwise both are the
    sampling distribution of the group's means."""
    point, verdict = [], []
    for j in range(3):  # loop over the three dimensions
        if shrink:
            shrunk, own = team_posteriors(scores.perception[:, j], scores.structure[:, j], codes, n_groups)
            f["shrunk_score"][:, j], f["shrunk_structure"][:, j] = shrunk.mean[:, 0], shrunk.mean[:, 1]
            f["perception_reliability"][:, j] = shrunk.reliability[:, 0]
            f["structure_reliability"][:, j] = shrunk.reliability[:, 1]
        else:
            shrunk = own = group_posteriors(scores.perception[:, j], scores.structure[:, j], codes, n_groups)
        point.append(shrunk)
        verdict.append(own)
    return point, verdict


def _verdicts(f: dict, distributions: tuple[list[Posterior], list[Posterior]], th, *, divided=None) -> None:
    """Finding, its probability, maturity level, the combined score, typology and its
    probability of every group into ``f`` (before suppression; see
    :mod:`analysis.verdicts`); ``distributions`` as returned by :func:`_posteriors`."""
    v = th.verdicts
    G = f["score"].shape[0]
    f["finding"] = np.full((G, 3), None, dtype=object)
    f["likely_finding"] = np.full((G, 3), None, dtype=object)
    f["level"] = np.zeros((G, 3), np.int64)
    presence = np.full((G, 3), np.nan)
    reliable = np.ones(G, bool)
    bands = ((th.findings.perception.low, th.findings.perception.high),
             (th.findings.structure.low, th.findings.structure.high))
    for j, (point, post) in enumerate(zip(*distributions)):
        probs = finding_probabilities(post, *bands)
        label, prob, likely = decide_findings(probs, post.reliability, min_probability=v.min_probability,
                                              min_reliability=v.min_reliability,
                                              divided=None if divided is None else divided[:, j])
        f["finding"][:, j], f["finding_probability"][:, j], f["likely_finding"][:, j] = label, prob, likely
        p_hat, s_hat = point.mean[:, 0], point.mean[:, 1]
        f["combined"][:, j] = np.where(np.isnan(p_hat) | np.isnan(s_hat), np.nan, np.minimum(p_hat, s_hat))
        f["level"][:, j] = non_compensatory_level(p_hat, s_hat, th.maturity.cuts)
        presence[:, j] = presence_probability(post, th.typology.present)
        reliable &= np.nan_to_num(post.reliability, nan=0.0).min(axis=1) >= v.min_reliability
    f["typology"], f["typology_probability"] = decide_typology(
        typology_probabilities(presence), reliable, min_probability=v.min_probability)


def _agreement(f: dict, data: ResponseData, scores: RespondentScores, groups: Groups, th) -> np.ndarray:
    """Within-team agreement into ``f`` and whether each team is divided.

    Perception items: r_wg(j) against the uniform, slightly and moderately skewed nulls,
    r*_wg(j) (slight skew), a_wg and AD_M; structure items about the team (option
    ranks, "don't know" left out): r_wg(j) against the uniform null of each item
    (:mod:`analysis.agreement`). ``f["agreement"]`` is ``"shared"`` where the perception
    answers agree more than independent answers from ``thresholds.findings.agreement_null``
    would (small-sample critical value at level ``agreement_alpha``), ``"chance"`` where
    they do not, and ``"divided"`` where the perception score or the structure index
    varies more than in a random group of the organization of the same size
    (:mod:`analysis.dispersion`, each at half that level): camps, not one shared view.
    Returns the boolean ``divided`` array (G, 3)."""
    q = data.questionnaire
    alpha = th.findings.agreement_alpha
    G = groups.n_groups
    f["agreement"] = np.full((G, 3), None, dtype=object)
    divided = np.zeros((G, 3), bool)
    for j, dim in enumerate(DIMENSIONS):  # loop over the three dimensions
        items = scores.perception_items[j]
        f["rwg_j"][:, j] = rwg_j(items, groups, scale_points=5).values
        f["rwg_j_moderate"][:, j] = rwg_j(items, groups, scale_points=5, null="moderate_skew").values
        f["awg"][:, j] = awg(items, groups, scale_min=1, scale_max=5).values
        f["ad_m"][:, j] = ad_m(items, groups).values
        test = agreement_test(items, groups, scale_points=5, null=th.findings.agreement_null, alpha=alpha)
        f["rwg_j_slight"][:, j], f["rwg_star_j"][:, j] = test.rwg_j, test.rwg_star_j
        team_items = [it for it in q.items_of("structure", dim) if it.scope == "team"]
        if team_items:
            ranks = ordinal_ranks(
                np.column_stack([it.answered(data.column(it.id)) for it in team_items]),
                [[o.value for o in it.ranked_options] for it in team_items],
                dont_know=[next((o.value for o in it.options if o.dont_know), None) for it in team_items])
            f["structure_rwg_j"][:, j] = agreement_test(ranks.ranks, groups, scale_points=ranks.scale_points,
                                                        null="uniform", alpha=alpha).rwg_j
        divided[:, j] = ((dispersion_test(scores.perception[:, j], groups, alpha=alpha / 2).divided == True)  # noqa: E712
                         | (dispersion_test(scores.structure[:, j], groups, alpha=alpha / 2).divided == True))  # noqa: E712
        f["agreement"][:, j] = np.where(divided[:, j], "divided",
                                        np.where(test.agrees == True, "shared",  # noqa: E712
                                                 np.where(test.agrees == False, "chance", None)))  # noqa: E712
    return divided


# ---------------------------------------------------------------------- psychometrics

def _not_estimable(en: str, de: str) -> dict:
    return {"estimable": False, "reason": {"en": en, "de": de}}


def _reliability(scores: RespondentScores, d: int) -> dict:
    ids = scores.perception_item_ids[d]
    x = scores.perception_items[d]
    if len(ids) < 3:
        return _not_estimable(
            f"This form has {len(ids)} perception items for the dimension; reliability needs at least 3.",
            f"Dieses Formular hat {len(ids)} Wahrnehmungsfragen für die Dimension; Reliabilität braucht mindestens 3.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            a = cronbach_alpha(x)
            o = omega_total(x)
    except ValueError as exc:
        return _not_estimable(f"Not estimable: {exc}.", f"Nicht schätzbar: {exc}.")
    notes = []
    if o.heywood:
        notes.append("Heywood case in the one-factor model; omega is not trustworthy")
    return {
        "estimable": True, "alpha": a.statistic, "std_alpha": a.std_alpha, "omega": o.statistic,
        "n_obs": a.n_obs,
        "items": [
            {"id": i, "item_rest": float(r), "alpha_if_deleted": float(ad)}
            for i, r, ad in zip(ids, a.item_rest, a.alpha_if_deleted)
        ],
        "notes": notes,
    }


def _cfa(scores: RespondentScores) -> dict:
    ids = scores.perception_item_ids
    if min(len(i) for i in ids) < 3:
        return _not_estimable(
            "This form has fewer than 3 perception items per dimension; the three-factor model needs at least 3.",
            "Dieses Formular hat weniger als 3 Wahrnehmungsfragen je Dimension; das Drei-Faktoren-Modell braucht mindestens 3.",
        )
    x = np.column_stack(scores.perception_items)
    names = [i for grp in ids for i in grp]
    model = {d: list(grp) for d, grp in zip(scores.dimensions, ids)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = cfa(x, model, names=names)
    except ValueError as exc:
        return _not_estimable(f"Not estimable: {exc}.", f"Nicht schätzbar: {exc}.")
    out = {"estimable": True}
    for key in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
                "srmr", "n_obs", "converged", "problems", "loadings", "factor_correlations"):
        out[key] = _plain(getattr(res, key))
    out["acceptable"] = fit_acceptable(res.cfi, res.rmsea, res.srmr)
    return out


# ------------------------------------------------------------------ role and tenure

def _category_codes(values: np.ndarray | None, keys: tuple) -> np.ndarray | None:
    if values is None or not keys:
        return None
    codes = np.full(values.shape[0], -1, dtype=np.intp)
    for i, key in enumerate(keys):  # a handful of categories
        codes[values == key] = i
    return codes


def _subgroups(P, cat, keys, teams: Groups, plans, team_unit, k, alpha, min_effect, correction,
               role: bool):
    """Released organization-level rows by role (gaps) or tenure band, per dimension.

    ``plans`` holds, per dimension, the suppression of the hierarchy for that
    dimension's answers and why the organization's figure is hidden (None: shown).
    """
    C = len(keys)
    per_dim = []
    for j in range(3):  # loop over dimensions only
        hs, org_reason = plans[j]
        if org_reason is not None:  # the organization's figure itself is not shown
            continue
        answered = ~np.isnan(P[:, j])
        piece_of_team = hierarchy_pieces(hs, team_unit)
        n_pieces = piece_of_team.shape[0] + hs.unit_visible.shape[0] + 1
        piece = piece_of_team[teams.codes]
        comb = np.where(answered & (cat >= 0), piece * C + cat, -1)
        pc = np.bincount(comb[comb >= 0], minlength=n_pieces * C).reshape(n_pieces, C)
        pt = np.bincount(piece[answered], minlength=n_pieces)
        shown = subgroup_cells(pc, pt, k=k)
        n, s, ss = subgroup_moments(P[:, [j]] - 50.0, cat, C)
        mean, var = moments(n, s, ss)
        per_dim.append((j, shown, n[:, 0], mean[:, 0] + 50.0, var[:, 0]))
    rows = []
    if role:
        for j, shown, n, mean, var in per_dim:
            if shown.all():
                t = two_sample(n[0], mean[0], var[0], n[1], mean[1], var[1])
                rows.append({
                    "level": "organization", "group": None, "dimension": DIMENSIONS[j],
                    "lead": float(mean[0]), "member": float(mean[1]),
                    "gap": float(t.difference), "n_lead": int(n[0]), "n_member": int(n[1]),
                    "d": float(t.d), "pvalue": float(t.pvalue),
                })
        padj = adjust_pvalues(np.array([r["pvalue"] for r in rows], dtype=float), method=correction)
        for r, p in zip(rows, padj.tolist()):
            r["p_adjusted"] = p
            r["significant"] = bool(p < alpha and abs(r["d"]) >= min_effect)
    else:
        for j, shown, n, mean, var in per_dim:
            for c in np.flatnonzero(shown).tolist():
                rows.append({
                    "level": "organization", "group": None, "dimension": DIMENSIONS[j],
                    "band": keys[c], "n": int(n[c]), "score": float(mean[c]),
                })
    return rows


# ----------------------------------------------------------------------------- diagnose

def _check_options(k, comment_k, acknowledge, correction, alpha, min_effect, confidence):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not _MIN_K <= k <= _MAX_K:
        raise ValueError(f"min_group_size: must be an integer from {_MIN_K} to {_MAX_K}, got {k!r}")
    if k < _SAFE_K and not acknowledge:
        raise ValueError(
            f"min_group_size: {k} is below {_SAFE_K}; pass acknowledge_small_groups=True to accept "
            "the higher risk of re-identification"
        )
    if isinstance(comment_k, bool) or not isinstance(comment_k, (int, np.integer)) or comment_k < k:
        raise ValueError(
            f"comment_min_group_size: must be an integer >= min_group_size ({k}), got {comment_k!r}"
        )
    if correction not in ("holm", "bh"):
        raise ValueError(f"correction: must be 'holm' or 'bh', got {correction!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    if not min_effect >= 0:
        raise ValueError(f"min_effect: must be >= 0, got {min_effect!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must lie in (0, 1), got {confidence!r}")


def _team_units(data: ResponseData, teams: Groups):
    units = data.units
    if units is None:
        return None, None
    first = np.zeros(teams.n_groups, dtype=np.intp)
    first[teams.codes] = np.arange(data.n)  # any row of the team; units agree within a team
    return units, units.codes[first]


def _table(level, labels, parent, f, visible, reason, cells, flags, misc, k, comments, n_teams):
    """Mask every figure that is not released and build a :class:`GroupTable`."""
    vis_dim = np.column_stack([c[0] for c in cells["dims"]])          # (G, 3)
    why_dim = np.column_stack([c[1] for c in cells["dims"]])
    vis_s = np.column_stack([c[0] for c in cells["structure"]]) & vis_dim
    why_s = np.column_stack([c[1] for c in cells["structure"]])
    vis_mc, vis_out = cells["mc"][0], cells["out"][0]
    dims = {}
    for name in DIM_FIELDS:
        src = f["n_p"] if name == "n" else f[name]
        shown = vis_s if name in STRUCTURE_FIELDS or name in BOTH_FIELDS else vis_dim
        dims[name] = _ro(np.where(shown, src, np.nan))
    typology = np.where(vis_s.all(axis=1), f["typology"], None)
    mc = np.where(vis_mc[:, None], f["misconception"], np.nan)
    return GroupTable(
        level=level, labels=tuple(labels), parent=parent, dimensions=DIMENSIONS,
        misconceptions=misc["misconceptions"],
        suppressed=_ro(~visible), suppression_reason=_ro(reason),
        n=_ro(np.where(visible, f["n_all"], np.nan)),
        n_teams=None if n_teams is None else _ro(n_teams),
        dims=MappingProxyType(dims),
        cell_reason=_ro(np.where(visible[:, None], why_dim, None)),
        structure_reason=_ro(np.where(vis_dim & ~vis_s, why_s, None)),
        level_=_ro(np.where(vis_s, f["level"], 0)), finding=_ro(np.where(vis_s, f["finding"], None)),
        likely_finding=_ro(np.where(vis_s, f["likely_finding"], None)),
        agreement=_ro(np.where(vis_dim, f.get("agreement", np.full(vis_dim.shape, None, dtype=object)), None)),
        vs_rest_flagged=_ro(flags[0] & vis_dim), structure_vs_rest_flagged=_ro(flags[1] & vis_s),
        typology=_ro(typology),
        typology_probability=_ro(np.where(vis_s.all(axis=1), f["typology_probability"], np.nan)),
        outcome=_ro(np.where(vis_out, f["outcome"], np.nan)),
        misconception=_ro(mc),
        misconception_vs_organization=_ro(mc - misc["org_misconception"][None, :]),
        comments=tuple(tuple(c) for c in comments), k=k,
    )


def _visible(cells) -> tuple:
    """Shown dimensions and shown structure indices, each (G, 3)."""
    vis_dim = np.column_stack([c[0] for c in cells["dims"]])
    return vis_dim, vis_dim & np.column_stack([c[0] for c in cells["structure"]])


def _vs_rest(f, labels, vis_dim, vis_s, correction, alpha, min_effect, teams=None):
    """Each group vs the rest on perception and structure: teams from their members'
    sums; units (``teams`` = the team figures and each team's unit) at team level, with
    team means as the units of analysis (:func:`analysis.compare.compare_units_with_rest`)."""
    kw = dict(center=50.0, labels=labels,
              variables=[f"{d}_{m}" for m in ("perception", "structure") for d in DIMENSIONS],
              include=np.column_stack([vis_dim, vis_s]), correction=correction, alpha=alpha,
              min_effect=min_effect)
    if teams is None:
        res = compare_with_rest(*f["sums"], **kw)
    else:
        res = compare_units_with_rest(*teams[0]["sums"], teams[1], n_units=len(labels), **kw)
    f["vs_rest_difference"] = res.test.difference[:, :3]
    f["vs_rest_d"] = res.test.d[:, :3]
    f["vs_rest_p_adjusted"] = res.p_adjusted[:, :3]
    f["structure_vs_rest_difference"] = res.test.difference[:, 3:]
    f["structure_vs_rest_d"] = res.test.d[:, 3:]
    f["structure_vs_rest_p_adjusted"] = res.p_adjusted[:, 3:]
    return res.flagged[:, :3], res.flagged[:, 3:]


def diagnose(data: ResponseData, questionnaire=None, *, min_group_size: int = 5,
             comment_min_group_size: int = 10, acknowledge_small_groups: bool = False,
             correction: str = "holm", alpha: float = 0.05, min_effect: float = 0.5,
             confidence: float = 0.95, interim: bool = False, language=None) -> Diagnosis:
    """Diagnose aligned autonomy from survey responses (DESIGN §3 items 1–9).

    Parameters
    ----------
    data : ResponseData
        Validated responses (:meth:`ResponseData.from_columns` or
        :func:`analysis.csv_input.read_responses_csv`).
    questionnaire : Questionnaire or str, optional
        Must be the instrument of ``data`` (same id and items) if given; defaults to
        ``data.questionnaire``. Its ``thresholds`` drive levels, findings and typology.
    min_group_size : int
        ``k``: no figure is released for fewer than ``k`` respondents (3–50; below 5
        only with ``acknowledge_small_groups=True``).
    comment_min_group_size : int
        Comments are released only for groups of at least this size (>= ``k``).
    acknowledge_small_groups : bool
        Explicit acknowledgement required for ``min_group_size < 5``.
    correction : {'holm', 'bh'}
        Multiple-comparison correction for team/unit-vs-rest differences and role gaps.
    alpha : float
        Level for the adjusted p-values.
    min_effect : float
        Smallest Cohen's d that counts as a difference that matters.
    confidence : float
        Level of the confidence intervals of group scores.
    interim : bool
        An interim release while the campaign runs (:mod:`analysis.release`): role
        and tenure breakdowns and comments are withheld, since they cut across the
        teams' release batches; they come with the final results.
    language : array_like of str, shape (n,), optional
        The language each response was given in ("" where not recorded): measurement
        invariance across languages (:func:`analysis.invariance.perception_invariance`),
        not in an interim release.

    Returns
    -------
    Diagnosis
        Released figures only; ``to_dict()`` gives the JSON layout documented in
        ``docs/methodology.md``.

    Raises
    ------
    ValueError
        Invalid options, or a questionnaire that does not match ``data``.
    TypeError
        ``data`` is not a :class:`ResponseData`.
    """
    if not isinstance(data, ResponseData):
        raise TypeError(f"data: must be a ResponseData, got {type(data).__name__}")
    q = data.questionnaire
    if questionnaire is not None:
        other = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
        if other.id != q.id or tuple(i.id for i in other.items) != tuple(i.id for i in q.items):
            raise ValueError(
                f"questionnaire: {other.id!r} does not match the questionnaire of the data ({q.id!r})"
            )
        q = other
    k = min_group_size
    _check_options(k, comment_min_group_size, acknowledge_small_groups, correction, alpha,
                   min_effect, confidence)
    th = q.thresholds
    scores = score_responses(data)
    teams = data.teams
    units, team_unit = _team_units(data, teams)
    U = units.n_groups if units is not None else 0

    # -- unsuppressed figures (internal only); units and organization are sums of teams
    M = len(scores.misconceptions)
    t_sums = _team_sums(scores, teams)
    ft = _group_figures(t_sums, teams.counts, M, confidence)
    divided = _agreement(ft, data, scores, teams, th)
    team_icc = [icc(scores.perception[:, j], teams) for j in range(3)]
    structure_icc = [icc(scores.structure[:, j], teams) for j in range(3)]
    _verdicts(ft, _posteriors(ft, scores, teams.codes, teams.n_groups, shrink=True), th, divided=divided)
    fu = None
    if units is not None:
        fu = _group_figures(tuple(grouped_sums(a, team_unit, U) for a in t_sums), units.counts, M,
                            confidence)
        _posteriors(fu, scores, units.codes, U, shrink=True)  # shrunken unit scores, for display
        _verdicts(fu, _posteriors(fu, scores, units.codes, U, shrink=False), th)
    fo = _group_figures(tuple(a.sum(axis=0, keepdims=True) for a in t_sums), [data.n], M, confidence)
    _verdicts(fo, _posteriors(fo, scores, np.zeros(data.n, np.intp), 1, shrink=False), th)

    # -- suppression plan (counts only)
    hs = suppress_hierarchy(teams.counts, team_unit, k=k, n_units=U)

    def plan(key, cols=None, within=None):
        """Suppression of one figure from the answers behind it (every column must obey
        the rules: e.g. perception and visibility answers of one dimension); ``within``
        is the plan of the figure this one belongs to (hidden there, hidden here)."""
        cnt = ft[key] if cols is None else ft[key][:, cols]
        tot = fo[key] if cols is None else fo[key][:, cols]
        outer, outer_reason = within if within is not None else (hs, hs.org_reason)
        r = suppress_hierarchy(cnt.astype(np.int64).reshape(teams.n_groups, -1), team_unit, k=k,
                               n_units=U, team_hidden=~outer.team_visible, unit_hidden=~outer.unit_visible)
        lowest = float(np.min(tot, initial=k))
        reason = None if lowest >= k else (NO_DATA if lowest == 0 else PRIMARY)
        return r, (reason if hs.org_visible and outer_reason is None else (outer_reason or hs.org_reason))

    dim_plans = [plan("n_pv", [j, 3 + j]) for j in range(3)]
    structure_plans = [plan("n_s", [j], within=dim_plans[j]) for j in range(3)]
    mc_plan = plan("n_mc")
    out_plan = plan("n_out")

    def cells_for(level):
        def pick(p):
            r, org_reason = p
            if level == "team":
                return r.team_visible, r.team_reason
            if level == "unit":
                return r.unit_visible, r.unit_reason
            return np.array([org_reason is None]), np.array([org_reason], dtype=object)
        return {"dims": [pick(p) for p in dim_plans], "structure": [pick(p) for p in structure_plans],
                "mc": pick(mc_plan), "out": pick(out_plan)}

    cells_t, cells_o = cells_for("team"), cells_for("organization")
    cells_u = cells_for("unit") if units is not None else None
    # -- comparisons
    flags_t = _vs_rest(ft, teams.labels, *_visible(cells_t), correction, alpha, min_effect)
    flags_u = None
    if units is not None:
        flags_u = _vs_rest(fu, units.labels, *_visible(cells_u), correction, alpha, min_effect,
                           teams=(ft, team_unit))
    no_flags = (np.zeros((1, 3), bool), np.zeros((1, 3), bool))

    # -- comments
    released = release_comments(
        data.comments, team_labels=teams.labels, team_n=teams.counts, team_visible=hs.team_visible,
        team_unit=team_unit, unit_labels=units.labels if units is not None else (),
        unit_visible=hs.unit_visible if units is not None else None, comment_k=comment_min_group_size,
    )
    if not hs.org_visible or interim:
        released = {"teams": {}, "units": {}, "organization": [], "withheld": len(data.comments)}

    # -- tables (masking happens here)
    org_mc_share = np.where(mc_plan[1] is None, fo["misconception"][0], np.nan)
    misc = {"misconceptions": scores.misconceptions, "org_misconception": org_mc_share}
    t_table = _table(
        "team", teams.labels, tuple(np.asarray(units.labels, dtype=object)[team_unit]) if units is not None else None,
        ft, hs.team_visible, hs.team_reason, cells_t, flags_t, misc, k,
        [released["teams"].get(t, ()) for t in teams.labels], None,
    )
    u_table = None
    if units is not None:
        n_teams = np.bincount(team_unit, minlength=U)
        u_table = _table("unit", units.labels, None, fu, hs.unit_visible, hs.unit_reason, cells_u,
                         flags_u, misc, k, [released["units"].get(u, ()) for u in units.labels], n_teams)
    o_table = _table("organization", ("",), None, fo, np.array([hs.org_visible]),
                     np.array([hs.org_reason], dtype=object), cells_o, no_flags, misc, k, [()], None)

    # -- organization-level statistics (released only when the organization is)
    names = {d: q.dimensions[d]["name"] for d in DIMENSIONS}
    org_rec = o_table.records()[0]
    dims = {}
    for j, d in enumerate(DIMENSIONS):
        entry = {"name": names[d]}
        if hs.org_visible:
            rel = _reliability(scores, j)
            ti, si = team_icc[j], structure_icc[j]
            entry.update(
                alpha=rel.get("alpha"), omega=rel.get("omega"), reliability=rel,
                icc1=ti.icc1, icc2=ti.icc2, icc_f=ti.f, icc_pvalue=ti.pvalue,
                icc1_n0=ti.icc1_n0, icc1_ci_low=ti.icc1_ci_low, icc1_ci_high=ti.icc1_ci_high,
                icc2_ci_low=ti.icc2_ci_low, icc2_ci_high=ti.icc2_ci_high,
                icc_reading=icc_reading(ti.icc1, ti.icc2, names[d], result=ti),
                structure_icc1=si.icc1, structure_icc2=si.icc2,
                structure_icc1_ci_low=si.icc1_ci_low, structure_icc1_ci_high=si.icc1_ci_high,
                structure_icc_reading=icc_reading(si.icc1, si.icc2, names[d], measure="structure", result=si),
            )
            cell = org_rec.get("dimensions", {}).get(d, {})
            for key in ("n", "score", "ci_low", "ci_high", "n_structure", "structure", "structure_ci_low",
                        "structure_ci_high", "visibility", "visibility_ci_low", "visibility_ci_high",
                        "combined", "level", "finding", "finding_probability", "structure_suppressed"):
                entry[key] = cell.get(key)
        dims[d] = entry
    dims = _plain(dims)
    not_shown = _not_estimable(f"fewer than {k} responses", f"weniger als {k} Antworten")
    cfa_block = _cfa(scores) if hs.org_visible else not_shown

    # -- role gaps and tenure bands (organization level)
    role_rows, tenure_rows = [], []
    rc = _category_codes(data.role, ("lead", "member"))
    if rc is not None and not interim:
        role_rows = _subgroups(scores.perception, rc, ("lead", "member"), teams, dim_plans,
                               team_unit, k, alpha, min_effect, correction, role=True)
    tenure_item = [i for i in q.items_of("background") if i.background == "tenure"]
    tenure_keys = tuple(o.key for o in tenure_item[0].options) if tenure_item else ()
    tc = _category_codes(data.tenure, tenure_keys)
    if tc is not None and not interim:
        tenure_rows = _subgroups(scores.perception, tc, tenure_keys, teams, dim_plans,
                                 team_unit, k, alpha, min_effect, correction, role=False)

    # -- differences that matter (released cells only), largest effect first
    parts = []
    for lname, table in (("team", t_table), ("unit", u_table)):
        if table is None:
            continue
        for measure, flags, prefix in (("perception", table.vs_rest_flagged, "vs_rest"),
                                       ("structure", table.structure_vs_rest_flagged, "structure_vs_rest")):
            g_idx, j_idx = np.nonzero(flags)
            parts.append((lname, table.labels, measure, g_idx, j_idx,
                          table.dims[f"{prefix}_difference"][g_idx, j_idx],
                          table.dims[f"{prefix}_d"][g_idx, j_idx],
                          table.dims[f"{prefix}_p_adjusted"][g_idx, j_idx]))
    differences = []
    if parts:
        level = np.concatenate([np.full(p[3].size, p[0] == "unit") for p in parts])
        label = np.concatenate([np.asarray(p[1], dtype=object)[p[3]] for p in parts]).astype(str)
        measure = np.concatenate([np.full(p[3].size, p[2]) for p in parts])
        dim = np.concatenate([p[4] for p in parts])
        diff, dd, pv = (np.concatenate([p[i] for p in parts]) for i in (5, 6, 7))
        order = np.lexsort((measure, dim, label, level, -np.abs(np.round(dd, 3))))
        for lv, lb, ms, j, df_, d_, p_ in zip(
            level[order].tolist(), label[order].tolist(), measure[order].tolist(),
            dim[order].tolist(), _out(diff[order], 2), _out(dd[order], 3), _out(pv[order], 6),
        ):
            differences.append({
                "level": "unit" if lv else "team", "group": lb, "dimension": DIMENSIONS[j],
                "measure": ms, "difference": df_, "d": d_, "p_adjusted": p_,
                "direction": "higher" if df_ > 0 else "lower",
            })

    # -- drivers
    drivers = _drivers(scores, q, names, teams) if hs.org_visible else {"estimable": False, **not_shown}

    priority = _priority(data, q, teams, units, team_unit, t_table, u_table, k)
    findings = key_findings(
        dimensions=dims, dim_names=names, organization=org_rec, teams=t_table,
        differences=differences, role_gaps=_plain(role_rows), drivers=drivers,
        misconception_names=q.misconceptions, k=k, confidence=confidence,
    )
    return Diagnosis(
        questionnaire=_freeze({"id": q.id, "version": q.version, "title": dict(q.title),
                               "misconceptions": {m: dict(t) for m, t in q.misconceptions.items()}}),
        n_respondents=data.n if hs.org_visible else None,
        settings=_freeze({"min_group_size": k, "comment_min_group_size": comment_min_group_size,
                          "correction": correction, "alpha": alpha, "min_effect": min_effect,
                          "confidence": confidence, "interim": bool(interim)}),
        dimensions=_freeze(dims), cfa=_freeze(_plain(cfa_block)),
        organization=o_table, units=u_table, teams=t_table,
        role_gaps=_freeze(_plain(role_rows)), tenure=_freeze(_plain(tenure_rows)),
        differences=tuple(MappingProxyType(r) for r in differences), drivers=_freeze(_plain(drivers)),
        findings=_freeze(findings),
        comments=_freeze({"organization": list(released["organization"]),
                          "withheld": released["withheld"]}),
        priority=priority,
        invariance=_language_invariance(data, language, k) if hs.org_visible and not interim else None,
        items=item_results(data, min_group_size=k, questionnaire=q, hierarchy=hs),
    )


def _language_invariance(data: ResponseData, language, k: int):
    """Invariance across response languages; None when no language was recorded. The
    groups' sizes are shown only when no answer set lacks a language or at least ``k``
    do (otherwise that small remainder would follow by subtraction)."""
    if language is None:
        return None
    lang = np.asarray(language, dtype=object)
    known = np.array([isinstance(v, str) and v != "" for v in lang.tolist()], bool)
    if not known.any():
        return None
    res = perception_invariance(data, np.where(known, lang, "")).to_dict()
    rest = int((~known).sum())
    if not res["estimable"] or 0 < rest < k:
        res["n"] = None
    return _freeze({"language": res})


def _priority(data: ResponseData, q: Questionnaire, teams: Groups, units, team_unit, t_table, u_table, k):
    """Consensus on the top priority, hidden wherever the team or unit table is."""
    item = q.priority_item
    if item is None or item.options is None or item.id not in data.item_ids:
        return None
    res = priority_consensus(
        data.column(item.id), teams.codes, n_priorities=len(item.options), team_labels=list(teams.labels),
        team_unit=team_unit, unit_labels=list(units.labels) if units is not None else (), k=k,
        team_hidden=t_table.suppressed, unit_hidden=u_table.suppressed if u_table is not None else None)
    return _freeze({"item": item.id, "priorities": [dict(o.label) for o in item.options], **res.to_dict()})


def _drivers(scores: RespondentScores, q: Questionnaire, names: dict, teams: Groups) -> dict:
    out = {"outcome": q.items_of("outcome")[0].id if q.items_of("outcome") else None,
           "method": "relative_weights"}
    if out["outcome"] is None:
        return {**out, **_not_estimable("The form has no outcome item.", "Das Formular hat keine Ergebnisfrage.")}
    y = scores.outcome
    blocks = {
        "dimensions": (
            np.column_stack([scores.perception, scores.structure]),
            [f"{d}_perception" for d in DIMENSIONS] + [f"{d}_structure" for d in DIMENSIONS],
            [{"en": f"{names[d]['en']} (perception)", "de": f"{names[d]['de']} (Wahrnehmung)"} for d in DIMENSIONS]
            + [{"en": f"{names[d]['en']} (structure)", "de": f"{names[d]['de']} (Struktur)"} for d in DIMENSIONS],
        ),
        "structure_items": (
            scores.structure_items, list(scores.structure_item_ids),
            [dict(q.item(i).text) for i in scores.structure_item_ids],
        ),
    }
    for key, (X, ids, labels) in blocks.items():
        try:
            res = bootstrap_relative_weights(X, y, teams, names=ids).to_dict()
        except ValueError as exc:
            out[key] = _not_estimable(f"Not estimable: {exc}.", f"Nicht schätzbar: {exc}.")
            continue
        lab = dict(zip(ids, labels))
        for p in res["predictors"]:
            p["label"] = lab[p["name"]]
        out[key] = {"estimable": True, **res}
    return out
