r"""Maturity levels, perception-vs-structure findings and the team typology.

All three are rules on group scores, applied to arrays of groups at once; the numbers
come from the questionnaire's ``thresholds`` block, so an instrument can recalibrate
them without code changes.

Maturity level (per group and dimension)
    The combined score :math:`C = (P + S)/2` of the perception score :math:`P` and the
    structure index :math:`S` (both 0–100) is cut at ``thresholds.maturity.cuts``
    :math:`c_1 < c_2 < c_3 < c_4`: level 1 if :math:`C < c_1`, level :math:`i + 1` if
    :math:`c_i \le C < c_{i+1}`, level 5 if :math:`C \ge c_4`. Averaging both measures
    means a dimension is mature only when it is both felt *and* anchored.

Finding (per group and dimension), in this order of precedence
    1. ``divided`` — :math:`r_{wg(j)}` below ``findings.agreement_min_rwg`` (0.70 by
       convention, LeBreton & Senter 2008): the members disagree, so the mean is not a
       property of the team. (An undefined :math:`r_{wg(j)}` does not count as divided.)
    2. With perception *high* meaning :math:`P \ge` ``perception.high`` and *low*
       :math:`P <` ``perception.low`` (likewise for structure with ``structure.low`` and
       ``structure.high``):
       ``anchored_strength`` (P high, S high), ``structural_gap`` (P low, S low),
       ``proclaimed_not_anchored`` (P high, S low), ``unseen_structure`` (P low,
       S high).
    3. ``mixed`` — anything else (at least one of them in the middle band).

Typology (per group), from the combined scores
    A dimension is *present* when :math:`C \ge` ``typology.present``. Then
    ``aligned_autonomy`` = all three present; ``drift`` = direction and decision rights
    present, feedback not; ``ambiguity`` = direction present, decision rights not;
    ``fragmentation`` = decision rights present, direction not; ``central_control`` =
    neither direction nor decision rights present (feedback does not rescue a team
    without the other two).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FINDINGS",
    "TYPOLOGIES",
    "combined_score",
    "maturity_level",
    "classify_finding",
    "classify_typology",
]

FINDINGS = (
    "divided",
    "anchored_strength",
    "structural_gap",
    "proclaimed_not_anchored",
    "unseen_structure",
    "mixed",
)
TYPOLOGIES = ("aligned_autonomy", "ambiguity", "fragmentation", "drift", "central_control")


def combined_score(perception, structure) -> np.ndarray:
    """Mean of perception score and structure index (NaN if either is missing)."""
    return (np.asarray(perception, dtype=float) + np.asarray(structure, dtype=float)) / 2.0


def maturity_level(combined, cuts) -> np.ndarray:
    """Maturity level 1–5 of combined scores; 0 where the score is missing.

    Parameters
    ----------
    combined : array_like of float
        Combined scores 0–100 (NaN = missing).
    cuts : sequence of 4 increasing floats
        ``thresholds.maturity.cuts`` of the questionnaire.

    Returns
    -------
    ndarray of int, same shape as ``combined``

    Examples
    --------
    >>> maturity_level([10, 20, 59.9, 80, float("nan")], [20, 40, 60, 80]).tolist()
    [1, 2, 3, 5, 0]
    """
    c = np.asarray(combined, dtype=float)
    cuts = np.asarray(cuts, dtype=float)
    if cuts.shape != (4,) or np.any(np.diff(cuts) <= 0):
        raise ValueError(f"cuts: must be 4 increasing numbers, got {cuts.tolist()}")
    level = 1 + np.searchsorted(cuts, np.where(np.isnan(c), 0.0, c), side="right")
    return np.where(np.isnan(c), 0, level).astype(np.int64)


def classify_finding(perception, structure, rwg_j, thresholds) -> np.ndarray:
    """Perception-vs-structure finding per group and dimension (see module docstring).

    Parameters
    ----------
    perception, structure : array_like of float
        Group perception scores and structure indices (0–100), same shape.
    rwg_j : array_like of float
        Within-group agreement of the perception items, same shape (NaN = undefined).
    thresholds : FindingThresholds
        ``questionnaire.thresholds.findings``.

    Returns
    -------
    ndarray of object
        One of :data:`FINDINGS`, or None where perception or structure is missing.
    """
    P = np.asarray(perception, dtype=float)
    S = np.asarray(structure, dtype=float)
    R = np.asarray(rwg_j, dtype=float)
    p_hi, p_lo = P >= thresholds.perception.high, P < thresholds.perception.low
    s_hi, s_lo = S >= thresholds.structure.high, S < thresholds.structure.low
    divided = R < thresholds.agreement_min_rwg  # False for NaN
    missing = np.isnan(P) | np.isnan(S)
    out = np.select(
        [missing, divided, p_hi & s_hi, p_lo & s_lo, p_hi & s_lo, p_lo & s_hi],
        [None, "divided", "anchored_strength", "structural_gap",
         "proclaimed_not_anchored", "unseen_structure"],
        default="mixed",
    ).astype(object)
    return out


def classify_typology(combined, present: float) -> np.ndarray:
    """Typology per group from combined scores of (direction, decision_rights, feedback).

    Parameters
    ----------
    combined : array_like, shape (n_groups, 3)
        Combined scores in the order ``direction, decision_rights, feedback``.
    present : float
        ``thresholds.typology.present``.

    Returns
    -------
    ndarray of object, shape (n_groups,)
        One of :data:`TYPOLOGIES`, or None where the scores needed are missing.

    Examples
    --------
    >>> classify_typology([[70, 70, 70], [70, 70, 30], [70, 30, 90], [30, 70, 0],
    ...                    [30, 30, 90]], 60).tolist()
    ['aligned_autonomy', 'drift', 'ambiguity', 'fragmentation', 'central_control']
    """
    C = np.asarray(combined, dtype=float)
    if C.ndim != 2 or C.shape[1] != 3:
        raise ValueError(f"combined: must have shape (n_groups, 3), got {C.shape}")
    d, r, f = (C[:, i] >= present for i in range(3))
    missing_dr = np.isnan(C[:, 0]) | np.isnan(C[:, 1])
    both = d & r
    return np.select(
        [missing_dr, both & np.isnan(C[:, 2]), both & f, both, d, r],
        [None, None, "aligned_autonomy", "drift", "ambiguity", "fragmentation"],
        default="central_control",
    ).astype(object)
