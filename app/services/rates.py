"""Response rates per team, unit and organization while a campaign runs.

The population of a team is its headcount frozen at launch — not the number of links
created, which HR controls — and a team never gives more answer sets than that
(:func:`app.services.survey.submit`), so a rate never exceeds 100 %. Answer sets
waiting to join their team's batch count as responses.

Which groups are shown is decided by :func:`analysis.privacy.suppress_hierarchy` on the
headcounts: a group of fewer than k people shows no response count or rate, and further
groups are hidden where a hidden count could otherwise be worked out by subtraction.
Units are the top level of the unit path; a team's row names the rest of its path.
"""

from __future__ import annotations

import numpy as np
from sqlmodel import Session

from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, suppress_hierarchy
from app.catalogue import N_
from app.models import Campaign
from app.services.campaigns import campaign_teams
from app.services.intake import answer_counts
from app.services.teams import join_path, split_path

REASONS = {
    PRIMARY: N_("fewer than k people"),
    COMPLEMENTARY: N_("so that a smaller group cannot be worked out"),
    NO_DATA: N_("nobody in this group"),
}
NO_UNIT = N_("(no unit)")


def response_rates(session: Session, *, campaign: Campaign) -> list[dict]:
    """Rows for the organization, each unit and each team, in that tree order."""
    teams = campaign_teams(session, campaign=campaign)
    if not teams:
        return []
    given = answer_counts(session, campaign=campaign)
    paths = [split_path(team.unit_path) for team in teams]
    unit_names = [path[0] if path else NO_UNIT for path in paths]
    units = sorted(set(unit_names), key=str.casefold)
    position = {u: i for i, u in enumerate(units)}
    unit_of = np.array([position[u] for u in unit_names], dtype=np.intp)
    names = [join_path([*path[1:], team.name]) for path, team in zip(paths, teams)]
    people = np.array([team.headcount for team in teams], dtype=np.int64)
    counts = np.array([given.get(team.id, 0) for team in teams], dtype=np.int64)
    hs = suppress_hierarchy(people, unit_of, k=campaign.k, n_units=len(units))
    unit_people = np.bincount(unit_of, weights=people, minlength=len(units)).astype(int)
    unit_counts = np.bincount(unit_of, weights=counts, minlength=len(units)).astype(int)

    def row(name, kind, depth, n_people, n_responses, reason):
        hidden = REASONS.get(reason) if reason else None
        return {
            "name": name,
            "kind": kind,
            "depth": depth,
            "headcount": int(n_people),
            "responses": None if hidden else int(n_responses),
            "rate": None if hidden or not n_people else round(min(n_responses / n_people, 1.0), 3),
            "hidden": hidden,
        }

    rows = [row(N_("Organization"), "organization", 0, people.sum(), counts.sum(), hs.org_reason)]
    order = sorted(range(len(teams)), key=lambda i: (unit_of[i], names[i].casefold()))
    last = -1
    for i in order:
        u = int(unit_of[i])
        if u != last:
            rows.append(row(units[u], "unit", 1, unit_people[u], unit_counts[u], hs.unit_reason[u]))
            last = u
        rows.append(row(names[i], "team", 2, people[i], counts[i], hs.team_reason[i]))
    return rows
