"""Generalization of a benchmark pool (disclosure rule 5 of :mod:`analysis.benchmark`):
industry, size band and closing period are coarsened until every combination is shared by
at least ``k`` organizations.

Part of :mod:`analysis.benchmark`; import :func:`generalize` from there.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from analysis.benchmark_schema import ANY
from analysis.benchmark_pool import BenchmarkPool, _check_k

__all__ = ["generalize"]


_DIM_ORDER = {"direction": 0, "decision_rights": 1, "feedback": 2}


# ------------------------------------------------------------------ generalization


def _coarser_profile(profile: tuple[Any, ...]) -> tuple[Any, ...]:
    """(industry, size band) one step up: the size band goes first, then the industry."""
    industry, size_band = profile
    return (industry, ANY) if size_band != ANY else (ANY, ANY)


def _profile_steps(profile: tuple[Any, ...]) -> int:
    """Steps left to the fully generalized profile."""
    return sum(v != ANY for v in profile)


def _quarter(period: str) -> str:
    """``"YYYY-MM"`` → ``"YYYY-Qn"``; coarser periods stay as they are."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", period):
        return f"{period[:4]}-Q{(int(period[5:]) - 1) // 3 + 1}"
    return period


def _coarser_period(period: str) -> str:
    """Quarter → year → :data:`ANY`."""
    return period[:4] if len(period) > 4 else ANY


def _period_steps(period: str) -> int:
    """Steps left to :data:`ANY` (a month counts as its quarter)."""
    return 0 if period == ANY else (1 if len(period) == 4 else 2)


def _climb(keys: list[Any], coarser: Callable[[Any], Any], steps: Callable[[Any], int], k: int) -> list[Any]:
    """Move keys up their hierarchy until every key that occurs occurs at least ``k``
    times (``keys`` holds 0 or at least ``k`` items).

    Each round, every key with fewer than ``k`` occurrences moves one step up. When only
    the top key is short, the key nearest to the top (then the rarest, then the first
    in order) moves up instead.
    """
    while True:
        counts = Counter(keys)
        short = {g for g, c in counts.items() if c < k and steps(g)}
        if not short:
            if all(c >= k for c in counts.values()):
                return keys
            short = {min((g for g in counts if steps(g)), key=lambda g: (steps(g), counts[g], g))}
        keys = [coarser(g) if g in short else g for g in keys]


def generalize(pool: BenchmarkPool, *, k: int = 5) -> BenchmarkPool:
    """The pool with industry, size band and closing date generalized so that every
    combination of the three that occurs is shared by at least ``k`` entries.

    Parameters
    ----------
    pool : BenchmarkPool
        Empty, or at least ``k`` entries; entries may already be generalized.
    k : int
        Smallest number of entries that share a combination (at least 5).

    Returns
    -------
    BenchmarkPool
        The same entry ids and figures without the answer counts ``n`` (an exact count
        can point at a known organization; comparisons never use another entry's
        count); industry and size band replaced by
        :data:`ANY` where their combination is rarer than ``k`` (size band first), the
        month coarsened to the quarter, and to the year or :data:`ANY` where rarer than
        ``k`` within the entry's (industry, size band) combination — the steps of the
        module docstring ("Generalized entries"). Generalizing a generalized pool
        changes nothing.

    Raises
    ------
    ValueError
        The pool holds 1 to ``k - 1`` entries (no generalization hides them), or ``k``
        is invalid.

    References
    ----------
    .. [1] Samarati, P., & Sweeney, L. (1998). Protecting privacy when disclosing
       information: k-anonymity and its enforcement through generalization and
       suppression. Technical report SRI-CSL-98-04, SRI International.

    Examples
    --------
    Four retail entries of one size band and one of another: both combinations hold
    fewer than five, so all five lose their size band; May becomes the second quarter.

    >>> from analysis.benchmark import BenchmarkEntry
    >>> entries = [BenchmarkEntry(entry_id=f"{i:032x}", questionnaire_id="q", questionnaire_version=1,
    ...                           closed_on="2024-05", industry="retail",
    ...                           size_band="1-49" if i else "5000+", typology=None,
    ...                           dimensions={"direction": {"score": 50.0}}) for i in range(5)]
    >>> sorted({(e.industry, e.size_band, e.closed_on) for e in generalize(BenchmarkPool(entries))})
    [('retail', 'any', '2024-Q2')]
    """
    if not isinstance(pool, BenchmarkPool):
        raise TypeError(f"pool: must be a BenchmarkPool, got {type(pool).__name__}")
    k = _check_k(k, "k")
    if 0 < len(pool) < k:
        raise ValueError(f"pool: {len(pool)} entries; generalizing needs none or at least {k}")
    entries = pool.entries
    profiles = _climb([(e.industry, e.size_band) for e in entries], _coarser_profile, _profile_steps, k)
    periods = [_quarter(e.closed_on) for e in entries]
    groups: dict[str, Any] = {}
    for i, profile in enumerate(profiles):
        groups.setdefault(profile, []).append(i)
    for at in groups.values():
        for i, period in zip(at, _climb([periods[i] for i in at], _coarser_period, _period_steps, k)):
            periods[i] = period
    return BenchmarkPool(
        dataclasses.replace(
            e,
            industry=ind,
            size_band=band,
            closed_on=period,
            dimensions={d: dataclasses.replace(a, n=None) for d, a in e.dimensions.items()},
        )
        for e, (ind, band), period in zip(entries, profiles, periods)
    )
