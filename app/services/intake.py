"""From a submitted answer set to a stored response, without a link to its invitation.

A submission marks its invitation used and stores the answer set in the same
transaction — that is what makes a link single-use and loses nothing. But rows written
by one transaction share its id (PostgreSQL's ``xmin``), its physical neighbourhood and
its moment, so the answer set is first **parked**: sealed with the service's key in
``pending_response`` (:class:`app.core.security.Sealer`). It joins the ``response`` and
``comment`` tables later, in a transaction of its own, together with the other waiting
answer sets of its team, as one **batch** of at least k in shuffled order with fresh
random ids. Whoever reads the database and holds the list of links can then tell at
most which batch of k or more a used link belongs to, never which response.

Batches are also the steps in which results are released (:mod:`analysis.release`):
a team's waiting answer sets join only when every figure they feed gets none or at
least k of them, so two releases never differ by fewer than k people in any figure.

At closing every waiting answer set joins, a small remainder together with
re-written (deleted and inserted with new ids) responses of its team so that the last
batch has k members too — except in a campaign whose results could be seen while it
ran (live results): there a remainder that would change a released figure by fewer
than k people is deleted, and the campaign counts it as withheld
(``Campaign.withheld_answers``). See ``docs/architecture.md``, "Anonymity in storage".
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from datetime import date

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import Session, col

from analysis.release import batch_mask, contributions
from analysis.responses import ResponseData, answer_items
from app.core.db import lock_key, session_scope
from app.core.security import Sealer
from app.models import Campaign, Comment, PendingResponse, Response
from app.services.campaigns import questionnaire_of

log = logging.getLogger(__name__)
FLUSH_FAILED = "moving the waiting answers of campaign team %s into the responses failed"
_random = secrets.SystemRandom()


def park(
    session: Session,
    *,
    campaign: Campaign,
    team_id: uuid.UUID,
    answers: dict,
    role: str,
    tenure: str | None,
    comment: str | None,
    today: date,
    sealer: Sealer,
    language: str | None = None,
) -> None:
    """Store one answer set, sealed, until its team's batch is complete."""
    payload = json.dumps(
        {
            "answers": answers,
            "role": role,
            "tenure": tenure,
            "comment": comment,
            "day": today.isoformat(),
            "language": language,
        },
        separators=(",", ":"),
    ).encode()
    session.add(
        PendingResponse(
            id=uuid.uuid4(), campaign_id=campaign.id, campaign_team_id=team_id, payload=sealer.seal(payload)
        )
    )


def waiting(session: Session, *, campaign: Campaign, team_id: uuid.UUID | None = None) -> int:
    """Answer sets of the campaign (or of one team) that have not joined the responses."""
    query = select(func.count()).select_from(PendingResponse).where(col(PendingResponse.campaign_id) == campaign.id)
    if team_id is not None:
        query = query.where(col(PendingResponse.campaign_team_id) == team_id)
    return session.execute(query).scalar_one()


def answer_counts(session: Session, *, campaign: Campaign) -> dict[uuid.UUID, int]:
    """Answer sets given per campaign team: joined responses and those still waiting."""
    counts: dict[uuid.UUID, int] = {}
    for table in (Response, PendingResponse):
        for team_id, n in session.execute(
            select(col(table.campaign_team_id), func.count())
            .where(col(table.campaign_id) == campaign.id)
            .group_by(col(table.campaign_team_id))
        ).all():
            counts[team_id] = counts.get(team_id, 0) + n
    return counts


def flush_team(engine: Engine, *, campaign_id: uuid.UUID, team_id: uuid.UUID, sealer: Sealer) -> int:
    """In a transaction of its own: move the team's waiting answer sets that form a batch
    into the responses; the number moved. Errors are logged, never raised: the answer
    sets stay safely parked and join with a later batch or at closing."""
    try:
        with session_scope(engine, write=True) as session:
            lock_key(session, team_id)
            campaign = session.get(Campaign, campaign_id)
            if campaign is None:
                raise LookupError(f"campaign {campaign_id} does not exist")
            rows = _parked(session, campaign, team_id)
            if len(rows) < campaign.k:
                return 0
            return _move(session, campaign, rows, sealer, final=False)
    except Exception:  # the submission is stored; moving it can wait
        log.exception(FLUSH_FAILED, team_id)
        return 0


def flush_all(session: Session, *, campaign: Campaign, sealer: Sealer | None) -> int:
    """At closing, in the caller's transaction: every waiting answer set of the campaign
    joins (module docstring); the number that joined."""
    lock_key(session, campaign.id)
    rows = _parked(session, campaign, None)
    if not rows:
        return 0
    if sealer is None:
        raise ValueError("sealer: required to close a campaign with waiting answer sets")
    return _move(session, campaign, rows, sealer, final=True)


def _parked(session: Session, campaign: Campaign, team_id: uuid.UUID | None) -> list:
    query = select(col(PendingResponse.id), col(PendingResponse.campaign_team_id), col(PendingResponse.payload)).where(
        col(PendingResponse.campaign_id) == campaign.id
    )
    if team_id is not None:
        query = query.where(col(PendingResponse.campaign_team_id) == team_id)
    return list(session.execute(query).all())


def _move(session: Session, campaign: Campaign, rows: list, sealer: Sealer, *, final: bool) -> int:
    """Move the batch among ``rows`` (all of them at a closing without interim results)."""
    sets = [json.loads(sealer.open(r.payload)) for r in rows]
    team_ids = [r.campaign_team_id for r in rows]
    if final and not campaign.interim_results:
        chosen = np.ones(len(rows), bool)
    else:
        chosen = _batch(campaign, team_ids, sets)
    if not chosen.any() and not final:
        return 0
    ids = [r.id for r, c in zip(rows, chosen) if c]
    responses = [_response(campaign, team_ids[i], sets[i]) for i in np.flatnonzero(chosen)]
    comments = [
        {"id": uuid.uuid4(), "campaign_id": campaign.id, "campaign_team_id": team_ids[i], "text": sets[i]["comment"]}
        for i in np.flatnonzero(chosen)
        if sets[i]["comment"]
    ]
    if final:
        responses += _rewritten(session, campaign, team_ids, chosen)
        dropped = [r.id for r, c in zip(rows, chosen) if not c]
        if dropped:
            session.execute(delete(PendingResponse).where(col(PendingResponse.id).in_(dropped)))
            campaign.withheld_answers += len(dropped)
            session.add(campaign)
    _random.shuffle(responses)
    _random.shuffle(comments)
    if ids:
        session.execute(delete(PendingResponse).where(col(PendingResponse.id).in_(ids)))
    if responses:
        session.execute(insert(Response), responses)
    if comments:
        session.execute(insert(Comment), comments)
    return len(ids)


def _batch(campaign: Campaign, team_ids: list, sets: list[dict]) -> np.ndarray:
    """:func:`analysis.release.batch_mask` of the waiting answer sets."""
    q = questionnaire_of(campaign)
    data = ResponseData.from_columns(
        q, team=[str(t) for t in team_ids], answers=_answer_columns(q, sets), role=[s["role"] for s in sets]
    )
    _, codes = np.unique(np.array([str(t) for t in team_ids]), return_inverse=True)
    return batch_mask(codes, contributions(data), k=campaign.k)


def _answer_columns(q, sets: list[dict]) -> dict:
    return {i: [s["answers"].get(i) for s in sets] for i in answer_items(q)}


def _response(campaign: Campaign, team_id: uuid.UUID, answer_set: dict) -> dict:
    return {
        "id": uuid.uuid4(),
        "campaign_id": campaign.id,
        "campaign_team_id": team_id,
        "role": answer_set["role"],
        "tenure": answer_set["tenure"],
        "answers": answer_set["answers"],
        "language": answer_set.get("language"),
        "submitted_on": date.fromisoformat(answer_set["day"]),
    }


def _rewritten(session: Session, campaign: Campaign, team_ids: list, chosen: np.ndarray) -> list[dict]:
    """For every team whose closing batch has fewer than k members: that many of its
    stored responses, deleted here and returned to be inserted again with new ids."""
    joining: dict[uuid.UUID, int] = {}
    for team_id, c in zip(team_ids, chosen):
        if c:
            joining[team_id] = joining.get(team_id, 0) + 1
    short = {t: campaign.k - n for t, n in joining.items() if n < campaign.k}
    if not short:
        return []
    stored = session.execute(
        select(
            col(Response.id),
            col(Response.campaign_team_id),
            col(Response.role),
            col(Response.tenure),
            col(Response.answers),
            col(Response.language),
            col(Response.submitted_on),
        ).where(col(Response.campaign_id) == campaign.id, col(Response.campaign_team_id).in_(list(short)))
    ).all()
    by_team: dict[uuid.UUID, list] = {}
    for row in stored:
        by_team.setdefault(row.campaign_team_id, []).append(row)
    picked = [row for team, rows in by_team.items() for row in _random.sample(rows, min(len(rows), short[team]))]
    if not picked:
        return []
    session.execute(delete(Response).where(col(Response.id).in_([r.id for r in picked])))
    return [
        {
            "id": uuid.uuid4(),
            "campaign_id": campaign.id,
            "campaign_team_id": r.campaign_team_id,
            "role": r.role,
            "tenure": r.tenure,
            "answers": r.answers,
            "language": r.language,
            "submitted_on": r.submitted_on,
        }
        for r in picked
    ]
