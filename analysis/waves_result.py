"""The result of :func:`analysis.waves.compare_waves`: :class:`WaveChange` (one group, dimension
and measure between two waves) and :class:`WaveComparison` (all changes, the trend and the
JSON layout).

Part of :mod:`analysis.waves`; import the public names from there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.frozen import plain as _plain
from analysis.privacy import reason_text

__all__ = ["MEASURES", "LEVELS", "WaveChange", "WaveComparison"]


#: Measures compared per dimension.
MEASURES = ("score", "structure")
#: Group levels, in output order.
LEVELS = ("organization", "unit", "team")
_CI = {"score": ("score", "ci_low", "ci_high"), "structure": ("structure", "structure_ci_low", "structure_ci_high")}
_CHANGES = ("improved", "declined", "no_reliable_change")


def _r(x: float | None, decimals: int = 4) -> float | None:
    if x is None:
        return None
    v = float(x)
    return round(v, decimals) if math.isfinite(v) else None


def _texts(
    code: str | None, before: str | None, after: str | None, labels: tuple[str, str], ks: tuple[int, int]
) -> dict[str, Any] | None:
    if code is None:
        return None
    if code == "not_comparable":
        return {
            "en": "not comparable between the questionnaires of the two waves",
            "de": "zwischen den Fragebögen der beiden Wellen nicht vergleichbar",
        }
    if code == "no_interval":
        return {
            "en": "no confidence interval in one of the waves, so change cannot be judged",
            "de": "in einer der Wellen gibt es kein Konfidenzintervall; die Veränderung ist nicht beurteilbar",
        }
    parts_en, parts_de = [], []
    for which, why, label, k in (("before", before, labels[0], ks[0]), ("after", after, labels[1], ks[1])):
        if why is None:
            continue
        t = reason_text(why, k) or {"en": why, "de": why}
        parts_en.append(f"not released in {label} ({t['en']})")
        parts_de.append(f"in {label} nicht freigegeben ({t['de']})")
    return {"en": "; ".join(parts_en), "de": "; ".join(parts_de)}


@dataclass(frozen=True, eq=False)
class WaveChange:
    """Change of one group, dimension and measure between two waves.

    Attributes
    ----------
    from_wave, to_wave : str
        Wave labels.
    span : {'step', 'overall'}
        Consecutive waves, or first to last (three or more waves).
    level : {'organization', 'unit', 'team'}
    group : str
        The group's label in the later wave (``"+"``-joined when several; ``""`` for
        the organization).
    groups_before, groups_after : tuple of str
        The groups compared on each side.
    match : {'same', 'renamed', 'split', 'merged', 'restructured'}
    dimension : str
    measure : {'score', 'structure'}
    available : bool
        False when no change is reported (see ``reason``).
    reason : str or None
        ``not_released_before``, ``not_released_after``, ``not_released_both``,
        ``not_comparable`` or ``no_interval``.
    reason_before, reason_after : str or None
        The suppression reason of the wave (``fewer_than_k``, ``complementary``,
        ``no_data``) when the group was not released there.
    before, after, se_before, se_after : float or None
        Means and standard errors of the two waves.
    n_before, n_after : int or None
        Answers to the dimension (released ``n``) of the groups compared.
    difference, se, df, critical, ci_low, ci_high : float or None
        :math:`\\Delta`, :math:`SE_\\Delta`, Welch–Satterthwaite :math:`\\nu`,
        :math:`t_{1-\\alpha/2,\\nu}` and the interval of :math:`\\Delta`.
    reliable, meaningful : bool or None
        ``p_adjusted < alpha`` (the change is beyond noise after the correction over
        all cells of the comparison); :math:`|\\Delta| \\ge` ``min_change``.
    change : {'improved', 'declined', 'no_reliable_change'} or None
        ``improved`` / ``declined`` when reliable and meaningful.
    pvalue : float or None
        Two-sided p-value of the change: the larger of Welch's (:math:`\\Delta /
        SE_\\Delta` under :math:`t_\\nu`) and the pooled-variance t test's (see the
        module docstring).
    p_adjusted : float or None
        Benjamini–Hochberg adjusted p-value (q-value) over all available cells of this
        comparison (every level, group, dimension and measure of the two waves); Holm's
        with ``correction='holm'``.
    """

    from_wave: str
    to_wave: str
    span: str
    level: str
    group: str
    groups_before: tuple[Any, ...]
    groups_after: tuple[Any, ...]
    match: str
    dimension: str
    measure: str
    available: bool
    reason: str | None
    reason_before: str | None
    reason_after: str | None
    before: float | None
    after: float | None
    se_before: float | None
    se_after: float | None
    n_before: int | None
    n_after: int | None
    difference: float | None
    se: float | None
    df: float | None
    critical: float | None
    ci_low: float | None
    ci_high: float | None
    reliable: bool | None
    meaningful: bool | None
    change: str | None
    pvalue: float | None = None
    p_adjusted: float | None = None
    _k: tuple[Any, ...] = (5, 5)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; 0–100 figures rounded to 4 decimals, ``critical`` and the p-values to 6."""
        return {
            "from_wave": self.from_wave,
            "to_wave": self.to_wave,
            "span": self.span,
            "level": self.level,
            "group": self.group,
            "groups_before": list(self.groups_before),
            "groups_after": list(self.groups_after),
            "match": self.match,
            "dimension": self.dimension,
            "measure": self.measure,
            "available": self.available,
            "reason": self.reason,
            "reason_before": self.reason_before,
            "reason_after": self.reason_after,
            "reason_text": _texts(
                self.reason, self.reason_before, self.reason_after, (self.from_wave, self.to_wave), self._k
            ),
            "before": _r(self.before),
            "after": _r(self.after),
            "se_before": _r(self.se_before),
            "se_after": _r(self.se_after),
            "n_before": self.n_before,
            "n_after": self.n_after,
            "difference": _r(self.difference),
            "se": _r(self.se),
            "df": _r(self.df, 2),
            "critical": _r(self.critical, 6),
            "ci_low": _r(self.ci_low),
            "ci_high": _r(self.ci_high),
            "reliable": self.reliable,
            "meaningful": self.meaningful,
            "change": self.change,
            "pvalue": _r(self.pvalue, 6),
            "p_adjusted": _r(self.p_adjusted, 6),
        }


@dataclass(frozen=True, eq=False)
class WaveComparison:
    """Result of :func:`compare_waves`.

    Attributes
    ----------
    labels : tuple of str
        Wave labels, chronological.
    questionnaires : tuple of mapping
        ``{"id", "version"}`` per wave.
    comparable_on : tuple of str
        Measures compared between *all* waves (``("score", "structure")`` or
        ``("score",)``).
    note : mapping or None
        en/de note when some waves compare on scores only.
    settings : mapping
        ``{"min_change", "confidence", "alpha"}`` (numbers).
    matching : tuple of mapping
        Per span and level (unit, team): ``{"from_wave", "to_wave", "span", "level",
        "components": [{"before", "after", "match"}], "ended", "new"}``.
    changes : tuple of WaveChange
        Steps in order, then first → last; within a span by level, group, dimension,
        measure.
    correction : {'bh', 'holm'}
        The adjustment of the p-values over the cells of a comparison.
    structure_n : {'answers', 'respondents'}
        The :math:`n` behind the structure index's standard errors: the released
        structure answers (``n_structure``) of every wave, or, where a wave does not
        release them, the groups' respondents (an upper bound).
    trend : tuple of mapping
        With three or more waves: one row per group lineage (a chain of same/renamed
        matches), dimension and measure, with the released value per wave and the
        change status of every step (see :meth:`to_dict`).
    """

    labels: tuple[Any, ...]
    questionnaires: tuple[Any, ...]
    comparable_on: tuple[Any, ...]
    note: Mapping[str, Any] | None
    settings: Mapping[str, Any]
    matching: tuple[Any, ...]
    changes: tuple[Any, ...]
    trend: tuple[Any, ...]
    correction: str = "bh"
    structure_n: str = "answers"

    def select(
        self,
        *,
        span: str | None = None,
        level: str | None = None,
        group: str | None = None,
        dimension: str | None = None,
        measure: str | None = None,
        from_wave: str | None = None,
        to_wave: str | None = None,
    ) -> tuple[WaveChange, ...]:
        """The changes matching every given field."""
        want = {
            "span": span,
            "level": level,
            "group": group,
            "dimension": dimension,
            "measure": measure,
            "from_wave": from_wave,
            "to_wave": to_wave,
        }
        want = {k: v for k, v in want.items() if v is not None}
        return tuple(c for c in self.changes if all(getattr(c, k) == v for k, v in want.items()))

    def change(
        self,
        level: str,
        group: str,
        dimension: str,
        measure: str = "score",
        *,
        from_wave: str | None = None,
        to_wave: str | None = None,
    ) -> WaveChange:
        """One change (default: the first step, or the span given); ``KeyError`` if absent."""
        from_wave = self.labels[0] if from_wave is None else from_wave
        to_wave = self.labels[1] if to_wave is None else to_wave
        found = self.select(
            level=level, group=group, dimension=dimension, measure=measure, from_wave=from_wave, to_wave=to_wave
        )
        if not found:
            raise KeyError((level, group, dimension, measure, from_wave, to_wave))
        return found[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; ``json.dumps(..., sort_keys=True)`` is deterministic:
        ``{"labels", "questionnaires", "comparable_on", "note", "settings", "correction",
        "structure_n", "matching", "changes": [WaveChange.to_dict()], "trend": [{"level",
        "group", "labels",
        "dimension", "measure", "values": [{"wave", "group", "value", "ci_low",
        "ci_high", "n", "released", "reason"}], "steps": [change or None],
        "overall": change or None}]}``."""
        return {
            "labels": list(self.labels),
            "questionnaires": [dict(q) for q in self.questionnaires],
            "comparable_on": list(self.comparable_on),
            "note": dict(self.note) if self.note else None,
            "settings": dict(self.settings),
            "correction": self.correction,
            "structure_n": self.structure_n,
            "matching": [_plain(m) for m in self.matching],
            "changes": [c.to_dict() for c in self.changes],
            "trend": [_plain(t) for t in self.trend],
        }
