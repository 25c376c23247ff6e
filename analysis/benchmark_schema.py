"""Benchmark file schema: the constants of the format, the strict pydantic models every entry and
file is validated against, and plain-language messages for a schema error.

Part of :mod:`analysis.benchmark` (whose docstring describes the pool, the disclosure rules
and the file layout); import the public names from there.
"""

from __future__ import annotations

import re
from fractions import Fraction
from types import MappingProxyType
from typing import Annotated, Literal
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from analysis.maturity import TYPOLOGIES

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "READ_VERSIONS",
    "MAX_FILE_BYTES",
    "MAX_ENTRIES",
    "SIZE_BANDS",
    "ANY",
    "MEASURES",
    "SCOPES",
    "QUANTILES",
    "INSTRUMENT_FAMILIES",
    "DEFINITIONS",
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
INSTRUMENT_FAMILIES = MappingProxyType(
    {
        "aligned-autonomy-v1": "aligned-autonomy",
        "aligned-autonomy-pulse-v1": "aligned-autonomy",
        # version 2 changed items in every dimension and the German answer labels: no
        # dimension is scored from the same content as in version 1 (docs/methodology.md §19)
        "aligned-autonomy-v2": "aligned-autonomy-2",
        "aligned-autonomy-pulse-v2": "aligned-autonomy-2",
    }
)
#: Plain-language definitions for footnotes.
DEFINITIONS = MappingProxyType(
    {
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
    }
)

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


def _show(value: object) -> str:
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


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (key)"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: ErrorDetails) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field (extra fields are not allowed)"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(value)}"
    bounds = {
        "greater_than_equal": (">=", "ge"),
        "less_than_equal": ("<=", "le"),
        "greater_than": (">", "gt"),
        "less_than": ("<", "lt"),
    }
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
    return str(err["msg"])


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
