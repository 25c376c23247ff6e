"""Closing a campaign and what follows from it: the answer sets still waiting join the
responses (:func:`app.services.intake.flush_all`), the participants' e-mail addresses are
deleted, the final results are stored as a
snapshot, the campaign's results version is raised (so that every server drops the
results it cached), the benchmark pool takes the campaign in, and the diagnosis is
computed in the background, so that the first dashboard view finds it ready.

Kept apart from :mod:`app.services.campaigns` because it uses the results and the
benchmark services, which themselves use the campaigns service.
"""

from __future__ import annotations

from sqlmodel import Session

from app.core.db import after_commit, after_rollback
from app.core.security import Sealer
from app.models import Campaign, CampaignStatus
from app.services import Conflict
from app.services.benchmarks import sync_pool
from app.services.campaigns import NOT_OPEN, close_campaign
from app.services.intake import flush_all
from app.services.participants import delete_addresses
from app.services.results import forget, results_changed, store_release, warm_up


def close_and_release(session: Session, *, campaign: Campaign, sealer: Sealer | None) -> Campaign:
    """Close an open campaign (409 otherwise): let every waiting answer set join, store
    the final snapshot and update the benchmark pool, in the caller's transaction (a
    failure rolls it back: the campaign stays open and nothing changed). Once it has
    committed, the campaign is diagnosed in a background thread; if it is rolled back,
    what this process cached of the campaign meanwhile is dropped. ``sealer`` opens the
    waiting answer sets (None only where none can exist, as for the demo's simulated
    campaigns)."""
    session.refresh(campaign, with_for_update=True)  # concurrent closings: one proceeds, the others 409
    if campaign.status != CampaignStatus.open:
        raise Conflict(NOT_OPEN)
    campaign_id, engine = campaign.id, session.get_bind().engine
    after_rollback(session, lambda: forget(campaign_id))
    after_commit(session, lambda: warm_up(engine, [campaign_id]))
    flush_all(session, campaign=campaign, sealer=sealer)
    delete_addresses(session, campaign=campaign)
    close_campaign(session, campaign=campaign)
    store_release(session, campaign=campaign)
    results_changed(session, campaign_ids=[campaign.id])
    sync_pool(session, organization_id=campaign.organization_id)
    session.flush()
    session.refresh(campaign)
    return campaign
