r"""Anonymity: which group figures may be released (DESIGN §5).

The engine computes everything, then calls these functions as the *last* step and
blanks every figure they do not release; no public function of :mod:`analysis`
returns an unsuppressed group figure.

Rules
-----
Primary suppression
    A group (team, unit, organization) with fewer than ``k`` respondents is not shown:
    no scores, no exact ``n``, only the reason "fewer than k". The same applies to one
    figure of a visible group (a dimension, a misconception) when fewer than ``k`` of
    its members answered it.

Complementary suppression (subtraction from a parent)
    Released groups form a tree (organization > units > teams). For every released
    group :math:`X`, let :math:`R(X)` be its members who are *not* inside a released
    descendant (walking down from :math:`X`, a released child covers its members; a
    hidden child is looked into). :math:`R(X)` is exactly what an adversary obtains by
    subtracting the released descendants from :math:`X`, and the sets :math:`R(X)` are
    the finest pieces any combination of released figures can isolate. We require
    :math:`|R(X)| = 0` or :math:`|R(X)| \ge k` for every released :math:`X`:

    * inside a released unit, if the hidden teams hold between 1 and ``k - 1``
      respondents, the smallest visible team of that unit is hidden too (it has at
      least ``k``, so one is enough);
    * at the organization, if the members outside released units (and outside released
      teams of hidden units) number between 1 and ``k - 1``, the smallest released unit
      is hidden as well, together with its smallest visible team when that unit had no
      hidden team (otherwise hiding it would uncover nobody); without units, the
      smallest visible team is hidden.

    Ties are broken by label order, so the outcome is deterministic.

Subgroups (role, tenure)
    Breakdowns by role or tenure are released for the organization only (a unit-level
    breakdown could be combined with the organization's). A category is shown when it
    and its complement both reach ``k``, the respondents in no shown category number 0
    or at least ``k``, and no subtraction of shown categories from the released groups
    (or of released groups from shown categories) leaves between 1 and ``k - 1``
    respondents — see :func:`subgroup_cells`.

Comments
    Comments are shown only for groups of at least ``comment_k`` respondents. A visible
    team that size shows its own comments; comments of the other teams of a unit are
    pooled at the unit if those teams together reach ``comment_k`` (and the unit is
    shown), otherwise they move up to the organization's pool under the same condition,
    otherwise they are dropped. Each comment appears once, so no subtraction isolates a
    small team. Within a list, comments are in a deterministic pseudo-random order (by
    CRC-32 and Adler-32 checksums of team and text) so that their order reveals nothing
    about the rows.

References
----------
.. [1] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
   E., Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
   ch. 4 (frequency and magnitude tables, secondary suppression).
.. [2] Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
   *Journal of the American Statistical Association*, 75(370), 377–385.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass
from typing import Any, overload
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.arrays import BoolArray, FloatArray, IntArray, ObjectArray

__all__ = [
    "PRIMARY",
    "COMPLEMENTARY",
    "NO_DATA",
    "HierarchySuppression",
    "suppress_hierarchy",
    "subgroup_cells",
    "hierarchy_pieces",
    "release_comments",
    "reason_text",
]

#: Suppression reasons (``suppression_reason`` in the results).
PRIMARY = "fewer_than_k"
COMPLEMENTARY = "complementary"
NO_DATA = "no_data"


@overload
def reason_text(reason: str, k: int) -> dict[str, str]: ...
@overload
def reason_text(reason: None, k: int) -> None: ...
def reason_text(reason: str | None, k: int) -> dict[str, str] | None:
    """Plain-language explanation of a suppression reason in English and German."""
    if reason is None:
        return None
    texts = {
        PRIMARY: (f"fewer than {k} responses", f"weniger als {k} Antworten"),
        COMPLEMENTARY: (
            "hidden so that a smaller group cannot be worked out by subtraction",
            "ausgeblendet, damit eine kleinere Gruppe nicht durch Subtraktion errechnet werden kann",
        ),
        NO_DATA: ("no answers", "keine Antworten"),
    }
    en, de = texts[reason]
    return {"en": en, "de": de}


@dataclass(frozen=True, eq=False)
class HierarchySuppression:
    """Which groups of an organization > units > teams tree may be released.

    Attributes
    ----------
    team_visible : ndarray of bool, shape (n_teams,)
    team_reason : ndarray of object, shape (n_teams,)
        None for a visible team, else :data:`PRIMARY`, :data:`COMPLEMENTARY` or
        :data:`NO_DATA`.
    unit_visible, unit_reason : ndarray, shape (n_units,)
    org_visible : bool
    org_reason : str or None
    """

    team_visible: BoolArray
    team_reason: ObjectArray
    unit_visible: BoolArray
    unit_reason: ObjectArray
    org_visible: bool
    org_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "team_visible": self.team_visible.tolist(),
            "team_reason": self.team_reason.tolist(),
            "unit_visible": self.unit_visible.tolist(),
            "unit_reason": self.unit_reason.tolist(),
            "org_visible": self.org_visible,
            "org_reason": self.org_reason,
        }


def _check_k(k: object, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{name}: must be a positive integer, got {k!r}")
    return int(k)


def _first_per_parent(candidates: BoolArray, parent: IntArray, size: IntArray) -> IntArray:
    """Indices of the smallest candidate (by size, then index) for each parent."""
    idx = np.flatnonzero(candidates)
    if idx.size == 0:
        return idx
    order = idx[np.lexsort((idx, size[idx], parent[idx]))]
    p = parent[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = p[1:] != p[:-1]
    return order[first]


def suppress_hierarchy(
    team_n: ArrayLike,
    team_unit: ArrayLike | None = None,
    *,
    k: int,
    n_units: int = 0,
    team_hidden: ArrayLike | None = None,
    unit_hidden: ArrayLike | None = None,
) -> HierarchySuppression:
    """Primary and complementary suppression in an organization > units > teams tree.

    Parameters
    ----------
    team_n : array_like of int, shape (n_teams,) or (n_teams, n_counts)
        Respondents (or answers to one figure) per team. With several columns (e.g.
        the answers behind a perception score and behind a structure index shown in the
        same cell) a group is shown only when every count reaches ``k``, and every
        subtraction rule must hold for every count.
    team_unit : array_like of int, shape (n_teams,), optional
        Unit code ``0 … n_units - 1`` of every team; omit when there are no units.
    k : int
        Minimum group size.
    n_units : int
        Number of units (0 when there is no unit level).
    team_hidden, unit_hidden : array_like of bool, optional
        Groups that must be hidden anyway (e.g. hidden at the respondent level when
        deciding about one figure); they keep the reason :data:`COMPLEMENTARY` unless
        they are also below ``k``.

    Returns
    -------
    HierarchySuppression

    Notes
    -----
    See the module docstring for the rules. Vectorized over teams; the only loop
    repeats the organization-level step, which needs at most two rounds.
    """
    k = _check_k(k)
    c = np.asarray(team_n, dtype=np.int64)
    if c.ndim == 1:
        c = c[:, None]
    T, C = c.shape
    cmin = c.min(axis=1)
    has_units = team_unit is not None
    unit = np.asarray(team_unit, dtype=np.intp) if has_units else np.zeros(T, dtype=np.intp)
    U = int(n_units) if has_units else 0

    def per_unit(weights: NDArray[np.number[Any]]) -> FloatArray:
        return (
            np.column_stack([np.bincount(unit, weights=weights[:, j], minlength=U) for j in range(C)])
            if U
            else np.zeros((0, C))
        )

    def violates(pool: NDArray[np.number[Any]]) -> BoolArray:
        """Some count of the pool lies between 1 and k - 1 (rows of pools)."""
        return np.asarray(((pool > 0) & (pool < k)).any(axis=-1))

    t_reason = np.full(T, None, dtype=object)
    t_forced = np.zeros(T, bool) if team_hidden is None else np.asarray(team_hidden, bool)
    t_reason[t_forced] = COMPLEMENTARY
    t_reason[cmin < k] = PRIMARY
    t_reason[cmin == 0] = NO_DATA  # a figure without any answer behind it
    t_hidden = t_reason != None  # noqa: E711 (element-wise on an object array)

    u_n = per_unit(c)
    u_reason = np.full(U, None, dtype=object)
    if unit_hidden is not None:
        u_reason[np.asarray(unit_hidden, bool)] = COMPLEMENTARY
    if U:
        u_reason[u_n.min(axis=1) < k] = PRIMARY
        u_reason[u_n.min(axis=1) == 0] = NO_DATA
        # within each released unit: the hidden teams must hold 0 or >= k of every count
        r_unit = per_unit(np.where(t_hidden[:, None], c, 0))
        need = (u_reason == None) & violates(r_unit)  # noqa: E711
        extra = _first_per_parent(~t_hidden & need[unit], unit, cmin)
        t_reason[extra] = COMPLEMENTARY
        t_hidden[extra] = True

    N = c.sum(axis=0)
    org_reason = NO_DATA if N.min() == 0 else (PRIMARY if N.min() < k else None)
    if org_reason is None:
        for _ in range(3):  # each round uncovers >= k of every count; one suffices
            u_hidden = u_reason != None  # noqa: E711
            # uncovered: a hidden team that is not inside a released unit
            in_hidden_unit = u_hidden[unit] if has_units else np.ones(T, bool)
            remainder = np.where((t_hidden & in_hidden_unit)[:, None], c, 0).sum(axis=0)
            if not violates(remainder):
                break
            visible_units = np.flatnonzero(~u_hidden) if has_units else np.zeros(0, np.intp)
            if visible_units.size:
                u = visible_units[np.lexsort((visible_units, u_n[visible_units].min(axis=1)))[0]]
                u_reason[u] = COMPLEMENTARY
                gain = np.where((t_hidden & (unit == u))[:, None], c, 0).sum(axis=0)
                if (gain < k).any():  # hiding the unit alone would uncover too little
                    t = _first_per_parent(~t_hidden & (unit == u), unit, cmin)
                    t_reason[t] = COMPLEMENTARY
                    t_hidden[t] = True
            else:
                t = _first_per_parent(~t_hidden, np.zeros(T, np.intp), cmin)
                if t.size == 0:
                    break
                t_reason[t] = COMPLEMENTARY
                t_hidden[t] = True
    u_visible = u_reason == None  # noqa: E711
    return HierarchySuppression(
        team_visible=~t_hidden,
        team_reason=t_reason,
        unit_visible=u_visible,
        unit_reason=u_reason,
        org_visible=org_reason is None,
        org_reason=org_reason,
    )


def hierarchy_pieces(hs: HierarchySuppression, team_unit: ArrayLike | None = None) -> IntArray:
    """The finest pieces released totals can be cut into, as a piece id per team.

    A visible team is its own piece; the hidden teams of a visible unit form one piece
    (that unit's remainder); every other hidden team belongs to the organization's
    remainder. By construction every piece has 0 or at least ``k`` members.
    """
    T = hs.team_visible.shape[0]
    U = hs.unit_visible.shape[0]
    piece = np.full(T, T + U, dtype=np.intp)
    if team_unit is not None:
        tu = np.asarray(team_unit, dtype=np.intp)
        in_visible_unit = hs.unit_visible[tu]
        piece[in_visible_unit] = T + tu[in_visible_unit]
    piece[hs.team_visible] = np.flatnonzero(hs.team_visible)
    return piece


def _safe(x: int, k: int) -> bool:
    return x == 0 or x >= k


def subgroup_cells(piece_counts: ArrayLike, piece_totals: ArrayLike, *, k: int) -> BoolArray:
    """Which categories (e.g. team leads, members) may be shown for the organization.

    Parameters
    ----------
    piece_counts : array_like of int, shape (n_pieces, n_categories)
        Respondents per piece (:func:`hierarchy_pieces`) and category; respondents
        without an answer are in no category.
    piece_totals : array_like of int, shape (n_pieces,)
        Respondents per piece (including those without an answer).
    k : int

    Returns
    -------
    ndarray of bool, shape (n_categories,)

    Notes
    -----
    A category is shown for the organization when it and its complement both reach
    ``k``. The shown categories, the organization total and the released pieces are
    then checked against every subtraction of these kinds, all of which must leave 0 or
    at least ``k`` respondents:

    * the organization minus the shown categories (the respondents in no shown
      category);
    * for every set ``C`` of shown categories, the pieces containing anyone of ``C``
      minus ``C`` (possible when, say, all team leads sit in a few known teams), and
      ``C`` minus the pieces that lie entirely inside ``C``.

    While a check fails the smallest shown category is withdrawn. The same rules are
    applied to the answers of each dimension separately by the engine.
    """
    k = _check_k(k)
    n = np.asarray(piece_counts, dtype=np.int64)
    tot = np.asarray(piece_totals, dtype=np.int64)
    cnt = n.sum(axis=0)
    total = int(tot.sum())
    shown = (cnt >= k) & (total - cnt >= k)

    def ok() -> bool:
        idx = np.flatnonzero(shown)
        if not _safe(total - int(cnt[idx].sum()), k):
            return False
        for r in range(1, idx.size + 1):
            for subset in itertools.combinations(idx.tolist(), r):
                sub = list(subset)
                c_sum = int(cnt[sub].sum())
                touching = (n[:, sub] > 0).any(axis=1)
                if not _safe(int(tot[touching].sum()) - c_sum, k):
                    return False
                inside = (n[:, sub].sum(axis=1) == tot) & (tot > 0)
                if not _safe(c_sum - int(tot[inside].sum()), k):
                    return False
        return True

    while shown.any() and not ok():
        smallest = np.flatnonzero(shown)[np.argmin(cnt[shown])]
        shown[smallest] = False
    return np.asarray(shown, dtype=bool)


def _digest(team: str, text: str) -> int:
    """A 64-bit key of a comment that does not depend on the row order (CRC-32 and
    Adler-32 of team and text side by side)."""
    b = f"{team}\x00{text}".encode("utf-8")
    return (zlib.crc32(b) << 32) | zlib.adler32(b)


def release_comments(
    comments: Sequence[tuple[str, str]],
    *,
    team_labels: Sequence[str],
    team_n: ArrayLike,
    team_visible: ArrayLike,
    team_unit: ArrayLike | None = None,
    unit_labels: Sequence[str] = (),
    unit_visible: ArrayLike | None = None,
    comment_k: int,
) -> dict[str, Any]:
    """Assign every comment to the finest group that may show it (see module docstring).

    Parameters
    ----------
    comments : sequence of (team, text)
    team_labels : sequence of str, shape (n_teams,)
    team_n : array_like of int, shape (n_teams,)
    team_visible : array_like of bool, shape (n_teams,)
    team_unit : array_like of int, shape (n_teams,), optional
    unit_labels : sequence of str
    unit_visible : array_like of bool, optional
    comment_k : int
        Minimum group size for comments.

    Returns
    -------
    dict
        ``{"teams": {team: [text, …]}, "units": {unit: [text, …]},
        "organization": [text, …], "withheld": int}``; lists in deterministic
        pseudo-random order; ``withheld`` counts the comments that could not be shown
        anywhere.
    """
    comment_k = _check_k(comment_k, "comment_k")
    labels = list(team_labels)
    n = np.asarray(team_n, dtype=np.int64)
    tv = np.asarray(team_visible, bool)
    own = tv & (n >= comment_k)
    if team_unit is not None:
        tu = np.asarray(team_unit, dtype=np.intp)
        U = len(unit_labels)
        uv = np.ones(U, bool) if unit_visible is None else np.asarray(unit_visible, bool)
        pool_n = np.bincount(tu, weights=np.where(own, 0, n), minlength=U)
        unit_ok = uv & (pool_n >= comment_k)
        at_unit = ~own & unit_ok[tu]
    else:
        tu = np.zeros(0, dtype=np.intp)  # no units: no comment is placed at one
        at_unit = np.zeros(len(labels), bool)
    org_pool = int(n[~own & ~at_unit].sum())
    at_org = ~own & ~at_unit & (org_pool >= comment_k)

    teams: dict[str, list[str]] = {}
    units: dict[str, list[str]] = {}
    out: dict[str, Any] = {"teams": teams, "units": units, "organization": [], "withheld": 0}
    if not comments:
        return out
    c_team, c_text = zip(*comments)
    keys = np.fromiter(map(_digest, c_team, c_text), dtype=np.uint64, count=len(c_team))
    order = np.argsort(keys, kind="stable")  # equal keys: identical comments
    pos = {t: i for i, t in enumerate(labels)}
    team_idx = np.fromiter(map(pos.__getitem__, c_team), dtype=np.intp, count=len(c_team))[order]
    texts = np.array(c_text, dtype=object)[order]
    where = np.select([own[team_idx], at_unit[team_idx], at_org[team_idx]], [0, 1, 2], 3)
    for i, text in zip(team_idx[where == 0].tolist(), texts[where == 0].tolist()):
        teams.setdefault(labels[i], []).append(text)
    for i, text in zip(team_idx[where == 1].tolist(), texts[where == 1].tolist()):
        units.setdefault(unit_labels[tu[i]], []).append(text)
    out["organization"] = texts[where == 2].tolist()
    out["withheld"] = int((where == 3).sum())
    return out
