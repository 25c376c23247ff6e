"""Helpers for the results tests: simulated responses stored as the survey stores them."""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
from sqlmodel import select

from analysis import load_questionnaire
from analysis.simulate import simulate_responses
from app.core.db import session_scope
from app.models import Campaign, CampaignStatus, CampaignTeam, Comment, Response

_Q = load_questionnaire("aligned-autonomy-v1")


def store_responses(
    engine, campaign_id, counts: dict[str, int], *, seed: int = 0, comments_per_team: dict[str, int] | None = None
) -> None:
    """Store ``counts[team]`` simulated responses for the named campaign teams (and
    ``comments_per_team[team]`` comments)."""
    total = sum(counts.values())
    data = simulate_responses("aligned-autonomy-v1", respondents=max(total, 2), teams=2, seed=seed)
    cid = uuid.UUID(str(campaign_id))
    with session_scope(engine, write=True) as session:
        teams = {t.name: t for t in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == cid)).all()}
        row = 0
        for name, n in counts.items():
            for _ in range(n):
                answers = {i: int(v) for i, v in zip(data.item_ids, data.values[row]) if not np.isnan(v)}
                session.add(
                    Response(
                        campaign_id=cid,
                        campaign_team_id=teams[name].id,
                        role=str(data.role[row]),
                        tenure=str(data.tenure[row]) or None,
                        answers=answers,
                        submitted_on=date(2026, 11, 2),
                    )
                )
                row += 1
        for name, n in (comments_per_team or {}).items():
            for j in range(n):
                session.add(Comment(campaign_id=cid, campaign_team_id=teams[name].id, text=f"comment {name} {j}"))
        session.commit()


def store_rows(engine, campaign_id, data) -> None:
    """Store every row of ``data`` (a ResponseData whose team labels are campaign team
    names) and its comments."""
    cid = uuid.UUID(str(campaign_id))
    with session_scope(engine, write=True) as session:
        teams = {t.name: t for t in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == cid)).all()}
        for i in range(data.n):
            answers = {item: int(v) for item, v in zip(data.item_ids, data.values[i]) if not np.isnan(v)}
            session.add(
                Response(
                    campaign_id=cid,
                    campaign_team_id=teams[str(data.team[i])].id,
                    role=str(data.role[i]),
                    tenure=str(data.tenure[i]) or None,
                    answers=answers,
                    submitted_on=date(2026, 11, 2),
                )
            )
        for team, text in data.comments:
            session.add(Comment(campaign_id=cid, campaign_team_id=teams[str(team)].id, text=text))
        session.commit()


def park_responses(app, campaign_id, counts: dict[str, int], *, seed: int = 0, comment: str | None = None) -> None:
    """Submit ``counts[team]`` simulated, complete answer sets as the survey does: each is
    parked, sealed, and the team's waiting answer sets join when they form a batch."""
    from app.services.intake import flush_team, park

    engine, sealer = app.state.engine, app.state.sealer
    total = sum(counts.values())
    data = simulate_responses("aligned-autonomy-v1", respondents=max(total, 2), teams=2, seed=seed)
    cid = uuid.UUID(str(campaign_id))
    row = 0
    for name, n in counts.items():
        for _ in range(n):
            with session_scope(engine, write=True) as session:
                campaign = session.get(Campaign, cid)
                team = session.exec(
                    select(CampaignTeam).where(CampaignTeam.campaign_id == cid, CampaignTeam.name == name)
                ).one()
                answers = {i: _known(i, v) for i, v in zip(data.item_ids, data.values[row])}
                park(
                    session,
                    campaign=campaign,
                    team_id=team.id,
                    answers=answers,
                    role=str(data.role[row]),
                    tenure=str(data.tenure[row]) or None,
                    comment=comment,
                    today=date(2026, 11, 2),
                    sealer=sealer,
                )
                session.commit()
                team_id = team.id
            flush_team(engine, campaign_id=cid, team_id=team_id, sealer=sealer)
            row += 1


def _known(item_id: str, value: float) -> int:
    """A complete answer: a missing one becomes 3, "don't know" the first option."""
    item = _Q.item(item_id)
    if np.isnan(value):
        return 3
    return 1 if any(o.dont_know and o.value == value for o in item.options) else int(value)


def close(engine, campaign_id) -> None:
    with session_scope(engine, write=True) as session:
        c = session.get(Campaign, uuid.UUID(str(campaign_id)))
        c.status = CampaignStatus.closed
        session.add(c)
        session.commit()
