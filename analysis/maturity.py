r"""Maturity levels and the names of findings and typologies.

The rules that put these labels on groups — non-compensatory, and decided on each
group's uncertainty — are in :mod:`analysis.verdicts`; this module holds the level cut
and the vocabularies.

Maturity level
    A score :math:`x` (0–100) is cut at ``thresholds.maturity.cuts``
    :math:`c_1 < c_2 < c_3 < c_4`: level 1 if :math:`x < c_1`, level :math:`i + 1` if
    :math:`c_i \le x < c_{i+1}`, level 5 if :math:`x \ge c_4`. A dimension's level is
    the lower of the levels of its perception score and its structure index
    (:func:`analysis.verdicts.non_compensatory_level`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from analysis.arrays import IntArray

__all__ = ["FINDINGS", "TYPOLOGIES", "maturity_level"]

#: Findings a group and dimension can get (``not_precise``: not precise enough to classify).
FINDINGS = (
    "divided",
    "anchored_strength",
    "structural_gap",
    "proclaimed_not_anchored",
    "unseen_structure",
    "mixed",
    "not_precise",
)
TYPOLOGIES = ("aligned_autonomy", "ambiguity", "fragmentation", "drift", "central_control")


def maturity_level(scores: ArrayLike, cuts: Sequence[float]) -> IntArray:
    """Maturity level 1–5 of scores; 0 where the score is missing.

    Parameters
    ----------
    scores : array_like of float
        Scores 0–100 (NaN = missing).
    cuts : sequence of 4 increasing floats
        ``thresholds.maturity.cuts`` of the questionnaire.

    Returns
    -------
    ndarray of int, same shape as ``scores``

    Examples
    --------
    >>> maturity_level([10, 20, 59.9, 80, float("nan")], [20, 40, 60, 80]).tolist()
    [1, 2, 3, 5, 0]
    """
    c = np.asarray(scores, dtype=float)
    edges = np.asarray(cuts, dtype=float)
    if edges.shape != (4,) or np.any(np.diff(edges) <= 0):
        raise ValueError(f"cuts: must be 4 increasing numbers, got {edges.tolist()}")
    level = 1 + np.searchsorted(edges, np.where(np.isnan(c), 0.0, c), side="right")
    return np.where(np.isnan(c), 0, level).astype(np.int64)
