"""Response rates per team, unit and organization while a campaign runs.

A group with fewer than k invited people shows no response count or rate. A visible
group whose count, together with its visible neighbours, would give away a hidden
group's count is hidden too (complementary suppression), so no hidden count can be
worked out by subtraction or addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from app.models import Campaign, Response
from app.services.campaigns import campaign_teams
from app.services.invitations import invitation_counts
from app.services.teams import split_path

FEWER_THAN_K = "fewer than k invited"
COMPLEMENTARY = "hidden so that a smaller group cannot be worked out"


@dataclass(eq=False)
class Node:
    key: tuple
    name: str
    kind: str  # organization, unit or team
    invited: int = 0
    responses: int = 0
    children: list = field(default_factory=list)
    parent: Node | None = None
    hidden: str | None = None

    def to_dict(self, *, depth: int = 0) -> dict:
        return {
            "name": self.name, "kind": self.kind, "depth": depth, "invited": self.invited,
            "responses": None if self.hidden else self.responses,
            "rate": None if self.hidden or not self.invited else round(self.responses / self.invited, 3),
            "hidden": self.hidden,
        }


def response_rates(session: Session, *, campaign: Campaign) -> list[dict]:
    """Rows in tree order (organization, units, teams) with suppression applied."""
    invites = invitation_counts(session, campaign=campaign)
    responded = dict(session.exec(
        select(Response.campaign_team_id, func.count()).where(Response.campaign_id == campaign.id)
        .group_by(Response.campaign_team_id)
    ).all())
    root = Node(key=(), name="Organization", kind="organization")
    nodes = {(): root}
    for team in campaign_teams(session, campaign=campaign):
        entry = invites.get(team.id, {"personal": 0, "open": False})
        invited = entry["personal"] or (team.headcount if entry["open"] else 0)
        parent = root
        for depth, part in enumerate(path := split_path(team.unit_path), start=1):
            key = path[:depth]
            if key not in nodes:
                nodes[key] = Node(key=key, name=part, kind="unit", parent=parent)
                parent.children.append(nodes[key])
            parent = nodes[key]
        leaf = Node(key=("team", team.id), name=team.name, kind="team", invited=invited,
                    responses=responded.get(team.id, 0), parent=parent)
        parent.children.append(leaf)
        node = parent
        while node is not None:
            node.invited += invited
            node.responses += leaf.responses
            node = node.parent
    suppress(list(_walk(root)), k=campaign.k)
    return [node.to_dict(depth=depth) for node, depth in _walk_depth(root, 0)]


def suppress(nodes: list[Node], *, k: int) -> None:
    """Hide groups with fewer than ``k`` invited, then hide more until none of them can
    be derived from the visible counts."""
    primary = [n for n in nodes if n.invited < k]
    for node in primary:
        node.hidden = FEWER_THAN_K
    while exposed := next((n for n in primary if n in _derivable(nodes)), None):
        if not _hide_neighbour(exposed):
            return


def _hide_neighbour(node: Node) -> bool:
    """Hide the smallest visible sibling (teams first), else the nearest visible ancestor."""
    while node.parent is not None:
        siblings = [s for s in node.parent.children if s is not node and s.hidden is None]
        if siblings:
            min(siblings, key=lambda s: (s.kind != "team", s.invited)).hidden = COMPLEMENTARY
            return True
        if node.parent.hidden is None:
            node.parent.hidden = COMPLEMENTARY
            return True
        node = node.parent
    return False


def _derivable(nodes: list[Node]) -> set[Node]:
    known = {n for n in nodes if n.hidden is None}
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if not node.children:
                continue
            unknown = [c for c in node.children if c not in known]
            if node in known and len(unknown) == 1:
                known.add(unknown[0])
                changed = True
            elif node not in known and not unknown:
                known.add(node)
                changed = True
    return known


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _walk_depth(node: Node, depth: int):
    yield node, depth
    for child in sorted(node.children, key=lambda c: (c.kind == "team", c.name.casefold())):
        yield from _walk_depth(child, depth + 1)
