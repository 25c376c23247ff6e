"""Questionnaire files: schema, validation and loading.

An instrument is a bilingual YAML file (``questionnaires/*.yaml``). It declares its
dimensions, its answer scales once, its items (each referring to a scale), and the
thresholds the diagnosis uses (maturity levels, perception/structure findings,
typology). :func:`load_questionnaire` validates a file against the schema and then
against the cross-references between its parts; every error names the file, the item
and the problem, e.g. ``aligned-autonomy-v1.yaml: item dr_3: scale 'agree5x' is not
declared``.

A campaign is bound to the exact file it launched with: :attr:`Questionnaire.sha256` is
the SHA-256 of the file's bytes, and ``load_questionnaire(id, version=…, sha256=…)``
refuses a file that has changed under the same id and version
(:class:`InstrumentChanged`). :func:`comparable_items` says which items two instruments
share word for word (docs/methodology.md §19).

The schema (pydantic models) lives in :mod:`analysis.instrument_schema` and is imported
only to validate a file: the bytes of the shipped files, validated once, are recorded with
their validated content in ``questionnaires_validated.json``
(``scripts/validated_questionnaires.py``), and such a file is built from that record, so
that ``aad analyze`` does not spend a tenth of a second importing pydantic. The built
:class:`Questionnaire` and its :class:`Thresholds` are plain frozen dataclasses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from analysis.arrays import FloatArray

__all__ = [
    "DIMENSIONS",
    "KINDS",
    "MISCONCEPTIONS",
    "Option",
    "Item",
    "Scale",
    "Questionnaire",
    "QuestionnaireError",
    "InstrumentChanged",
    "Comparability",
    "comparable_items",
    "load_questionnaire",
    "list_questionnaires",
    "questionnaire_dir",
]

DIMENSIONS = ("direction", "decision_rights", "feedback")
KINDS = ("perception", "structure", "misconception", "outcome", "background", "comment", "priority")
#: Priorities a campaign may list for the top-priority item.
PRIORITIES_MIN, PRIORITIES_MAX, PRIORITY_MAX_LENGTH = 2, 12, 200
MISCONCEPTIONS = (
    "softened_hierarchy",
    "granted_autonomy",
    "self_establishing_alignment",
    "empowerment",
    "matrix_organization",
    "federal_model",
)
LANGUAGES = ("en", "de")
ROLE_KEYS = ("lead", "member")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FILE_BYTES = 1_000_000


class QuestionnaireError(ValueError):
    """A questionnaire file is malformed; the message names file, item and problem."""


class InstrumentChanged(QuestionnaireError):
    """The file of an instrument differs from the one a campaign was launched with."""


# ---------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class LevelCuts:
    cuts: list[float]


@dataclass(frozen=True)
class Band:
    low: float
    high: float


@dataclass(frozen=True)
class FindingThresholds:
    # divided: answers vary more than independent answers from this null (alpha level)
    perception: Band
    structure: Band
    agreement_null: str = "slight_skew"
    agreement_alpha: float = 0.05


@dataclass(frozen=True)
class TypologyThresholds:
    present: float


@dataclass(frozen=True)
class VerdictThresholds:
    min_probability: float = 0.75
    min_reliability: float = 0.4


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of an instrument, as validated (``analysis.instrument_schema``)."""

    maturity: LevelCuts
    findings: FindingThresholds
    typology: TypologyThresholds
    misconception_agree_min: int
    verdicts: VerdictThresholds = field(default_factory=VerdictThresholds)


def _thresholds(d: dict[str, Any]) -> Thresholds:
    f = d["findings"]
    return Thresholds(
        maturity=LevelCuts(**d["maturity"]),
        findings=FindingThresholds(
            perception=Band(**f["perception"]),
            structure=Band(**f["structure"]),
            agreement_null=f["agreement_null"],
            agreement_alpha=f["agreement_alpha"],
        ),
        typology=TypologyThresholds(**d["typology"]),
        misconception_agree_min=d["misconception_agree_min"],
        verdicts=VerdictThresholds(**d["verdicts"]),
    )


# ------------------------------------------------------------------ public objects


@dataclass(frozen=True)
class Option:
    """One answer option: the stored ``value``, its ``label`` per language and, for
    scored items, its ``score`` on 0–100 (``None`` where the item is not scored).
    Background options carry a ``key`` (``lead``, ``member``, a tenure band …) that
    data files and the database use instead of the numeric value."""

    value: int
    label: dict[str, Any]
    score: float | None = None
    dont_know: bool = False
    key: str | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class Scale:
    """A declared answer scale: ``likert`` (1 … points) or a list of ``options``."""

    id: str
    type: str
    options: tuple[Option, ...]

    @property
    def points(self) -> int | None:
        return len(self.options) if self.type == "likert" else None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Item:
    """One question of an instrument."""

    id: str
    kind: str
    text: dict[str, Any]
    dimension: str | None = None
    scale: Scale | None = None
    reverse: bool = False
    required: bool = False
    misconception: str | None = None
    background: str | None = None
    help: dict[str, Any] | None = None
    max_length: int | None = None
    scope: str | None = None  # structure items: "team" or "organization"
    changes: str | None = None  # what changed against the previous version, and why

    @property
    def options(self) -> tuple[Option, ...] | None:
        """Answer options, or ``None`` for a free-text comment."""
        return self.scale.options if self.scale is not None else None

    @property
    def answer_options(self) -> tuple[Option, ...]:
        """Answer options of a scale item (empty for a free-text comment)."""
        return self.options or ()

    @property
    def ranked_options(self) -> tuple[Option, ...]:
        """Scored options other than "don't know", lowest score first (structure items)."""
        scored = [(o.score, o) for o in self.answer_options if o.score is not None and not o.dont_know]
        return tuple(o for _, o in sorted(scored, key=lambda pair: pair[0]))

    def answered(self, column: FloatArray) -> FloatArray:
        """``column`` with "not applicable" answers set to NaN (they say nothing)."""
        na = [o.value for o in self.options or () if o.not_applicable]
        return np.where(np.isin(column, na), np.nan, column) if na else column


@dataclass(frozen=True)
class Questionnaire:
    """A validated instrument. ``items`` keep the order of the file."""

    id: str
    version: int
    title: dict[str, Any]
    intro: dict[str, Any]
    estimated_minutes: int
    dimensions: dict[str, Any]
    misconceptions: dict[str, Any]
    scales: dict[str, Scale]
    items: tuple[Item, ...]
    thresholds: Thresholds
    source: str = ""
    sha256: str = ""  # of the file's bytes
    _by_id: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({it.id: it for it in self.items})

    def item(self, item_id: str) -> Item:
        """The item with this id (``KeyError`` if there is none)."""
        return self._by_id[item_id]

    def items_of(self, kind: str, dimension: str | None = None) -> tuple[Item, ...]:
        """Items of one kind, optionally restricted to one dimension, in file order."""
        if kind not in KINDS:
            raise ValueError(f"kind: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        return tuple(it for it in self.items if it.kind == kind and (dimension is None or it.dimension == dimension))

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES

    @property
    def priority_item(self) -> Item | None:
        """The top-priority item (kind ``priority``), if the instrument has one."""
        return next((it for it in self.items if it.kind == "priority"), None)

    def with_priorities(self, priorities: Sequence[Mapping[str, str]] | None) -> Questionnaire:
        """This instrument with the campaign's list of priorities as the options of its
        priority item (values 1 … P in list order); without a list, or for an
        instrument without a priority item, the item is left out.

        ``priorities`` is a sequence of ``{"en": …, "de": …}`` texts.
        """
        item = self.priority_item
        if item is None:
            return self
        if not priorities:
            items = tuple(it for it in self.items if it is not item)
        else:
            check_priorities(priorities)
            scale = Scale(
                id="priorities",
                type="options",
                options=tuple(
                    Option(value=v, label={lang: str(p[lang]).strip() for lang in LANGUAGES})
                    for v, p in enumerate(priorities, start=1)
                ),
            )
            items = tuple(replace(it, scale=scale) if it is item else it for it in self.items)
        return replace(self, items=items, _by_id={})


def check_priorities(priorities: object) -> None:
    """``ValueError`` unless ``priorities`` is a list of 2–12 distinct
    ``{"en": …, "de": …}`` texts of 1–200 characters."""
    if not isinstance(priorities, (list, tuple)) or not PRIORITIES_MIN <= len(priorities) <= PRIORITIES_MAX:
        raise ValueError(f"priorities: give {PRIORITIES_MIN} to {PRIORITIES_MAX} priorities")
    for lang in LANGUAGES:
        texts = []
        for p in priorities:
            text = p.get(lang) if isinstance(p, dict) else None
            if not isinstance(text, str) or not 1 <= len(text.strip()) <= PRIORITY_MAX_LENGTH:
                raise ValueError(
                    f"priorities: every priority needs a text of 1 to {PRIORITY_MAX_LENGTH} "
                    f"characters in {', '.join(LANGUAGES)}"
                )
            texts.append(text.strip().casefold())
        if len(set(texts)) != len(texts):
            raise ValueError("priorities: the priorities must differ from each other")


# ------------------------------------------------------------------------- loading


def questionnaire_dir() -> Path:
    """Directory of the bundled instruments (package data when installed, the
    checkout's ``questionnaires/`` when running from source)."""
    bundled = Path(__file__).resolve().parent / "questionnaires"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent / "questionnaires"


def list_questionnaires() -> list[Questionnaire]:
    """All bundled instruments, sorted by id."""
    return [load_questionnaire(p) for p in sorted(questionnaire_dir().glob("*.yaml"))]


def load_questionnaire(
    path_or_id: str | os.PathLike[str], *, version: int | None = None, sha256: str | None = None
) -> Questionnaire:
    """Load and validate an instrument.

    Parameters
    ----------
    path_or_id : str or os.PathLike
        A path to a YAML file, or the id of a bundled instrument
        (e.g. ``"aligned-autonomy-v1"``).
    version : int, optional
        The version the caller was bound to (a campaign's); another version is refused.
    sha256 : str, optional
        The SHA-256 of the file the caller was bound to; a file with other bytes under
        the same id and version is refused.

    Raises
    ------
    QuestionnaireError
        If the file is missing, not valid YAML or violates the schema; the message
        names the file, the item (where there is one) and the problem.
    InstrumentChanged
        If ``version`` or ``sha256`` differ from the file's.
    """
    path = _resolve(path_or_id)
    q = _load_cached(str(path), path.stat().st_mtime_ns)
    if version is not None and q.version != version:
        raise InstrumentChanged(
            f"{q.source}: the file is version {q.version}, but version {version} was expected; "
            f"restore version {version} of the file"
        )
    if sha256 is not None and q.sha256 != sha256:
        raise InstrumentChanged(
            f"{q.source}: the file has changed since it was bound (sha256 {sha256[:12]}…, now "
            f"{q.sha256[:12]}…); restore the original file or publish the change as a new version"
        )
    return q


def _resolve(path_or_id: str | os.PathLike[str]) -> Path:
    text = str(path_or_id)
    if QUESTIONNAIRE_ID.match(text) and not text.endswith((".yaml", ".yml")):
        candidate = questionnaire_dir() / f"{text}.yaml"
        if candidate.is_file():
            return candidate
        known = ", ".join(sorted(p.stem for p in questionnaire_dir().glob("*.yaml")))
        raise QuestionnaireError(f"unknown questionnaire {text!r}; bundled ones: {known}")
    path = Path(path_or_id)
    if not path.is_file():
        raise QuestionnaireError(f"{path}: no such file")
    return path


#: Validated content (``QuestionnaireSpec.model_dump()``) of the shipped questionnaire
#: files by the SHA-256 of their bytes, written by ``scripts/validated_questionnaires.py``;
#: a file with these bytes is built without importing the schema (pydantic, about 0.1 s).
#: ``tests/analysis/test_instrument_validated.py`` checks every entry against validation.
VALIDATED_PATH = Path(__file__).with_name("questionnaires_validated.json")
#: Whether :func:`load_questionnaire` trusts ``VALIDATED_PATH`` (the script turns it off).
USE_VALIDATED = True


def _validated(sha256: str) -> dict[str, Any] | None:
    """The stored validated content of the file with this SHA-256, a fresh copy, or None."""
    if not USE_VALIDATED:
        return None
    try:
        text = VALIDATED_PATH.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    spec: dict[str, Any] | None = json.loads(text)["files"].get(sha256)
    return spec


def validate_file(name: str, raw: bytes) -> dict[str, Any]:
    """Parse and validate a file's bytes against the schema: its content with defaults
    filled in (``QuestionnaireSpec.model_dump()``)."""
    import yaml  # here: a shipped file is built without parsing it

    # libyaml's safe loader where PyYAML was built with it (ten times faster), else PyYAML's
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=loader)
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError(f"{name}:{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{name}: expected a mapping at the top level")
    from pydantic import ValidationError

    from analysis.instrument_schema import QuestionnaireSpec

    try:
        spec = QuestionnaireSpec.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(_describe(name, data, exc)) from None
    dump: dict[str, Any] = spec.model_dump()
    return dump


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, _mtime: int) -> Questionnaire:
    name = Path(path).name
    raw = Path(path).read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise QuestionnaireError(f"{name}: file is larger than {MAX_FILE_BYTES} bytes")
    sha256 = hashlib.sha256(raw).hexdigest()
    spec = _validated(sha256)
    if spec is None:
        spec = validate_file(name, raw)
    return replace(_build(name, spec), sha256=sha256, _by_id={})


def _describe(name: str, data: dict[str, Any], exc: Any) -> str:
    """Turn the first pydantic error into ``file: item x: field: problem``."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = data.get("items") or []
        entry = items[loc[1]] if loc[1] < len(items) else None
        item_id = entry.get("id") if isinstance(entry, dict) else None
        where = f"item {item_id}: " if item_id else f"item #{loc[1] + 1}: "
        loc = loc[2:]
    elif len(loc) >= 2 and loc[0] == "scales":
        where = f"scale {loc[1]!r}: "
        loc = loc[2:]
    path = ".".join(str(p) for p in loc if not str(p).startswith(("literal", "function")))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "is required"
    return f"{name}: {where}{path + ': ' if path else ''}{msg}"


def _build(name: str, spec: dict[str, Any]) -> Questionnaire:
    def fail(where: str, problem: str) -> NoReturn:
        raise QuestionnaireError(f"{name}: {where}{problem}")

    if not QUESTIONNAIRE_ID.match(spec["id"]):
        fail("", f"id {spec['id']!r} must be lower-case letters, digits and dashes")
    missing_dims = [d for d in DIMENSIONS if d not in spec["dimensions"]]
    if missing_dims:
        fail("", f"dimensions: {', '.join(missing_dims)} not declared")
    for mid in spec["misconceptions"]:
        if mid not in MISCONCEPTIONS:
            fail("", f"misconceptions: unknown misconception {mid!r}")

    scales = {sid: _scale(sid, s) for sid, s in spec["scales"].items()}
    items: list[Item] = []
    seen: set[str] = set()
    for it in spec["items"]:
        where = f"item {it['id']}: "
        if not ITEM_ID.match(it["id"]):
            fail(where, "id must match ^[a-z][a-z0-9_]*$")
        if it["id"] in seen:
            fail(where, "duplicate item id")
        seen.add(it["id"])
        scale: Scale | None = None
        if it["kind"] in ("comment", "priority"):
            if it["scale"] is not None:
                fail(where, f"a {it['kind']} item has no scale")
        else:
            if it["scale"] is None:
                fail(where, "scale is required")
            if it["scale"] not in scales:
                fail(where, f"scale {it['scale']!r} is not declared")
            scale = scales[it["scale"]]
        _check_item(it, scale, spec, where, fail)
        items.append(
            Item(
                id=it["id"],
                kind=it["kind"],
                text=it["text"],
                dimension=it["dimension"],
                scale=scale,
                reverse=it["reverse"],
                required=it["required"],
                misconception=it["misconception"],
                background=it["background"],
                scope=(it["scope"] or "team") if it["kind"] == "structure" else None,
                help=it["help"] if it["help"] else None,
                max_length=(it["max_length"] or 2000) if it["kind"] == "comment" else None,
                changes=it["changes"],
            )
        )
    if spec["max_items"] is not None and len(items) > spec["max_items"]:
        fail("", f"{len(items)} items exceed max_items = {spec['max_items']}")
    for dim in DIMENSIONS:
        if not any(i.kind == "perception" and i.dimension == dim for i in items):
            fail("", f"dimension {dim!r} has no perception item")
        if not any(i.kind == "structure" and i.dimension == dim for i in items):
            fail("", f"dimension {dim!r} has no structure item")
    if sum(i.kind == "priority" for i in items) > 1:
        fail("", "at most one priority item")
    for background in ("role",):
        if not any(i.kind == "background" and i.background == background for i in items):
            fail("", f"no background item for {background!r}")
    return Questionnaire(
        id=spec["id"],
        version=spec["version"],
        title=spec["title"],
        intro=spec["intro"],
        estimated_minutes=spec["estimated_minutes"],
        dimensions=dict(spec["dimensions"]),
        misconceptions=dict(spec["misconceptions"]),
        scales=scales,
        items=tuple(items),
        thresholds=_thresholds(spec["thresholds"]),
        source=name,
    )


def _scale(sid: str, s: dict[str, Any]) -> Scale:
    if s["type"] == "likert":
        options = tuple(
            Option(value=v + 1, label={lang: s["labels"][lang][v] for lang in LANGUAGES}) for v in range(s["points"])
        )
    else:
        options = tuple(
            Option(
                value=o["value"],
                label=o["label"],
                score=o["score"],
                dont_know=o["dont_know"],
                key=o["key"],
                not_applicable=o["not_applicable"],
            )
            for o in s["options"]
        )
    return Scale(id=sid, type=s["type"], options=options)


#: Raises the ``QuestionnaireError`` of a file: ``fail(where, problem)``.
_Fail = Callable[[str, str], NoReturn]


def _check_item(it: dict[str, Any], scale: Scale | None, spec: dict[str, Any], where: str, fail: _Fail) -> None:
    """The item's fields against its kind (``scale`` is None for a comment or priority item only)."""
    needs_dimension = it["kind"] in ("perception", "structure")
    if needs_dimension and it["dimension"] is None:
        fail(where, f"a {it['kind']} item needs a dimension")
    if not needs_dimension and it["dimension"] is not None:
        fail(where, f"a {it['kind']} item has no dimension")
    if it["reverse"] and it["kind"] not in ("perception", "misconception"):
        fail(where, "only perception and misconception items may be reverse-keyed")
    if scale is not None:
        _check_scale(it["kind"], scale, where, fail)
    if it["kind"] == "misconception":
        if it["misconception"] not in MISCONCEPTIONS:
            fail(where, f"misconception {it['misconception']!r} is not one of {', '.join(MISCONCEPTIONS)}")
        if it["misconception"] not in spec["misconceptions"]:
            fail(where, f"misconception {it['misconception']!r} is not declared")
    elif it["misconception"] is not None:
        fail(where, "only misconception items name a misconception")
    if it["kind"] == "background":
        if it["background"] is None:
            fail(where, "a background item needs 'background: role' or 'background: tenure'")
        if scale is None or scale.type != "options":
            fail(where, "a background item needs an options scale")
        keys = [o.key for o in scale.options]
        if None in keys or len(set(keys)) != len(keys):
            fail(where, f"scale {scale.id!r} must give every option a unique 'key'")
        if it["background"] == "role" and set(keys) != set(ROLE_KEYS):
            fail(where, f"the role scale must have the keys {', '.join(ROLE_KEYS)}")
    elif it["background"] is not None:
        fail(where, "only background items have 'background'")
    if it["max_length"] is not None and it["kind"] != "comment":
        fail(where, "only a comment has max_length")
    if it["scope"] is not None and it["kind"] != "structure":
        fail(where, "only a structure item has a scope")
    if it["kind"] == "priority" and it["required"]:
        fail(where, "a priority item cannot be required")


def _check_scale(kind: str, scale: Scale, where: str, fail: _Fail) -> None:
    """The scale of an item against its kind."""
    if kind in ("perception", "misconception", "outcome") and scale.type != "likert":
        fail(where, f"a {kind} item needs a likert scale, {scale.id!r} is not one")
    if kind == "perception" and scale.points != 5:
        fail(where, f"a perception item needs a 5-point scale, {scale.id!r} has {scale.points}")
    if kind == "structure":
        if scale.type != "options" or any((o.score is None) != o.not_applicable for o in scale.options):
            fail(where, f"scale {scale.id!r} must give every option a score (and none to a 'not applicable' one)")
        if sum(o.dont_know for o in scale.options) != 1 or any(o.dont_know and o.not_applicable for o in scale.options):
            fail(where, f"scale {scale.id!r} must have exactly one 'don't know' option with a score")
    elif scale.type == "options" and any(o.score is not None or o.dont_know or o.not_applicable for o in scale.options):
        fail(where, f"scale {scale.id!r} has scores, which only structure items use")


# ------------------------------------------------------------------- comparability


@dataclass(frozen=True)
class Comparability:
    """What two instruments share word for word.

    ``by_language[lang]`` lists the answer items (perception, structure, misconception,
    outcome) that are identical in ``lang``: same id, kind, dimension, scope and keying,
    same text and same scale (labels, scores, "don't know" and "not applicable" options).
    ``items`` are those identical in every language. ``dimensions`` lists the dimensions
    scored from identical content: their perception and structure items are the same
    in both instruments and identical in every language; only these may be compared
    between waves of the two instruments.
    """

    items: tuple[str, ...]
    by_language: dict[str, tuple[str, ...]]
    dimensions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": list(self.items),
            "by_language": {k: list(v) for k, v in self.by_language.items()},
            "dimensions": list(self.dimensions),
        }


_COMPARED_KINDS = ("perception", "structure", "misconception", "outcome")


def _item_form(it: Item, lang: str) -> tuple[Any, ...]:
    options = tuple((o.value, o.label[lang], o.score, o.dont_know, o.not_applicable) for o in (it.options or ()))
    return (it.kind, it.dimension, it.scope, it.reverse, it.misconception, it.text[lang], options)


def comparable_items(a: Questionnaire, b: Questionnaire) -> Comparability:
    """The items and dimensions two instruments share word for word (see
    :class:`Comparability`); e.g. ``aligned-autonomy-v1`` and ``-v2`` share no
    dimension, because every dimension has changed items and the German answer labels
    changed (docs/methodology.md §19)."""
    for name, q in (("a", a), ("b", b)):
        if not isinstance(q, Questionnaire):
            raise TypeError(f"{name}: must be a Questionnaire, got {type(q).__name__}")
    ids = [it.id for it in a.items if it.kind in _COMPARED_KINDS and it.id in b._by_id]
    by_language = {
        lang: tuple(i for i in ids if _item_form(a.item(i), lang) == _item_form(b.item(i), lang)) for lang in LANGUAGES
    }
    items = tuple(i for i in ids if all(i in by_language[lang] for lang in LANGUAGES))
    dimensions = []
    for dim in DIMENSIONS:
        scored = [
            {it.id for it in q.items if it.dimension == dim and it.kind in ("perception", "structure")} for q in (a, b)
        ]
        if scored[0] == scored[1] and scored[0] <= set(items):
            dimensions.append(dim)
    return Comparability(items=items, by_language=by_language, dimensions=tuple(dimensions))
