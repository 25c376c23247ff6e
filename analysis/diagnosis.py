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

from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from analysis.compare import grouped_sums
from analysis.frozen import freeze as _freeze, plain as _plain
from analysis.icc import icc
from analysis.instrument import DIMENSIONS, Questionnaire, load_questionnaire
from analysis.items import item_results
from analysis.narrative import icc_reading, key_findings
from analysis.privacy import NO_DATA, PRIMARY, release_comments, suppress_hierarchy
from analysis.responses import ResponseData
from analysis.scoring import score_responses
from analysis.diagnosis_result import (  # noqa: F401 (re-exported: the import path of callers)
    DIM_FIELDS,
    JSON_FIELDS,
    Diagnosis,
    GroupTable,
    _out,
)
from analysis.diagnosis_steps import (
    Cell,
    Cells,
    Plan,
    _agreement,
    _category_codes,
    _cfa,
    _check_options,
    _drivers,
    _group_figures,
    _language_invariance,
    _not_estimable,
    _posteriors,
    _priority,
    _reliability,
    _subgroups,
    _table,
    _team_sums,
    _team_units,
    _verdicts,
    _visible,
    _vs_rest,
)

__all__ = ["Diagnosis", "GroupTable", "diagnose", "DIM_FIELDS", "JSON_FIELDS"]


def diagnose(
    data: ResponseData,
    questionnaire: Questionnaire | str | None = None,
    *,
    min_group_size: int = 5,
    comment_min_group_size: int = 10,
    acknowledge_small_groups: bool = False,
    correction: str = "holm",
    alpha: float = 0.05,
    min_effect: float = 0.5,
    confidence: float = 0.95,
    interim: bool = False,
    language: ArrayLike | None = None,
) -> Diagnosis:
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
            raise ValueError(f"questionnaire: {other.id!r} does not match the questionnaire of the data ({q.id!r})")
        q = other
    k = min_group_size
    _check_options(k, comment_min_group_size, acknowledge_small_groups, correction, alpha, min_effect, confidence)
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
        assert team_unit is not None  # set with the units
        n_u, s_u, ss_u = (grouped_sums(a, team_unit, U) for a in t_sums)
        fu = _group_figures((n_u, s_u, ss_u), units.counts, M, confidence)
        _posteriors(fu, scores, units.codes, U, shrink=True)  # shrunken unit scores, for display
        _verdicts(fu, _posteriors(fu, scores, units.codes, U, shrink=False), th)
    fo = _group_figures(tuple(a.sum(axis=0, keepdims=True) for a in t_sums), [data.n], M, confidence)
    _verdicts(fo, _posteriors(fo, scores, np.zeros(data.n, np.intp), 1, shrink=False), th)

    # -- suppression plan (counts only)
    hs = suppress_hierarchy(teams.counts, team_unit, k=k, n_units=U)

    def plan(key: str, cols: list[int] | None = None, within: Plan | None = None) -> Plan:
        """Suppression of one figure from the answers behind it (every column must obey
        the rules: e.g. perception and visibility answers of one dimension); ``within``
        is the plan of the figure this one belongs to (hidden there, hidden here)."""
        cnt = ft[key] if cols is None else ft[key][:, cols]
        tot = fo[key] if cols is None else fo[key][:, cols]
        outer, outer_reason = within if within is not None else (hs, hs.org_reason)
        r = suppress_hierarchy(
            cnt.astype(np.int64).reshape(teams.n_groups, -1),
            team_unit,
            k=k,
            n_units=U,
            team_hidden=~outer.team_visible,
            unit_hidden=~outer.unit_visible,
        )
        lowest = float(np.min(tot, initial=k))
        reason = None if lowest >= k else (NO_DATA if lowest == 0 else PRIMARY)
        return r, (reason if hs.org_visible and outer_reason is None else (outer_reason or hs.org_reason))

    dim_plans = [plan("n_pv", [j, 3 + j]) for j in range(3)]
    structure_plans = [plan("n_s", [j], within=dim_plans[j]) for j in range(3)]
    mc_plan = plan("n_mc")
    out_plan = plan("n_out")

    def cells_for(level: str) -> Cells:
        def pick(p: Plan) -> Cell:
            r, org_reason = p
            if level == "team":
                return r.team_visible, r.team_reason
            if level == "unit":
                return r.unit_visible, r.unit_reason
            return np.array([org_reason is None]), np.array([org_reason], dtype=object)

        return {
            "dims": [pick(p) for p in dim_plans],
            "structure": [pick(p) for p in structure_plans],
            "mc": pick(mc_plan),
            "out": pick(out_plan),
        }

    cells_t, cells_o = cells_for("team"), cells_for("organization")
    cells_u = cells_for("unit") if units is not None else None
    # -- comparisons
    flags_t = _vs_rest(ft, teams.labels, *_visible(cells_t), correction, alpha, min_effect)
    flags_u = None
    if units is not None:
        assert fu is not None and cells_u is not None and team_unit is not None  # set with the units
        flags_u = _vs_rest(fu, units.labels, *_visible(cells_u), correction, alpha, min_effect, teams=(ft, team_unit))
    no_flags = (np.zeros((1, 3), bool), np.zeros((1, 3), bool))

    # -- comments
    released = release_comments(
        data.comments,
        team_labels=teams.labels,
        team_n=teams.counts,
        team_visible=hs.team_visible,
        team_unit=team_unit,
        unit_labels=units.labels if units is not None else (),
        unit_visible=hs.unit_visible if units is not None else None,
        comment_k=comment_min_group_size,
    )
    if not hs.org_visible or interim:
        released = {"teams": {}, "units": {}, "organization": [], "withheld": len(data.comments)}

    # -- tables (masking happens here)
    org_mc_share = np.where(mc_plan[1] is None, fo["misconception"][0], np.nan)
    misc = {"misconceptions": scores.misconceptions, "org_misconception": org_mc_share}
    t_table = _table(
        "team",
        teams.labels,
        tuple(np.asarray(units.labels, dtype=object)[team_unit]) if units is not None else None,
        ft,
        hs.team_visible,
        hs.team_reason,
        cells_t,
        flags_t,
        misc,
        k,
        [released["teams"].get(t, ()) for t in teams.labels],
        None,
    )
    u_table = None
    if units is not None:
        assert fu is not None and cells_u is not None and flags_u is not None and team_unit is not None
        n_teams = np.bincount(team_unit, minlength=U)
        u_table = _table(
            "unit",
            units.labels,
            None,
            fu,
            hs.unit_visible,
            hs.unit_reason,
            cells_u,
            flags_u,
            misc,
            k,
            [released["units"].get(u, ()) for u in units.labels],
            n_teams,
        )
    o_table = _table(
        "organization",
        ("",),
        None,
        fo,
        np.array([hs.org_visible]),
        np.array([hs.org_reason], dtype=object),
        cells_o,
        no_flags,
        misc,
        k,
        [()],
        None,
    )

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
                alpha=rel.get("alpha"),
                omega=rel.get("omega"),
                reliability=rel,
                icc1=ti.icc1,
                icc2=ti.icc2,
                icc_f=ti.f,
                icc_pvalue=ti.pvalue,
                icc1_n0=ti.icc1_n0,
                icc1_ci_low=ti.icc1_ci_low,
                icc1_ci_high=ti.icc1_ci_high,
                icc2_ci_low=ti.icc2_ci_low,
                icc2_ci_high=ti.icc2_ci_high,
                icc_reading=icc_reading(ti.icc1, ti.icc2, names[d], result=ti),
                structure_icc1=si.icc1,
                structure_icc2=si.icc2,
                structure_icc1_ci_low=si.icc1_ci_low,
                structure_icc1_ci_high=si.icc1_ci_high,
                structure_icc_reading=icc_reading(si.icc1, si.icc2, names[d], measure="structure", result=si),
            )
            cell = org_rec.get("dimensions", {}).get(d, {})
            for key in (
                "n",
                "score",
                "ci_low",
                "ci_high",
                "n_structure",
                "structure",
                "structure_ci_low",
                "structure_ci_high",
                "visibility",
                "visibility_ci_low",
                "visibility_ci_high",
                "combined",
                "level",
                "finding",
                "finding_probability",
                "structure_suppressed",
            ):
                entry[key] = cell.get(key)
        dims[d] = entry
    dims = _plain(dims)
    not_shown = _not_estimable(f"fewer than {k} responses", f"weniger als {k} Antworten")
    cfa_block = _cfa(scores, data.questionnaire) if hs.org_visible else not_shown

    # -- role gaps and tenure bands (organization level)
    role_rows, tenure_rows = [], []
    rc = _category_codes(data.role, ("lead", "member"))
    if rc is not None and not interim:
        role_rows = _subgroups(
            scores.perception,
            rc,
            ("lead", "member"),
            teams,
            dim_plans,
            team_unit,
            k,
            alpha,
            min_effect,
            correction,
            role=True,
        )
    tenure_item = [i for i in q.items_of("background") if i.background == "tenure"]
    tenure_keys = tuple(o.key for o in tenure_item[0].answer_options) if tenure_item else ()
    tc = _category_codes(data.tenure, tenure_keys)
    if tc is not None and not interim:
        tenure_rows = _subgroups(
            scores.perception,
            tc,
            tenure_keys,
            teams,
            dim_plans,
            team_unit,
            k,
            alpha,
            min_effect,
            correction,
            role=False,
        )

    # -- differences that matter (released cells only), largest effect first
    parts = []
    for lname, table in (("team", t_table), ("unit", u_table)):
        if table is None:
            continue
        for measure, flags, prefix in (
            ("perception", table.vs_rest_flagged, "vs_rest"),
            ("structure", table.structure_vs_rest_flagged, "structure_vs_rest"),
        ):
            g_idx, j_idx = np.nonzero(flags)
            parts.append(
                (
                    lname,
                    table.labels,
                    measure,
                    g_idx,
                    j_idx,
                    table.dims[f"{prefix}_difference"][g_idx, j_idx],
                    table.dims[f"{prefix}_d"][g_idx, j_idx],
                    table.dims[f"{prefix}_p_adjusted"][g_idx, j_idx],
                )
            )
    differences = []
    if parts:
        level = np.concatenate([np.full(p[3].size, p[0] == "unit") for p in parts])
        label = np.concatenate([np.asarray(p[1], dtype=object)[p[3]] for p in parts]).astype(str)
        measures = np.concatenate([np.full(p[3].size, p[2]) for p in parts])
        dim = np.concatenate([p[4] for p in parts])
        diff, dd, pv = (np.concatenate([p[i] for p in parts]) for i in (5, 6, 7))
        order = np.lexsort((measures, dim, label, level, -np.abs(np.round(dd, 3))))
        for lv, lb, ms, j, df_, d_, p_ in zip(
            level[order].tolist(),
            label[order].tolist(),
            measures[order].tolist(),
            dim[order].tolist(),
            _out(diff[order], 2),
            _out(dd[order], 3),
            _out(pv[order], 6),
        ):
            differences.append(
                {
                    "level": "unit" if lv else "team",
                    "group": lb,
                    "dimension": DIMENSIONS[j],
                    "measure": ms,
                    "difference": df_,
                    "d": d_,
                    "p_adjusted": p_,
                    "direction": "higher" if df_ > 0 else "lower",
                }
            )

    # -- drivers
    drivers = _drivers(scores, q, names, teams) if hs.org_visible else {"estimable": False, **not_shown}

    priority = _priority(data, q, teams, units, team_unit, t_table, u_table, k)
    findings = key_findings(
        dimensions=dims,
        dim_names=names,
        organization=org_rec,
        teams=t_table,
        differences=differences,
        role_gaps=_plain(role_rows),
        drivers=drivers,
        misconception_names=q.misconceptions,
        k=k,
        confidence=confidence,
    )
    return Diagnosis(
        questionnaire=_freeze(
            {
                "id": q.id,
                "version": q.version,
                "title": dict(q.title),
                "misconceptions": {m: dict(t) for m, t in q.misconceptions.items()},
            }
        ),
        n_respondents=data.n if hs.org_visible else None,
        settings=_freeze(
            {
                "min_group_size": k,
                "comment_min_group_size": comment_min_group_size,
                "correction": correction,
                "alpha": alpha,
                "min_effect": min_effect,
                "confidence": confidence,
                "interim": bool(interim),
            }
        ),
        dimensions=_freeze(dims),
        cfa=_freeze(_plain(cfa_block)),
        organization=o_table,
        units=u_table,
        teams=t_table,
        role_gaps=_freeze(_plain(role_rows)),
        tenure=_freeze(_plain(tenure_rows)),
        differences=tuple(MappingProxyType(r) for r in differences),
        drivers=_freeze(_plain(drivers)),
        findings=_freeze(findings),
        comments=_freeze({"organization": list(released["organization"]), "withheld": released["withheld"]}),
        priority=priority,
        invariance=_language_invariance(data, language, k) if hs.org_visible and not interim else None,
        items=item_results(data, min_group_size=k, questionnaire=q, hierarchy=hs),
    )
