r"""Releases in steps: which waiting answer sets may join the released results.

While a campaign runs, results may be released several times (live results). Two
releases must never differ by fewer than ``k`` people in any figure, or subtracting one
from the other isolates those people: a team mean over 5 people followed by one over 6
gives the sixth person's score as :math:`6\,m_2 - 5\,m_1`.

Rule
----
Answer sets join the released results **per team, in batches**. A team's waiting answer
sets form a batch only when, inside that batch,

* there are at least ``k`` answer sets, and
* every figure they feed — each dimension's perception score and structure index, each
  misconception, the outcome and each item's question-level figures (its answers, and
  for a structure item its answers other than "don't know", :mod:`analysis.items`) —
  gets either none or at least ``k`` of them.

If all waiting answer sets of a team do not form a batch, the complete ones (those that
feed every figure) do when there are at least ``k`` of them; otherwise the team waits for
more answers. Every released group (team, unit, organization) is a union of whole teams,
so each of its figures changes between two releases by a sum of batch counts, each 0 or
at least ``k``. (Agreement indices, reliability and the factor model are computed from
single answers but are not means that a subtraction could undo.) Breakdowns that cut across teams (role, tenure, filtered views) and
comments are not part of interim releases (:func:`analysis.diagnose` with
``interim=True``); they appear with the final results only.

Vectorized over all teams; see ``docs/methodology.md`` (anonymity: releases in steps).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from analysis.responses import ResponseData
from analysis.scoring import score_responses
from analysis.arrays import BoolArray

__all__ = ["contributions", "batch_mask"]


def contributions(data: ResponseData) -> BoolArray:
    """Which figures every answer set feeds, as a boolean (n, F) matrix: the perception
    score and structure index of each dimension, each misconception and the outcome
    (where the form has one), then every answer item and every structure item's known
    answer (question-level results).

    Examples
    --------
    >>> from analysis.responses import ResponseData
    >>> d = ResponseData.from_columns("aligned-autonomy-pulse-v1", team=["a", "a"],
    ...                               answers={"dir_p1": [5, None], "dir_p2": [4, 4]})
    >>> contributions(d)[:, 0].tolist()   # direction perception: 2 of 2 items needed
    [True, False]
    """
    if not isinstance(data, ResponseData):
        raise TypeError(f"data: must be a ResponseData, got {type(data).__name__}")
    s = score_responses(data)
    parts = [s.perception, s.structure, s.misconception]
    if data.questionnaire.items_of("outcome"):
        parts.append(s.outcome[:, None])
    parts.append(data.values)
    answered = ~np.isnan(np.column_stack(parts))
    return np.column_stack([answered, ~np.isnan(s.structure_items) & ~_dont_know(data)])


def _dont_know(data: ResponseData) -> BoolArray:
    """(n, structure items): the answer is "don't know"."""
    q = data.questionnaire
    ids = [it.id for it in q.items_of("structure")]
    return (
        np.column_stack(
            [np.isin(data.column(i), [o.value for o in q.item(i).options or () if o.dont_know]) for i in ids]
        )
        if ids
        else np.zeros((data.n, 0), bool)
    )


def batch_mask(team_codes: ArrayLike, feeds: ArrayLike, *, k: int, n_teams: int | None = None) -> BoolArray:
    """The waiting answer sets that may join the released results now (module docstring).

    Parameters
    ----------
    team_codes : array_like of int, shape (n,)
        Team code ``0 … n_teams - 1`` of every waiting answer set.
    feeds : array_like of bool, shape (n, F)
        :func:`contributions` of the waiting answer sets.
    k : int
        Minimum group size.
    n_teams : int, optional
        Number of teams (default: ``max(team_codes) + 1``).

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> feeds = np.ones((7, 2), bool); feeds[5, 1] = False   # team 0: 6 sets, one incomplete
    >>> batch_mask([0] * 6 + [1], feeds, k=5).tolist()       # each figure of team 0 has >= 5
    [True, True, True, True, True, True, False]
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: must be a positive integer, got {k!r}")
    team = np.asarray(team_codes, dtype=np.intp)
    f = np.asarray(feeds, dtype=bool)
    if f.ndim != 2 or f.shape[0] != team.shape[0]:
        raise ValueError(f"feeds: must have shape ({team.shape[0]}, F), got {f.shape}")
    if team.size == 0:
        return np.zeros(0, bool)
    if team.min() < 0:
        raise ValueError("team_codes: must be non-negative")
    T = int(team.max()) + 1 if n_teams is None else int(n_teams)
    size = np.bincount(team, minlength=T)
    counts = np.zeros((T, f.shape[1]), dtype=np.int64)
    np.add.at(counts, team, f)
    whole = (size >= k) & ((counts == 0) | (counts >= k)).all(axis=1)
    complete = f.all(axis=1)
    n_complete = np.bincount(team[complete], minlength=T)
    out: BoolArray = whole[team] | (complete & (n_complete >= k)[team])
    return out
