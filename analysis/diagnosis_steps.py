"""The steps of :func:`analysis.diagnosis.diagnose`: group figures and posteriors, verdicts,
agreement, reliability and factor structure, subgroup comparisons, visibility (the
anonymity rules of :mod:`analysis.privacy`), language invariance, priorities and drivers.
Each step works on all groups at once.

Part of :mod:`analysis.diagnosis`.
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from collections.abc import Sequence
from typing import Any, TypedDict

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from analysis.acquiescence import acquiescence_fit
from analysis.agreement import ad_m, agreement_test, awg, ordinal_ranks, rwg_j
from analysis.dispersion import dispersion_test
from analysis.consensus import priority_consensus
from analysis.invariance import perception_invariance
from analysis.compare import (
    adjust_pvalues,
    compare_units_with_rest,
    compare_with_rest,
    moments,
    subgroup_moments,
    two_sample,
)
from analysis.drivers import bootstrap_relative_weights
from analysis.factor import cfa, fit_acceptable
from analysis.frozen import freeze as _freeze, plain as _plain
from analysis.groups import Groups
from analysis.instrument import DIMENSIONS, Questionnaire, Thresholds
from analysis.verdicts import (
    Posterior,
    decide_findings,
    decide_typology,
    finding_probabilities,
    group_posteriors,
    non_compensatory_level,
    presence_probability,
    team_posteriors,
    typology_probabilities,
)
from analysis.privacy import hierarchy_pieces, subgroup_cells
from analysis.reliability import cronbach_alpha, omega_total
from analysis.responses import ResponseData
from analysis.scoring import RespondentScores
from analysis.diagnosis_result import (
    BOTH_FIELDS,
    DIM_FIELDS,
    GroupTable,
    STRUCTURE_FIELDS,
    _MAX_K,
    _MIN_K,
    _SAFE_K,
    _ro,
)
from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray, StrArray
from analysis.privacy import HierarchySuppression

#: Per-group counts, sums and sums of squares of the score columns.
_Sums = tuple[FloatArray, FloatArray, FloatArray]
#: The suppression of one figure: the hierarchy's plan and why the organization's figure is hidden (None: shown).
Plan = tuple[HierarchySuppression, str | None]
#: Shown and why-hidden of one figure at one level.
Cell = tuple[BoolArray, ObjectArray]
#: None as a 0-d object array: the "no label" of numpy.where over label arrays.
_NONE = np.array(None, dtype=object)


class Cells(TypedDict):
    """The shown cells of one level: per dimension, its figures and its structure index;
    the misconceptions and the outcome."""

    dims: list[Cell]
    structure: list[Cell]
    mc: Cell
    out: Cell


# --------------------------------------------------------------------- group figures


def _ci(n: FloatArray, mean: FloatArray, var: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """t-based interval ``mean ± t(1 - (1 - confidence)/2, n - 1) · sd / sqrt(n)``, clipped to 0–100."""
    df, inv = np.unique(np.where(n > 1, n - 1, 0), return_inverse=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcrit = np.where(df > 0, special.stdtrit(np.maximum(df, 1), 0.5 + confidence / 2.0), np.nan)
        half = tcrit[inv.reshape(n.shape)] * np.sqrt(var / n)
    return np.clip(mean - half, 0, 100), np.clip(mean + half, 0, 100)


def _team_sums(scores: RespondentScores, teams: Groups) -> _Sums:
    """Per-team counts, sums and sums of squares of every score column (one pass).

    Columns: perception (3), structure (3), visibility (3), misconceptions (M),
    outcome (1), all centred at 50 for numerical accuracy. Units and the organization
    are sums of teams.
    """
    blocks = [
        subgroup_moments(b - 50.0, teams.codes, teams.n_groups)
        for b in (scores.perception, scores.structure, scores.visibility, scores.misconception, scores.outcome[:, None])
    ]
    n, s, ss = (np.hstack([b[i] for b in blocks]) for i in range(3))
    return n, s, ss


def _group_figures(sums: _Sums, n_respondents: ArrayLike, M: int, confidence: float) -> dict[str, Any]:
    """Unsuppressed figures of every group of one level (internal; never returned)."""
    n, s, ss = sums
    G = n.shape[0]
    mean, var = moments(n, s, ss)
    mean = mean + 50.0
    lo, hi = _ci(n, mean, var, confidence)
    f = {
        "n_all": np.asarray(n_respondents, dtype=float),
        "n_p": n[:, 0:3],
        "score": mean[:, 0:3],
        "ci_low": lo[:, 0:3],
        "ci_high": hi[:, 0:3],
        "n_s": n[:, 3:6],
        "n_structure": n[:, 3:6],
        "structure": mean[:, 3:6],
        "structure_ci_low": lo[:, 3:6],
        "structure_ci_high": hi[:, 3:6],
        "n_v": n[:, 6:9],
        "visibility": mean[:, 6:9],
        "visibility_ci_low": lo[:, 6:9],
        "visibility_ci_high": hi[:, 6:9],
        "n_pv": np.hstack([n[:, 0:3], n[:, 6:9]]),
        "n_mc": n[:, 9 : 9 + M] if M else np.zeros((G, 1)),
        "misconception": mean[:, 9 : 9 + M],
        "outcome": mean[:, 9 + M],
        "n_out": n[:, 9 + M],
        "sums": (n[:, :6], s[:, :6], ss[:, :6]),
    }
    for key in DIM_FIELDS:
        f.setdefault(key, np.full((G, 3), np.nan))
    return f


def _posteriors(
    f: dict[str, Any], scores: RespondentScores, codes: IntArray, n_groups: int, shrink: bool
) -> tuple[list[Posterior], list[Posterior]]:
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


def _verdicts(
    f: dict[str, Any],
    distributions: tuple[list[Posterior], list[Posterior]],
    th: Thresholds,
    *,
    divided: BoolArray | None = None,
) -> None:
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
    bands = (
        (th.findings.perception.low, th.findings.perception.high),
        (th.findings.structure.low, th.findings.structure.high),
    )
    for j, (point, post) in enumerate(zip(*distributions)):
        probs = finding_probabilities(post, *bands)
        label, prob, likely = decide_findings(
            probs,
            post.reliability,
            min_probability=v.min_probability,
            min_reliability=v.min_reliability,
            divided=None if divided is None else divided[:, j],
        )
        f["finding"][:, j], f["finding_probability"][:, j], f["likely_finding"][:, j] = label, prob, likely
        p_hat, s_hat = point.mean[:, 0], point.mean[:, 1]
        f["combined"][:, j] = np.where(np.isnan(p_hat) | np.isnan(s_hat), np.nan, np.minimum(p_hat, s_hat))
        f["level"][:, j] = non_compensatory_level(p_hat, s_hat, th.maturity.cuts)
        presence[:, j] = presence_probability(post, th.typology.present)
        reliable &= np.nan_to_num(post.reliability, nan=0.0).min(axis=1) >= v.min_reliability
    f["typology"], f["typology_probability"] = decide_typology(
        typology_probabilities(presence), reliable, min_probability=v.min_probability
    )


def _agreement(
    f: dict[str, Any], data: ResponseData, scores: RespondentScores, groups: Groups, th: Thresholds
) -> BoolArray:
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
                dont_know=[next((o.value for o in it.answer_options if o.dont_know), None) for it in team_items],
            )
            f["structure_rwg_j"][:, j] = agreement_test(
                ranks.ranks, groups, scale_points=ranks.scale_points, null="uniform", alpha=alpha
            ).rwg_j
        divided[:, j] = (
            (dispersion_test(scores.perception[:, j], groups, alpha=alpha / 2).divided == True)  # noqa: E712
            | (dispersion_test(scores.structure[:, j], groups, alpha=alpha / 2).divided == True)  # noqa: E712
        )
        f["agreement"][:, j] = np.where(
            divided[:, j],
            "divided",
            np.where(
                test.agrees == True,  # noqa: E712
                "shared",
                np.where(test.agrees == False, "chance", _NONE),  # noqa: E712
            ),
        )
    return divided


# ---------------------------------------------------------------------- psychometrics


def _not_estimable(en: str, de: str) -> dict[str, Any]:
    return {"estimable": False, "reason": {"en": en, "de": de}}


def _failed(exc: ValueError) -> dict[str, Any]:
    """Why a computation refused the answers, in words for the reader (the exception's
    own text names variables and is for the log, not the page)."""
    text = str(exc)
    if "constant" in text or "vary" in text or "singular" in text or "positive definite" in text:
        return _not_estimable(
            "Not estimable: some answers do not vary enough.", "Nicht schätzbar: Einige Antworten streuen zu wenig."
        )
    if "too few" in text or "complete" in text:
        return _not_estimable(
            "Not estimable: too few complete answer sets.", "Nicht schätzbar: zu wenige vollständige Antworten."
        )
    return _not_estimable("Not estimable from these answers.", "Aus diesen Antworten nicht schätzbar.")


def _reliability(scores: RespondentScores, d: int) -> dict[str, Any]:
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
        return _failed(exc)
    notes = []
    if o.heywood:
        notes.append("Heywood case in the one-factor model; omega is not trustworthy")
    return {
        "estimable": True,
        "alpha": a.statistic,
        "std_alpha": a.std_alpha,
        "omega": o.statistic,
        "n_obs": a.n_obs,
        "items": [
            {"id": i, "item_rest": float(r), "alpha_if_deleted": float(ad)}
            for i, r, ad in zip(ids, a.item_rest, a.alpha_if_deleted)
        ],
        "notes": notes,
    }


def _cfa(scores: RespondentScores, questionnaire: Questionnaire) -> dict[str, Any]:
    """The three-factor model's fit, and where it misses the bars and every dimension has
    reverse-keyed items, the fit with an acquiescence factor (docs/methodology.md §3):
    ``verdict`` is "fits",
    "fits_with_acquiescence" (only the model with the response style reaches the bars)
    or "misfits"."""
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
        return _failed(exc)
    out: dict[str, Any] = {"estimable": True}
    for key in (
        "chisq",
        "df",
        "pvalue",
        "cfi",
        "tli",
        "rmsea",
        "rmsea_ci_low",
        "rmsea_ci_high",
        "srmr",
        "n_obs",
        "converged",
        "problems",
        "loadings",
        "factor_correlations",
    ):
        out[key] = _plain(getattr(res, key))
    out["acceptable"] = fit_acceptable(res.cfi, res.rmsea, res.srmr)
    style = None
    if not out["acceptable"] and all(any(questionnaire.item(i).reverse for i in grp) for grp in ids):
        loadings = {i: -1.0 if questionnaire.item(i).reverse else 1.0 for i in names}
        try:
            with warnings.catch_warnings():  # a line search that gives up shows as not converged
                warnings.simplefilter("ignore", RuntimeWarning)
                style = acquiescence_fit(x, model, loadings, names=names, plain=res).to_dict()
        except ValueError:  # what the plain model could fit, this one can too; kept safe
            style = None
        out["acquiescence"] = style
    out["verdict"] = (
        "fits" if out["acceptable"] else "fits_with_acquiescence" if style and style["acceptable"] else "misfits"
    )
    return out


# ------------------------------------------------------------------ role and tenure


def _category_codes(values: StrArray | None, keys: tuple[str | None, ...]) -> IntArray | None:
    if values is None or not keys:
        return None
    codes = np.full(values.shape[0], -1, dtype=np.intp)
    for i, key in enumerate(keys):  # a handful of categories
        codes[values == key] = i
    return codes


def _subgroups(
    P: FloatArray,
    cat: IntArray,
    keys: tuple[str | None, ...],
    teams: Groups,
    plans: Sequence[Plan],
    team_unit: IntArray | None,
    k: int,
    alpha: float,
    min_effect: float,
    correction: str,
    role: bool,
) -> list[dict[str, Any]]:
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
    rows: list[dict[str, Any]] = []
    if role:
        for j, shown, n, mean, var in per_dim:
            if shown.all():
                t = two_sample(n[0], mean[0], var[0], n[1], mean[1], var[1])
                rows.append(
                    {
                        "level": "organization",
                        "group": None,
                        "dimension": DIMENSIONS[j],
                        "lead": float(mean[0]),
                        "member": float(mean[1]),
                        "gap": float(t.difference),
                        "n_lead": int(n[0]),
                        "n_member": int(n[1]),
                        "d": float(t.d),
                        "pvalue": float(t.pvalue),
                    }
                )
        padj = adjust_pvalues(np.array([r["pvalue"] for r in rows], dtype=float), method=correction)
        for r, p in zip(rows, padj.tolist()):
            r["p_adjusted"] = p
            r["significant"] = bool(p < alpha and abs(r["d"]) >= min_effect)
    else:
        for j, shown, n, mean, var in per_dim:
            for c in np.flatnonzero(shown).tolist():
                rows.append(
                    {
                        "level": "organization",
                        "group": None,
                        "dimension": DIMENSIONS[j],
                        "band": keys[c],
                        "n": int(n[c]),
                        "score": float(mean[c]),
                    }
                )
    return rows


# ----------------------------------------------------------------------------- diagnose


def _check_options(
    k: object,
    comment_k: object,
    acknowledge: bool,
    correction: str,
    alpha: float,
    min_effect: float,
    confidence: float,
) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not _MIN_K <= k <= _MAX_K:
        raise ValueError(f"min_group_size: must be an integer from {_MIN_K} to {_MAX_K}, got {k!r}")
    if k < _SAFE_K and not acknowledge:
        raise ValueError(
            f"min_group_size: {k} is below {_SAFE_K}; pass acknowledge_small_groups=True to accept "
            "the higher risk of re-identification"
        )
    if isinstance(comment_k, bool) or not isinstance(comment_k, (int, np.integer)) or comment_k < k:
        raise ValueError(f"comment_min_group_size: must be an integer >= min_group_size ({k}), got {comment_k!r}")
    if correction not in ("holm", "bh"):
        raise ValueError(f"correction: must be 'holm' or 'bh', got {correction!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    if not min_effect >= 0:
        raise ValueError(f"min_effect: must be >= 0, got {min_effect!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must lie in (0, 1), got {confidence!r}")


def _team_units(data: ResponseData, teams: Groups) -> tuple[Groups | None, IntArray | None]:
    units = data.units
    if units is None:
        return None, None
    first = np.zeros(teams.n_groups, dtype=np.intp)
    first[teams.codes] = np.arange(data.n)  # any row of the team; units agree within a team
    return units, units.codes[first]


def _table(
    level: str,
    labels: Sequence[str],
    parent: tuple[str, ...] | None,
    f: dict[str, Any],
    visible: BoolArray,
    reason: ObjectArray,
    cells: Cells,
    flags: tuple[BoolArray, BoolArray],
    misc: dict[str, Any],
    k: int,
    comments: Sequence[Sequence[Any]],
    n_teams: IntArray | None,
) -> GroupTable:
    """Mask every figure that is not released and build a :class:`GroupTable`."""
    vis_dim = np.column_stack([c[0] for c in cells["dims"]])  # (G, 3)
    why_dim = np.column_stack([c[1] for c in cells["dims"]])
    vis_s = np.column_stack([c[0] for c in cells["structure"]]) & vis_dim
    why_s = np.column_stack([c[1] for c in cells["structure"]])
    vis_mc, vis_out = cells["mc"][0], cells["out"][0]
    dims: dict[str, FloatArray] = {}
    for name in DIM_FIELDS:
        src = f["n_p"] if name == "n" else f[name]
        shown = vis_s if name in STRUCTURE_FIELDS or name in BOTH_FIELDS else vis_dim
        dims[name] = _ro(np.where(shown, src, np.nan))
    typology = np.where(vis_s.all(axis=1), f["typology"], _NONE)
    mc = np.where(vis_mc[:, None], f["misconception"], np.nan)
    return GroupTable(
        level=level,
        labels=tuple(labels),
        parent=parent,
        dimensions=DIMENSIONS,
        misconceptions=misc["misconceptions"],
        suppressed=_ro(~visible),
        suppression_reason=_ro(reason),
        n=_ro(np.where(visible, f["n_all"], np.nan)),
        n_teams=None if n_teams is None else _ro(n_teams),
        dims=MappingProxyType(dims),
        cell_reason=_ro(np.where(visible[:, None], why_dim, _NONE)),
        structure_reason=_ro(np.where(vis_dim & ~vis_s, why_s, _NONE)),
        level_=_ro(np.where(vis_s, f["level"], 0)),
        finding=_ro(np.where(vis_s, f["finding"], _NONE)),
        likely_finding=_ro(np.where(vis_s, f["likely_finding"], _NONE)),
        agreement=_ro(np.where(vis_dim, f.get("agreement", np.full(vis_dim.shape, None, dtype=object)), _NONE)),
        vs_rest_flagged=_ro(flags[0] & vis_dim),
        structure_vs_rest_flagged=_ro(flags[1] & vis_s),
        typology=_ro(typology),
        typology_probability=_ro(np.where(vis_s.all(axis=1), f["typology_probability"], np.nan)),
        outcome=_ro(np.where(vis_out, f["outcome"], np.nan)),
        misconception=_ro(mc),
        misconception_vs_organization=_ro(mc - misc["org_misconception"][None, :]),
        comments=tuple(tuple(c) for c in comments),
        k=k,
    )


def _visible(cells: Cells) -> tuple[BoolArray, BoolArray]:
    """Shown dimensions and shown structure indices, each (G, 3)."""
    vis_dim = np.column_stack([c[0] for c in cells["dims"]])
    return vis_dim, vis_dim & np.column_stack([c[0] for c in cells["structure"]])


def _vs_rest(
    f: dict[str, Any],
    labels: Sequence[str],
    vis_dim: BoolArray,
    vis_s: BoolArray,
    correction: str,
    alpha: float,
    min_effect: float,
    teams: tuple[dict[str, Any], IntArray] | None = None,
) -> tuple[BoolArray, BoolArray]:
    """Each group vs the rest on perception and structure: teams from their members'
    sums; units (``teams`` = the team figures and each team's unit) at team level, with
    team means as the units of analysis (:func:`analysis.compare.compare_units_with_rest`)."""
    variables = [f"{d}_{m}" for m in ("perception", "structure") for d in DIMENSIONS]
    include = np.column_stack([vis_dim, vis_s])
    if teams is None:
        n, s, ss = f["sums"]
        res = compare_with_rest(
            n,
            s,
            ss,
            center=50.0,
            labels=labels,
            variables=variables,
            include=include,
            correction=correction,
            alpha=alpha,
            min_effect=min_effect,
        )
    else:
        n, s, ss = teams[0]["sums"]
        res = compare_units_with_rest(
            n,
            s,
            ss,
            teams[1],
            n_units=len(labels),
            center=50.0,
            labels=labels,
            variables=variables,
            include=include,
            correction=correction,
            alpha=alpha,
            min_effect=min_effect,
        )
    f["vs_rest_difference"] = res.test.difference[:, :3]
    f["vs_rest_d"] = res.test.d[:, :3]
    f["vs_rest_p_adjusted"] = res.p_adjusted[:, :3]
    f["structure_vs_rest_difference"] = res.test.difference[:, 3:]
    f["structure_vs_rest_d"] = res.test.d[:, 3:]
    f["structure_vs_rest_p_adjusted"] = res.p_adjusted[:, 3:]
    return res.flagged[:, :3], res.flagged[:, 3:]


def _language_invariance(data: ResponseData, language: ArrayLike | None, k: int) -> MappingProxyType[str, Any] | None:
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
    frozen: MappingProxyType[str, Any] = _freeze({"language": res})
    return frozen


def _priority(
    data: ResponseData,
    q: Questionnaire,
    teams: Groups,
    units: Groups | None,
    team_unit: IntArray | None,
    t_table: GroupTable,
    u_table: GroupTable | None,
    k: int,
) -> MappingProxyType[str, Any] | None:
    """Consensus on the top priority, hidden wherever the team or unit table is."""
    item = q.priority_item
    if item is None or item.options is None or item.id not in data.item_ids:
        return None
    res = priority_consensus(
        data.column(item.id),
        teams.codes,
        n_priorities=len(item.options),
        team_labels=list(teams.labels),
        team_unit=team_unit,
        unit_labels=list(units.labels) if units is not None else (),
        k=k,
        team_hidden=t_table.suppressed,
        unit_hidden=u_table.suppressed if u_table is not None else None,
    )
    frozen: MappingProxyType[str, Any] = _freeze(
        {"item": item.id, "priorities": [dict(o.label) for o in item.options], **res.to_dict()}
    )
    return frozen


def _drivers(scores: RespondentScores, q: Questionnaire, names: dict[str, Any], teams: Groups) -> dict[str, Any]:
    out: dict[str, Any] = {
        "outcome": q.items_of("outcome")[0].id if q.items_of("outcome") else None,
        "method": "relative_weights",
    }
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
            scores.structure_items,
            list(scores.structure_item_ids),
            [dict(q.item(i).text) for i in scores.structure_item_ids],
        ),
    }
    for key, (X, ids, labels) in blocks.items():
        try:
            res = bootstrap_relative_weights(X, y, teams, names=ids).to_dict()
        except ValueError as exc:
            out[key] = _failed(exc)
            continue
        lab = dict(zip(ids, labels))
        for p in res["predictors"]:
            p["label"] = lab[p["name"]]
        out[key] = {"estimable": True, **res}
    return out
