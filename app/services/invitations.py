"""Survey links. Only the SHA-256 hash of a token is stored; the links are returned
once, at creation, for HR's own mail system."""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy import update
from sqlmodel import Session, func, select

from app.core.security import new_token, token_hash
from app.models import Campaign, CampaignStatus, CampaignTeam, Invitation, InvitationKind
from app.services import Conflict, Invalid
from app.services.campaigns import campaign_teams
from app.services.teams import _cell

MAX_PER_REQUEST = 20_000
NOT_LAUNCHED = "links can be created only for an open campaign"
UNKNOWN_TEAM = "unknown team for this campaign"


def _teams(session: Session, campaign: Campaign) -> dict[uuid.UUID, CampaignTeam]:
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_LAUNCHED)
    return {t.id: t for t in campaign_teams(session, campaign=campaign)}


def create_personal_links(session: Session, *, campaign: Campaign, counts: dict[uuid.UUID, int], base_url: str) -> list[dict]:
    """``counts[campaign_team_id]`` single-use links per team, as rows for a CSV."""
    teams = _teams(session, campaign)
    if any(team_id not in teams for team_id in counts):
        raise Invalid(UNKNOWN_TEAM)
    if any(n < 0 for n in counts.values()) or sum(counts.values()) > MAX_PER_REQUEST:
        raise Invalid(f"between 0 and {MAX_PER_REQUEST} links per request")
    if sum(counts.values()) == 0:
        raise Invalid("ask for at least one link")
    rows = []
    for team_id, n in counts.items():
        team = teams[team_id]
        for _ in range(n):
            token = new_token()
            session.add(Invitation(campaign_id=campaign.id, campaign_team_id=team_id, token_hash=token_hash(token)))
            rows.append({"unit_path": team.unit_path, "team": team.name, "kind": "personal", "link": f"{base_url}/s/{token}"})
    session.commit()
    return rows


def create_open_links(session: Session, *, campaign: Campaign, team_ids: list[uuid.UUID] | None, base_url: str) -> list[dict]:
    """One open link per team (all teams when ``team_ids`` is None); an earlier open link
    of the same team stops working."""
    teams = _teams(session, campaign)
    chosen = list(teams) if team_ids is None else team_ids
    if any(team_id not in teams for team_id in chosen):
        raise Invalid(UNKNOWN_TEAM)
    rows = []
    for team_id in chosen:
        session.execute(update(Invitation).where(
            Invitation.campaign_team_id == team_id, Invitation.kind == InvitationKind.open,
        ).values(active=False))
        token = new_token()
        session.add(Invitation(campaign_id=campaign.id, campaign_team_id=team_id, kind=InvitationKind.open, token_hash=token_hash(token)))
        team = teams[team_id]
        rows.append({"unit_path": team.unit_path, "team": team.name, "kind": "open", "link": f"{base_url}/s/{token}"})
    session.commit()
    return rows


def links_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["unit path", "team", "kind", "link"])
    for row in rows:
        writer.writerow([_cell(row["unit_path"]), _cell(row["team"]), row["kind"], row["link"]])
    return out.getvalue()


def invitation_counts(session: Session, *, campaign: Campaign) -> dict[uuid.UUID, dict]:
    """Per campaign team: number of personal links and whether an open link is active."""
    counts: dict[uuid.UUID, dict] = {}
    rows = session.exec(
        select(Invitation.campaign_team_id, Invitation.kind, func.count())
        .where(Invitation.campaign_id == campaign.id, Invitation.active)
        .group_by(Invitation.campaign_team_id, Invitation.kind)
    ).all()
    for team_id, kind, n in rows:
        entry = counts.setdefault(team_id, {"personal": 0, "open": False})
        if kind == InvitationKind.personal:
            entry["personal"] = n
        else:
            entry["open"] = True
    return counts
