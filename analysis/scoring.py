r"""Respondent scores: perception, structure index, misconceptions and the outcome.

Rules (DESIGN §2, documented in ``docs/methodology.md``):

* **Reverse keying.** A reverse-keyed item on an :math:`A`-point scale is recoded
  :math:`x' = A + 1 - x`, so that a high value always means "more of the dimension".
* **Perception score** of a respondent for a dimension with :math:`J` perception items:
  the mean :math:`\bar x` of the answered (recoded) items, provided at least
  :math:`\lceil 2J/3 \rceil` are answered (else missing), on 0–100 as
  :math:`100\,(\bar x - 1)/(A - 1)`.
* **Structure index**: the mean of the option scores (0–100, from the questionnaire
  file) of the dimension's structure items about the *team* (``scope: team``), over the
  items answered with something other than "don't know"; at least half of them must be
  so answered. "Don't know" is not a low score — it says nothing about the structure —
  but it is never dropped either: it lowers the visibility below. A "not applicable"
  option (e.g. "this has not happened in the past year") counts as not answered.
* **Visibility**: how much of the dimension's structure a member can see, on 0–100:
  the mean over the dimension's structure items answered of 0 for "don't know", 100 for
  any other answer to a team item, and the option's score for an item about an
  organization-wide fact (``scope: organization`` — seeing a written strategy with
  priorities counts fully, not seeing one counts 0); at least half of the items must be
  answered. Organization-wide facts are the same for every team, so they count only
  here, never in a team's structure index.
* **Misconception held**: 1 if the answer is at least ``misconception_agree_min``
  (4 = "agree" on the 5-point scale), 0 if lower, NaN if missing; a reverse-keyed
  misconception item (agreeing rejects the misconception) is recoded first, so that
  "disagree" and "strongly disagree" hold it.
* **Outcome** (the litmus test) on 0–100 like a single perception item; where the
  instrument splits the test into several outcome items, the lowest of them (all parts
  must hold), missing if any part is missing.

Everything is computed column-wise for all respondents at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Sequence

import numpy as np

from analysis.instrument import DIMENSIONS
from analysis.responses import ResponseData
from analysis.arrays import BoolArray, FloatArray

__all__ = ["RespondentScores", "score_responses", "min_answered", "reverse_keyed"]


def min_answered(n_items: int) -> int:
    """Fewest answered items for a score: :math:`\\lceil 2J/3 \\rceil` of ``n_items``."""
    return -(-2 * n_items // 3)


def reverse_keyed(data: ResponseData, item_ids: Sequence[str]) -> FloatArray:
    """Raw answers to the perception items ``item_ids`` with reverse-keyed items recoded.

    Returns an (n, len(item_ids)) float array (column-major) on the items' own scale
    (1 … A).
    """
    q = data.questionnaire
    x = np.empty((len(item_ids), data.n)).T
    for j, item_id in enumerate(item_ids):
        item = q.item(item_id)
        col = data.column(item_id)
        x[:, j] = len(item.answer_options) + 1 - col if item.reverse else col
    return x


def _mean_with_rule(x: FloatArray) -> FloatArray:
    """Row mean over observed values where at least 2/3 of the columns are observed."""
    k = np.zeros(x.shape[0])
    total = np.zeros(x.shape[0])
    for j in range(x.shape[1]):  # loop over the few item columns
        col = x[:, j]
        seen = ~np.isnan(col)
        k += seen
        total += np.where(seen, col, 0.0)
    ok = k >= min_answered(x.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, total / k, np.nan)


def _mean_of_half(x: FloatArray) -> FloatArray:
    """Row mean over observed values where at least half of the columns are observed
    (NaN for a dimension without such items)."""
    if x.shape[1] == 0:
        return np.full(x.shape[0], np.nan)
    seen = ~np.isnan(x)
    k = seen.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(2 * k >= x.shape[1], np.where(seen, x, 0.0).sum(axis=1) / k, np.nan)


def _known(data: ResponseData, item_ids: Sequence[str]) -> tuple[BoolArray, BoolArray]:
    """For structure items: answered with a known option, and answered at all."""
    q = data.questionnaire
    known = np.zeros((data.n, len(item_ids)), bool)
    seen = np.zeros((data.n, len(item_ids)), bool)
    for j, item_id in enumerate(item_ids):  # loop over the few item columns
        col = data.column(item_id)
        options = q.item(item_id).answer_options
        dont_know = [o.value for o in options if o.dont_know]
        seen[:, j] = ~np.isnan(col) & ~np.isin(col, [o.value for o in options if o.not_applicable])
        known[:, j] = seen[:, j] & ~np.isin(col, dont_know)
    return known, seen


def _option_scores(data: ResponseData, item_ids: Sequence[str]) -> FloatArray:
    """Option values of structure items mapped to their 0–100 scores (NaN stays NaN)."""
    q = data.questionnaire
    out = np.empty((len(item_ids), data.n)).T
    for j, item_id in enumerate(item_ids):
        options = q.item(item_id).answer_options
        top = max(o.value for o in options) + 1
        lut = np.full(top + 1, np.nan)  # index ``top`` stands for missing
        lut[[o.value for o in options]] = [np.nan if o.score is None else o.score for o in options]
        col = data.column(item_id)
        out[:, j] = lut[np.where(np.isnan(col), top, col).astype(np.intp)]
    return out


@dataclass(frozen=True, eq=False)
class RespondentScores:
    """Scores of every respondent (rows in the order of the :class:`ResponseData`).

    Attributes
    ----------
    dimensions : tuple of str
        ``("direction", "decision_rights", "feedback")``: the column order of
        :attr:`perception` and :attr:`structure`.
    perception : ndarray, shape (n, 3)
        Perception score 0–100 per dimension; NaN when fewer than 2/3 of the items
        were answered.
    structure : ndarray, shape (n, 3)
        Structure index 0–100 per dimension (team items, "don't know" left out); NaN
        when fewer than half of the team items have a known answer.
    visibility : ndarray, shape (n, 3)
        Visibility 0–100 per dimension; NaN when fewer than half of the dimension's
        structure items are answered.
    perception_item_ids : tuple of tuple of str
        Perception items per dimension.
    perception_items : tuple of ndarray
        Per dimension, the (n, J) raw answers after reverse keying (scale 1 … 5), the
        input of agreement indices, reliability and the factor model.
    structure_item_ids : tuple of str
        All structure items in file order.
    structure_items : ndarray, shape (n, len(structure_item_ids))
        Option scores 0–100 of every structure item.
    misconceptions : tuple of str
        Misconception ids in file order (empty for a form without misconception items).
    misconception : ndarray, shape (n, len(misconceptions))
        1.0 = held, 0.0 = not held, NaN = not answered.
    outcome : ndarray, shape (n,)
        The outcome item on 0–100 (NaN if missing or if the form has no outcome item).
    """

    dimensions: tuple[Any, ...]
    perception: FloatArray
    structure: FloatArray
    visibility: FloatArray
    perception_item_ids: tuple[Any, ...]
    perception_items: tuple[Any, ...]
    structure_item_ids: tuple[Any, ...]
    structure_items: FloatArray
    misconceptions: tuple[Any, ...]
    misconception: FloatArray
    outcome: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """Per-respondent columns as plain lists (NaN becomes None)."""

        def col(a: FloatArray) -> list[float | None]:
            return [None if np.isnan(v) else float(v) for v in a]

        out = {}
        for d, dim in enumerate(self.dimensions):
            out[f"{dim}_perception"] = col(self.perception[:, d])
            out[f"{dim}_structure"] = col(self.structure[:, d])
            out[f"{dim}_visibility"] = col(self.visibility[:, d])
        for m, mid in enumerate(self.misconceptions):
            out[f"misconception_{mid}"] = col(self.misconception[:, m])
        out["outcome"] = col(self.outcome)
        return out


def score_responses(data: ResponseData) -> RespondentScores:
    """Score every respondent of ``data`` (see the module docstring for the rules).

    Parameters
    ----------
    data : ResponseData

    Returns
    -------
    RespondentScores

    Examples
    --------
    >>> from analysis.responses import ResponseData
    >>> d = ResponseData.from_columns("aligned-autonomy-pulse-v1", team=["a"],
    ...                               answers={"dir_p1": [5], "dir_p2": [4]})
    >>> float(score_responses(d).perception[0, 0])
    87.5
    """
    if not isinstance(data, ResponseData):
        raise TypeError(f"data: must be a ResponseData, got {type(data).__name__}")
    q = data.questionnaire
    n = data.n
    p_ids, p_items = [], []
    perception = np.empty((len(DIMENSIONS), n)).T
    structure = np.empty((len(DIMENSIONS), n)).T
    visibility = np.empty((len(DIMENSIONS), n)).T
    s_ids = tuple(it.id for it in q.items_of("structure"))
    s_scores = _option_scores(data, s_ids)
    known, seen = _known(data, s_ids)
    for d, dim in enumerate(DIMENSIONS):
        ids = tuple(it.id for it in q.items_of("perception", dim))
        x = reverse_keyed(data, ids)
        points = len(q.item(ids[0]).answer_options)
        perception[:, d] = (_mean_with_rule(x) - 1.0) / (points - 1) * 100.0
        p_ids.append(ids)
        p_items.append(x)
        items = q.items_of("structure", dim)
        team = [s_ids.index(it.id) for it in items if it.scope == "team"]
        structure[:, d] = _mean_of_half(np.where(known[:, team], s_scores[:, team], np.nan))
        cols = [s_ids.index(it.id) for it in items]
        worth = np.where(np.array([it.scope == "team" for it in items])[None, :], 100.0, s_scores[:, cols])
        visibility[:, d] = _mean_of_half(np.where(seen[:, cols], np.where(known[:, cols], worth, 0.0), np.nan))
    m_items = q.items_of("misconception")
    agree_min = q.thresholds.misconception_agree_min
    misconception = np.empty((len(m_items), n)).T
    for m, item in enumerate(m_items):
        col = data.column(item.id)
        if item.reverse:
            col = len(item.answer_options) + 1.0 - col
        misconception[:, m] = np.where(np.isnan(col), np.nan, (col >= agree_min).astype(float))
    out_items = q.items_of("outcome")
    if out_items:
        parts = np.column_stack([(data.column(it.id) - 1.0) / (len(it.answer_options) - 1) * 100.0 for it in out_items])
        outcome = parts.min(axis=1)  # NaN if any part is missing
    else:
        outcome = np.full(n, np.nan)
    return RespondentScores(
        dimensions=DIMENSIONS,
        perception=perception,
        structure=structure,
        visibility=visibility,
        perception_item_ids=tuple(p_ids),
        perception_items=tuple(p_items),
        structure_item_ids=s_ids,
        structure_items=s_scores,
        misconceptions=tuple(it.misconception for it in m_items),
        misconception=misconception,
        outcome=outcome,
    )
