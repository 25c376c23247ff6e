"""Response rates per team, unit and organization while a campaign runs.

Which groups are shown is decided by :func:`analysis.privacy.suppress_hierarchy` on the
number of *invited* people: a group with fewer than k invited shows no response count
or rate, and further groups are hidden where a hidden count could otherwise be worked
out by subtraction. Units are the top level of the unit path; a team's row names the
rest of its path.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, func, select

from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, suppress_hierarchy
from app.models import Campaign, Response
from app.services.campaigns import campaign_teams
from app.services.invitations import invitation_counts
from app.services.teams import join_path, split_path

REASONS = {
    PRIMARY: "fewer than k invited",
    COMPLEMENTARY: "so that a smaller group cannot be worked out",
    NO_DATA: "nobody invited",
}
NO_UNIT = "(no unit)"


def response_rates(session: Session, *, campaign: Campaign) -> list[dict]:
    """Rows for the organization, each unit and each team, in that tree order."""
    teams = campaign_teams(session, campaign=campaign)
    invites = invitation_counts(session, campaign=campaign)
    responded: dict[uuid.UUID, int] = dict(session.exec(
        select(Response.campaign_team_id, func.count()).where(Response.campaign_id == campaign.id)
        .group_by(Response.campaign_team_id)
    ).all())
    invited, units, unit_of, names = [], [], [], []
    for team in teams:
        entry = invites.get(team.id, {"personal": 0, "open": False})
        invited.append(entry["personal"] or (team.headcount if entry["open"] else 0))
        path = split_path(team.unit_path)
        unit = path[0] if path else NO_UNIT
        if unit not in units:
            units.append(unit)
        unit_of.append(units.index(unit))
        names.append(join_path([*path[1:], team.name]))
    if not teams:
        return []
    hs = suppress_hierarchy(invited, unit_of, k=campaign.k, n_units=len(units))
    counts = [responded.get(team.id, 0) for team in teams]

    def row(name, kind, depth, n_invited, n_responses, reason):
        hidden = REASONS.get(reason) if reason else None
        return {
            "name": name, "kind": kind, "depth": depth, "invited": n_invited,
            "responses": None if hidden else n_responses,
            "rate": None if hidden or not n_invited else round(n_responses / n_invited, 3),
            "hidden": hidden,
        }

    rows = [row("Organization", "organization", 0, sum(invited), sum(counts), hs.org_reason)]
    for u, unit in sorted(enumerate(units), key=lambda p: p[1].casefold()):
        members = [i for i in range(len(teams)) if unit_of[i] == u]
        rows.append(row(unit, "unit", 1, sum(invited[i] for i in members), sum(counts[i] for i in members),
                        hs.unit_reason[u]))
        for i in sorted(members, key=lambda i: names[i].casefold()):
            rows.append(row(names[i], "team", 2, invited[i], counts[i], hs.team_reason[i]))
    return rows
