r"""Waves: change between campaigns of the same organization (``docs/methodology.md`` §16).

:func:`compare_waves` compares the released results (:class:`Diagnosis`) of two or more
campaigns of one organization, in chronological order: per dimension the perception
score and the structure index of the organization, of every unit and every team,
between consecutive waves and from the first to the last wave, and a trend table over
three or more waves. It works from *released* figures only — means, confidence
intervals and counts that each diagnosis already shows — so it cannot reveal a
suppressed group.

Standard errors from released intervals
    The engine releases, for a group of :math:`n` answers, the t interval
    :math:`\bar y \pm t_{1-\alpha/2,\,n-1}\,s/\sqrt n`, clipped to 0–100. The standard
    error is recovered as

    .. math:: SE = \frac{h}{t_{1-\alpha/2,\,n-1}}, \qquad
              h = \max(\bar y - \text{ci\_low},\ \text{ci\_high} - \bar y),

    i.e. :math:`SE = (\text{ci\_high} - \text{ci\_low})/(2 t)` for an unclipped interval,
    using the larger half-width so that clipping at 0 or 100 does not shrink it (for
    large :math:`n`, :math:`t \to z`). Each measure uses its own :math:`n`: the
    perception score the released number of perception answers (``n``), the structure
    index the released number of structure answers (``n_structure``). Where a diagnosis
    does not release ``n_structure``, the group's number of respondents is used, an upper
    bound of the structure answers, so :math:`t_{n-1}` is not above the true quantile and
    the standard error is not understated (exact when everyone answered the structure
    items; the comparison's ``structure_n`` says which was used). (Earlier versions took the
    perception answers for the structure index too: too small a standard error where
    fewer members answered the perception items.)

Change and its interval
    With the means :math:`\bar y_1, \bar y_2` and standard errors :math:`SE_1, SE_2` of
    two waves, :math:`\Delta = \bar y_2 - \bar y_1`,
    :math:`SE_\Delta = \sqrt{SE_1^2 + SE_2^2}` and the interval
    :math:`\Delta \pm t_{1-\alpha/2,\,\nu}\,SE_\Delta` with Welch–Satterthwaite degrees of
    freedom :math:`\nu = (\sum_i v_i)^2 / \sum_i v_i^2/\nu_i` over the variance terms
    :math:`v_i = SE_i^2` (:math:`\nu_i = n_i - 1`).

    *Independence assumption*: the two waves are treated as independent samples. The
    survey is anonymous, so the same person's answers cannot be paired across waves;
    where the same people answer both waves and their answers correlate positively, the
    true :math:`SE_\Delta` is smaller, so the criterion below is conservative.

Reliable change (Jacobson & Truax 1991, adapted to group means), controlled over a comparison
    Every cell (level × group × dimension × measure) of a comparison of two waves gets
    the two-sided p-value of its reliable change index :math:`RC = \Delta/SE_\Delta`
    under :math:`t_\nu` (Jacobson & Truax use the standard error of the difference of
    two scores, here of two group means, with the t quantile for small groups) —
    more precisely the larger of two p-values of the cell, Welch's (above) and the
    pooled-variance t test's (:math:`s_p^2 = [(n_1 - 1)s_1^2 + (n_2 - 1)s_2^2]/(n_1 + n_2 - 2)`
    with :math:`s_i^2 = n_i SE_i^2`, :math:`n_1 + n_2 - 2` degrees of freedom), as for
    units (``docs/methodology.md`` §9). With a handful of answers per team, one wave's
    spread can be small by accident (five members giving the same answer), which makes
    Welch's test liberal in its far tail — the tail that decides after a correction over
    hundreds of cells; the pooled test is exact when nothing changed but liberal when the
    spread changed; the larger p-value keeps the level whenever either does. Each cell
    uses only its own two waves' figures.

    A comparison holds hundreds of cells (120 teams × 3 dimensions × 2 measures, plus
    units and the organization), so a per-cell test at 5 % would flag about 5 % of them
    when nothing changed. The p-values of **all** available cells of the comparison are
    therefore adjusted together by Benjamini & Hochberg (1995) (``p_adjusted``, the
    q-value; Holm's method with ``correction='holm'``). A change is reported as
    ``improved`` / ``declined`` only when it is both

    * *reliable*: ``p_adjusted < alpha`` with :math:`\alpha = 1 - \text{confidence}`, and
    * *meaningful*: :math:`|\Delta| \ge` ``min_change`` points on the 0–100 scale,

    otherwise ``no_reliable_change``, so that noise is not reported as progress. Under no
    change at all every flag is false, and the share of comparisons with one (the
    family-wise error rate, then equal to the false discovery rate) is below
    :math:`\alpha`: measured in ``docs/methodology.md`` §16 with 120 teams, against about
    27 flagged cells in every comparison by a per-cell test. Cells of one comparison are
    positively dependent (a unit's change contains its teams' changes), the case in
    which the Benjamini–Hochberg procedure keeps its guarantee (Benjamini & Yekutieli
    2001). The interval :math:`\Delta \pm t_{1-\alpha/2,\nu}\,SE_\Delta`
    (``ci_low``, ``ci_high``) is Welch's per-cell interval; it is not adjusted.

Teams across waves
    Teams (and units) are matched by id. ``team_map`` (``unit_map``) declares what
    changed: ``{"old": "new"}`` a rename, ``{"old": ["new1", "new2"]}`` a split,
    ``{"a": "ab", "b": "ab"}`` or ``{("a", "b"): "ab"}`` a merge. The declared and
    same-id links form a bipartite graph between the earlier and the later wave; each
    connected component is one comparison:

    * one team on each side — ``same`` or ``renamed``: compared directly;
    * ``split`` (1 → several), ``merged`` (several → 1) or ``restructured`` (several →
      several): compared *at the merged level* — on each side the answer-weighted
      mean of its teams, :math:`\bar y = \sum_g w_g \bar y_g` with
      :math:`w_g = n_g / \sum_h n_h` (:math:`n_g` the team's released number of answers
      to the dimension, so the merged perception score equals the score of the pooled
      answers) and :math:`SE^2 = \sum_g w_g^2 SE_g^2` (a stratified mean) — never part
      against part;
    * teams without a counterpart are listed as ``ended`` / ``new``.

    A single mapping applies at every step where its key is a team of the earlier wave;
    a sequence of mappings (one per step) applies step by step. From the first to the
    last wave the steps' links are composed.

Anonymity
    A change is computed only when every group of the comparison is released (and the
    dimension's cell is shown) in *both* waves; otherwise the row carries the reason
    (``not_released_before`` / ``not_released_after`` / ``not_released_both``, with the
    suppression reasons of the waves). Every figure used is already released by its
    wave, and every derived figure is a function of released figures only.

Comparability
    Waves must use comparable questionnaires (same dimension ids; the same questionnaire,
    or the pulse and the full form of one family, see
    :func:`analysis.benchmark.comparable_measures`). Between the pulse and the full form
    only the perception score is compared (the structure items differ); those rows say
    ``not_comparable`` and the result carries a note.

References
----------
.. [1] Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical
   approach to defining meaningful change in psychotherapy research. *Journal of
   Consulting and Clinical Psychology*, 59(1), 12–19.
.. [2] Welch, B. L. (1947). The generalization of "Student's" problem when several
   different population variances are involved. *Biometrika*, 34(1–2), 28–35.
.. [3] Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
   components. *Biometrics Bulletin*, 2(6), 110–114.
.. [4] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley, ch. 5 (stratified
   means).
.. [5] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: A
   practical and powerful approach to multiple testing. *Journal of the Royal
   Statistical Society B*, 57(1), 289–300.
.. [6] Benjamini, Y., & Yekutieli, D. (2001). The control of the false discovery rate in
   multiple testing under dependency. *The Annals of Statistics*, 29(4), 1165–1188.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy import special

from analysis.benchmark import _compatibility, _SCORES_NOTE
from analysis.benchmark_pool import _qkey
from analysis.benchmark_schema import _FULL
from analysis.compare import CORRECTIONS, adjust_pvalues
from analysis.diagnosis import Diagnosis, GroupTable
from analysis.frozen import freeze as _freeze
from analysis.waves_result import (  # noqa: F401 (re-exported: the import path of callers)
    LEVELS,
    MEASURES,
    WaveChange,
    WaveComparison,
    _CI,
    _r,
)
from analysis.waves_match import _components, _normalize_map, _succ
from analysis.arrays import FloatArray, IntArray, ObjectArray

#: Matched groups of two waves: the labels before, the labels after, and how they match.
_Component = tuple[tuple[str, ...], tuple[str, ...], str]
#: None as a 0-d object array: the "no reason" of numpy comparisons over reason arrays.
_NONE = np.array(None, dtype=object)

__all__ = ["MEASURES", "LEVELS", "WaveChange", "WaveComparison", "compare_waves"]


# ------------------------------------------------------------------ figures per wave


@dataclass(frozen=True, eq=False)
class _Level:
    """Released figures of one level of one wave, ready for comparison."""

    labels: tuple[str, ...]
    index: dict[str, int]
    weight: dict[str, FloatArray]  # measure -> answers (NaN if not released), shape (G, D)
    group_reason: ObjectArray  # object (G,)
    cell_reason: dict[str, ObjectArray]  # measure -> why the cell is blank, object (G, D)
    value: dict[str, FloatArray]  # measure -> (G, D)
    low: dict[str, FloatArray]  # measure -> (G, D), released interval
    high: dict[str, FloatArray]  # measure -> (G, D)
    se: dict[str, FloatArray]  # measure -> (G, D)
    df: dict[str, FloatArray]  # measure -> (G, D)
    structure_n: str  # "answers" or "respondents" (see _level)


def _level(table: GroupTable | None, confidence: float, dims: tuple[Any, ...]) -> _Level | None:
    """Means, intervals, answer counts and standard errors of one level of one wave.

    Each measure uses its own number of answers: the perception score the released
    ``n`` (answers to the dimension's perception items), the structure index the
    released ``n_structure`` (answers to its structure items). A diagnosis that does not
    release ``n_structure`` gives the group's number of respondents instead, an upper
    bound of the structure answers: then :math:`t_{n-1}` is not above the true quantile,
    so the standard error is not understated (exact when every respondent answered the
    structure items). The structure index of a shown dimension can be blank on its own
    (``structure_reason``, e.g. too few members with a known answer).
    """
    if table is None:
        return None
    col = [table.dimensions.index(d) for d in dims]
    hidden = np.asarray(table.suppressed, bool)[:, None]
    counts = {"score": np.asarray(table.dims["n"], float)[:, col]}
    if "n_structure" in table.dims:
        counts["structure"] = np.asarray(table.dims["n_structure"], float)[:, col]
        basis = "answers"
    else:
        counts["structure"] = np.repeat(np.asarray(table.n, float)[:, None], len(col), axis=1)
        basis = "respondents"
    value: dict[str, FloatArray] = {}
    low: dict[str, FloatArray] = {}
    high: dict[str, FloatArray] = {}
    se: dict[str, FloatArray] = {}
    df: dict[str, FloatArray] = {}
    weight: dict[str, FloatArray] = {}
    for m, (v, lo, hi) in _CI.items():
        df[m] = counts[m] - 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            tcrit = np.where(df[m] > 0, special.stdtrit(np.maximum(df[m], 1.0), 0.5 + confidence / 2.0), np.nan)
        y = np.asarray(table.dims[v], float)[:, col]
        low[m] = np.asarray(table.dims[lo], float)[:, col]
        high[m] = np.asarray(table.dims[hi], float)[:, col]
        half = np.fmax(y - low[m], high[m] - y)
        with np.errstate(invalid="ignore", divide="ignore"):
            se[m] = half / tcrit
        value[m] = y
        weight[m] = np.where(hidden, np.nan, counts[m])
    cell = {"score": np.asarray(table.cell_reason, dtype=object)[:, col]}
    own = getattr(table, "structure_reason", None)
    if own is None:
        cell["structure"] = cell["score"]
    else:
        own = np.asarray(own, dtype=object)[:, col]
        cell["structure"] = np.where(np.equal(cell["score"], _NONE), own, cell["score"])
    return _Level(
        labels=tuple(table.labels),
        index={lab: i for i, lab in enumerate(table.labels)},
        weight=weight,
        group_reason=np.asarray(table.suppression_reason, dtype=object),
        cell_reason=cell,
        value=value,
        low=low,
        high=high,
        se=se,
        df=df,
        structure_n=basis,
    )


def _aggregate(lv: _Level, comp: IntArray, rows: IntArray, C: int, j: int, m: str) -> dict[str, Any]:
    """Merged figures of ``C`` comparisons on one side, vectorized over comparisons.

    ``rows[i]`` is a group of ``lv`` that belongs to comparison ``comp[i]``. Returns
    arrays of shape (C,): ``mean`` (answer-weighted), ``var`` (:math:`\\sum w_g^2 SE_g^2`),
    ``denom`` (:math:`\\sum v_g^2/\\nu_g`, for Satterthwaite), ``n``, ``reason`` (the first
    suppression reason of a member, or None) and ``interval`` (every member has an SE).
    """
    why = lv.group_reason[rows].copy()
    cell = lv.cell_reason[m][rows, j]
    none = np.equal(why, _NONE)
    why[none] = cell[none]
    y = lv.value[m][rows, j]
    why[np.equal(why, _NONE) & ~np.isfinite(y)] = "no_data"
    reason = np.full(C, None, dtype=object)
    hidden = np.flatnonzero(np.not_equal(why, _NONE))
    for i in hidden[::-1].tolist():  # suppressed members only; the first one wins
        reason[comp[i]] = why[i]
    ok = np.equal(why, _NONE)
    n = np.where(ok, lv.weight[m][rows, j], 0.0)
    W = np.bincount(comp, weights=n, minlength=C)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = n / W[comp]
        se = lv.se[m][rows, j]
        df = lv.df[m][rows, j]
        v = np.where(ok, w * w * se * se, 0.0)
        good = ~ok | (np.isfinite(v) & (df > 0))
        mean = np.bincount(comp, weights=np.where(ok, w * y, 0.0), minlength=C)
        var = np.bincount(comp, weights=np.where(good, v, 0.0), minlength=C)
        denom = np.bincount(comp, weights=np.where(good & ok, v * v / df, 0.0), minlength=C)
    interval = np.bincount(comp, weights=(~good).astype(float), minlength=C) == 0
    return {"mean": mean, "var": var, "denom": denom, "n": W, "reason": reason, "interval": interval}


# ---------------------------------------------------------------------------- engine


def _labels_of(level: _Level | None) -> set[str]:
    return set(level.labels) if level is not None else set()


def _check(
    diagnoses: Sequence[Diagnosis],
    labels: Sequence[str] | None,
    min_change: float,
    confidence: float,
    correction: str = "bh",
) -> tuple[str, ...]:
    if isinstance(diagnoses, (str, bytes, Mapping)) or not isinstance(diagnoses, Sequence):
        raise TypeError(f"diagnoses: must be a sequence of Diagnosis, got {type(diagnoses).__name__}")
    for i, d in enumerate(diagnoses):
        if not isinstance(d, Diagnosis):
            raise TypeError(f"diagnoses[{i}]: must be a Diagnosis, got {type(d).__name__}")
    if len(diagnoses) < 2:
        raise ValueError(f"diagnoses: need at least 2 waves, got {len(diagnoses)}")
    if labels is None:
        out = tuple(f"W{i + 1}" for i in range(len(diagnoses)))
    else:
        if isinstance(labels, str) or not isinstance(labels, Sequence):
            raise TypeError(f"labels: must be a sequence of str, got {type(labels).__name__}")
        out = tuple(labels)
        if len(out) != len(diagnoses):
            raise ValueError(f"labels: need one label per wave ({len(diagnoses)}), got {len(out)}")
        if not all(isinstance(x, str) and x for x in out) or len(set(out)) != len(out):
            raise ValueError(f"labels: must be distinct non-empty strings, got {list(out)!r}")
    if (
        isinstance(min_change, bool)
        or not isinstance(min_change, (int, float, np.integer, np.floating))
        or not math.isfinite(min_change)
        or not 0 <= min_change <= 100
    ):
        raise ValueError(f"min_change: must be a number from 0 to 100 (points on the 0-100 scale), got {min_change!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating)) or not 0 < confidence < 1:
        raise ValueError(f"confidence: must be between 0 and 1, got {confidence!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    return out


def compare_waves(
    diagnoses: Sequence[Diagnosis],
    *,
    labels: Sequence[str] | None = None,
    team_map: object = None,
    unit_map: object = None,
    min_change: float = 5.0,
    confidence: float = 0.95,
    correction: str = "bh",
) -> WaveComparison:
    r"""Change per dimension between campaigns of one organization, with reliable change.

    Parameters
    ----------
    diagnoses : sequence of Diagnosis
        Two or more waves of one organization, in chronological order.
    labels : sequence of str, optional
        Wave labels (default ``"W1"``, ``"W2"``, …).
    team_map : mapping or sequence of mappings, optional
        Declared team changes: ``{"old": "new"}`` (rename), ``{"old": ["a", "b"]}``
        (split), ``{"a": "ab", "b": "ab"}`` or ``{("a", "b"): "ab"}`` (merge). One
        mapping for every step, or one per step (``len(diagnoses) - 1``). Keys must be
        teams of an earlier wave, targets teams of a later wave.
    unit_map : mapping or sequence of mappings, optional
        The same for units.
    min_change : float
        Smallest change (points on the 0–100 scale) that counts as meaningful. The
        default 5 points is a fifth of a scale point on the 1–5 agreement scale
        (:math:`0.2 \times 25`).
    confidence : float
        Level of the change intervals; :math:`\alpha = 1 - \text{confidence}` is the level
        of the adjusted p-values.
    correction : {'bh', 'holm'}
        Adjustment of the p-values over all available cells of one comparison:
        Benjamini–Hochberg (default; false discovery rate) or Holm (family-wise error).

    Returns
    -------
    WaveComparison
        For every consecutive pair of waves (and first → last with three or more
        waves), level, matched group, dimension and measure: the change
        :math:`\Delta = \bar y_2 - \bar y_1`, :math:`SE_\Delta = \sqrt{SE_1^2 + SE_2^2}`
        (independent waves) with :math:`SE = h / t_{1-\alpha/2, n-1}` from each wave's
        released interval (its own number of answers per measure), its interval
        :math:`\Delta \pm t_{1-\alpha/2,\nu}\,SE_\Delta`, the two-sided ``pvalue`` (the
        larger of Welch's and the pooled-variance test's) and its ``p_adjusted`` over all
        available cells of the comparison, and ``change`` =
        ``improved`` / ``declined`` only when ``p_adjusted < alpha`` (reliable) and
        :math:`|\Delta| \ge` ``min_change`` (meaningful). ``settings`` holds
        ``min_change``, ``confidence`` and ``alpha``; ``correction`` and ``structure_n``
        (``"answers"`` or ``"respondents"``: the :math:`n` of the structure index's
        standard error, see the module docstring) are attributes of their own.

    Raises
    ------
    ValueError
        Fewer than two waves, incomparable questionnaires (named), an invalid option or
        mapping (named).
    TypeError
        Wrong argument types.

    References
    ----------
    .. [1] Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical
       approach to defining meaningful change in psychotherapy research. *Journal of
       Consulting and Clinical Psychology*, 59(1), 12–19.
    .. [2] Welch, B. L. (1947). *Biometrika*, 34(1–2), 28–35.
    .. [3] Benjamini, Y., & Hochberg, Y. (1995). *Journal of the Royal Statistical Society
       B*, 57(1), 289–300.
    """
    wave_labels = _check(diagnoses, labels, min_change, confidence, correction)
    W = len(diagnoses)
    keys = [_qkey(d.questionnaire["id"], d.questionnaire["version"], d.organization.dimensions) for d in diagnoses]

    def measures_between(i: int, j: int) -> tuple[str, ...]:
        level = _compatibility(keys[i], keys[j])
        if level is None:
            raise ValueError(
                f"diagnoses[{j}]: questionnaire {keys[j][0]!r} version {keys[j][1]} is not comparable with "
                f"{keys[i][0]!r} version {keys[i][1]} of diagnoses[{i}] (waves need the same dimension "
                f"ids and the same questionnaire or its pulse/full counterpart; versions of an instrument "
                f"that share no dimension scored from identical items are not compared, see "
                f"analysis.instrument.comparable_items)"
            )
        return MEASURES if level == _FULL else ("score",)

    pairs = [(i, i + 1, "step") for i in range(W - 1)] + ([(0, W - 1, "overall")] if W >= 3 else [])
    comparable = {(i, j): measures_between(i, j) for i, j, _ in pairs}
    for i in range(W):  # every pair must be comparable (trend table)
        for j in range(i + 1, W):
            comparable.setdefault((i, j), measures_between(i, j))
    all_measures = tuple(m for m in MEASURES if all(m in v for v in comparable.values()))
    note = MappingProxyType(dict(_SCORES_NOTE)) if len(all_measures) < len(MEASURES) else None

    dims = tuple(diagnoses[0].organization.dimensions)
    levels: list[dict[str, _Level | None]] = []
    for d in diagnoses:
        conf = float(d.settings.get("confidence", 0.95))
        levels.append(
            {
                "organization": _level(d.organization, conf, dims),
                "unit": _level(d.units, conf, dims),
                "team": _level(d.teams, conf, dims),
            }
        )
    ks = [int(d.settings.get("min_group_size", 5)) for d in diagnoses]
    maps: dict[str, list[dict[str, tuple[str, ...]]]] = {
        "team": _normalize_map(team_map, "team_map", W - 1, [_labels_of(lv["team"]) for lv in levels]),
        "unit": _normalize_map(unit_map, "unit_map", W - 1, [_labels_of(lv["unit"]) for lv in levels]),
        "organization": [{} for _ in range(W - 1)],
    }

    changes: list[WaveChange] = []
    matching: list[dict[str, Any]] = []
    comps_by_pair: dict[tuple[int, int, str], list[_Component]] = {}
    alpha = 1.0 - float(confidence)
    for i, j, span in pairs:
        meas = comparable[(i, j)]
        family: list[WaveChange] = []
        for lvname in LEVELS:
            lb, la = levels[i][lvname], levels[j][lvname]
            if lb is None or la is None:
                continue
            succ = _succ(lb.labels, maps[lvname][i:j])
            comps, ended, new = _components(lb.labels, la.labels, succ)
            comps_by_pair[(i, j, lvname)] = comps
            if lvname != "organization":
                matching.append(
                    {
                        "from_wave": wave_labels[i],
                        "to_wave": wave_labels[j],
                        "span": span,
                        "level": lvname,
                        "components": [{"before": list(b), "after": list(a), "match": m} for b, a, m in comps],
                        "ended": ended,
                        "new": new,
                    }
                )
            family.extend(
                _pair_changes(
                    lb,
                    la,
                    comps,
                    dims,
                    meas,
                    min_change,
                    confidence,
                    from_wave=wave_labels[i],
                    to_wave=wave_labels[j],
                    span=span,
                    level=lvname,
                    k=(ks[i], ks[j]),
                )
            )
        changes.extend(_verdicts(family, correction, alpha))
    trend = _trend(levels, comps_by_pair, changes, wave_labels, dims, keys, W) if W >= 3 else ()
    return WaveComparison(
        labels=wave_labels,
        questionnaires=tuple(MappingProxyType({"id": k[0], "version": k[1]}) for k in keys),
        comparable_on=all_measures,
        note=note,
        settings=MappingProxyType(
            {"min_change": float(min_change), "confidence": float(confidence), "alpha": round(alpha, 12)}
        ),
        matching=tuple(_freeze(m) for m in matching),
        changes=tuple(changes),
        trend=trend,
        correction=correction,
        structure_n="answers"
        if all(table.structure_n == "answers" for lv in levels for table in lv.values() if table is not None)
        else "respondents",
    )


def _pair_changes(
    lb: _Level,
    la: _Level,
    comps: list[_Component],
    dims: tuple[str, ...],
    meas: tuple[str, ...],
    min_change: float,
    confidence: float,
    *,
    k: tuple[int, int],
    **ident: str,
) -> list[WaveChange]:
    """All changes between two waves of one level, vectorized over the comparisons."""
    C = len(comps)
    if C == 0:
        return []
    sizes_b = [len(b) for b, _, _ in comps]
    sizes_a = [len(a) for _, a, _ in comps]
    cb = np.repeat(np.arange(C), sizes_b)
    ca = np.repeat(np.arange(C), sizes_a)
    rb = np.array([lb.index[x] for b, _, _ in comps for x in b], dtype=np.intp)
    ra = np.array([la.index[x] for _, a, _ in comps for x in a], dtype=np.intp)
    q = 0.5 + confidence / 2.0
    cols: dict[tuple[int, str], dict[str, list[Any]]] = {}
    for jd in range(len(dims)):
        for m in MEASURES:
            if m not in meas:
                continue
            sb = _aggregate(lb, cb, rb, C, jd, m)
            sa = _aggregate(la, ca, ra, C, jd, m)
            var = sb["var"] + sa["var"]
            denom = sb["denom"] + sa["denom"]
            with np.errstate(invalid="ignore", divide="ignore"):
                nu = np.where(denom > 0, var * var / denom, np.inf)
                crit = np.where(
                    np.isfinite(nu), special.stdtrit(np.where(np.isfinite(nu), nu, 1.0), q), special.ndtri(q)
                )
            se = np.sqrt(var)
            delta = sa["mean"] - sb["mean"]
            with np.errstate(invalid="ignore", divide="ignore"):
                t = np.abs(delta) / se
                p_w = np.where(
                    np.isfinite(nu), 2.0 * special.stdtr(np.where(np.isfinite(nu), nu, 1.0), -t), 2.0 * special.ndtr(-t)
                )
                # pooled-variance test on the same cell: s^2 = n SE^2 per wave
                n1, n2 = sb["n"], sa["n"]
                df_p = n1 + n2 - 2.0
                sp2 = ((n1 - 1.0) * n1 * sb["var"] + (n2 - 1.0) * n2 * sa["var"]) / df_p
                se_p = np.sqrt(sp2 * (1.0 / n1 + 1.0 / n2))
                p_p = 2.0 * special.stdtr(np.where(df_p > 0, df_p, 1.0), -np.abs(delta) / se_p)
                p_p = np.where((df_p > 0) & (se_p > 0), p_p, np.where(delta == 0, 1.0, 0.0))
            p_w = np.where(se > 0, p_w, np.where(delta == 0, 1.0, 0.0))
            pval = np.fmax(p_w, p_p)
            meaningful = np.abs(delta) >= min_change
            cols[(jd, m)] = {
                "before": sb["mean"].tolist(),
                "after": sa["mean"].tolist(),
                "se_before": np.sqrt(sb["var"]).tolist(),
                "se_after": np.sqrt(sa["var"]).tolist(),
                "n_before": sb["n"].tolist(),
                "n_after": sa["n"].tolist(),
                "reason_before": sb["reason"].tolist(),
                "reason_after": sa["reason"].tolist(),
                "interval": (sb["interval"] & sa["interval"]).tolist(),
                "difference": delta.tolist(),
                "se": se.tolist(),
                "df": nu.tolist(),
                "critical": crit.tolist(),
                "ci_low": (delta - crit * se).tolist(),
                "ci_high": (delta + crit * se).tolist(),
                "pvalue": pval.tolist(),
                "meaningful": meaningful.tolist(),
            }
    blank: dict[str, Any] = dict(
        before=None,
        after=None,
        se_before=None,
        se_after=None,
        n_before=None,
        n_after=None,
        difference=None,
        se=None,
        df=None,
        critical=None,
        ci_low=None,
        ci_high=None,
        reliable=None,
        meaningful=None,
        change=None,
        reason_before=None,
        reason_after=None,
    )
    out = []
    for c, (b_labels, a_labels, match) in enumerate(comps):
        who: dict[str, Any] = dict(
            ident, group="+".join(a_labels), groups_before=b_labels, groups_after=a_labels, match=match
        )
        for jd, dim in enumerate(dims):
            for m in MEASURES:
                col = cols.get((jd, m))
                if col is None:
                    out.append(
                        WaveChange(
                            **who, dimension=dim, measure=m, available=False, reason="not_comparable", _k=k, **blank
                        )
                    )
                    continue
                why_b, why_a = col["reason_before"][c], col["reason_after"][c]
                if why_b is not None or why_a is not None:
                    reason = (
                        "not_released_both"
                        if why_b and why_a
                        else "not_released_before"
                        if why_b
                        else "not_released_after"
                    )
                    out.append(
                        WaveChange(
                            **who,
                            dimension=dim,
                            measure=m,
                            available=False,
                            reason=reason,
                            _k=k,
                            **{**blank, "reason_before": why_b, "reason_after": why_a},
                        )
                    )
                    continue
                figs = {key: col[key][c] for key in ("before", "after", "se_before", "se_after")}
                figs.update(n_before=int(col["n_before"][c]), n_after=int(col["n_after"][c]))
                if not col["interval"][c]:
                    out.append(
                        WaveChange(
                            **who,
                            dimension=dim,
                            measure=m,
                            available=False,
                            reason="no_interval",
                            _k=k,
                            **{**blank, **figs, "se_before": None, "se_after": None},
                        )
                    )
                    continue
                out.append(
                    WaveChange(
                        **who,
                        dimension=dim,
                        measure=m,
                        available=True,
                        reason=None,
                        reason_before=None,
                        reason_after=None,
                        **figs,
                        difference=col["difference"][c],
                        se=col["se"][c],
                        df=col["df"][c],
                        critical=col["critical"][c],
                        ci_low=col["ci_low"][c],
                        ci_high=col["ci_high"][c],
                        reliable=None,
                        meaningful=col["meaningful"][c],
                        change=None,
                        pvalue=col["pvalue"][c],
                        _k=k,
                    )
                )
    return out


def _verdicts(changes: list[Any], correction: str, alpha: float) -> list[Any]:
    """Adjust the p-values of all available cells of one comparison (one family) and set
    ``reliable`` and ``change``: reliable when ``p_adjusted < alpha``; improved or
    declined when reliable and meaningful."""
    avail = [i for i, c in enumerate(changes) if c.available]
    if not avail:
        return changes
    q = adjust_pvalues(np.array([changes[i].pvalue for i in avail], dtype=float), method=correction)
    out = list(changes)
    for i, qi in zip(avail, q.tolist()):
        c = out[i]
        rel = bool(qi < alpha)
        change = ("improved" if c.difference > 0 else "declined") if rel and c.meaningful else "no_reliable_change"
        out[i] = replace(c, p_adjusted=qi, reliable=rel, change=change)
    return out


def _trend(
    levels: list[dict[str, _Level | None]],
    comps_by_pair: dict[tuple[int, int, str], list[_Component]],
    changes: list[WaveChange],
    labels: tuple[str, ...],
    dims: tuple[str, ...],
    keys: list[tuple[str, int, tuple[str, ...]]],
    W: int,
) -> tuple[Any, ...]:
    """Lineages of same/renamed matches across consecutive waves, with values per wave."""
    by_key = {(c.from_wave, c.to_wave, c.level, c.groups_after, c.dimension, c.measure): c for c in changes}
    rows = []
    for lvname in LEVELS:
        lvs = [table for table in (levels[w][lvname] for w in range(W)) if table is not None]
        if len(lvs) < W:
            continue
        nxt: list[dict[str, str]] = []
        has_prev: list[set[str]] = [set() for _ in range(W)]
        for i in range(W - 1):
            links = {b[0]: a[0] for b, a, m in comps_by_pair[(i, i + 1, lvname)] if m in ("same", "renamed")}
            nxt.append(links)
            has_prev[i + 1].update(links.values())
        chains = []
        for w in range(W):
            for lab in lvs[w].labels:
                if lab in has_prev[w]:
                    continue
                chain: list[str | None] = [None] * W
                chain[w] = lab
                cur = lab
                for i in range(w, W - 1):
                    successor = nxt[i].get(cur)
                    if successor is None:
                        break
                    cur = successor
                    chain[i + 1] = cur
                if sum(x is not None for x in chain) >= 2:
                    chains.append(chain)
        chains.sort(key=lambda c: ([x or "" for x in reversed(c)]))
        struct_ok = [_compatibility(keys[w], keys[-1]) == _FULL for w in range(W)]
        cells: dict[tuple[int, str, int], list[tuple[Any, ...]]] = {}

        def cell(w: int, m: str, jd: int) -> list[tuple[Any, ...]]:
            """Per group of wave ``w``: (value, ci_low, ci_high, n, reason), from arrays."""
            if (w, m, jd) not in cells:
                lv = lvs[w]
                why = lv.group_reason.copy()
                none = np.equal(why, _NONE)
                why[none] = lv.cell_reason[m][none, jd]
                y = lv.value[m][:, jd]
                why[np.equal(why, _NONE) & ~np.isfinite(y)] = "no_data"
                cells[(w, m, jd)] = list(
                    zip(
                        np.round(y, 4).tolist(),
                        np.round(lv.low[m][:, jd], 4).tolist(),
                        np.round(lv.high[m][:, jd], 4).tolist(),
                        np.nan_to_num(lv.weight[m][:, jd]).astype(np.int64).tolist(),
                        why.tolist(),
                    )
                )
            return cells[(w, m, jd)]

        for chain in chains:
            group = next(x for x in reversed(chain) if x is not None)
            for jd, dim in enumerate(dims):
                for m in MEASURES:
                    values = []
                    for w, member in enumerate(chain):
                        entry: dict[str, Any] = {
                            "wave": labels[w],
                            "group": member,
                            "value": None,
                            "ci_low": None,
                            "ci_high": None,
                            "n": None,
                            "released": False,
                            "reason": None,
                        }
                        if member is None:
                            entry["reason"] = "not_in_wave"
                        elif m == "structure" and not struct_ok[w]:
                            entry["reason"] = "not_comparable"
                        else:
                            y, lo, hi, n, why = cell(w, m, jd)[lvs[w].index[member]]
                            if why is None:
                                entry.update(value=y, released=True, n=n, ci_low=lo, ci_high=hi)
                            else:
                                entry["reason"] = why
                        values.append(entry)
                    steps = []
                    for i in range(W - 1):
                        c = (
                            by_key.get((labels[i], labels[i + 1], lvname, (chain[i + 1],), dim, m))
                            if chain[i] is not None and chain[i + 1] is not None
                            else None
                        )
                        steps.append(c.change if c is not None and c.available else None)
                    overall = None
                    if chain[0] is not None and chain[-1] is not None:
                        c = by_key.get((labels[0], labels[-1], lvname, (chain[-1],), dim, m))
                        if c is not None and c.available and c.groups_before == (chain[0],):
                            overall = {
                                "difference": _r(c.difference),
                                "ci_low": _r(c.ci_low),
                                "ci_high": _r(c.ci_high),
                                "change": c.change,
                            }
                    rows.append(
                        MappingProxyType(
                            {
                                "level": lvname,
                                "group": group,
                                "labels": tuple(chain),
                                "dimension": dim,
                                "measure": m,
                                "values": tuple(MappingProxyType(v) for v in values),
                                "steps": tuple(steps),
                                "overall": MappingProxyType(overall) if overall else None,
                            }
                        )
                    )
    return tuple(rows)
