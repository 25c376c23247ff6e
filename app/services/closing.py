"""Closing a campaign and what follows from it: the final results are stored as a
snapshot, the benchmark pool takes the campaign in, and the diagnosis is computed in the
background, so that the first dashboard view finds it ready.

Kept apart from :mod:`app.services.campaigns` because it uses the results and the
benchmark services, which themselves use the campaigns service.
"""

from __future__ import annotations

from sqlmodel import Session

from app.models import Campaign
from app.services.benchmarks import sync_pool
from app.services.campaigns import close_campaign
from app.services.results import store_release, warm_up


def close_and_release(session: Session, *, campaign: Campaign) -> Campaign:
    """Close an open campaign (409 otherwise), store its final release (the step rule
    of :mod:`app.services.results`), update the benchmark pool and start diagnosing the
    campaign in a background thread."""
    close_campaign(session, campaign=campaign)
    store_release(session, campaign=campaign)
    sync_pool(session)
    warm_up(session.get_bind(), [campaign.id])
    return campaign
