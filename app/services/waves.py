"""Waves: the released diagnoses of an organization's closed campaigns, compared with
:func:`analysis.waves.compare_waves` (which computes every figure and applies the
anonymity rules to each wave and to the differences)."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from analysis import restrict_to_unit
from analysis.benchmark import INSTRUMENT_FAMILIES
from analysis.invariance import wave_invariance
from analysis.waves import WaveComparison, compare_waves
from app.models import Campaign, CampaignStatus, Organization
from analysis.messages import CodedError
from app.catalogue import N_
from app.problems import Problem, at_line
from app.services import Invalid, NotFound
from app.services.results import campaign_results

TOO_FEW = N_("choose at least two closed campaigns with released results")
BAD_MAP = N_("the team mapping could not be read")
UNKNOWN_CAMPAIGN = N_("campaign not found")
CANNOT_COMPARE = N_("the chosen campaigns cannot be compared")
MAX_MAP_LINES = 200


def closed_campaigns(session: Session, *, organization: Organization) -> list[Campaign]:
    """The organization's closed campaigns, oldest first."""
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.organization_id == organization.id, Campaign.status == CampaignStatus.closed)
            .order_by(col(Campaign.closed_at), col(Campaign.created_at))
        ).all()
    )


def parse_team_map(text: str) -> dict:
    """``old -> new`` (rename), ``old -> new1, new2`` (split), ``a, b -> ab`` (merge),
    one per line; ``+`` works like ``,``. Raises :class:`Invalid` naming the line."""
    mapping: dict = {}
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) > MAX_MAP_LINES:
        raise Invalid(BAD_MAP, errors=[Problem("map_too_long", {"max": MAX_MAP_LINES})])
    for number, line in enumerate(lines, 1):
        if line.count("->") != 1:
            raise Invalid(BAD_MAP, errors=[Problem("map_arrow", at=at_line(number))])
        left, right = (side.replace("+", ",") for side in line.split("->"))
        before = [x.strip() for x in left.split(",") if x.strip()]
        after = [x.strip() for x in right.split(",") if x.strip()]
        if not before or not after or (len(before) > 1 and len(after) > 1):
            raise Invalid(BAD_MAP, errors=[Problem("map_side_empty", at=at_line(number))])
        key = before[0] if len(before) == 1 else tuple(before)
        mapping[key] = after[0] if len(after) == 1 else after
    return mapping


def _one_family(campaigns: list[Campaign]) -> list[Campaign]:
    """The campaigns of the instrument family with the most closed campaigns (ties: the
    family of the newest): waves of different instrument versions are not compared
    (docs/methodology.md §19)."""
    family = [INSTRUMENT_FAMILIES.get(c.questionnaire_id, c.questionnaire_id) for c in campaigns]
    if not family:
        return campaigns
    best = max(dict.fromkeys(reversed(family)), key=family.count)
    return [c for c, f in zip(campaigns, family) if f == best]


def _labels(campaigns: list[Campaign]) -> list[str]:
    labels = []
    for c in campaigns:
        label = c.name
        if label in labels:
            label = f"{c.name} ({(c.closed_at or c.created_at).date().isoformat()})"
        labels.append(label)
    return labels


def compare(
    session: Session,
    *,
    organization: Organization,
    campaign_ids: list[uuid.UUID] | None = None,
    team_map: str = "",
    min_change: float = 5.0,
    scope: str | None = None,
) -> tuple[list[Campaign], WaveComparison, dict | None]:
    """Compare the chosen closed campaigns (default: those of the instrument family with
    the most closed campaigns), oldest first; with ``scope``, the results of that unit
    only (:func:`analysis.restrict_to_unit`; waves without the unit are left out). The
    third value is the measurement invariance between the waves (organization only,
    :func:`analysis.invariance.wave_invariance`), None for a unit."""
    campaigns = closed_campaigns(session, organization=organization)
    if campaign_ids:
        known = {c.id for c in campaigns}
        if any(i not in known for i in campaign_ids):
            raise NotFound(UNKNOWN_CAMPAIGN)
        campaigns = [c for c in campaigns if c.id in set(campaign_ids)]
    else:
        campaigns = _one_family(campaigns)
    chosen, diagnoses, datas = [], [], []
    for c in campaigns:
        results = campaign_results(session, campaign=c, organization=organization)
        dx = results.diagnosis
        if dx is not None and scope is not None:
            dx = restrict_to_unit(dx, scope) if dx.units is not None and scope in dx.units.labels else None
        if dx is not None and results.data is not None:  # a shown diagnosis always has its data
            chosen.append(c)
            diagnoses.append(dx)
            datas.append(results.data)
    if len(diagnoses) < 2:
        raise Invalid(TOO_FEW)
    mapping = parse_team_map(team_map) if team_map.strip() else None
    try:
        comparison = compare_waves(diagnoses, labels=_labels(chosen), team_map=mapping, min_change=min_change)
    except CodedError as exc:  # the team mapping does not fit the waves: said in the page's language
        where = Problem("at_team_map") if exc.where == "team_map" else Problem(exc.where)
        raise Invalid(CANNOT_COMPARE, errors=[Problem(exc.message, exc.params, where)]) from None
    except ValueError as exc:
        raise Invalid(CANNOT_COMPARE, errors=[str(exc)]) from None
    invariance = wave_invariance(datas, comparison.labels).to_dict() if scope is None else None
    return chosen, comparison, invariance
