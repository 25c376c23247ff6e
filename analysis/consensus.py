r"""Consensus on the organization's current top priority (docs/methodology.md §19).

Every respondent picks the current top priority from a list of :math:`P` priorities
the organization set for the campaign. For a group with :math:`n_c` picks of priority
:math:`c` and :math:`n = \sum_c n_c`:

* **shares** :math:`p_c = n_c / n` and the **modal** priority (the most chosen; ties go
  to the earlier one in the list);
* **agreement** — the probability that two different members picked the same priority,

  .. math:: A = \frac{\sum_c n_c (n_c - 1)}{n (n - 1)} ,

  the unbiased estimate of Simpson's (1949) index :math:`\sum_c \pi_c^2`; 1 when all
  agree, :math:`1/P` when picks are spread evenly (missing for :math:`n < 2`).

For the organization, pairs of respondents are split into pairs within a team and
pairs from different teams (teams :math:`t`, counts :math:`n_{tc}`, :math:`N_c`, :math:`N`):

.. math::

    A_{within} = \frac{\sum_t \sum_c n_{tc}(n_{tc}-1)}{\sum_t n_t (n_t - 1)}, \qquad
    A_{across} = \frac{\sum_c N_c^2 - \sum_t \sum_c n_{tc}^2}{N^2 - \sum_t n_t^2} .

:math:`A_{within} - A_{across}` is large when teams read the direction differently
(subcultures): members of a team agree with each other more than with other teams.

A team is **divergent** when its picks differ from those of the rest of the
organization beyond chance: the statistic is the total variation distance
:math:`\tfrac12 \sum_c |p_{tc} - r_{tc}|` between the team's shares and the rest's, its
p-value comes from ``n_permutations`` random reassignments of the picks to the
respondents (team sizes fixed), and the p-values of the released teams are adjusted by
Benjamini–Hochberg. The same permutations give the p-value of
:math:`A_{within} - A_{across}`. The permutations run on the picks sorted by team and
priority, so the result does not depend on the order of the respondents.

Anonymity: a team or unit shows its figures only where the diagnosis shows the group
and at least ``k`` of its members answered the item, with complementary suppression
(:func:`analysis.privacy.suppress_hierarchy`), so no hidden group's picks can be
recovered by subtraction.

References
----------
.. [1] Simpson, E. H. (1949). Measurement of diversity. *Nature*, 163, 688.
.. [2] Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
   *Psychological Bulletin*, 76(5), 378–382.
.. [3] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
   *Statistical Applications in Genetics and Molecular Biology*, 9(1), Article 39.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from analysis.compare import adjust_pvalues
from analysis.privacy import suppress_hierarchy
from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray

__all__ = ["PriorityConsensus", "pair_agreement", "priority_consensus"]

_BLOCK = 100  # permutations per block (bounds the memory of the (B, T, P) counts)


def pair_agreement(counts: ArrayLike) -> FloatArray:
    """Probability that two different members of a group picked the same option.

    Parameters
    ----------
    counts : array_like, shape (G, P)
        Picks per group and option.

    Returns
    -------
    ndarray, shape (G,)
        :math:`\\sum_c n_c(n_c-1) / (n(n-1))`; NaN for groups with fewer than 2 picks.
    """
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2 or (c < 0).any():
        raise ValueError("counts: must be a 2-d array of non-negative counts")
    n = c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= 2, (c * (c - 1)).sum(axis=1) / (n * (n - 1)), np.nan)


def _within_across(counts: IntArray) -> tuple[FloatArray, FloatArray]:
    """Within-team and across-team agreement of (..., T, P) counts."""
    n_t = counts.sum(axis=-1)
    total = counts.sum(axis=-2)
    N = total.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = (counts * (counts - 1)).sum(axis=(-1, -2)) / (n_t * (n_t - 1)).sum(axis=-1)
        across = ((total**2).sum(axis=-1) - (counts**2).sum(axis=(-1, -2))) / (N**2 - (n_t**2).sum(axis=-1))
    return within, across


def _distance(counts: IntArray) -> FloatArray:
    """Total variation distance of every team's shares from the rest's, (..., T)."""
    n_t = counts.sum(axis=-1, keepdims=True)
    rest = counts.sum(axis=-2, keepdims=True) - counts
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = 0.5 * np.abs(counts / n_t - rest / rest.sum(axis=-1, keepdims=True)).sum(axis=-1)
    return out


@dataclass(frozen=True, eq=False)
class PriorityConsensus:
    """Released consensus figures (see the module docstring).

    ``organization`` is a dict (``n``, ``shares``, ``modal``, ``agreement``,
    ``within_team``, ``across_team``, ``team_effect``, ``team_effect_p``) or None when
    hidden; ``units`` and ``teams`` are lists of dicts with ``label``, ``n``,
    ``shares``, ``modal``, ``agreement`` (teams also ``distance``, ``p``,
    ``p_adjusted`` and ``finding`` — ``"divergent"`` or None), each None-valued with a
    ``reason`` where the group is hidden.
    """

    n_priorities: int
    organization: dict[str, Any] | None
    organization_reason: str | None
    units: list[Any]
    teams: list[Any]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_priorities": self.n_priorities,
            "organization": self.organization,
            "organization_reason": self.organization_reason,
            "units": self.units,
            "teams": self.teams,
            "settings": self.settings,
        }


def _group_rows(
    labels: Sequence[str], counts: IntArray, visible: BoolArray, reason: ObjectArray
) -> list[dict[str, Any]]:
    agreement = pair_agreement(counts)
    n = counts.sum(axis=1)
    rows = []
    for g, label in enumerate(labels):
        row = {"label": label, "n": None, "shares": None, "modal": None, "agreement": None, "reason": reason[g]}
        if visible[g]:
            row.update(
                n=int(n[g]),
                shares=(counts[g] / n[g]).round(6).tolist(),
                modal=int(np.argmax(counts[g])) + 1,
                agreement=None if np.isnan(agreement[g]) else round(float(agreement[g]), 6),
            )
        rows.append(row)
    return rows


def _check(
    choice: ArrayLike, team: ArrayLike, n_priorities: int, n_teams: int
) -> tuple[FloatArray, IntArray, BoolArray]:
    x = np.asarray(choice, dtype=float)
    t = np.asarray(team)
    if x.ndim != 1 or t.shape != x.shape:
        raise ValueError("choice, team: must be 1-d arrays of the same length")
    if isinstance(n_priorities, bool) or not isinstance(n_priorities, (int, np.integer)) or n_priorities < 2:
        raise ValueError(f"n_priorities: must be an integer of at least 2, got {n_priorities!r}")
    answered = ~np.isnan(x)
    if ((x[answered] != np.round(x[answered])) | (x[answered] < 1) | (x[answered] > n_priorities)).any():
        raise ValueError(f"choice: picks must be whole numbers 1 … {n_priorities} or NaN")
    if not np.issubdtype(t.dtype, np.integer) or ((t < 0) | (t >= n_teams)).any():
        raise ValueError(f"team: must be team codes 0 … {n_teams - 1}")
    return x, t.astype(np.intp), answered


def priority_consensus(
    choice: ArrayLike,
    team: ArrayLike,
    *,
    n_priorities: int,
    team_labels: Sequence[str],
    team_unit: ArrayLike | None = None,
    unit_labels: Sequence[str] = (),
    k: int,
    team_hidden: ArrayLike | None = None,
    unit_hidden: ArrayLike | None = None,
    n_permutations: int = 999,
    alpha: float = 0.05,
    seed: int = 20261203,
) -> PriorityConsensus:
    """Consensus on the top priority per team, unit and organization.

    Parameters
    ----------
    choice : array_like of float, shape (n,)
        The priority each respondent picked (1 … ``n_priorities``), NaN if none.
    team : array_like of int, shape (n,)
        Team code of every respondent (0 … T-1).
    n_priorities : int
        Length of the campaign's list.
    team_labels : sequence of str, length T
    team_unit : array_like of int, shape (T,), optional
        Unit code of every team; with ``unit_labels``.
    unit_labels : sequence of str
    k : int
        Minimum group size: a group shows its figures only with at least ``k`` picks.
    team_hidden, unit_hidden : array_like of bool, optional
        Groups the diagnosis hides anyway; they stay hidden here.
    n_permutations : int
        Random reassignments for the p-values (at least 99).
    alpha : float
        False-discovery level of the ``divergent`` label.
    seed : int
        Seed of the permutations (results are reproducible).

    Returns
    -------
    PriorityConsensus
    """
    T = len(team_labels)
    x, t, answered = _check(choice, team, n_priorities, T)
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)) or n_permutations < 99:
        raise ValueError(f"n_permutations: must be an integer of at least 99, got {n_permutations!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    P = int(n_priorities)
    c = x[answered].astype(np.intp) - 1
    t = t[answered]
    order = np.lexsort((c, t))
    c, t = c[order], t[order]
    counts = np.bincount(t * P + c, minlength=T * P).reshape(T, P).astype(float)
    U = len(unit_labels)
    unit = np.asarray(team_unit, dtype=np.intp) if team_unit is not None else None
    hs = suppress_hierarchy(
        counts.sum(axis=1).astype(np.int64),
        unit,
        k=k,
        n_units=U if unit is not None else 0,
        team_hidden=team_hidden,
        unit_hidden=unit_hidden,
    )
    teams = _group_rows(list(team_labels), counts, hs.team_visible, hs.team_reason)
    units = []
    if unit is not None and U:
        u_counts = np.vstack([np.bincount(unit, weights=counts[:, j], minlength=U) for j in range(P)]).T
        units = _group_rows(list(unit_labels), u_counts, hs.unit_visible, hs.unit_reason)
    settings = {
        "k": int(k),
        "n_permutations": int(n_permutations),
        "alpha": float(alpha),
        "correction": "bh",
        "seed": int(seed),
    }
    if not hs.org_visible:
        return PriorityConsensus(P, None, hs.org_reason, units, teams, settings)

    # permutations: the picks reassigned to respondents, team sizes fixed
    rng = np.random.default_rng(seed)
    obs_d = _distance(counts)
    within, across = _within_across(counts)
    exceed = np.zeros(T)
    exceed_effect = 0
    done = 0
    while done < n_permutations:
        b = min(_BLOCK, n_permutations - done)
        perm = rng.permuted(np.broadcast_to(c, (b, c.size)), axis=1)
        idx = (np.arange(b)[:, None] * T + t[None, :]) * P + perm
        pc = np.bincount(idx.ravel(), minlength=b * T * P).reshape(b, T, P).astype(float)
        exceed += (_distance(pc) >= obs_d - 1e-12).sum(axis=0)
        w, a = _within_across(pc)
        exceed_effect += int(((w - a) >= (within - across) - 1e-12).sum())
        done += b
    p = (1.0 + exceed) / (n_permutations + 1.0)
    shown = hs.team_visible & (counts.sum(axis=1) > 0)
    p_adj = np.full(T, np.nan)
    if shown.any():
        p_adj[shown] = adjust_pvalues(p[shown], method="bh")
    for g, row in enumerate(teams):
        row.update(distance=None, p=None, p_adjusted=None, finding=None)
        if shown[g]:
            row.update(
                distance=round(float(obs_d[g]), 6),
                p=round(float(p[g]), 6),
                p_adjusted=round(float(p_adj[g]), 6),
                finding="divergent" if p_adj[g] < alpha else None,
            )
    total = counts.sum(axis=0)
    organization = {
        "n": int(total.sum()),
        "shares": (total / total.sum()).round(6).tolist(),
        "modal": int(np.argmax(total)) + 1,
        "agreement": _round(pair_agreement(total[None, :])[0]),
        "within_team": _round(within),
        "across_team": _round(across),
        "team_effect": _round(within - across),
        "team_effect_p": round((1.0 + exceed_effect) / (n_permutations + 1.0), 6),
    }
    return PriorityConsensus(P, organization, None, units, teams, settings)


def _round(x: float | np.floating[Any] | FloatArray) -> float | None:
    x = float(x)
    return None if np.isnan(x) else round(x, 6)
