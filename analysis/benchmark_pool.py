"""Benchmark entries and pools: the organization-level aggregates of one closed campaign
(:class:`BenchmarkEntry`, built by :func:`entry_from_diagnosis`) and the validated set of
them (:class:`BenchmarkPool`).

Part of :mod:`analysis.benchmark`; import the public names from there.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
from pydantic import ValidationError

from analysis.diagnosis import Diagnosis
from analysis.maturity import TYPOLOGIES
from analysis.benchmark_schema import (
    ANY,
    FORMAT,
    FORMAT_VERSION,
    MAX_ENTRIES,
    MEASURES,
    SIZE_BANDS,
    _ENTRY_ID,
    _EntryModel,
    _INDUSTRY,
    _MIN_K,
    _describe,
)
from analysis.arrays import FloatArray

__all__ = ["DimensionAggregate", "BenchmarkEntry", "entry_from_diagnosis", "BenchmarkPool"]


# ------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class DimensionAggregate:
    """Organization-level figures of one dimension in a :class:`BenchmarkEntry`.

    Attributes
    ----------
    score : float or None
        Perception score 0–100.
    structure : float or None
        Structure index 0–100.
    n : int or None
        Answers used for the score.
    icc1 : float or None
        ICC(1) of the perception score with teams as groups.
    level : int or None
        Maturity level 1–5.
    """

    score: float | None
    structure: float | None
    n: int | None
    icc1: float | None
    level: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "structure": self.structure, "n": self.n, "icc1": self.icc1, "level": self.level}


@dataclass(frozen=True, eq=False)
class BenchmarkEntry:
    """Organization-level aggregates of one closed campaign (no name, no team figure).

    Construct with :func:`entry_from_diagnosis`; direct construction is validated
    against the benchmark file schema (``ValueError`` naming the field).

    Attributes
    ----------
    entry_id : str
        Opaque random id, 32 lower-case hex digits (128 bits); unrelated to the
        organization or the campaign.
    questionnaire_id : str
    questionnaire_version : int
    closed_on : str
        When the campaign closed: the month ``"YYYY-MM"``, or in a generalized entry
        (:func:`generalize`) the quarter ``"YYYY-Qn"``, the year ``"YYYY"`` or
        :data:`ANY`.
    industry : str
        Industry code, ``[a-z][a-z0-9_]*`` (at most 48 characters), or :data:`ANY`.
    size_band : str
        One of :data:`SIZE_BANDS`, or :data:`ANY`.
    typology : str or None
        The organization's typology (:data:`analysis.maturity.TYPOLOGIES`).
    dimensions : mapping of str to DimensionAggregate
    simulated : bool
        True for an entry of a simulated organization (a demonstration or test file);
        every comparison says how many of its organizations are simulated.
    """

    entry_id: str
    questionnaire_id: str
    questionnaire_version: int
    closed_on: str
    industry: str
    size_band: str
    typology: str | None
    dimensions: Mapping[str, Any]
    simulated: bool = False

    @classmethod
    def from_dict(cls, fields: Mapping[str, Any]) -> BenchmarkEntry:
        """The entry whose file layout (:meth:`to_dict`) is ``fields``, validated against
        the benchmark file schema (``ValueError`` naming the field)."""
        try:
            _EntryModel.model_validate(fields)
        except ValidationError as exc:
            raise ValueError(_describe(exc)) from None
        return cls._trusted(dict(fields))

    @classmethod
    def _trusted(cls, fields: dict[str, Any]) -> BenchmarkEntry:
        """Build from fields already validated by the file schema (no second validation)."""
        obj = object.__new__(cls)
        for key in (
            "entry_id",
            "questionnaire_id",
            "questionnaire_version",
            "closed_on",
            "industry",
            "size_band",
            "typology",
        ):
            object.__setattr__(obj, key, fields[key])
        object.__setattr__(obj, "simulated", bool(fields.get("simulated", False)))
        dims = fields["dimensions"]
        fl = _float_or_none
        object.__setattr__(
            obj,
            "dimensions",
            MappingProxyType(
                {
                    d: DimensionAggregate(fl(a["score"]), fl(a["structure"]), a["n"], fl(a["icc1"]), a["level"])
                    for d, a in sorted(dims.items())
                }
            ),
        )
        return obj

    def __post_init__(self) -> None:
        dims = self.dimensions
        if not isinstance(dims, Mapping):
            raise TypeError(f"dimensions: must be a mapping, got {type(dims).__name__}")
        frozen = {}
        for key, value in dims.items():
            if isinstance(value, Mapping):
                value = DimensionAggregate(**{f: value.get(f) for f in ("score", "structure", "n", "icc1", "level")})
            if not isinstance(value, DimensionAggregate):
                raise TypeError(f"dimensions.{key}: must be a DimensionAggregate, got {type(value).__name__}")
            frozen[key] = value
        object.__setattr__(self, "dimensions", MappingProxyType(dict(sorted(frozen.items()))))
        try:
            _EntryModel.model_validate(self.to_dict())
        except ValidationError as exc:
            raise ValueError(_describe(exc)) from None

    @property
    def questionnaire(self) -> tuple[Any, ...]:
        """``(questionnaire_id, questionnaire_version)``."""
        return (self.questionnaire_id, self.questionnaire_version)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready layout of one entry in a benchmark file."""
        return {
            "entry_id": self.entry_id,
            "questionnaire_id": self.questionnaire_id,
            "questionnaire_version": self.questionnaire_version,
            "closed_on": self.closed_on,
            "industry": self.industry,
            "size_band": self.size_band,
            "typology": self.typology,
            "dimensions": {d: a.to_dict() for d, a in self.dimensions.items()},
            "simulated": self.simulated,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BenchmarkEntry):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.entry_id)


def _check_industry(industry: object) -> None:
    if not isinstance(industry, str) or not re.fullmatch(_INDUSTRY, industry):
        raise ValueError(f"industry: must match {_INDUSTRY}, got {industry!r}")
    if industry == ANY:
        raise ValueError(f"industry: {ANY!r} stands for a generalized industry and is no industry code")


def _float_or_none(x: float | None) -> float | None:
    return None if x is None else float(x)


def _month(value: object, name: str = "closed_on") -> str:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?", value)
        if m:
            try:
                _dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            except ValueError:
                pass
            else:
                return f"{m[1]}-{m[2]}"
    raise ValueError(f"{name}: must be a date or 'YYYY-MM' / 'YYYY-MM-DD', got {value!r}")


def _round(x: float | None, decimals: int) -> float | None:
    if x is None:
        return None
    v = float(x)
    return round(v, decimals) if math.isfinite(v) else None


def entry_from_diagnosis(
    diagnosis: Diagnosis,
    *,
    industry: str,
    size_band: str,
    closed_on: _dt.date | str,
    entry_id: str | None = None,
    simulated: bool = False,
) -> BenchmarkEntry:
    """The benchmark entry of one closed campaign: organization-level aggregates only.

    Parameters
    ----------
    diagnosis : Diagnosis
        Released results of the campaign (:func:`analysis.diagnose`); the organization
        must be released (at least ``k`` respondents).
    industry : str
        Industry code, ``[a-z][a-z0-9_]*`` (at most 48 characters), e.g.
        ``"manufacturing"``; not :data:`ANY`.
    size_band : str
        One of :data:`SIZE_BANDS`.
    closed_on : datetime.date, datetime.datetime or str
        When the campaign closed; only the month is kept (``"YYYY-MM"``).
    entry_id : str, optional
        32 lower-case hex digits; default a fresh random id
        (:func:`secrets.token_hex`). Never derive it from the organization.
    simulated : bool
        The diagnosis is of a simulated organization (marked in every comparison).

    Returns
    -------
    BenchmarkEntry
        Per dimension: perception score and structure index (rounded to 4 decimals, as
        released), answers used, ICC(1) (6 decimals) and maturity level; the typology.

    Raises
    ------
    ValueError
        The organization is suppressed, or an argument is invalid (named).
    TypeError
        ``diagnosis`` is not a :class:`Diagnosis`.
    """
    if not isinstance(diagnosis, Diagnosis):
        raise TypeError(f"diagnosis: must be a Diagnosis, got {type(diagnosis).__name__}")
    if diagnosis.n_respondents is None:
        raise ValueError(
            "diagnosis: the organization is not released (fewer than k responses); it cannot enter a benchmark"
        )
    _check_industry(industry)
    if size_band not in SIZE_BANDS:
        raise ValueError(f"size_band: must be one of {', '.join(SIZE_BANDS)}, got {size_band!r}")
    month = _month(closed_on)
    if entry_id is None:
        entry_id = secrets.token_hex(16)
    elif not isinstance(entry_id, str) or not _ENTRY_ID.fullmatch(entry_id):
        raise ValueError(f"entry_id: must be 32 lower-case hex digits, got {entry_id!r}")
    dims = {}
    for d, fig in diagnosis.dimensions.items():
        n = fig.get("n")
        level = fig.get("level")
        dims[d] = DimensionAggregate(
            score=_round(fig.get("score"), 4),
            structure=_round(fig.get("structure"), 4),
            n=int(n) if n is not None else None,
            icc1=_round(fig.get("icc1"), 6),
            level=int(level) if level is not None else None,
        )
    org = diagnosis.organization
    return BenchmarkEntry(
        entry_id=entry_id,
        questionnaire_id=str(diagnosis.questionnaire["id"]),
        questionnaire_version=int(diagnosis.questionnaire["version"]),
        closed_on=month,
        industry=industry,
        size_band=size_band,
        typology=org.typology[0] if org.typology[0] in TYPOLOGIES else None,
        dimensions=dims,
        simulated=bool(simulated),
    )


# ---------------------------------------------------------------------------- pool


@dataclass(frozen=True, eq=False, init=False)
class BenchmarkPool:
    """An immutable set of benchmark entries, sorted by entry id.

    Parameters
    ----------
    entries : iterable of BenchmarkEntry
        Duplicates (same entry id, same figures) are kept once; the same entry id with
        different figures is an error. At most :data:`MAX_ENTRIES`.

    Attributes
    ----------
    entries : tuple of BenchmarkEntry
    """

    entries: tuple[BenchmarkEntry, ...]

    def __init__(self, entries: Iterable[BenchmarkEntry] = ()):
        if isinstance(entries, (str, bytes)) or not isinstance(entries, Iterable):
            raise TypeError(f"entries: must be an iterable of BenchmarkEntry, got {type(entries).__name__}")
        by_id: dict[str, BenchmarkEntry] = {}
        for i, e in enumerate(entries):
            if not isinstance(e, BenchmarkEntry):
                raise TypeError(f"entries[{i}]: must be a BenchmarkEntry, got {type(e).__name__}")
            seen = by_id.get(e.entry_id)
            if seen is not None and seen != e:
                raise ValueError(f"entries[{i}]: entry id {e.entry_id!r} occurs twice with different figures")
            by_id[e.entry_id] = e
        if len(by_id) > MAX_ENTRIES:
            raise ValueError(f"entries: {len(by_id):,} entries; at most {MAX_ENTRIES:,} are allowed")
        object.__setattr__(self, "entries", tuple(by_id[k] for k in sorted(by_id)))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[BenchmarkEntry]:
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._ids

    @cached_property
    def _ids(self) -> dict[str, int]:
        return {e.entry_id: i for i, e in enumerate(self.entries)}

    def get(self, entry_id: str) -> BenchmarkEntry:
        """The entry with this id (``KeyError`` if absent)."""
        return self.entries[self._ids[entry_id]]

    def merge(self, *others: BenchmarkPool) -> BenchmarkPool:
        """A new pool with the entries of this and the other pools, de-duplicated by id."""
        for i, o in enumerate(others):
            if not isinstance(o, BenchmarkPool):
                raise TypeError(f"others[{i}]: must be a BenchmarkPool, got {type(o).__name__}")
        return BenchmarkPool([e for p in (self, *others) for e in p.entries])

    def without(self, entry_ids: Iterable[str]) -> BenchmarkPool:
        """A new pool without the given entry ids (unknown ids are ignored)."""
        drop = {entry_ids} if isinstance(entry_ids, str) else set(entry_ids)
        return BenchmarkPool([e for e in self.entries if e.entry_id not in drop])

    def to_dict(self) -> dict[str, Any]:
        """The benchmark file layout (see :func:`load_benchmark`)."""
        return {"format": FORMAT, "version": FORMAT_VERSION, "entries": [e.to_dict() for e in self.entries]}

    @cached_property
    def _columns(self) -> dict[str, Any]:
        """Column arrays for vectorized benchmarking (computed once per pool)."""
        E = self.entries
        dims = sorted({d for e in E for d in e.dimensions})
        cols = {
            "entry_id": np.array([e.entry_id for e in E], dtype=object),
            "questionnaire": [_qkey(e.questionnaire_id, e.questionnaire_version, e.dimensions) for e in E],
            "industry": np.array([e.industry for e in E], dtype=object),
            "size_band": np.array([e.size_band for e in E], dtype=object),
            "simulated": np.array([e.simulated for e in E], dtype=bool),
        }
        values: dict[tuple[str, str], FloatArray] = {}
        cols["values"] = values
        for m in MEASURES + ("n", "level"):
            for d in dims:
                vals = [getattr(e.dimensions[d], m) if d in e.dimensions else None for e in E]
                values[(d, m)] = np.array([np.nan if v is None else v for v in vals], dtype=float)
        return cols


def _qkey(qid: object, version: int, dims: Iterable[str]) -> tuple[str, int, tuple[str, ...]]:
    return (str(qid), int(version), tuple(sorted(dims)))


def _check_k(k: object, name: str = "min_organizations") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < _MIN_K:
        raise ValueError(f"{name}: must be an integer >= {_MIN_K}, got {k!r}")
    return int(k)
