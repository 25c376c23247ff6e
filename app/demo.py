"""``aad serve --demo``: a demo organization, seeded once.

About 25 teams in 4 units; a closed campaign with simulated responses (from
:func:`analysis.simulate.simulate_responses`) and an open campaign with unused personal
links and one open link. The admin password and a few survey links are kept in
``demo.json`` next to the database (development mode only), so that every start can
print a login and links that still work.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, select

from analysis.simulate import simulate_responses
from app.core.config import Settings
from app.core.db import make_engine, session_scope
from app.core.security import token_hash
from app.models import (
    Campaign, CampaignStatus, CampaignTeam, Comment, Invitation, Membership, Organization, Response, Role, User,
)
from app.services.campaigns import close_campaign, create_campaign, launch_campaign
from app.services.invitations import create_open_links, create_personal_links
from app.services.teams import import_teams
from app.services.users import create_user, set_password

DEMO_EMAIL = "admin@demo.example"
DEMO_ORG = "Nordlicht Logistics (demo)"
UNITS = ("Operations", "Sales and Service", "Technology", "Corporate Functions")
TEAM_NAMES = (
    "Hub North", "Hub South", "Hub East", "Line Haul", "Warehouse Nights", "Fleet", "Customs",
    "Key Accounts", "Inside Sales", "Customer Care", "Pricing", "Tenders", "Onboarding",
    "Platform", "Data", "Mobile Apps", "Infrastructure", "Security", "Integration",
    "Finance", "People", "Legal", "Procurement", "Strategy Office", "Communications",
)
N_TEAMS, N_RESPONDENTS, SEED = 25, 230, 7


@dataclass(frozen=True)
class DemoInfo:
    email: str
    password: str
    links: list[dict]


def seed_demo(*, settings: Settings) -> DemoInfo:
    """Seed the demo organization if it is missing; return the login and unused links."""
    state_file = Path(settings.data_dir) / "demo.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine, write=True) as session:
            user = session.exec(select(User).where(User.email == DEMO_EMAIL)).first()
            password = state.get("password") or secrets.token_urlsafe(12)
            if user is None:
                user = create_user(session, email=DEMO_EMAIL, password=password, full_name="Demo consultant")
            elif "password" not in state:
                set_password(session, user=user, password=password)
            session.commit()
            org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).first()
            if org is None:
                state["links"] = _seed_organization(session, user)
            links = _unused(session, state.get("links", []))
            if not links:
                links = _more_links(session)
                state["links"] = links
            state["password"] = password
    finally:
        engine.dispose()
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1))
    state_file.chmod(0o600)
    return DemoInfo(email=DEMO_EMAIL, password=password, links=links)


def _seed_organization(session: Session, user: User) -> list[dict]:
    data = simulate_responses("aligned-autonomy-v1", respondents=N_RESPONDENTS, teams=N_TEAMS, units=len(UNITS), seed=SEED)
    labels = sorted(set(data.team.tolist()))
    names = dict(zip(labels, TEAM_NAMES))
    unit_of = {t: UNITS[int(u[1:]) - 1] for t, u in zip(data.team.tolist(), data.unit.tolist())}
    sizes = {t: int((data.team == t).sum()) for t in labels}
    headcount = {t: sizes[t] + math.ceil(sizes[t] / 4) for t in labels}
    org = Organization(name=DEMO_ORG, industry="Logistics", size_band="250-999")
    session.add(org)
    session.flush()
    session.add(Membership(user_id=user.id, organization_id=org.id, role=Role.consultant))
    csv = "unit path,team,headcount\n" + "".join(f"{unit_of[t]},{names[t]},{headcount[t]}\n" for t in labels)
    import_teams(session, organization=org, data=csv.encode())

    today = date.today()
    baseline = create_campaign(session, organization=org, name="Baseline autumn 2026", questionnaire_id="aligned-autonomy-v1",
                               opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=39))
    launch_campaign(session, campaign=baseline, organization=org)
    teams = {ct.name: ct for ct in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == baseline.id)).all()}
    create_personal_links(session, campaign=baseline, counts={teams[names[t]].id: headcount[t] for t in labels}, base_url="")
    _store_simulated(session, baseline, data, {t: teams[names[t]] for t in labels}, start=baseline.opens_on)
    close_campaign(session, campaign=baseline)

    pulse = create_campaign(session, organization=org, name="Pulse spring 2027", questionnaire_id="aligned-autonomy-pulse-v1",
                            opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=25))
    launch_campaign(session, campaign=pulse, organization=org)
    pulse_teams = session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == pulse.id)).all()
    rows = create_personal_links(session, campaign=pulse, counts={ct.id: ct.headcount for ct in pulse_teams}, base_url="")
    open_rows = create_open_links(session, campaign=pulse, team_ids=[pulse_teams[0].id], base_url="")
    return [_link(r) for r in rows[:3] + open_rows]


def _store_simulated(session: Session, campaign: Campaign, data, teams: dict, *, start: date) -> None:
    """Simulated responses as if submitted through the survey: links marked used, the
    answers and comments stored unlinked, days spread over the first three weeks."""
    rng = np.random.default_rng(SEED)
    for label, team in teams.items():
        n = int((data.team == label).sum())
        ids = session.exec(select(Invitation.id).where(Invitation.campaign_team_id == team.id).limit(n)).all()
        session.execute(update(Invitation).where(Invitation.id.in_(ids)).values(used=True))
    days = rng.integers(0, 21, size=data.n)
    for i in range(data.n):
        answers = {item: int(v) for item, v in zip(data.item_ids, data.values[i]) if not np.isnan(v)}
        session.add(Response(
            campaign_id=campaign.id, campaign_team_id=teams[str(data.team[i])].id, role=str(data.role[i]),
            tenure=str(data.tenure[i]) or None, answers=answers, submitted_on=start + timedelta(days=int(days[i])),
        ))
    for label, text in data.comments:
        session.add(Comment(campaign_id=campaign.id, campaign_team_id=teams[str(label)].id, text=text))
    session.commit()


def _link(row: dict) -> dict:
    return {"kind": row["kind"], "team": row["team"], "token": row["link"].rsplit("/", 1)[1]}


def _unused(session: Session, links: list[dict]) -> list[dict]:
    """The saved links that can still be used (personal: not used; open: still active)."""
    alive = []
    for link in links:
        inv = session.exec(select(Invitation).where(Invitation.token_hash == token_hash(link["token"]))).first()
        campaign = session.get(Campaign, inv.campaign_id) if inv else None
        if inv and inv.active and not inv.used and campaign.status == CampaignStatus.open:
            alive.append(link)
    return alive


def _more_links(session: Session) -> list[dict]:
    """Three new personal links in the open demo campaign (when the saved ones are used)."""
    org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
    campaign = session.exec(select(Campaign).where(
        Campaign.organization_id == org.id, Campaign.status == CampaignStatus.open)).first()
    if campaign is None:
        return []
    team = session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == campaign.id)).first()
    return [_link(r) for r in create_personal_links(session, campaign=campaign, counts={team.id: 3}, base_url="")]
