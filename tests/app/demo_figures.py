"""The figures of the demo's closed campaigns, flattened to ``path → number``.

``python -m tests.app.demo_figures`` rewrites ``tests/fixtures/demo_v1_figures.json``;
do that only when a change of the figures is intended and explained in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from sqlmodel import select

from app.core.config import Settings
from app.core.db import make_engine, session_scope, upgrade
from app.demo import seed_demo
from app.models import Campaign, CampaignStatus, Organization
from app.services.results import campaign_results, clear_cache

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo_v1_figures.json"
SKIP = ("questionnaire", "labels")


def _flatten(value, path: str, out: dict) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)):
        out[path] = float(f"{value:.10g}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}/{key}", out)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _flatten(item, f"{path}/{i}", out)


def demo_figures(data_dir: Path) -> dict:
    """Seed the demo into ``data_dir`` and return ``{organization/campaign: figures}``."""
    settings = Settings(env="development", data_dir=data_dir)
    upgrade(settings.sqlalchemy_url)
    seed_demo(settings=settings)
    clear_cache()
    engine = make_engine(settings.sqlalchemy_url)
    figures = {}
    try:
        with session_scope(engine, write=True) as session:
            for org in session.exec(select(Organization).order_by(Organization.name)).all():
                campaigns = session.exec(
                    select(Campaign)
                    .where(Campaign.organization_id == org.id, Campaign.status == CampaignStatus.closed)
                    .order_by(Campaign.name)
                ).all()
                for campaign in campaigns:
                    dx = campaign_results(session, campaign=campaign, organization=org).diagnosis
                    flat: dict = {}
                    d = dx.to_dict()
                    for key in SKIP:
                        d.pop(key, None)
                    _flatten(d, "", flat)
                    figures[f"{org.name}/{campaign.name}/{campaign.questionnaire_id}"] = flat
    finally:
        engine.dispose()
    return figures


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        FIXTURE.write_text(json.dumps(demo_figures(Path(tmp)), indent=0, sort_keys=True) + "\n")
    sys.exit(0)
