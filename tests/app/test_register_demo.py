"""The demo's decision register: a register and a closed campaign whose simulated
answers show escalation beyond the design in some teams."""

from sqlmodel import select

from app.core.config import Settings
from app.core.db import make_engine, session_scope, upgrade
from app.demo import DEMO_ORG, seed_demo
from app.demo_register import CAMPAIGN
from app.models import Campaign, CampaignRegister, Organization, RegisterVersion
from app.services.results import campaign_results


def test_the_demo_register_campaign_shows_escalation(tmp_path):
    settings = Settings(env="development", data_dir=tmp_path)
    upgrade(settings.sqlalchemy_url)
    seed_demo(settings=settings)
    seed_demo(settings=settings)  # idempotent: no second version, no second campaign
    engine = make_engine(settings.sqlalchemy_url)
    with session_scope(engine, write=True) as session:
        org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
        assert len(session.exec(select(RegisterVersion).where(RegisterVersion.organization_id == org.id)).all()) == 1
        (campaign,) = session.exec(select(Campaign).where(Campaign.name == CAMPAIGN)).all()
        assert len(session.get(CampaignRegister, campaign.id).asked) == 6
        register = campaign_results(session, campaign=campaign, organization=org).register
    engine.dispose()
    verdicts = [f["verdict"] for f in register.findings()]
    assert verdicts.count("escalation_beyond_design") >= 3
    assert "no_design" in verdicts  # interfaces are not decided in Sales and Service
    escalated = {f["team"] for f in register.findings() if f["verdict"] == "escalation_beyond_design"}
    assert len(escalated) < len(register.team_labels)  # in some teams, not everywhere
