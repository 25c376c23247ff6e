r"""Benchmarks: an organization's dimension figures among other organizations (DESIGN §3.10).

A :class:`BenchmarkPool` keeps organization-level aggregates only — one
:class:`BenchmarkEntry` per closed campaign of an organization that opted in: per
dimension the perception score, the structure index, the number of answers, ICC(1) and
the maturity level; the typology; industry and size band; questionnaire id and version;
an opaque random entry id and the month the campaign closed. No organization name, no
team figure, no raw response. Entries are built from a released :class:`Diagnosis`
(:func:`entry_from_diagnosis`), so nothing in a pool can reveal a suppressed group.

:func:`benchmark` places one organization among the others, per dimension and measure
(``score``, ``structure``, ``icc1``), overall and filtered by industry and size band.

Percentile rank
    For the organization's figure :math:`s` and the :math:`n` comparable figures
    :math:`x_1, \dots, x_n` of a benchmark cell,

    .. math:: PR(s) = 100 \cdot \frac{\#\{i : x_i < s\}}{n},

    the share of organizations with a lower figure ("higher than PR % of the
    organizations") — ``scipy.stats.percentileofscore(x, s, kind="strict")``. Without
    ties it equals the mid-rank definition :math:`100\,(\#\{x_i < s\} + \tfrac12
    \#\{x_i = s\})/n` (``kind="mean"``); it is chosen over the mid-rank because the
    mid-rank tells the organization that another organization has *exactly* its figure
    whenever there is a tie, which would disclose that organization's figure.

Interval of the percentile rank
    The organization's own confidence interval :math:`[l, u]` (the released ``ci_low``
    / ``ci_high`` of the diagnosis) is propagated: :math:`[PR(l), PR(u)]`. Because
    :math:`PR` is non-decreasing, the interval covers the percentile rank of the
    organization's true score whenever :math:`[l, u]` covers the true score, so it has
    at least the confidence of :math:`[l, u]` (95 % by default). It treats the other
    organizations' figures as fixed (their own sampling error is not propagated). ICC(1)
    has no released interval, and a :class:`BenchmarkEntry` keeps none, so in those
    cases the interval is not given (``withheld``: ``no_interval``).

Quantiles (median, top 25 %, top 10 %)
    The 50th, 75th and 90th percentiles of the cell with Hyndman & Fan's (1996) type 7
    definition — the default of R's ``quantile`` and of ``numpy.quantile``
    (``method="linear"``): with the sorted figures :math:`x_{(1)} \le \dots \le
    x_{(n)}`, :math:`h = (n - 1)p + 1` and

    .. math:: Q(p) = x_{(\lfloor h \rfloor)} + (h - \lfloor h \rfloor)
              \bigl(x_{(\lfloor h \rfloor + 1)} - x_{(\lfloor h \rfloor)}\bigr).

    "Top 25 %" is :math:`Q(0.75)`, "top 10 %" is :math:`Q(0.90)`: the figure an
    organization must reach to belong to the best quarter / tenth of the cell.

Disclosure rules (DESIGN §5 applied to organizations)
    1. A cell with fewer than ``min_organizations`` (default 5) comparable organizations
       shows no figure, only the reason; its exact size is not shown either.
    2. A quantile is shown only when it does not depend on the highest or the lowest
       organization of the cell: its type-7 interpolation must put zero weight on
       :math:`x_{(1)}` and :math:`x_{(n)}` (then no combination of the shown quantiles
       recovers the minimum or maximum either). The median needs :math:`n \ge 3`, the
       75th percentile :math:`n \ge 5`, the 90th percentile :math:`n \ge 11`; with 5 to
       10 organizations "top 10 %" would be (a mix with) the best organization's own
       figure, so it is withheld with that reason. For the same reason a quantile that
       *ties* with the cell's minimum or maximum (several organizations with the same
       extreme figure) is withheld: a shown quantile always lies strictly between them.
    3. No minimum, maximum, list of figures or organization name is ever returned.
    4. Complementary rule between filtered views: every two shown cells :math:`A, B` of
       one result (same dimension and measure) must satisfy :math:`|A \setminus B| \in
       \{0\} \cup [k, \infty)` and :math:`|B \setminus A| \in \{0\} \cup [k, \infty)`,
       so a cell and its filtered sub-cell never differ by 1 to :math:`k - 1`
       organizations (which could be recovered by comparing their quantiles). Cells are
       admitted in the order all → industry → size band → industry and size band; a
       cell that would break the rule is withheld with the reason ``complementary``.
    5. The organization itself is never part of its own comparison: an entry with the
       same entry id (and any id passed in ``exclude``) is removed from every cell; a
       :class:`Diagnosis` has no entry id, so for it the entry with identical aggregates
       (the one :func:`entry_from_diagnosis` made from it) is removed.

Comparability
    Two measurements are comparable only with the same dimension ids and a compatible
    questionnaire: the same questionnaire id and version compare on everything
    (``score``, ``structure``, ``icc1``); two forms of one instrument family (the full
    form ``aligned-autonomy-v1`` and the pulse form ``aligned-autonomy-pulse-v1``, or two
    versions of one questionnaire id) compare on dimension scores only — their structure
    items differ, so the structure index, ICC(1) and the maturity level are not
    comparable. Anything else is not compared at all.

Benchmark file
    :func:`dump_benchmark` / :func:`load_benchmark`: UTF-8 JSON
    ``{"format": "aad-benchmark", "version": 2, "entries": [...]}``, at most
    :data:`MAX_FILE_BYTES` (10 MiB) and :data:`MAX_ENTRIES` entries, validated against a
    strict schema (extra fields forbidden, numbers finite and in range). See
    :func:`load_benchmark` for the layout. Version 2 adds the generalized values below;
    version 1 files (month, industry code, size band always given) are read unchanged.

Generalized entries (files that leave an installation)
    Industry, size band and closing date are quasi-identifiers: a rare combination could
    point at a known organization. :func:`generalize` coarsens them until every
    combination of the three that occurs is shared by at least ``k`` (5) entries
    (k-anonymity by generalization, [4]_):

    1. Profile. Entries whose (industry, size band) combination has fewer than ``k``
       entries lose their size band (:data:`ANY`); those still in a combination of
       fewer than ``k`` lose their industry too. Should the fully generalized
       combination then hold 1 to ``k - 1`` entries, the combination nearest to it
       (fewest specific fields, then fewest entries) moves up by the same steps until
       it holds ``k``.
    2. Closing period, within each resulting (industry, size band) combination: the
       month becomes its quarter (``"2024-Q2"``); a quarter with fewer than ``k``
       entries becomes its year (``"2024"``), a year with fewer than ``k`` becomes
       :data:`ANY`, by the same steps.

    Entry ids and all figures stay as they are. A generalized value never matches a
    filter: an entry with industry ``"any"`` counts among all organizations and in its
    size band's cell, never in an industry cell (and likewise for the size band).

References
----------
.. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
   *The American Statistician*, 50(4), 361–365.
.. [2] Crocker, L., & Algina, J. (1986). *Introduction to Classical and Modern Test
   Theory*. Holt, Rinehart and Winston, ch. 19 (percentile ranks).
.. [3] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
   E., Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
   ch. 4 (threshold rule, secondary suppression, disclosure by differencing).
.. [4] Samarati, P., & Sweeney, L. (1998). *Protecting privacy when disclosing
   information: k-anonymity and its enforcement through generalization and
   suppression*. Technical report SRI-CSL-98-04, SRI International.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from analysis.diagnosis import Diagnosis
from analysis.maturity import TYPOLOGIES

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_ENTRIES",
    "SIZE_BANDS",
    "ANY",
    "MEASURES",
    "SCOPES",
    "QUANTILES",
    "INSTRUMENT_FAMILIES",
    "DEFINITIONS",
    "DimensionAggregate",
    "BenchmarkEntry",
    "BenchmarkPool",
    "BenchmarkCell",
    "BenchmarkResult",
    "entry_from_diagnosis",
    "benchmark",
    "generalize",
    "dump_benchmark",
    "load_benchmark",
    "percentile_rank",
    "type7_quantile",
    "comparable_measures",
]

#: ``format`` field of a benchmark file.
FORMAT = "aad-benchmark"
#: The benchmark file version this code writes.
FORMAT_VERSION = 3
#: The benchmark file versions this code reads (version 1 has no generalized values,
#: versions 1 and 2 no ``simulated`` marker).
READ_VERSIONS = (1, 2, 3)
#: Largest benchmark file accepted (and written): 10 MiB.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Most entries in a pool or file. An entry of a three-dimension questionnaire takes at
#: most about 560 bytes, so 15,000 of them always fit into :data:`MAX_FILE_BYTES`;
#: :func:`dump_benchmark` refuses a pool whose file would be larger.
MAX_ENTRIES = 15_000
#: Size bands (employees of the organization).
SIZE_BANDS = ("1-49", "50-249", "250-999", "1000-4999", "5000+")
#: The generalized value of industry, size band and closing period (:func:`generalize`);
#: never an industry code or size band of its own.
ANY = "any"
#: Measures compared per dimension.
MEASURES = ("score", "structure", "icc1")
#: Benchmark cells, in the order in which they are admitted (disclosure rule 4).
SCOPES = ("all", "industry", "size_band", "industry_and_size_band")
#: Quantiles of a cell: name, probability (exact), label.
QUANTILES = (
    ("median", Fraction(1, 2), {"en": "median", "de": "Median"}),
    ("p75", Fraction(3, 4), {"en": "top 25 %", "de": "obere 25 %"}),
    ("p90", Fraction(9, 10), {"en": "top 10 %", "de": "obere 10 %"}),
)
#: Questionnaires whose forms compare on dimension scores (same family, same dimension ids).
INSTRUMENT_FAMILIES = MappingProxyType({
    "aligned-autonomy-v1": "aligned-autonomy",
    "aligned-autonomy-pulse-v1": "aligned-autonomy",
    # version 2 changed items in every dimension and the German answer labels: no
    # dimension is scored from the same content as in version 1 (docs/methodology.md §19)
    "aligned-autonomy-v2": "aligned-autonomy-2",
    "aligned-autonomy-pulse-v2": "aligned-autonomy-2",
})
#: Plain-language definitions for footnotes.
DEFINITIONS = MappingProxyType({
    "percentile_rank": {
        "en": "Share of the comparable organizations with a lower figure, in %.",
        "de": "Anteil der vergleichbaren Organisationen mit einem niedrigeren Wert, in %.",
    },
    "interval": {
        "en": "Percentile ranks of the lower and upper end of the organization's own confidence "
              "interval (95 % unless set otherwise); the other organizations' figures are taken as fixed.",
        "de": "Perzentilränge des unteren und oberen Endes des eigenen Konfidenzintervalls der "
              "Organisation (95 %, sofern nicht anders eingestellt); die Werte der anderen "
              "Organisationen gelten als fest.",
    },
    "quantiles": {
        "en": "Median, 75th percentile (top 25 %) and 90th percentile (top 10 %) of the "
              "comparable organizations, linear interpolation (Hyndman & Fan type 7).",
        "de": "Median, 75. Perzentil (obere 25 %) und 90. Perzentil (obere 10 %) der "
              "vergleichbaren Organisationen, lineare Interpolation (Hyndman & Fan Typ 7).",
    },
})

_ENTRY_ID = re.compile(r"^[0-9a-f]{32}$")
_INDUSTRY = r"^[a-z][a-z0-9_]{0,47}$"
_QID = r"^[a-z0-9][a-z0-9-]{0,63}$"
_DIM_ID = r"^[a-z][a-z0-9_]{0,47}$"
_PERIOD = r"^([0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?|any)$"
_MAX_N = 10_000_000
# a JSON escape of a C0 control character other than tab, LF and CR (raw ones are not
# valid JSON); a backslash escapes only after an even number of backslashes
_CONTROL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*(\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[bf]))")
_FULL, _SCORES = "full", "scores"
_MIN_K = 5


# ------------------------------------------------------------------------ file schema

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


_Score = Annotated[float, Field(ge=0.0, le=100.0)]


class _DimensionModel(_Strict):
    score: _Score | None
    structure: _Score | None
    n: Annotated[int, Field(ge=1, le=_MAX_N)] | None
    icc1: Annotated[float, Field(ge=-1.0, le=1.0)] | None
    level: Annotated[int, Field(ge=1, le=5)] | None


class _EntryModel(_Strict):
    entry_id: Annotated[str, StringConstraints(pattern=_ENTRY_ID.pattern)]
    questionnaire_id: Annotated[str, StringConstraints(pattern=_QID)]
    questionnaire_version: Annotated[int, Field(ge=1, le=1_000_000)]
    closed_on: Annotated[str, StringConstraints(pattern=_PERIOD)]
    industry: Annotated[str, StringConstraints(pattern=_INDUSTRY)]
    size_band: Literal[SIZE_BANDS + (ANY,)]  # type: ignore[valid-type]
    typology: Literal[TYPOLOGIES] | None  # type: ignore[valid-type]
    dimensions: Annotated[
        dict[Annotated[str, StringConstraints(pattern=_DIM_ID)], _DimensionModel],
        Field(min_length=1, max_length=10),
    ]
    simulated: bool = False


class _FileModel(_Strict):
    format: Literal["aad-benchmark"]
    version: Literal[READ_VERSIONS]  # type: ignore[valid-type]
    entries: Annotated[list[_EntryModel], Field(max_length=MAX_ENTRIES)]


def _show(value) -> str:
    """Short description of an offending input value for an error message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _path(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (key)"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: dict) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field (extra fields are not allowed)"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(value)}"
    bounds = {"greater_than_equal": (">=", "ge"), "less_than_equal": ("<=", "le"),
              "greater_than": (">", "gt"), "less_than": ("<", "lt")}
    if kind in bounds:
        op, key = bounds[kind]
        return f"must be {op} {ctx[key]}, got {_show(value)}"
    if kind.startswith("int_"):
        return f"must be an integer, got {_show(value)}"
    if kind.startswith("float_"):
        return f"must be a number, got {_show(value)}"
    if kind.startswith("string_type"):
        return f"must be a string, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx['pattern']}, got {_show(value)}"
    if kind == "literal_error":
        return f"must be {ctx['expected']}, got {_show(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be an object, got {_show(value)}"
    if kind == "list_type":
        return f"must be an array, got {_show(value)}"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    if kind == "too_short":
        return f"has {ctx.get('actual_length')} items; at least {ctx.get('min_length')} are needed"
    return err["msg"]


def _describe(exc: ValidationError, prefix: str = "") -> str:
    """``path: problem`` of the first schema error, and how many more there are."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = _path(first["loc"])
    where = f"{prefix}.{path}" if prefix and path else (prefix or path or "data")
    text = f"{where}: {_message(first)}"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return text


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

    def to_dict(self) -> dict:
        return {"score": self.score, "structure": self.structure, "n": self.n,
                "icc1": self.icc1, "level": self.level}


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
    dimensions: Mapping
    simulated: bool = False

    @classmethod
    def from_dict(cls, fields) -> BenchmarkEntry:
        """The entry whose file layout (:meth:`to_dict`) is ``fields``, validated against
        the benchmark file schema (``ValueError`` naming the field)."""
        try:
            _EntryModel.model_validate(fields)
        except ValidationError as exc:
            raise ValueError(_describe(exc)) from None
        return cls._trusted(fields)

    @classmethod
    def _trusted(cls, fields: dict) -> BenchmarkEntry:
        """Build from fields already validated by the file schema (no second validation)."""
        obj = object.__new__(cls)
        for key in ("entry_id", "questionnaire_id", "questionnaire_version", "closed_on", "industry",
                    "size_band", "typology"):
            object.__setattr__(obj, key, fields[key])
        object.__setattr__(obj, "simulated", bool(fields.get("simulated", False)))
        dims = fields["dimensions"]
        fl = _float_or_none
        object.__setattr__(obj, "dimensions", MappingProxyType({
            d: DimensionAggregate(fl(a["score"]), fl(a["structure"]), a["n"], fl(a["icc1"]), a["level"])
            for d, a in sorted(dims.items())}))
        return obj

    def __post_init__(self):
        dims = self.dimensions
        if not isinstance(dims, Mapping):
            raise TypeError(f"dimensions: must be a mapping, got {type(dims).__name__}")
        frozen = {}
        for key, value in dims.items():
            if isinstance(value, Mapping):
                value = DimensionAggregate(**{f: value.get(f) for f in
                                              ("score", "structure", "n", "icc1", "level")})
            if not isinstance(value, DimensionAggregate):
                raise TypeError(f"dimensions.{key}: must be a DimensionAggregate, got {type(value).__name__}")
            frozen[key] = value
        object.__setattr__(self, "dimensions", MappingProxyType(dict(sorted(frozen.items()))))
        try:
            _EntryModel.model_validate(self.to_dict())
        except ValidationError as exc:
            raise ValueError(_describe(exc)) from None

    @property
    def questionnaire(self) -> tuple:
        """``(questionnaire_id, questionnaire_version)``."""
        return (self.questionnaire_id, self.questionnaire_version)

    def to_dict(self) -> dict:
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

    def __eq__(self, other):
        if not isinstance(other, BenchmarkEntry):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(self.entry_id)


def _check_industry(industry) -> None:
    if not isinstance(industry, str) or not re.fullmatch(_INDUSTRY, industry):
        raise ValueError(f"industry: must match {_INDUSTRY}, got {industry!r}")
    if industry == ANY:
        raise ValueError(f"industry: {ANY!r} stands for a generalized industry and is no industry code")


def _float_or_none(x):
    return None if x is None else float(x)


def _month(value, name: str = "closed_on") -> str:
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


def _round(x, decimals):
    if x is None:
        return None
    x = float(x)
    return round(x, decimals) if math.isfinite(x) else None


def entry_from_diagnosis(diagnosis: Diagnosis, *, industry: str, size_band: str, closed_on,
                         entry_id: str | None = None, simulated: bool = False) -> BenchmarkEntry:
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
        raise ValueError("diagnosis: the organization is not released (fewer than k responses); "
                         "it cannot enter a benchmark")
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
            score=_round(fig.get("score"), 4), structure=_round(fig.get("structure"), 4),
            n=int(n) if n is not None else None, icc1=_round(fig.get("icc1"), 6),
            level=int(level) if level is not None else None,
        )
    org = diagnosis.organization
    return BenchmarkEntry(
        entry_id=entry_id, questionnaire_id=str(diagnosis.questionnaire["id"]),
        questionnaire_version=int(diagnosis.questionnaire["version"]), closed_on=month,
        industry=industry, size_band=size_band,
        typology=org.typology[0] if org.typology[0] in TYPOLOGIES else None, dimensions=dims,
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

    entries: tuple

    def __init__(self, entries: Iterable = ()):
        if isinstance(entries, (str, bytes)) or not isinstance(entries, Iterable):
            raise TypeError(f"entries: must be an iterable of BenchmarkEntry, got {type(entries).__name__}")
        by_id: dict = {}
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

    def __iter__(self):
        return iter(self.entries)

    def __contains__(self, entry_id) -> bool:
        return entry_id in self._ids

    @cached_property
    def _ids(self) -> dict:
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

    def to_dict(self) -> dict:
        """The benchmark file layout (see :func:`load_benchmark`)."""
        return {"format": FORMAT, "version": FORMAT_VERSION,
                "entries": [e.to_dict() for e in self.entries]}

    @cached_property
    def _columns(self) -> dict:
        """Column arrays for vectorized benchmarking (computed once per pool)."""
        E = self.entries
        dims = sorted({d for e in E for d in e.dimensions})
        cols = {
            "entry_id": np.array([e.entry_id for e in E], dtype=object),
            "questionnaire": [_qkey(e.questionnaire_id, e.questionnaire_version, e.dimensions) for e in E],
            "industry": np.array([e.industry for e in E], dtype=object),
            "size_band": np.array([e.size_band for e in E], dtype=object),
            "simulated": np.array([e.simulated for e in E], dtype=bool),
            "values": {},
        }
        for m in MEASURES + ("n", "level"):
            for d in dims:
                vals = [getattr(e.dimensions[d], m) if d in e.dimensions else None for e in E]
                cols["values"][(d, m)] = np.array([np.nan if v is None else v for v in vals], dtype=float)
        return cols


# ----------------------------------------------------------------- the statistics

def percentile_rank(values, score) -> float:
    r"""Percentile rank of ``score`` among ``values``: :math:`100\,\#\{x_i < s\}/n`.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite figures of the comparison group (n >= 1).
    score : float or array_like of float
        Figure(s) to place.

    Returns
    -------
    float or ndarray
        Percent of ``values`` strictly below ``score`` (0–100); equal to
        ``scipy.stats.percentileofscore(values, score, kind="strict")``.

    Notes
    -----
    Strictly-below counting is used rather than the mid-rank (``kind="mean"``), which
    agrees with it whenever ``score`` ties with no value, because the mid-rank reveals
    ties and thereby another organization's exact figure (see the module docstring).

    References
    ----------
    .. [1] Crocker, L., & Algina, J. (1986). *Introduction to Classical and Modern Test
       Theory*. Holt, Rinehart and Winston, ch. 19.

    Examples
    --------
    >>> percentile_rank([10, 20, 30, 40], 25.0)
    50.0
    >>> percentile_rank([10, 20, 30, 40], 20.0)
    25.0
    """
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError(f"values: must be a non-empty array of finite numbers, got {x.size} values")
    s = np.asarray(score, dtype=float)
    out = 100.0 * np.searchsorted(x, s, side="left") / x.size
    return float(out) if out.ndim == 0 else out


def _quantile_weights(n: int, p: Fraction) -> tuple[int, int, float]:
    """Type-7 position of ``p`` in a sorted sample of ``n``: (lo, hi, weight of hi), exact."""
    h = (n - 1) * Fraction(p)
    lo = math.floor(h)
    frac = h - lo
    return lo, (lo + 1 if frac else lo), float(frac)


def type7_quantile(values, p) -> float:
    r"""Sample quantile of Hyndman & Fan (1996), type 7 (R's default, ``numpy.quantile``).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite figures (n >= 1).
    p : float or Fraction
        Probability in [0, 1]; the position is computed exactly when ``p`` is a
        :class:`fractions.Fraction` (or a float with an exact short decimal form).

    Returns
    -------
    float
        :math:`x_{(j)} + g\,(x_{(j+1)} - x_{(j)})` with :math:`h = (n - 1)p`,
        :math:`j = \lfloor h \rfloor` (0-based) and :math:`g = h - j`.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician*, 50(4), 361–365.

    Examples
    --------
    >>> type7_quantile([1, 2, 3, 4, 10], 0.9)
    7.6
    """
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError(f"values: must be a non-empty array of finite numbers, got {x.size} values")
    q = p if isinstance(p, Fraction) else Fraction(str(float(p)))
    if not 0 <= q <= 1:
        raise ValueError(f"p: must be in [0, 1], got {p!r}")
    lo, hi, g = _quantile_weights(x.size, q)
    return float(x[lo] + g * (x[hi] - x[lo])) if g else float(x[lo])


def _quantile_safe(n: int, p: Fraction) -> bool:
    """Disclosure rule 2: the type-7 quantile puts no weight on the min or max."""
    lo, hi, _ = _quantile_weights(n, p)
    return lo >= 1 and hi <= n - 2


def _min_n(p: Fraction) -> int:
    """Smallest n from which on the quantile never touches the min or max."""
    n = 3
    for m in range(3, 1000):
        if not _quantile_safe(m, p):
            n = m + 1
    return n


_QUANTILE_MIN_N = {name: _min_n(p) for name, p, _ in QUANTILES}


# ----------------------------------------------------------------- comparability

def _qkey(qid, version, dims) -> tuple:
    return (str(qid), int(version), tuple(sorted(dims)))


def _compatibility(a: tuple, b: tuple) -> str | None:
    """``'full'``, ``'scores'`` or None for two ``(id, version, dims)`` keys."""
    if a[2] != b[2]:
        return None
    if a[0] == b[0] and a[1] == b[1]:
        return _FULL
    if a[0] == b[0]:
        return _SCORES
    fa, fb = INSTRUMENT_FAMILIES.get(a[0]), INSTRUMENT_FAMILIES.get(b[0])
    if fa is not None and fa == fb:
        return _SCORES
    return None


def comparable_measures(a, b, *, measures: Sequence[str] = MEASURES) -> tuple:
    """Measures on which two questionnaires may be compared.

    Parameters
    ----------
    a, b : mapping or tuple
        ``{"id", "version", "dimensions"}`` (a mapping whose ``dimensions`` are the
        dimension ids) or ``(id, version, dimension_ids)``.
    measures : sequence of str
        All measures of the comparison (default :data:`MEASURES`).

    Returns
    -------
    tuple of str
        ``measures`` for the same id, version and dimension ids; ``("score",)`` for two
        forms of one family (full and pulse form) or two versions of one id with the same
        dimension ids; ``()`` otherwise.
    """
    ka, kb = (_as_key(x) for x in (a, b))
    level = _compatibility(ka, kb)
    if level == _FULL:
        return tuple(measures)
    if level == _SCORES:
        return ("score",)
    return ()


def _as_key(x) -> tuple:
    if isinstance(x, Mapping):
        return _qkey(x["id"], x["version"], x["dimensions"])
    qid, version, dims = x
    return _qkey(qid, version, dims)


_SCORES_NOTE = {
    "en": "Forms of different kind (the pulse form and the full form) or different versions of "
          "the questionnaire are compared on dimension scores only; their structure index, ICC(1) "
          "and maturity level are not comparable.",
    "de": "Unterschiedliche Formen (Pulse- und Vollform) oder Versionen des Fragebogens werden nur "
          "über die Dimensionswerte verglichen; Strukturindex, ICC(1) und Reifegrad sind zwischen "
          "ihnen nicht vergleichbar.",
}


# ------------------------------------------------------------------------ results

def _reason_text(code: str | None, k: int, figure: str | None = None) -> dict | None:
    if code is None:
        return None
    if code == "fewer_than_k":
        return {"en": f"fewer than {k} comparable organizations",
                "de": f"weniger als {k} vergleichbare Organisationen"}
    if code == "complementary":
        return {"en": f"this comparison differs from another one shown here by fewer "
                      f"than {k} organizations",
                "de": f"dieser Vergleich unterscheidet sich von einem anderen hier "
                      f"gezeigten um weniger als {k} Organisationen"}
    if code == "not_comparable":
        return {"en": "not comparable between the questionnaires",
                "de": "zwischen den Fragebögen nicht vergleichbar"}
    if code == "extreme":
        m = _QUANTILE_MIN_N.get(figure, 0)
        return {"en": f"needs at least {m} organizations, so that it is never the figure of the "
                      f"highest or lowest organization",
                "de": f"braucht mindestens {m} Organisationen, damit er nie der Wert der höchsten "
                      f"oder niedrigsten Organisation ist"}
    if code == "tie":
        return {"en": "it equals the figure of the highest or lowest organization",
                "de": "er ist gleich dem Wert der höchsten oder niedrigsten Organisation"}
    if code == "no_value":
        return {"en": "the organization has no released figure for this",
                "de": "für die Organisation gibt es hierzu keinen freigegebenen Wert"}
    if code == "no_interval":
        return {"en": "no confidence interval is available for this figure",
                "de": "für diesen Wert gibt es kein Konfidenzintervall"}
    raise KeyError(code)


@dataclass(frozen=True, eq=False)
class BenchmarkCell:
    """One benchmark comparison: a dimension and measure within one scope.

    Attributes
    ----------
    scope : str
        One of :data:`SCOPES`.
    industry, size_band : str or None
        The filter of the scope.
    dimension, measure : str
    released : bool
        False when the cell shows no figure (see ``reason``).
    reason : str or None
        ``"fewer_than_k"``, ``"complementary"`` or ``"not_comparable"``.
    n_organizations : int or None
        Comparable organizations in the cell (None when not released).
    n_simulated : int or None
        How many of them are simulated (None when not released).
    value : float or None
        The organization's own figure.
    percentile_rank, percentile_rank_low, percentile_rank_high : float or None
        :math:`PR(s)` and the interval :math:`[PR(l), PR(u)]` (module docstring).
    median, p75, p90 : float or None
        Type-7 quantiles of the cell ("top 25 %" = ``p75``, "top 10 %" = ``p90``).
    withheld : mapping of str to str
        Figures of a released cell that are not given and why: ``"extreme"`` (too few
        organizations) or ``"tie"`` (equal to the minimum or maximum) for a quantile
        (disclosure rule 2), ``"no_value"`` / ``"no_interval"`` for the rank or its
        interval (key ``"percentile_rank_interval"``).
    k : int
        ``min_organizations`` (for the reason texts).
    """

    scope: str
    industry: str | None
    size_band: str | None
    dimension: str
    measure: str
    released: bool
    reason: str | None
    n_organizations: int | None
    value: float | None
    percentile_rank: float | None
    percentile_rank_low: float | None
    percentile_rank_high: float | None
    median: float | None
    p75: float | None
    p90: float | None
    withheld: Mapping = field(default_factory=lambda: MappingProxyType({}))
    k: int = _MIN_K
    n_simulated: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready; figures on 0–100 rounded to 4 decimals, ICC(1) to 6."""
        dec = 6 if self.measure == "icc1" else 4
        return {
            "scope": self.scope, "industry": self.industry, "size_band": self.size_band,
            "dimension": self.dimension, "measure": self.measure,
            "released": self.released, "reason": self.reason,
            "reason_text": _reason_text(self.reason, self.k),
            "n_organizations": self.n_organizations,
            "n_simulated": self.n_simulated,
            "value": _round(self.value, dec),
            "percentile_rank": _round(self.percentile_rank, 4),
            "percentile_rank_low": _round(self.percentile_rank_low, 4),
            "percentile_rank_high": _round(self.percentile_rank_high, 4),
            "median": _round(self.median, dec), "p75": _round(self.p75, dec),
            "p90": _round(self.p90, dec),
            "withheld": {f: {"reason": r, "text": _reason_text(r, self.k, f)}
                         for f, r in sorted(self.withheld.items())},
        }


@dataclass(frozen=True, eq=False)
class BenchmarkResult:
    """Result of :func:`benchmark`.

    Attributes
    ----------
    questionnaire : mapping
        ``{"id", "version"}`` of the organization being benchmarked.
    comparable_on : tuple of str
        Measures compared (some of :data:`MEASURES`).
    note : mapping or None
        en/de note when some organizations are compared on dimension scores only.
    min_organizations : int
    filters : mapping
        ``{"industry", "size_band"}`` as requested.
    dimensions : tuple of str
    cells : tuple of BenchmarkCell
        Scope-major, then dimension, then measure (:data:`MEASURES` order).
    """

    questionnaire: Mapping
    comparable_on: tuple
    note: Mapping | None
    min_organizations: int
    filters: Mapping
    dimensions: tuple
    cells: tuple

    def cell(self, dimension: str, measure: str = "score", scope: str = "all") -> BenchmarkCell:
        """The cell of one dimension, measure and scope (``KeyError`` if absent)."""
        for c in self.cells:
            if c.dimension == dimension and c.measure == measure and c.scope == scope:
                return c
        raise KeyError((scope, dimension, measure))

    @property
    def scopes(self) -> tuple:
        return tuple(dict.fromkeys(c.scope for c in self.cells))

    def to_dict(self) -> dict:
        """Plain JSON-ready data, deterministic:
        ``{"questionnaire", "comparable_on", "note", "min_organizations", "filters",
        "definitions", "quantile_labels", "scopes": {scope: {"industry", "size_band",
        "dimensions": {dim: {measure: cell}}}}}``."""
        scopes = {}
        for c in self.cells:
            s = scopes.setdefault(c.scope, {"industry": c.industry, "size_band": c.size_band,
                                            "dimensions": {}})
            s["dimensions"].setdefault(c.dimension, {})[c.measure] = c.to_dict()
        return {
            "questionnaire": dict(self.questionnaire),
            "comparable_on": list(self.comparable_on),
            "note": dict(self.note) if self.note else None,
            "min_organizations": self.min_organizations,
            "filters": dict(self.filters),
            "definitions": {k: dict(v) for k, v in DEFINITIONS.items()},
            "quantile_labels": {name: dict(lab) for name, _, lab in QUANTILES},
            "scopes": scopes,
        }


def _target(obj) -> dict:
    """Questionnaire key, entry id and figures (value, low, high) of the organization."""
    if isinstance(obj, BenchmarkEntry):
        figs = {}
        for d, a in obj.dimensions.items():
            for m in MEASURES:
                figs[(d, m)] = (getattr(a, m), None, None)
        return {"key": _qkey(obj.questionnaire_id, obj.questionnaire_version, obj.dimensions),
                "entry_id": obj.entry_id, "figures": figs}
    if isinstance(obj, Diagnosis):
        if obj.n_respondents is None:
            raise ValueError("diagnosis_or_entry: the organization is not released (fewer than k "
                             "responses); there is nothing to benchmark")
        figs = {}
        for d, f in obj.dimensions.items():
            figs[(d, "score")] = tuple(_round(f.get(x), 4) for x in ("score", "ci_low", "ci_high"))
            figs[(d, "structure")] = tuple(
                _round(f.get(x), 4) for x in ("structure", "structure_ci_low", "structure_ci_high"))
            figs[(d, "icc1")] = (_round(f.get("icc1"), 6), None, None)
            for x in ("n", "level"):
                figs[(d, x)] = (f.get(x), None, None)
        q = obj.questionnaire
        return {"key": _qkey(q["id"], q["version"], obj.dimensions), "entry_id": None, "figures": figs}
    raise TypeError(f"diagnosis_or_entry: must be a Diagnosis or a BenchmarkEntry, got {type(obj).__name__}")


def _check_k(k, name: str = "min_organizations") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < _MIN_K:
        raise ValueError(f"{name}: must be an integer >= {_MIN_K}, got {k!r}")
    return int(k)


def _figures(vals: np.ndarray, target: tuple, withheld: dict) -> dict:
    """Percentile rank with interval and the quantiles of one released cell."""
    x = np.sort(vals)
    n = x.size
    out = {"percentile_rank": None, "percentile_rank_low": None, "percentile_rank_high": None}
    value, low, high = target
    if value is None:
        withheld["percentile_rank"] = "no_value"
    else:
        pts = [value] + ([low, high] if low is not None and high is not None else [])
        pr = (100.0 * np.searchsorted(x, np.asarray(pts, float), side="left") / n).tolist()
        out["percentile_rank"] = pr[0]
        if len(pr) == 3:
            out["percentile_rank_low"], out["percentile_rank_high"] = pr[1], pr[2]
        else:
            withheld["percentile_rank_interval"] = "no_interval"
    for name, p, _ in QUANTILES:
        q = None
        if _quantile_safe(n, p):
            lo, hi, g = _quantile_weights(n, p)
            q = float(x[lo] + g * (x[hi] - x[lo])) if g else float(x[lo])
            if not x[0] < q < x[-1]:  # ties with the lowest or highest organization
                q = None
                withheld[name] = "tie"
        else:
            withheld[name] = "extreme"
        out[name] = q
    return out


def benchmark(pool: BenchmarkPool, diagnosis_or_entry, *, industry: str | None = None,
              size_band: str | None = None, min_organizations: int = 5,
              exclude: Iterable[str] = ()) -> BenchmarkResult:
    r"""Place an organization among comparable organizations, per dimension and measure.

    Parameters
    ----------
    pool : BenchmarkPool
        Entries of other organizations (organization-level aggregates only).
    diagnosis_or_entry : Diagnosis or BenchmarkEntry
        The organization to place. A :class:`Diagnosis` brings its released confidence
        intervals (the percentile rank gets an interval); an entry brings none.
    industry : str, optional
        Adds the scope ``"industry"`` (entries with this industry code; not
        :data:`ANY`, which entries with a generalized industry carry).
    size_band : str, optional
        Adds the scope ``"size_band"`` (one of :data:`SIZE_BANDS`), and with
        ``industry`` the scope ``"industry_and_size_band"``.
    min_organizations : int
        Smallest cell that shows figures (at least 5).
    exclude : iterable of str
        Further entry ids to leave out (e.g. earlier campaigns of the same
        organization). The organization's own entry is always left out: for a
        :class:`BenchmarkEntry` the entry with its id; for a :class:`Diagnosis`, which
        has no entry id, an entry of the same questionnaire whose aggregates are all
        identical to the diagnosis's (the entry made from it by
        :func:`entry_from_diagnosis`).

    Returns
    -------
    BenchmarkResult
        One :class:`BenchmarkCell` per scope, dimension and measure with the
        percentile rank :math:`PR(s) = 100\,\#\{x_i < s\}/n`, its interval
        :math:`[PR(l), PR(u)]` from the organization's own confidence interval, and the
        type-7 median, 75th and 90th percentiles of the cell — subject to the disclosure
        rules of the module docstring (fewer than ``min_organizations`` → reason only;
        quantiles touching the minimum or maximum withheld; filtered cells differing by
        1 to ``min_organizations - 1`` organizations withheld).

    Raises
    ------
    ValueError
        No entry of a non-empty pool uses a questionnaire comparable with the
        organization's (same dimension ids and the same questionnaire, or the pulse/full
        counterpart), or an invalid option (named).
    TypeError
        Wrong argument types.

    Notes
    -----
    Entries of a questionnaire that is comparable on dimension scores only (pulse vs full
    form) take part in the ``score`` cells only; the result says so in ``note``. Entries
    of incomparable questionnaires take part in nothing.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician*, 50(4), 361–365.
    .. [2] Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    if not isinstance(pool, BenchmarkPool):
        raise TypeError(f"pool: must be a BenchmarkPool, got {type(pool).__name__}")
    k = _check_k(min_organizations)
    if industry is not None:
        _check_industry(industry)
    if size_band is not None and size_band not in SIZE_BANDS:
        raise ValueError(f"size_band: must be one of {', '.join(SIZE_BANDS)}, got {size_band!r}")
    excluded = {exclude} if isinstance(exclude, str) else set(exclude)
    t = _target(diagnosis_or_entry)
    if t["entry_id"] is not None:
        excluded.add(t["entry_id"])

    cols = pool._columns
    N = len(pool)
    keep = ~np.isin(cols["entry_id"], list(excluded)) if excluded and N else np.ones(N, bool)
    level = np.array([_compatibility(t["key"], q) for q in cols["questionnaire"]], dtype=object)
    if t["entry_id"] is None and N:
        # a Diagnosis has no entry id: its own campaign's entry is the one with identical aggregates
        same = level == _FULL
        for d in t["key"][2]:
            for m in MEASURES + ("n", "level"):
                v = t["figures"][(d, m)][0]
                col = cols["values"].get((d, m), np.full(N, np.nan))
                same &= np.isnan(col) if v is None else (col == float(v))
        keep &= ~same
    full = (level == _FULL) & keep
    scores = ((level == _FULL) | (level == _SCORES)) & keep
    if keep.any() and not scores.any():
        held = sorted({f"{q[0]!r} version {q[1]}" for q, kp in zip(cols["questionnaire"], keep) if kp})
        raise ValueError(
            f"diagnosis_or_entry: questionnaire {t['key'][0]!r} version {t['key'][1]} is not comparable "
            f"with any entry of the pool (it holds {', '.join(held)}); comparisons need the same "
            f"dimension ids and the same questionnaire or its pulse/full counterpart")
    eligible = {"score": scores, "structure": full, "icc1": full}
    comparable_on = tuple(m for m in MEASURES if eligible[m].any()) or MEASURES
    note = MappingProxyType(dict(_SCORES_NOTE)) if (scores & ~full).any() else None

    scopes = [("all", None, None)]
    if industry is not None:
        scopes.append(("industry", industry, None))
    if size_band is not None:
        scopes.append(("size_band", None, size_band))
    if industry is not None and size_band is not None:
        scopes.append(("industry_and_size_band", industry, size_band))
    scope_mask = {}
    for name, ind, sb in scopes:
        m = np.ones(N, bool)
        if ind is not None:
            m &= cols["industry"] == ind
        if sb is not None:
            m &= cols["size_band"] == sb
        scope_mask[name] = m

    dims = tuple(sorted(t["key"][2], key=lambda d: (_DIM_ORDER.get(d, 99), d)))
    cells = {}
    for d in dims:
        for m in MEASURES:
            vals = cols["values"].get((d, m), np.full(N, np.nan))
            base = eligible[m] & np.isfinite(vals)
            shown: list = []
            for name, ind, sb in scopes:
                member = base & scope_mask[name]
                n = int(member.sum())
                target = t["figures"].get((d, m), (None, None, None))
                common = dict(scope=name, industry=ind, size_band=sb, dimension=d, measure=m,
                              value=target[0], k=k)
                if m not in comparable_on:
                    reason = "not_comparable"
                elif n < k:
                    reason = "fewer_than_k"
                elif any(0 < int((member & ~o).sum()) < k or 0 < int((o & ~member).sum()) < k
                         for o in shown):
                    reason = "complementary"
                else:
                    reason = None
                if reason is not None:
                    cells[(name, d, m)] = BenchmarkCell(
                        released=False, reason=reason, n_organizations=None,
                        percentile_rank=None, percentile_rank_low=None, percentile_rank_high=None,
                        median=None, p75=None, p90=None, **common)
                    continue
                shown.append(member)
                withheld: dict = {}
                figs = _figures(vals[member], target, withheld)
                cells[(name, d, m)] = BenchmarkCell(
                    released=True, reason=None, n_organizations=n, n_simulated=int((member & cols["simulated"]).sum()),
                    **figs,
                    withheld=MappingProxyType(withheld), **common)
    ordered = tuple(cells[(s, d, m)] for s, _, _ in scopes for d in dims for m in MEASURES)
    return BenchmarkResult(
        questionnaire=MappingProxyType({"id": t["key"][0], "version": t["key"][1]}),
        comparable_on=comparable_on, note=note, min_organizations=k,
        filters=MappingProxyType({"industry": industry, "size_band": size_band}),
        dimensions=dims, cells=ordered,
    )


_DIM_ORDER = {"direction": 0, "decision_rights": 1, "feedback": 2}


# ------------------------------------------------------------------ generalization

def _coarser_profile(profile: tuple) -> tuple:
    """(industry, size band) one step up: the size band goes first, then the industry."""
    industry, size_band = profile
    return (industry, ANY) if size_band != ANY else (ANY, ANY)


def _profile_steps(profile: tuple) -> int:
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


def _climb(keys: list, coarser: Callable, steps: Callable, k: int) -> list:
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
    groups: dict = {}
    for i, profile in enumerate(profiles):
        groups.setdefault(profile, []).append(i)
    for at in groups.values():
        for i, period in zip(at, _climb([periods[i] for i in at], _coarser_period, _period_steps, k)):
            periods[i] = period
    return BenchmarkPool(
        dataclasses.replace(e, industry=ind, size_band=band, closed_on=period,
                            dimensions={d: dataclasses.replace(a, n=None) for d, a in e.dimensions.items()})
        for e, (ind, band), period in zip(entries, profiles, periods))


# --------------------------------------------------------------------------- files

class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def dump_benchmark(pool: BenchmarkPool, *, rng: np.random.Generator | None = None) -> bytes:
    """Serialize a pool as a benchmark file (see :func:`load_benchmark`).

    Parameters
    ----------
    pool : BenchmarkPool
    rng : numpy.random.Generator, optional
        Writes the entries in a random order drawn from ``rng``; by default they are
        sorted by id.

    Returns
    -------
    bytes
        Compact UTF-8 JSON with sorted keys, ending in a newline; without ``rng``
        byte-identical for equal pools.

    Raises
    ------
    ValueError
        The file would exceed :data:`MAX_FILE_BYTES`.
    """
    if not isinstance(pool, BenchmarkPool):
        raise TypeError(f"pool: must be a BenchmarkPool, got {type(pool).__name__}")
    doc = pool.to_dict()
    if rng is not None:
        doc["entries"] = [doc["entries"][i] for i in rng.permutation(len(pool))]
    data = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8") + b"\n"
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"pool: the file would be {len(data):,} bytes; at most {MAX_FILE_BYTES:,} "
                         f"bytes are allowed")
    return data


def load_benchmark(data: bytes) -> BenchmarkPool:
    """Read and validate a benchmark file.

    Layout (version 2)::

        {"format": "aad-benchmark", "version": 2,
         "entries": [{"entry_id": "<32 hex>", "questionnaire_id": "aligned-autonomy-v1",
                      "questionnaire_version": 1,
                      "closed_on": "2024-05" | "2024-Q2" | "2024" | "any",
                      "industry": "manufacturing" | "any",
                      "size_band": "250-999" | "any",
                      "typology": "drift" | null,
                      "dimensions": {"direction": {"score": 0–100 | null,
                                                   "structure": 0–100 | null,
                                                   "n": 1–10000000 | null,
                                                   "icc1": -1–1 | null,
                                                   "level": 1–5 | null}, ...}}, ...]}

    Every field is required, no other field is allowed, numbers must be finite JSON
    numbers of the right type (integers for ``n``, ``level`` and versions), at most
    :data:`MAX_FILE_BYTES` bytes and :data:`MAX_ENTRIES` entries. :data:`ANY` marks a
    generalized industry, size band or closing period (:func:`generalize`). Version 1
    files, whose entries always give the month, the industry and the size band, are
    read as they are.

    Parameters
    ----------
    data : bytes
        The file content (UTF-8, an optional byte-order mark is ignored).

    Returns
    -------
    BenchmarkPool

    Raises
    ------
    ValueError
        The message names the problem and where, e.g.
        ``"entries[3].dimensions.direction.score: must be <= 100.0, got 120.0"``;
        ``"version: unsupported benchmark file version 3; this installation reads versions 1 to 2"``;
        a control character other than tab and line breaks, raw or escaped, names its line.
    TypeError
        ``data`` is not bytes.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"data: must be bytes, got {type(data).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"data: the file is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} bytes are allowed")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"data: not UTF-8 text (invalid byte at offset {exc.start})") from None
    escaped = _CONTROL_ESCAPE.search(text)
    if escaped:
        line = text.count("\n", 0, escaped.start(1)) + 1
        raise ValueError(f"data: line {line}: the control character {escaped.group(1)} is not allowed")
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise ValueError(f"data: duplicate key {exc.args[0]!r} in a JSON object") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"data: not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno}, "
                         f"column {exc.colno}") from None
    except RecursionError:
        raise ValueError("data: JSON is nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"data: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"data: the top level must be a JSON object, got {_show(doc)}")
    if doc.get("format") != FORMAT:
        raise ValueError(f"format: not a benchmark file (expected {FORMAT!r}, got {_show(doc.get('format'))})")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in READ_VERSIONS:
        raise ValueError(f"version: unsupported benchmark file version {_show(version)}; this "
                         f"installation reads versions {READ_VERSIONS[0]} to {READ_VERSIONS[-1]}")
    entries = doc.get("entries")
    if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
        raise ValueError(f"entries: {len(entries):,} entries; at most {MAX_ENTRIES:,} are allowed")
    try:
        _FileModel.model_validate(doc)
    except ValidationError as exc:
        raise ValueError(_describe(exc)) from None
    # valid: in strict mode the parsed document already has the schema's types
    return BenchmarkPool([BenchmarkEntry._trusted(e) for e in doc["entries"]])
