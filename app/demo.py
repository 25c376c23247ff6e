"""``aad serve --demo``: a demo organization, seeded once.

About 25 teams in 4 units; three closed campaigns (waves) of instrument version 1 with
simulated responses (from :func:`analysis.simulate.simulate_responses`; the later waves
with a planted improvement of decision rights), a closed campaign of version 2 with its
list of priorities and the response languages, and an open campaign with unused personal links and one
open link; a viewer limited to the unit Technology; a decision register and a closed
campaign that asked its items (:mod:`app.demo_register`). Three further client organizations of the demo consultant, each with a closed
campaign, and all four opted in to the benchmark; the benchmark pool also holds an
imported file of simulated organizations, labelled as such, so that its cells have at
least five comparable organizations. Every step is idempotent (skipped when present). The admin password and a few survey links are kept in
``demo.json`` next to the database (development mode only), so that every start can
print a login and links that still work.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, col, select

from analysis import diagnose
from analysis.benchmark import BenchmarkPool, dump_benchmark, entry_from_diagnosis
from analysis.instrument import load_questionnaire
from analysis.simulate import simulate_responses
from app.core.config import Settings
from app.core.db import make_engine, session_scope
from app.core.security import token_hash
from app.demo_register import seed_register
from app.models import (
    BenchmarkEntryRow,
    Campaign,
    CampaignStatus,
    CampaignTeam,
    Comment,
    Invitation,
    Membership,
    Organization,
    Response,
    Role,
    Unit,
    User,
)
from app.services.benchmarks import import_file, set_opt_in, sync_pool
from app.services.campaigns import create_campaign, launch_campaign, set_priorities
from app.services.closing import close_and_release
from app.services.invitations import create_open_links, create_personal_links, remaining_links
from app.services.organizations import add_member
from app.services.teams import import_teams
from app.services.users import create_user, set_password

DEMO_EMAIL = "admin@demo.example"
DEMO_UNIT_VIEWER = "technology-lead@demo.example"
DEMO_VIEWER_UNIT = "Technology"
DEMO_ORG = "Nordlicht Logistics (demo)"
UNITS = ("Operations", "Sales and Service", "Technology", "Corporate Functions")
TEAM_NAMES = (
    "Hub North",
    "Hub South",
    "Hub East",
    "Line Haul",
    "Warehouse Nights",
    "Fleet",
    "Customs",
    "Key Accounts",
    "Inside Sales",
    "Customer Care",
    "Pricing",
    "Tenders",
    "Onboarding",
    "Platform",
    "Data",
    "Mobile Apps",
    "Infrastructure",
    "Security",
    "Integration",
    "Finance",
    "People",
    "Legal",
    "Procurement",
    "Strategy Office",
    "Communications",
)
N_TEAMS, N_RESPONDENTS, SEED = 25, 230, 7


@dataclass(frozen=True)
class DemoInfo:
    email: str
    password: str
    links: list[dict]
    unit_viewer: str = DEMO_UNIT_VIEWER


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
            _seed_consultant_workspace(session, user)
            _seed_unit_viewer(session, password)
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


def _seed_unit_viewer(session: Session, password: str) -> None:
    """A viewer of the demo organization limited to the unit Technology (same password
    as the demo consultant)."""
    viewer = session.exec(select(User).where(User.email == DEMO_UNIT_VIEWER)).first()
    if viewer is None:
        viewer = create_user(session, email=DEMO_UNIT_VIEWER, password=password, full_name="Demo unit lead")
    else:
        set_password(session, user=viewer, password=password)
    org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
    unit = session.exec(select(Unit).where(Unit.organization_id == org.id, Unit.name == DEMO_VIEWER_UNIT)).one()
    add_member(session, organization=org, by=None, user=viewer, role=Role.viewer, unit_id=unit.id)
    session.commit()


def _seed_organization(session: Session, user: User) -> list[dict]:
    data = simulate_responses(
        "aligned-autonomy-v1", respondents=N_RESPONDENTS, teams=N_TEAMS, units=len(UNITS), seed=SEED
    )
    labels = sorted(set(data.team.tolist()))
    names = dict(zip(labels, TEAM_NAMES))
    assert data.unit is not None  # simulated with units
    unit_of = {t: UNITS[int(u[1:]) - 1] for t, u in zip(data.team.tolist(), data.unit.tolist())}
    sizes = {t: int((data.team == t).sum()) for t in labels}
    headcount = {t: sizes[t] + math.ceil(sizes[t] / 4) for t in labels}
    org = Organization(name=DEMO_ORG, industry="logistics", size_band="250-999")
    session.add(org)
    session.flush()
    session.add(Membership(user_id=user.id, organization_id=org.id, role=Role.consultant))
    csv = "unit path,team,headcount\n" + "".join(f"{unit_of[t]},{names[t]},{headcount[t]}\n" for t in labels)
    import_teams(session, organization=org, data=csv.encode())

    today = date.today()
    baseline = create_campaign(
        session,
        organization=org,
        name="Baseline autumn 2026",
        questionnaire_id="aligned-autonomy-v1",
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=39),
    )
    launch_campaign(session, campaign=baseline, organization=org)
    teams = {
        ct.name: ct for ct in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == baseline.id)).all()
    }
    create_personal_links(
        session,
        campaign=baseline,
        counts={teams[names[t]].id: headcount[t] for t in labels},
        base_url="",
        created_by=user.email,
    )
    assert baseline.opens_on is not None and baseline.closes_on is not None  # set at launch
    _store_simulated(session, baseline, data, {t: teams[names[t]] for t in labels}, start=baseline.opens_on)
    close_and_release(session, campaign=baseline, sealer=None)  # simulated: nothing waits
    baseline.closed_at = datetime.combine(baseline.closes_on, time(18), tzinfo=timezone.utc)
    session.add(baseline)

    pulse = create_campaign(
        session,
        organization=org,
        name="Pulse spring 2027",
        questionnaire_id="aligned-autonomy-pulse-v1",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=25),
    )
    launch_campaign(session, campaign=pulse, organization=org)
    pulse_teams = session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == pulse.id)).all()
    # links for all but two people of each team: the demo hands out more when its saved ones are used
    rows = create_personal_links(
        session,
        campaign=pulse,
        counts={ct.id: max(0, ct.headcount - 2) for ct in pulse_teams},
        base_url="",
        created_by=user.email,
    )
    open_rows = create_open_links(
        session, campaign=pulse, team_ids=[pulse_teams[0].id], base_url="", created_by=user.email
    )
    return [_link(r) for r in rows[:3] + open_rows]


# ------------------------------------------------------------------ consultant workspace

WAVES = (("Follow-up winter 2026", 36, 23, 0.25, 71), ("Follow-up spring 2027", 21, 8, 0.5, 72))
# a campaign of version 2 (the default for new campaigns), with its list of priorities
V2_WAVE = ("Diagnostic spring 2027 (version 2)", 7, 1, 73)
V2_PRIORITIES = (
    {"en": "Deliver on time in every hub", "de": "In jedem Hub pünktlich liefern"},
    {"en": "Win back key accounts", "de": "Schlüsselkunden zurückgewinnen"},
    {"en": "Cut the cost per parcel", "de": "Kosten pro Paket senken"},
    {"en": "Launch the new tracking platform", "de": "Die neue Tracking-Plattform einführen"},
)
CLIENTS = (
    # name, industry, size band, teams, respondents, seed
    ("Brightwater Utilities (demo)", "utilities", "1000-4999", 10, 110, 21),
    ("Kestrel Software (demo)", "software", "50-249", 8, 70, 22),
    ("Harbour Freight Partners (demo)", "logistics", "250-999", 12, 120, 23),
)
SIMULATED_SOURCE = "Simulated organizations (demo data, not real)"
SIMULATED_SOURCE_V2 = "Simulated organizations, questionnaire version 2 (demo data, not real)"
SIMULATED = (
    ("logistics", "250-999"),
    ("logistics", "250-999"),
    ("logistics", "1000-4999"),
    ("logistics", "250-999"),
    ("logistics", "50-249"),
    ("logistics", "250-999"),
    ("manufacturing", "250-999"),
    ("manufacturing", "1000-4999"),
    ("software", "50-249"),
    ("software", "50-249"),
    ("utilities", "1000-4999"),
    ("finance", "250-999"),
)


def _seed_consultant_workspace(session: Session, user: User) -> None:
    """Later waves of the demo organization, the client organizations, the opt-ins and
    the simulated benchmark file — each only when missing."""
    org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
    campaigns = {c.name: c for c in session.exec(select(Campaign).where(Campaign.organization_id == org.id)).all()}
    names = set(campaigns)
    baseline = campaigns.get("Baseline autumn 2026")
    if (
        baseline is not None
        and baseline.closes_on
        and baseline.closed_at
        and baseline.closed_at.date() > baseline.closes_on
    ):
        baseline.closed_at = datetime.combine(baseline.closes_on, time(18), tzinfo=timezone.utc)
        session.add(baseline)
        session.commit()
    for name, opened, closed, lift, seed in WAVES:
        if name not in names:
            data = _lifted(
                simulate_responses(
                    "aligned-autonomy-v1", respondents=N_RESPONDENTS, teams=N_TEAMS, units=len(UNITS), seed=seed
                ),
                lift,
                seed,
            )
            add_closed_campaign(
                session,
                org,
                name,
                data,
                opened=opened,
                closed=closed,
                names=dict(zip(sorted(set(data.team.tolist())), TEAM_NAMES)),
            )
    name, opened, closed, seed = V2_WAVE
    if name not in names:
        q = load_questionnaire("aligned-autonomy-v2").with_priorities(list(V2_PRIORITIES))
        data = simulate_responses(q, respondents=N_RESPONDENTS, teams=N_TEAMS, units=len(UNITS), seed=seed)
        add_closed_campaign(
            session,
            org,
            name,
            data,
            opened=opened,
            closed=closed,
            names=dict(zip(sorted(set(data.team.tolist())), TEAM_NAMES)),
            questionnaire_id=q.id,
            priorities=list(V2_PRIORITIES),
        )
    seed_register(
        session,
        org,
        author=DEMO_EMAIL,
        add_closed_campaign=add_closed_campaign,
        names=TEAM_NAMES,
        units=len(UNITS),
        teams=N_TEAMS,
        respondents=N_RESPONDENTS,
    )
    for name, industry, size_band, n_teams, n, seed in CLIENTS:
        client = session.exec(select(Organization).where(Organization.name == name)).first()
        if client is None:
            add_client_organization(
                session,
                user,
                name=name,
                industry=industry,
                size_band=size_band,
                teams=n_teams,
                respondents=n,
                seeds=(seed,),
            )
    for o in session.exec(
        select(Organization).where(col(Organization.name).in_([DEMO_ORG, *(c[0] for c in CLIENTS)]))
    ).all():
        if not o.benchmark_opt_in:
            set_opt_in(session, organization=o, opt_in=True)
    sync_pool(session)
    if session.exec(select(BenchmarkEntryRow.id).where(BenchmarkEntryRow.source == SIMULATED_SOURCE)).first() is None:
        import_file(session, data=simulated_benchmark(), source=SIMULATED_SOURCE)
    if (
        session.exec(select(BenchmarkEntryRow.id).where(BenchmarkEntryRow.source == SIMULATED_SOURCE_V2)).first()
        is None
    ):
        import_file(session, data=simulated_benchmark(questionnaire="aligned-autonomy-v2"), source=SIMULATED_SOURCE_V2)


def add_client_organization(
    session: Session,
    user: User,
    *,
    name: str,
    industry: str,
    size_band: str,
    teams: int,
    respondents: int,
    seeds: tuple,
    role: Role = Role.consultant,
) -> Organization:
    """An organization with ``user`` as member, simulated teams in three divisions and one
    closed campaign per seed (the first 90 days ago, each later one 20 days later)."""
    org = Organization(name=name, industry=industry, size_band=size_band)
    session.add(org)
    session.flush()
    session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
    for i, seed in enumerate(seeds):
        data = simulate_responses("aligned-autonomy-v1", respondents=respondents, teams=teams, units=3, seed=seed)
        labels = sorted(set(data.team.tolist()))
        team_names = {t: f"Team {chr(65 + j)}" for j, t in enumerate(labels)}
        if i == 0:
            assert data.unit is not None  # simulated with units
            unit_of = {t: f"Division {u[1:]}" for t, u in zip(data.team.tolist(), data.unit.tolist())}
            csv = "unit path,team,headcount\n" + "".join(
                f"{unit_of[t]},{team_names[t]},{int((data.team == t).sum()) + 2}\n" for t in labels
            )
            import_teams(session, organization=org, data=csv.encode())
        add_closed_campaign(
            session,
            org,
            f"Diagnostic {i + 1}" if len(seeds) > 1 else "Diagnostic 2026",
            data,
            opened=90 - 20 * i,
            closed=75 - 20 * i,
            names=team_names,
        )
    return org


def _lifted(data, lift: float, seed: int):
    """Planted improvement: each decision-rights perception answer moves one step up
    (towards agreement) with probability ``lift``."""
    q = load_questionnaire("aligned-autonomy-v1")
    rng = np.random.default_rng(seed)
    values = data.values.copy()
    for item in q.items:
        if item.kind == "perception" and item.dimension == "decision_rights" and item.id in data.item_ids:
            j = data.item_ids.index(item.id)
            move = (rng.random(values.shape[0]) < lift) * (-1 if item.reverse else 1)
            values[:, j] = np.clip(values[:, j] + move, 1, 5)
    return replace(data, values=values)


def add_closed_campaign(
    session: Session,
    org: Organization,
    name: str,
    data,
    *,
    opened: int,
    closed: int,
    names: dict,
    asked=(),
    extra_answers=None,
    questionnaire_id: str = "aligned-autonomy-v1",
    priorities=None,
) -> None:
    """A closed campaign with ``data`` as its responses; ``asked`` register items and
    their answers per row (``extra_answers``); with ``priorities``, the campaign's list
    for the top-priority item and the response languages."""
    today = date.today()
    campaign = create_campaign(
        session,
        organization=org,
        name=name,
        questionnaire_id=questionnaire_id,
        opens_on=today - timedelta(days=opened),
        closes_on=today - timedelta(days=closed),
    )
    if priorities:
        set_priorities(session, campaign=campaign, priorities=priorities)
    launch_campaign(session, campaign=campaign, organization=org, asked=list(asked))
    teams = {
        ct.name: ct for ct in session.exec(select(CampaignTeam).where(CampaignTeam.campaign_id == campaign.id)).all()
    }
    labels = sorted(set(data.team.tolist()))
    create_personal_links(
        session,
        campaign=campaign,
        counts={teams[names[t]].id: teams[names[t]].headcount for t in labels},
        base_url="",
        created_by=DEMO_EMAIL,
    )
    assert campaign.opens_on is not None and campaign.closes_on is not None  # set at launch
    _store_simulated(
        session,
        campaign,
        data,
        {t: teams[names[t]] for t in labels},
        start=campaign.opens_on,
        extra_answers=extra_answers,
        languages=priorities is not None,
    )
    close_and_release(session, campaign=campaign, sealer=None)  # simulated: nothing waits
    campaign.closed_at = datetime.combine(campaign.closes_on, time(18), tzinfo=timezone.utc)
    session.add(campaign)
    session.commit()


def simulated_benchmark(profiles=SIMULATED, questionnaire: str = "aligned-autonomy-v1") -> bytes:
    """A benchmark file of simulated organizations (never real ones), one per
    ``(industry, size_band)`` profile, answering ``questionnaire``."""
    entries = []
    for i, (industry, size_band) in enumerate(profiles):
        data = simulate_responses(questionnaire, respondents=60 + 15 * i, teams=6 + i % 5, units=2, seed=100 + i)
        entries.append(
            entry_from_diagnosis(
                diagnose(data),
                industry=industry,
                size_band=size_band,
                simulated=True,
                closed_on=f"2026-{1 + i % 9:02d}",
            )
        )
    return dump_benchmark(BenchmarkPool(entries))


def _store_simulated(
    session: Session, campaign: Campaign, data, teams: dict, *, start: date, extra_answers=None, languages: bool = False
) -> None:
    """Simulated responses as if submitted through the survey: links marked used, the
    answers and comments stored unlinked, days spread over the first three weeks; with
    ``languages``, two thirds answered in German and one third in English."""
    rng = np.random.default_rng(SEED)
    language = np.where(np.random.default_rng(SEED + 1).random(data.n) < 2 / 3, "de", "en") if languages else None
    for label, team in teams.items():
        n = int((data.team == label).sum())
        ids = session.exec(select(Invitation.id).where(col(Invitation.campaign_team_id) == team.id).limit(n)).all()
        session.execute(update(Invitation).where(col(Invitation.id).in_(ids)).values(used=True))
    days = rng.integers(0, 21, size=data.n)
    for i in range(data.n):
        answers = {item: int(v) for item, v in zip(data.item_ids, data.values[i]) if not np.isnan(v)}
        answers.update(extra_answers[i] if extra_answers else {})
        session.add(
            Response(
                campaign_id=campaign.id,
                campaign_team_id=teams[str(data.team[i])].id,
                role=str(data.role[i]),
                tenure=str(data.tenure[i]) or None,
                answers=answers,
                submitted_on=start + timedelta(days=int(days[i])),
                language=str(language[i]) if language is not None else None,
            )
        )
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
        if inv and inv.active and not inv.used and campaign is not None and campaign.status == CampaignStatus.open:
            alive.append(link)
    return alive


def _more_links(session: Session) -> list[dict]:
    """Three new personal links in the open demo campaign (when the saved ones are used),
    from teams that still have room under their headcount."""
    org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
    campaign = session.exec(
        select(Campaign).where(Campaign.organization_id == org.id, Campaign.status == CampaignStatus.open)
    ).first()
    if campaign is None:
        return []
    counts: dict = {}
    for team_id, room in remaining_links(session, campaign=campaign).items():
        take = min(room, 3 - sum(counts.values()))
        if take > 0:
            counts[team_id] = take
    if not counts:
        return []
    return [
        _link(r)
        for r in create_personal_links(session, campaign=campaign, counts=counts, base_url="", created_by=DEMO_EMAIL)
    ]
