"""The schema of questionnaire files (pydantic), imported only to validate a file.

:func:`analysis.instrument.load_questionnaire` validates a file against these models
unless its bytes are those of a file validated before (``questionnaires_validated.json``);
the built :class:`analysis.instrument.Questionnaire` holds no pydantic object.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGUAGES: tuple[Literal["en", "de"], ...] = ("en", "de")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in every supported language."""

    en: Annotated[str, Field(min_length=1)]
    de: Annotated[str, Field(min_length=1)]


class OptionSpec(_Strict):
    value: int
    label: Text
    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] | None = None
    score: Annotated[float, Field(ge=0, le=100)] | None = None
    dont_know: bool = False
    not_applicable: bool = False  # structure items: says nothing about the structure


class ScaleSpec(_Strict):
    type: Literal["likert", "options"]
    points: Annotated[int, Field(ge=2, le=11)] | None = None
    labels: dict[Literal["en", "de"], list[str]] | None = None
    options: list[OptionSpec] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.type == "likert":
            if self.points is None or self.labels is None or self.options is not None:
                raise ValueError("a likert scale needs 'points' and 'labels' and no 'options'")
            for lang in LANGUAGES:
                if len(self.labels.get(lang, [])) != self.points:
                    raise ValueError(f"labels.{lang} must have {self.points} entries")
        else:
            if not self.options or self.points is not None or self.labels is not None:
                raise ValueError("an options scale needs 'options' and no 'points' or 'labels'")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        return self


class ItemSpec(_Strict):
    id: str
    kind: Literal["perception", "structure", "misconception", "outcome", "background", "comment", "priority"]
    text: Text
    dimension: Literal["direction", "decision_rights", "feedback"] | None = None
    scale: str | None = None
    reverse: bool = False
    required: bool = False
    misconception: str | None = None
    background: Literal["role", "tenure"] | None = None
    scope: Literal["team", "organization"] | None = None
    help: Text | None = None
    max_length: Annotated[int, Field(ge=1, le=10_000)] | None = None
    changes: Annotated[str, Field(min_length=1, max_length=2000)] | None = None  # what changed and why


class LevelCuts(_Strict):
    cuts: Annotated[list[float], Field(min_length=4, max_length=4)]


class Band(_Strict):
    low: Annotated[float, Field(ge=0, le=100)]
    high: Annotated[float, Field(ge=0, le=100)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


class FindingThresholds(_Strict):
    # divided: answers vary more than independent answers from this null (alpha level)
    agreement_null: Literal["uniform", "slight_skew", "moderate_skew", "heavy_skew"] = "slight_skew"
    agreement_alpha: Annotated[float, Field(gt=0, le=0.5)] = 0.05
    perception: Band
    structure: Band


class TypologyThresholds(_Strict):
    present: Annotated[float, Field(ge=0, le=100)]


class VerdictThresholds(_Strict):
    min_probability: Annotated[float, Field(gt=0.5, lt=1)] = 0.75
    min_reliability: Annotated[float, Field(ge=0, lt=1)] = 0.4


class Thresholds(_Strict):
    maturity: LevelCuts
    findings: FindingThresholds
    typology: TypologyThresholds
    misconception_agree_min: Annotated[int, Field(ge=1)]
    verdicts: VerdictThresholds = VerdictThresholds()

    @model_validator(mode="after")
    def _cuts(self) -> Self:
        cuts = self.maturity.cuts
        if any(not 0 <= c <= 100 for c in cuts) or cuts != sorted(cuts) or len(set(cuts)) != 4:
            raise ValueError("maturity.cuts must be 4 increasing numbers in [0, 100]")
        return self


class DimensionSpec(_Strict):
    name: Text
    description: Text


class QuestionnaireSpec(_Strict):
    id: str
    version: Annotated[int, Field(ge=1)]
    title: Text
    intro: Text
    estimated_minutes: Annotated[int, Field(ge=1, le=120)]
    dimensions: dict[Literal["direction", "decision_rights", "feedback"], DimensionSpec]
    misconceptions: dict[str, Text] = {}
    scales: dict[str, ScaleSpec]
    items: Annotated[list[ItemSpec], Field(min_length=1)]
    thresholds: Thresholds
    max_items: Annotated[int, Field(ge=1)] | None = None
