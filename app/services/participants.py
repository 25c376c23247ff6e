"""Participant lists: the e-mail addresses a campaign's invitations and reminders go to.

The CSV has a header with the columns ``email`` and ``team`` and, optionally, ``unit
path`` (needed where a team name occurs in several units) and ``language`` (``en`` or
``de``; empty: the campaign's first language). Each address gets a personal link of its
team, counted against the team's headcount like any personal link and written to the
link log. An upload is stored only when every line is valid; otherwise each bad line is
named and nothing is stored.

What the list knows of a person (docs/methodology.md §13): the address, the team, the
language, the state of the last message and — through the ``used`` flag of its
invitation — *whether* the person has answered; never what, and no time. The addresses
are deleted when the campaign closes, or earlier on the retention date HR sets.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select as sa_select, update
from sqlmodel import Session, col, func, select

from app.catalogue import N_
from app.core.csvfile import open_csv, read_rows
from app.core.inputs import control_character
from app.core.security import Sealer
from app.models import Campaign, CampaignStatus, CampaignTeam, MailJob, Participant
from app.problems import Problem, at_line
from app.services import Conflict, Invalid
from app.services.campaigns import campaign_teams, languages_of
from app.services.invitations import MAX_PER_REQUEST, issue_personal_links
from app.services.teams import _uncell, join_path, split_path

MAX_CSV_BYTES = 1_000_000
CSV_INVALID = N_("the participant list has errors; nothing was stored")
NOT_OPEN = N_("participants can be added only while the campaign is open")
ADDRESSES_DELETED = N_("the e-mail addresses of this campaign have been deleted")
RETENTION_PAST = N_("the retention date cannot lie in the past")
HEADER_HINT = "email,unit path,team,language"
# one address without display name, comments or quoting: nothing a mail header could misread
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


@dataclass(frozen=True)
class ParticipantRow:
    line: int
    email: str
    campaign_team_id: uuid.UUID
    language: str


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace("_", " ").replace("e-mail", "email") for h in header]
    unknown = [n for n in names if n not in ("email", "unit path", "team", "language")]
    if unknown or "email" not in names or "team" not in names or len(set(names)) != len(names):
        raise Invalid(CSV_INVALID, errors=[Problem("participant_columns", {"example": HEADER_HINT}, at_line(1))])
    return {name: i for i, name in enumerate(names)}


def _team_index(teams) -> tuple[dict, dict]:
    by_path = {(tuple(p.casefold() for p in split_path(t.unit_path)), t.name.casefold()): t.id for t in teams}
    by_name: dict[str, list] = {}
    for t in teams:
        by_name.setdefault(t.name.casefold(), []).append(t.id)
    return by_path, by_name


def parse_participants_csv(data: bytes, *, teams, languages: tuple[str, ...]) -> list[ParticipantRow]:
    """Validated rows of a participant list for a campaign's ``teams`` (rows of
    :func:`app.services.campaigns.campaign_teams`); :class:`Invalid` names every bad line."""
    reader = open_csv(data, max_bytes=MAX_CSV_BYTES, detail=CSV_INVALID, header=HEADER_HINT)
    by_path, by_name = _team_index(teams)
    columns: dict[str, int] = {}
    seen: dict[str, int] = {}

    def parse(line: int, fields: list[str]) -> ParticipantRow | Problem:
        if len(fields) != len(columns):
            return Problem("fields_count", {"expected": len(columns), "found": len(fields)})
        value = {name: _uncell(fields[i].strip()) for name, i in columns.items()}
        problem, row = _row(line, value, by_path, by_name, languages)
        if problem is not None:
            return problem
        assert row is not None  # a line without a problem is a row
        address = row.email.casefold()
        if address in seen:
            return Problem("address_repeats", {"line": seen[address]})
        seen[address] = line
        return row

    return read_rows(
        reader,
        header=lambda fields: columns.update(_columns(fields)),
        parse=parse,
        detail=CSV_INVALID,
        limit=MAX_PER_REQUEST,
        noun=N_("addresses"),
    )


def _row(
    line: int, value: dict, by_path: dict, by_name: dict, languages
) -> tuple[Problem | None, ParticipantRow | None]:
    char = next(filter(None, (control_character(v, line_breaks=False) for v in value.values())), None)
    if char:
        return Problem("control_character", {"char": char}), None
    email, team, path = value["email"], value["team"], value.get("unit path", "")
    if len(email) > 254 or not EMAIL.match(email):
        return Problem("not_an_email", {"email": email[:60]}), None
    language = value.get("language", "").lower() or languages[0]
    if language not in languages:
        return Problem("language_not_offered", {"language": language[:10], "languages": ", ".join(languages)}), None
    if "unit path" in value and path:
        team_id = by_path.get((tuple(p.casefold() for p in split_path(path)), team.casefold()))
    else:
        candidates = by_name.get(team.casefold(), [])
        if len(candidates) > 1:
            return Problem("team_ambiguous", {"team": team[:100]}), None
        team_id = candidates[0] if candidates else None
    if team_id is None:
        if path:
            return Problem(
                "team_in_path_not_in_campaign", {"team": team[:100], "path": join_path(split_path(path))[:200]}
            ), None
        return Problem("team_not_in_campaign", {"team": team[:100]}), None
    return None, ParticipantRow(line, email, team_id, language)


def import_participants(session: Session, *, campaign: Campaign, data: bytes, sealer: Sealer, created_by: str) -> dict:
    """Add the file's addresses to the campaign, each with a new personal link (sealed
    with ``sealer``); all or nothing. Returns how many were added."""
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_OPEN)
    if campaign.addresses_deleted:
        raise Conflict(ADDRESSES_DELETED)
    rows = parse_participants_csv(
        data, teams=campaign_teams(session, campaign=campaign), languages=languages_of(campaign)
    )
    known = set(session.exec(select(func.lower(Participant.email)).where(Participant.campaign_id == campaign.id)).all())
    repeated = [Problem("address_listed", at=at_line(r.line)) for r in rows if r.email.lower() in known]
    if repeated:
        raise Invalid(CSV_INVALID, errors=repeated[:100])
    counts: dict[uuid.UUID, int] = {}
    for r in rows:
        counts[r.campaign_team_id] = counts.get(r.campaign_team_id, 0) + 1
    issued = issue_personal_links(session, campaign=campaign, counts=counts, created_by=created_by)
    links: dict[uuid.UUID, list] = {}
    for team, token, invitation in issued:
        links.setdefault(team.id, []).append((token, invitation))
    for r in rows:
        token, invitation = links[r.campaign_team_id].pop()
        session.add(
            Participant(
                campaign_id=campaign.id,
                campaign_team_id=r.campaign_team_id,
                invitation_id=invitation.id,
                email=r.email,
                language=r.language,
                sealed_link=sealer.seal(token.encode()),
            )
        )
    session.flush()
    return {"added": len(rows)}


def participant_log(session: Session, *, campaign: Campaign) -> list[dict]:
    """The send log: each address with its team, language and the state of the last
    message sent to it (queued, sent, failed with the server's reason; new: none yet)."""
    rows = session.execute(
        sa_select(
            col(Participant.email),
            col(Participant.language),
            col(Participant.status),
            col(Participant.attempts),
            col(Participant.error),
            col(CampaignTeam.unit_path),
            col(CampaignTeam.name),
        )
        .join(CampaignTeam, col(CampaignTeam.id) == col(Participant.campaign_team_id))
        .where(col(Participant.campaign_id) == campaign.id)
        .order_by(col(Participant.email))
    ).all()
    return [
        {
            "email": email,
            "team": join_path([*split_path(unit_path), name]),
            "language": language,
            "status": status,
            "attempts": attempts,
            "error": error,
        }
        for email, language, status, attempts, error, unit_path, name in rows
    ]


def status_counts(session: Session, *, campaign: Campaign) -> dict[str, int]:
    """How many addresses are in each state (new, queued, sent, failed)."""
    rows = session.exec(
        select(Participant.status, func.count())
        .where(Participant.campaign_id == campaign.id)
        .group_by(Participant.status)
    ).all()
    return {"new": 0, "queued": 0, "sent": 0, "failed": 0, **dict(rows)}


def set_retention(session: Session, *, campaign: Campaign, until: date | None, today: date) -> Campaign:
    """The day the addresses are deleted if the campaign is still open then (None: at closing)."""
    if until is not None and until < today:
        raise Invalid(RETENTION_PAST)
    campaign.address_retention_until = until
    session.add(campaign)
    session.flush()
    return campaign


def delete_addresses(session: Session, *, campaign: Campaign) -> int:
    """Delete every participant of the campaign (addresses and sealed links) and end its
    sendings; the caller commits. Returns how many addresses were deleted."""
    deleted = session.exec(delete(Participant).where(col(Participant.campaign_id) == campaign.id)).rowcount
    session.execute(
        update(MailJob)
        .where(col(MailJob.campaign_id) == campaign.id, col(MailJob.state).in_(("scheduled", "running")))
        .values(state="cancelled")
    )
    campaign.addresses_deleted = True
    session.add(campaign)
    return deleted


def delete_expired(session: Session, *, today: date) -> int:
    """Delete the addresses of every campaign whose retention date has come."""
    due = session.exec(
        select(Campaign).where(col(Campaign.address_retention_until) <= today, col(Campaign.addresses_deleted) == False)  # noqa: E712
    ).all()
    deleted = sum(delete_addresses(session, campaign=c) for c in due)
    session.flush()
    return deleted
