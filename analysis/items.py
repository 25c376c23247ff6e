r"""Question-level results: every item's mean, distribution and share favourable.

For the organization, every unit and every team, and for every answer item
(perception, structure, misconception, outcome):

* **n** — the members who answered the item ("don't know" counts as an answer);
* **distribution** — the share of those answers that chose each option, in the order of
  the item's options (shares of one cell add up to 1);
* **mean** — on an agreement scale the mean answer as given (1 … A, *before* reverse
  keying: what people ticked); on a structure item the mean option score (0–100) over
  the answers other than "don't know" (as the structure index, docs/methodology.md §2);
* **favourable** — the share of the answers that point the good way. Agreement items:
  after reverse keying :math:`x' = A + 1 - x`, an answer is favourable when
  :math:`x' \ge m` (``misconception_agree_min``, 4 = "agree" on five points); on a
  reverse-keyed item that is disagreeing. Misconception items: favourable is *not*
  holding the misconception, i.e. disagreeing, :math:`x' \le A + 1 - m` (1–2 of 5).
  Structure items: an option scored above 50 of 100; "don't know" is not favourable
  (it is a sign of missing structure).

Everything is computed from one count array *teams × items × options* (one
``np.bincount`` over the respondents × items matrix); units and the organization are
sums of their teams, so every figure of every level comes from the same counts.

Anonymity (docs/methodology.md §13): a group's item figures are shown only where the
group itself is released, and each item is one figure with its own suppression plan
(:func:`analysis.privacy.suppress_hierarchy` on the item's answer counts, starting from
the groups hidden at the respondent level): fewer than ``k`` answers hide the cell, and
complementary suppression hides further cells so that no hidden cell can be worked out
by subtracting released cells from a released parent. The structure mean has its own
nested plan over the answers other than "don't know".

References
----------
.. [1] Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
.. [2] Kraut, A. I. (Ed.) (2006). *Getting Action from Organizational Surveys*.
   Jossey-Bass (percent favourable as the item-level summary of attitude surveys).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from analysis.frozen import freeze, plain, without_gc
from analysis.groups import Groups
from analysis.instrument import Item, Questionnaire
from analysis.privacy import NO_DATA, PRIMARY, HierarchySuppression, _check_k, reason_text, suppress_hierarchy
from analysis.responses import ResponseData
from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray

_Array = TypeVar("_Array", bound="np.ndarray[Any, Any]")
#: None as a 0-d object array: the "no reason" of numpy.where over reason arrays.
_NONE = np.array(None, dtype=object)

__all__ = ["ITEM_KINDS", "ItemTable", "ItemResults", "option_counts", "item_figures", "item_results"]

#: Items with question-level results, in this order of kinds (file order within a kind).
ITEM_KINDS = ("perception", "structure", "misconception", "outcome")
#: Structure options scored above this (0–100) are favourable.
STRUCTURE_FAVOURABLE_ABOVE = 50.0


# ------------------------------------------------------------------ the questions


def _favourable_text(item: Item, agree_min: int, points: int | None) -> dict[str, Any]:
    """What "favourable" means for one item, in English and German."""
    if item.kind == "structure":
        return {
            "en": "an answer scored above 50 of 100; “don't know” is not favourable",
            "de": "eine Antwort mit mehr als 50 von 100 Punkten; „weiß ich nicht“ zählt nicht als günstig",
        }
    assert points is not None  # every item but a structure item has a scale of points
    low = f"1–{points - agree_min + 1}"
    high = f"{agree_min}–{points}"
    agree = {"en": f"agreeing ({high})", "de": f"Zustimmung ({high})"}
    disagree = {"en": f"disagreeing ({low})", "de": f"Ablehnung ({low})"}
    if item.kind == "misconception":
        side = agree if item.reverse else disagree
        return {
            "en": f"{side['en']}: not holding the misconception",
            "de": f"{side['de']}: das Missverständnis wird nicht geteilt",
        }
    if item.reverse:
        return {
            "en": f"{disagree['en']}: the item is reverse-keyed",
            "de": f"{disagree['de']}: die Frage ist umgekehrt gepolt",
        }
    return agree


def _questions(q: Questionnaire, item_ids: Sequence[str]) -> tuple[tuple[str, ...], IntArray]:
    """The items with question-level results, as (ids, column indices into the data)."""
    kinds = {it.id: it.kind for it in q.items}
    order = [i for kind in ITEM_KINDS for i in item_ids if kinds[i] == kind]
    return tuple(order), np.array([item_ids.index(i) for i in order], dtype=np.intp)


@dataclass(frozen=True, eq=False)
class _Design:
    """Per item and option (padded to the longest scale): value, weight in the mean
    (NaN: not part of it), favourable; and per item the question's description."""

    values: IntArray  # (I, O) option values, -1 = padding
    weight: FloatArray  # (I, O)
    favourable: BoolArray  # (I, O)
    questions: tuple[Any, ...]


def _design(q: Questionnaire, ids: Sequence[str]) -> _Design:
    agree_min = q.thresholds.misconception_agree_min
    O = max(len(q.item(i).answer_options) for i in ids)
    I = len(ids)
    values = np.full((I, O), -1, np.int64)
    weight = np.full((I, O), np.nan)
    fav = np.zeros((I, O), bool)
    questions = []
    for j, item_id in enumerate(ids):  # loop over the items of the form (a few dozen)
        item = q.item(item_id)
        opts = item.answer_options
        A = len(opts)
        v = np.array([o.value for o in opts])
        values[j, :A] = v
        if item.kind == "structure":
            score = np.array([np.nan if o.dont_know or o.score is None else o.score for o in opts], dtype=float)
            weight[j, :A] = score
            fav[j, :A] = np.nan_to_num(score, nan=0.0) > STRUCTURE_FAVOURABLE_ABOVE
            mean_range = (0, 100)
        else:
            weight[j, :A] = v
            keyed = A + 1 - v if item.reverse else v
            fav[j, :A] = keyed <= A + 1 - agree_min if item.kind == "misconception" else keyed >= agree_min
            mean_range = (1, A)
        questions.append(
            {
                "id": item.id,
                "kind": item.kind,
                "dimension": item.dimension,
                "misconception": item.misconception,
                "text": dict(item.text),
                "reverse": item.reverse,
                "mean_range": list(mean_range),
                "options": [
                    {"value": o.value, "label": dict(o.label), "dont_know": o.dont_know, "favourable": bool(f)}
                    for o, f in zip(opts, fav[j, :A].tolist())
                ],
                "favourable": _favourable_text(item, agree_min, A if item.kind != "structure" else None),
            }
        )
    return _Design(values, weight, fav, freeze(questions))


# ------------------------------------------------------------------ counts and figures


def option_counts(values: ArrayLike, codes: ArrayLike, n_groups: int, option_values: ArrayLike) -> IntArray:
    """Answers per group, item and option in one pass.

    Parameters
    ----------
    values : array_like, shape (n, I)
        Raw option values; NaN = not answered.
    codes : array_like of int, shape (n,)
        Group code ``0 … n_groups - 1`` of every respondent.
    n_groups : int
    option_values : array_like of int, shape (I, O)
        The option values of every item (padding: -1).

    Returns
    -------
    ndarray of int64, shape (n_groups, I, O)

    Raises
    ------
    ValueError
        A value that is not an option of its item.
    """
    x = np.asarray(values, dtype=float)
    opts = np.asarray(option_values, dtype=np.int64)
    n, I = x.shape
    O = opts.shape[1]
    top = int(max(opts.max(initial=0), np.nanmax(x, initial=0))) + 1
    lut = np.full((I, top + 1), -1, np.int64)  # option value -> position
    item_idx, pos = np.nonzero(opts >= 0)
    lut[item_idx, opts[item_idx, pos]] = pos
    lut[:, top] = O  # no answer: counted in an extra position, dropped below
    seen = ~np.isnan(x)
    p = lut[np.arange(I), np.where(seen, x, top).astype(np.int64)]
    bad = (p < 0) | (seen & (x < 0))
    if bad.any():
        r, j = np.argwhere(bad)[0]
        raise ValueError(f"values: {x[r, j]!r} is not an option of item column {j}")
    codes = np.asarray(codes, dtype=np.intp)
    flat = (codes[:, None] * I + np.arange(I)) * (O + 1) + p
    counts = np.bincount(flat.ravel(), minlength=n_groups * I * (O + 1)).reshape(n_groups, I, O + 1)
    return np.ascontiguousarray(counts[:, :, :O])


def item_figures(counts: ArrayLike, weight: ArrayLike, favourable: ArrayLike) -> dict[str, FloatArray]:
    """Unsuppressed figures from answer counts (any level; internal to the engine).

    Parameters
    ----------
    counts : array_like of int, shape (G, I, O)
    weight : array_like, shape (I, O)
        Value of each option in the mean; NaN leaves the option out of the mean
        ("don't know", padding).
    favourable : array_like of bool, shape (I, O)

    Returns
    -------
    dict
        ``n`` (G, I) answers, ``n_mean`` (G, I) answers in the mean, ``mean``,
        ``favourable`` (G, I) and ``distribution`` (G, I, O); NaN where there is no
        answer.
    """
    c = np.asarray(counts, dtype=float)
    w = np.asarray(weight, dtype=float)
    in_mean = ~np.isnan(w)
    n = c.sum(axis=2)
    n_mean = (c * in_mean).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (c * np.where(in_mean, w, 0.0)).sum(axis=2) / n_mean
        share = c / n[:, :, None]
        fav = (c * np.asarray(favourable, bool)).sum(axis=2) / n
    return {"n": n, "n_mean": n_mean, "mean": mean, "favourable": fav, "distribution": share}


# ------------------------------------------------------------------ released results


@dataclass(frozen=True, eq=False)
class ItemTable:
    """Released item figures of one level; hidden cells hold NaN and their reason.

    Attributes
    ----------
    level : {'team', 'unit', 'organization'}
    labels : tuple of str
    parent : tuple of str or None
        The unit of every team (teams with a unit level only).
    suppressed : ndarray of bool, shape (G,)
        The group itself is hidden (respondent-level rules).
    suppression_reason : ndarray of object, shape (G,)
    n, mean, favourable : ndarray, shape (G, I)
    distribution : ndarray, shape (G, I, O)
    reason : ndarray of object, shape (G, I)
        Why an item cell is blank (None: shown).
    mean_reason : ndarray of object, shape (G, I)
        Why the mean of a shown cell is blank (structure items whose answers other than
        "don't know" are too few).
    """

    level: str
    labels: tuple[Any, ...]
    parent: tuple[Any, ...] | None
    suppressed: BoolArray
    suppression_reason: ObjectArray
    n: FloatArray  # NaN where hidden
    mean: FloatArray
    favourable: FloatArray
    distribution: FloatArray
    reason: ObjectArray
    mean_reason: ObjectArray

    def take(self, rows: Sequence[int] | IntArray) -> ItemTable:
        """The rows ``rows`` (e.g. the teams of one unit)."""
        idx = np.asarray(rows, dtype=np.intp)
        arrays: dict[str, Any] = {
            f.name: _ro(getattr(self, f.name)[idx])
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return dataclasses.replace(
            self,
            labels=tuple(self.labels[i] for i in idx.tolist()),
            parent=tuple(self.parent[i] for i in idx.tolist()) if self.parent is not None else None,
            **arrays,
        )

    def records(
        self, questions: Sequence[Mapping[str, Any]], k: int, rows: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """JSON-ready records of the given rows (default all): group fields and, for a
        shown group, ``items`` by id."""
        if rows is not None:
            return self.take(rows).records(questions, k)
        with without_gc():
            return self._records(questions, k)

    def _records(self, questions: Sequence[Mapping[str, Any]], k: int) -> list[dict[str, Any]]:
        ids = [q["id"] for q in questions]
        widths = [len(q["options"]) for q in questions]
        n = _round(self.n, 0, integer=True)
        mean = _round(self.mean, 2)
        fav = _round(self.favourable, 4)
        dist = _round(self.distribution, 4)
        reason, mean_reason = self.reason.tolist(), self.mean_reason.tolist()
        key = {"team": "team", "unit": "unit"}.get(self.level)
        out = []
        for g in range(len(self.labels)):
            rec: dict[str, Any] = {key: self.labels[g]} if key else {}
            if self.level == "team":
                rec["unit"] = self.parent[g] if self.parent is not None else None
            why = self.suppression_reason[g]
            rec.update(
                suppressed=bool(self.suppressed[g]), suppression_reason=why, suppression_text=reason_text(why, k)
            )
            if not self.suppressed[g]:
                rec["items"] = {
                    item: {
                        "n": n_i,
                        "mean": mean_i,
                        "favourable": fav_i,
                        "distribution": dist_i[:width] if why_i is None else None,
                        "suppressed": why_i is not None,
                        "suppression_reason": why_i,
                        "mean_suppression_reason": mean_why_i,
                    }
                    for item, width, n_i, mean_i, fav_i, dist_i, why_i, mean_why_i in zip(
                        ids, widths, n[g], mean[g], fav[g], dist[g], reason[g], mean_reason[g]
                    )
                }
            out.append(rec)
        return out


@dataclass(frozen=True, eq=False)
class ItemResults:
    """Question-level results of a diagnosis (released figures only).

    Attributes
    ----------
    questions : tuple of mapping
        Per item: ``id``, ``kind``, ``dimension``, ``misconception``, ``text{en,de}``,
        ``reverse``, ``mean_range`` ([1, A] or [0, 100]), ``options`` (``value``,
        ``label{en,de}``, ``dont_know``, ``favourable``) and ``favourable{en,de}`` (what
        favourable means for the item).
    organization : ItemTable
    units : ItemTable or None
    teams : ItemTable
    k : int
    """

    questions: tuple[Any, ...]
    organization: ItemTable
    units: ItemTable | None
    teams: ItemTable
    k: int

    def restrict(self, unit_row: int, team_rows: Sequence[int] | IntArray) -> ItemResults:
        """The organization, one unit and the given teams (a reader of one unit)."""
        if self.units is None:
            raise ValueError("unit_row: the results have no unit level")
        return dataclasses.replace(self, units=self.units.take([unit_row]), teams=self.teams.take(team_rows))

    def to_dict(self, *, unit: str | None = None, team: str | None = None) -> dict[str, Any]:
        """JSON-ready results; ``unit`` keeps only that unit and its teams, ``team``
        only that team (``KeyError`` for an unknown label)."""
        questions = plain(self.questions)
        unit_rows = team_rows = None
        if unit is not None:
            if self.units is None or unit not in self.units.labels:
                raise KeyError(unit)
            unit_rows = [self.units.labels.index(unit)]
            team_rows = [i for i, p in enumerate(self.teams.parent or ()) if p == unit]
        if team is not None:
            if team not in self.teams.labels:
                raise KeyError(team)
            i = self.teams.labels.index(team)
            team_rows = [i] if team_rows is None or i in team_rows else []
        return {
            "questions": questions,
            "organization": self.organization.records(questions, self.k)[0],
            "units": self.units.records(questions, self.k, unit_rows) if self.units is not None else [],
            "teams": self.teams.records(questions, self.k, team_rows),
        }


def _ro(a: _Array) -> _Array:
    out = a.copy(order="K")
    out.setflags(write=False)
    return out


def _round(a: ArrayLike, decimals: int, *, integer: bool = False) -> list[Any]:
    a = np.asarray(a, dtype=float)
    missing = ~np.isfinite(a)
    obj = np.round(np.where(missing, 0.0, a), decimals)
    obj = (obj.astype(np.int64) if integer else obj).astype(object)
    obj[missing] = None
    out: list[Any] = obj.tolist()
    return out


def _org_reason(total: float, outer: str | None, k: int) -> str | None:
    if outer is not None:
        return outer
    return NO_DATA if total == 0 else (PRIMARY if total < k else None)


def item_results(
    data: ResponseData,
    *,
    min_group_size: int = 5,
    questionnaire: Questionnaire | None = None,
    hierarchy: HierarchySuppression | None = None,
) -> ItemResults:
    """Question-level results of every group, suppressed (module docstring).

    Parameters
    ----------
    data : ResponseData
    min_group_size : int
        ``k`` (the caller checks its bounds, as :func:`analysis.diagnose` does).
    questionnaire : Questionnaire, optional
        The instrument whose thresholds apply (default: the data's).
    hierarchy : HierarchySuppression, optional
        The respondent-level suppression of the teams, units and organization (computed
        from the data when omitted); a group hidden there shows no item figure.

    Returns
    -------
    ItemResults

    Examples
    --------
    >>> from analysis.responses import ResponseData
    >>> d = ResponseData.from_columns("aligned-autonomy-pulse-v1", team=["a"] * 5,
    ...                               answers={"dir_p1": [5, 4, 4, 2, 1]})
    >>> cell = item_results(d).to_dict()["organization"]["items"]["dir_p1"]
    >>> cell["mean"], cell["favourable"]
    (3.2, 0.6)
    """
    if not isinstance(data, ResponseData):
        raise TypeError(f"data: must be a ResponseData, got {type(data).__name__}")
    k = _check_k(min_group_size, "min_group_size")
    q = questionnaire if questionnaire is not None else data.questionnaire
    ids, cols = _questions(q, data.item_ids)
    design = _design(q, ids)
    teams: Groups = data.teams
    T = teams.n_groups
    units = data.units
    if units is not None:
        team_unit = np.zeros(T, dtype=np.intp)
        team_unit[teams.codes] = units.codes
        U = units.n_groups
    else:
        team_unit, U = None, 0
    hs = hierarchy if hierarchy is not None else suppress_hierarchy(teams.counts, team_unit, k=k, n_units=U)

    counts_t = option_counts(data.values[:, cols], teams.codes, T, design.values)
    levels = {"team": counts_t, "organization": counts_t.sum(axis=0, keepdims=True)}
    if team_unit is not None:
        counts_u = np.zeros((U,) + counts_t.shape[1:], np.int64)
        np.add.at(counts_u, team_unit, counts_t)
        levels["unit"] = counts_u
    figs = {lv: item_figures(c, design.weight, design.favourable) for lv, c in levels.items()}

    I = len(ids)
    visible = {lv: np.zeros((c.shape[0], I), bool) for lv, c in levels.items()}
    why = {lv: np.full((c.shape[0], I), None, dtype=object) for lv, c in levels.items()}
    mean_why = {lv: np.full((c.shape[0], I), None, dtype=object) for lv, c in levels.items()}
    n_t, m_t = figs["team"]["n"].astype(np.int64), figs["team"]["n_mean"].astype(np.int64)
    for i in range(I):  # one plan per item, each vectorized over all teams and units
        cell = suppress_hierarchy(
            n_t[:, i], team_unit, k=k, n_units=U, team_hidden=~hs.team_visible, unit_hidden=~hs.unit_visible
        )
        inner = (
            cell
            if (m_t[:, i] == n_t[:, i]).all()
            else suppress_hierarchy(
                m_t[:, i], team_unit, k=k, n_units=U, team_hidden=~cell.team_visible, unit_hidden=~cell.unit_visible
            )
        )
        org_cell = _org_reason(figs["organization"]["n"][0, i], hs.org_reason, k)
        org_mean = _org_reason(figs["organization"]["n_mean"][0, i], org_cell, k)
        for lv, plan, inner_plan in (
            ("team", (cell.team_visible, cell.team_reason), (inner.team_visible, inner.team_reason)),
            ("unit", (cell.unit_visible, cell.unit_reason), (inner.unit_visible, inner.unit_reason)),
            (
                "organization",
                (np.array([org_cell is None]), np.array([org_cell], object)),
                (np.array([org_mean is None]), np.array([org_mean], object)),
            ),
        ):
            if lv not in levels:
                continue
            visible[lv][:, i], why[lv][:, i] = plan
            mean_why[lv][:, i] = np.where(plan[0] & ~inner_plan[0], inner_plan[1], _NONE)

    def table(
        lv: str,
        labels: Sequence[str],
        parent: tuple[str, ...] | None,
        g_visible: ArrayLike,
        g_reason: ArrayLike | Sequence[str | None],
    ) -> ItemTable:
        f, vis = figs[lv], visible[lv]
        show_mean = vis & np.equal(mean_why[lv], _NONE)
        return ItemTable(
            level=lv,
            labels=tuple(labels),
            parent=parent,
            suppressed=_ro(~np.asarray(g_visible, bool)),
            suppression_reason=_ro(np.asarray(g_reason, object)),
            n=_ro(np.where(vis, f["n"], np.nan)),
            mean=_ro(np.where(show_mean, f["mean"], np.nan)),
            favourable=_ro(np.where(vis, f["favourable"], np.nan)),
            distribution=_ro(np.where(vis[:, :, None], f["distribution"], np.nan)),
            reason=_ro(np.where(vis, _NONE, why[lv])),
            mean_reason=_ro(np.where(vis, mean_why[lv], _NONE)),
        )

    parent = tuple(np.asarray(units.labels, dtype=object)[team_unit]) if units is not None else None
    return ItemResults(
        questions=design.questions,
        organization=table("organization", ("",), None, [hs.org_visible], [hs.org_reason]),
        units=table("unit", units.labels, None, hs.unit_visible, hs.unit_reason) if units is not None else None,
        teams=table("team", teams.labels, parent, hs.team_visible, hs.team_reason),
        k=k,
    )
