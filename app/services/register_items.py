"""Survey items generated from the decision register frozen into a campaign.

For every decision type chosen at launch the survey asks "Who decides about … in your
team?" with the deciders of :data:`analysis.decisions.DECIDERS` (values 0–3) and "don't
know" (:data:`analysis.decisions.DONT_KNOW`). The item id is ``decides.<decision id>``
(the dot keeps it apart from every questionnaire item id). Answers are optional,
validated here and stored with the other answers of the set — anonymously, sealed and
in batches like every item (docs/methodology.md §18).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from analysis.decisions import DECIDERS, DONT_KNOW
from analysis.instrument import Questionnaire
from app.models import CampaignRegister
from app.register_texts import DECIDER_LABELS
from app.problems import Problem, at_item
from app.services import Invalid
from app.services.survey import Submission, option_of, validate

PREFIX = "decides."
QUESTION = {"en": "Who decides about {label} in your team?", "de": "Wer entscheidet in Ihrem Team über {label}?"}
HELP = {
    "en": "As it is actually handled today, not as it should be.",
    "de": "So, wie es heute tatsächlich gehandhabt wird, nicht wie es sein sollte.",
}


@dataclass(frozen=True)
class Option:
    value: int
    label: dict[str, str]


@dataclass(frozen=True)
class DecisionItem:
    """One generated item: ``decides.<decision>`` with its question and options."""

    id: str
    decision: str
    text: dict[str, str]
    help: dict[str, str]
    options: tuple[Option, ...]


OPTIONS = tuple(Option(i, DECIDER_LABELS[name]) for i, name in enumerate(DECIDERS)) + (
    Option(DONT_KNOW, DECIDER_LABELS["dont_know"]),
)


def decision_items(session: Session, *, campaign_id: uuid.UUID) -> list[DecisionItem]:
    """The generated items of a campaign, in the register's order (none without a
    frozen register or without decision types chosen at launch)."""
    frozen = session.get(CampaignRegister, campaign_id)
    if frozen is None:
        return []
    labels = {d["id"]: d for d in frozen.decisions}
    return [
        DecisionItem(
            id=PREFIX + i,
            decision=i,
            text={lang: QUESTION[lang].format(label=labels[i][f"label_{lang}"]) for lang in QUESTION},
            help=HELP,
            options=OPTIONS,
        )
        for i in frozen.asked
    ]


def item_json(item: DecisionItem, pick) -> dict:
    """The item in the layout of the survey API (``pick`` keeps the campaign's languages)."""
    return {
        "id": item.id,
        "kind": "decision",
        "text": pick(item.text),
        "help": pick(item.help),
        "required": False,
        "max_length": None,
        "options": [{"value": o.value, "label": pick(o.label)} for o in item.options],
    }


def validate_with_decisions(
    questionnaire: Questionnaire, items: list[DecisionItem], fields: dict[str, list]
) -> Submission:
    """:func:`app.services.survey.validate` for the questionnaire's fields, and the
    generated items' answers checked and added to the submission."""
    known = {item.id: item for item in items}
    answers: dict[str, int] = {}
    for key in [k for k in fields if isinstance(k, str) and k.startswith(PREFIX)]:
        values = [v for v in fields.pop(key) if v is not None and not (isinstance(v, str) and v.strip() == "")]
        if key not in known:
            raise Invalid(Problem("unknown_item", {"item": repr(str(key)[:50])}))
        if len(values) > 1:
            raise Invalid(Problem("more_than_one_answer", at=at_item(key)))
        if values:
            answers[key] = option_of(known[key], values[0]).value
    submission = validate(questionnaire, fields)
    return Submission(
        answers={**submission.answers, **answers},
        role=submission.role,
        tenure=submission.tenure,
        comment=submission.comment,
    )
