"""Survey links. Only the SHA-256 hash of a token is stored; the links are returned
once, at creation, for HR's own mail system.

A team gets at most as many personal links as its headcount frozen at launch, and every
creation of links is written to an audit log that every member of the organization can
read (:func:`audit_log`): whoever holds extra links could answer in others' place and
subtract their own answers from a small team's results."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, update
from sqlmodel import Session, col, func, select

from app.csv_files import csv_text
from app.core.security import new_token, token_hash
from app.models import Campaign, CampaignStatus, Invitation, InvitationKind, LinkAudit
from app.catalogue import N_
from app.problems import Problem
from app.services import Conflict, Invalid
from app.services.campaigns import campaign_teams
from app.services.teams import _cell, join_path, split_path

MAX_PER_REQUEST = 20_000
NOT_LAUNCHED = "links can be created only for an open campaign"
UNKNOWN_TEAM = N_("unknown team for this campaign")
ASK_FOR_ONE = N_("ask for at least one link")
OVER_HEADCOUNT = N_("a team cannot get more personal links than it has people")


def _teams(session: Session, campaign: Campaign) -> dict[uuid.UUID, Row[Any]]:
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_LAUNCHED)
    return {t.id: t for t in campaign_teams(session, campaign=campaign)}


def create_personal_links(
    session: Session, *, campaign: Campaign, counts: dict[uuid.UUID, int], base_url: str, created_by: str
) -> list[dict]:
    """``counts[campaign_team_id]`` single-use links per team, as rows for a CSV; at most
    the team's headcount in all (:data:`OVER_HEADCOUNT` names each team over it)."""
    issued = issue_personal_links(session, campaign=campaign, counts=counts, created_by=created_by)
    session.flush()
    return [
        {"unit_path": team.unit_path, "team": team.name, "kind": "personal", "link": f"{base_url}/s/{token}"}
        for team, token, _ in issued
    ]


def issue_personal_links(
    session: Session, *, campaign: Campaign, counts: dict[uuid.UUID, int], created_by: str
) -> list[tuple[Row[Any], str, Invitation]]:
    """Add ``counts[campaign_team_id]`` personal invitations and their audit entry
    without committing: (team, token, invitation) for each. Refused as a whole when a
    team would get more personal links than its headcount."""
    teams = _teams(session, campaign)
    if any(team_id not in teams for team_id in counts):
        raise Invalid(UNKNOWN_TEAM)
    if any(n < 0 for n in counts.values()) or sum(counts.values()) > MAX_PER_REQUEST:
        raise Invalid(Problem("links_per_request", {"max": MAX_PER_REQUEST}))
    if sum(counts.values()) == 0:
        raise Invalid(ASK_FOR_ONE)
    existing = invitation_counts(session, campaign=campaign)
    over = [
        Problem(
            "over_headcount",
            {
                "team": teams[t].name,
                "existing": existing.get(t, {}).get("personal", 0),
                "asked": n,
                "headcount": teams[t].headcount,
            },
        )
        for t, n in counts.items()
        if existing.get(t, {}).get("personal", 0) + n > teams[t].headcount
    ]
    if over:
        raise Invalid(OVER_HEADCOUNT, errors=over)
    issued = []
    for team_id, n in counts.items():
        for _ in range(n):
            token = new_token()
            invitation = Invitation(campaign_id=campaign.id, campaign_team_id=team_id, token_hash=token_hash(token))
            session.add(invitation)
            issued.append((teams[team_id], token, invitation))
    _audit(session, campaign, created_by, InvitationKind.personal, [(teams[t], n) for t, n in counts.items() if n])
    return issued


def remaining_links(session: Session, *, campaign: Campaign) -> dict[uuid.UUID, int]:
    """Personal links each team may still get (its headcount less those created)."""
    existing = invitation_counts(session, campaign=campaign)
    return {
        t.id: max(0, t.headcount - existing.get(t.id, {}).get("personal", 0))
        for t in _teams(session, campaign).values()
    }


def create_open_links(
    session: Session, *, campaign: Campaign, team_ids: list[uuid.UUID] | None, base_url: str, created_by: str
) -> list[dict]:
    """One open link per team (all teams when ``team_ids`` is None); an earlier open link
    of the same team stops working. A team's open link takes no more answers than its
    headcount (:func:`app.services.survey.submit`)."""
    teams = _teams(session, campaign)
    chosen = list(teams) if team_ids is None else team_ids
    if any(team_id not in teams for team_id in chosen):
        raise Invalid(UNKNOWN_TEAM)
    rows = []
    for team_id in chosen:
        session.execute(
            update(Invitation)
            .where(
                col(Invitation.campaign_team_id) == team_id,
                col(Invitation.kind) == InvitationKind.open,
            )
            .values(active=False)
        )
        token = new_token()
        session.add(
            Invitation(
                campaign_id=campaign.id,
                campaign_team_id=team_id,
                kind=InvitationKind.open,
                token_hash=token_hash(token),
            )
        )
        team = teams[team_id]
        rows.append({"unit_path": team.unit_path, "team": team.name, "kind": "open", "link": f"{base_url}/s/{token}"})
    _audit(session, campaign, created_by, InvitationKind.open, [(teams[t], 1) for t in chosen])
    session.flush()
    return rows


def _audit(session: Session, campaign: Campaign, created_by: str, kind: InvitationKind, per_team: list) -> None:
    session.add(
        LinkAudit(
            campaign_id=campaign.id,
            created_by=created_by,
            kind=kind.value,
            links=sum(n for _, n in per_team),
            teams=[[team.unit_path, team.name, n] for team, n in per_team],
        )
    )


def audit_log(session: Session, *, campaign: Campaign, unit: str | None = None) -> list[dict]:
    """Every creation of links for the campaign, newest first: when, by whom, what kind,
    how many, and per team. For a reader limited to the top-level ``unit``, teams of
    other units are summed up as ``other_units`` instead of being named."""
    rows = session.exec(
        select(LinkAudit).where(LinkAudit.campaign_id == campaign.id).order_by(col(LinkAudit.created_at).desc())
    ).all()
    out = []
    for r in rows:
        teams = [
            {"team": join_path([*split_path(path), name]), "links": n, "unit": (split_path(path) or ("",))[0]}
            for path, name, n in r.teams
        ]
        shown = teams if unit is None else [t for t in teams if t["unit"] == unit]
        out.append(
            {
                "created_at": r.created_at,
                "created_by": r.created_by,
                "kind": r.kind,
                "links": r.links,
                "teams": shown,
                "other_units": sum(t["links"] for t in teams) - sum(t["links"] for t in shown),
            }
        )
    return out


def audit_summary(session: Session, *, campaign: Campaign) -> dict:
    """What the reports' About page says of the links: how many of each kind were
    created, by how many people, and whether any team got more personal links than its
    headcount (never, by construction; said so that readers need not trust it blindly)."""
    log_rows = audit_log(session, campaign=campaign)
    counts = invitation_counts(session, campaign=campaign)
    teams = campaign_teams(session, campaign=campaign)
    return {
        "personal": sum(r["links"] for r in log_rows if r["kind"] == "personal"),
        "open": sum(r["links"] for r in log_rows if r["kind"] == "open"),
        "creations": len(log_rows),
        "creators": sorted({r["created_by"] for r in log_rows}),
        "teams_over_headcount": sum(1 for t in teams if counts.get(t.id, {}).get("personal", 0) > t.headcount),
    }


def links_csv(rows: list[dict]) -> str:
    """The links for a mail merge, with a byte-order mark for spreadsheet programs."""
    return csv_text(
        ["unit path", "team", "kind", "link"],
        ([_cell(r["unit_path"]), _cell(r["team"]), r["kind"], r["link"]] for r in rows),
        bom=True,
    )


def invitation_counts(session: Session, *, campaign: Campaign) -> dict[uuid.UUID, dict]:
    """Per campaign team: number of personal links and whether an open link is active."""
    counts: dict[uuid.UUID, dict] = {}
    rows = session.exec(
        select(col(Invitation.campaign_team_id), col(Invitation.kind), func.count())
        .where(col(Invitation.campaign_id) == campaign.id, col(Invitation.active))
        .group_by(col(Invitation.campaign_team_id), col(Invitation.kind))
    ).all()
    for team_id, kind, n in rows:
        entry = counts.setdefault(team_id, {"personal": 0, "open": False})
        if kind == InvitationKind.personal:
            entry["personal"] = n
        else:
            entry["open"] = True
    return counts
