"""Organizations, memberships and the anonymity threshold k."""

from __future__ import annotations

import uuid

from sqlmodel import Session, func, select

from app.models import Campaign, Membership, Organization, PendingResponse, Response, Role, Unit, User
from app.services import Conflict, Forbidden, Invalid, NotFound
from app.services.users import is_consultant

K_MIN, K_MAX, K_SAFE = 3, 50, 5
SIZE_BANDS = ("", "1-49", "50-249", "250-999", "1000-4999", "5000+")
WRITE_ROLES = (Role.consultant, Role.hr_admin)

ORG_NOT_FOUND = "organization not found"
READ_ONLY = "your role may only view this organization"
UNIT_ONLY = "your access is limited to the results of one unit"
SCOPE_ROLE = "only viewers can be limited to one unit"
SCOPE_UNIT = "choose a top-level unit of this organization"
K_RANGE = f"k must be between {K_MIN} and {K_MAX}"
K_ACK = f"k below {K_SAFE} needs an explicit acknowledgement"
K_LOWERED = "k cannot be lowered after the first response"


def check_k(k: int, *, acknowledged: bool) -> None:
    if not K_MIN <= k <= K_MAX:
        raise Invalid(K_RANGE)
    if k < K_SAFE and not acknowledged:
        raise Invalid(K_ACK)


def list_organizations(session: Session, *, user: User) -> list[tuple[Organization, Role]]:
    rows = session.exec(
        select(Organization, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name)
    ).all()
    return [(org, role) for org, role in rows]


def get_organization(session: Session, *, user: User, organization_id: uuid.UUID, write: bool = False,
                     results: bool = False) -> tuple[Organization, Role]:
    """The organization if ``user`` is a member (else 404); ``write`` needs an admin role.
    A member limited to one unit may reach only the results pages (``results=True``),
    which then show that unit alone (:func:`unit_scope`)."""
    row = session.exec(
        select(Organization, Membership)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id, Organization.id == organization_id)
    ).first()
    if row is None:
        raise NotFound(ORG_NOT_FOUND)
    org, membership = row
    if membership.unit_id is not None and not results:
        raise Forbidden(UNIT_ONLY)
    if write and membership.role not in WRITE_ROLES:
        raise Forbidden(READ_ONLY)
    return org, membership.role


def unit_scope(session: Session, *, user: User, organization: Organization) -> str | None:
    """The name of the top-level unit whose results are all ``user`` may see in
    ``organization``, or None when the membership covers the whole organization."""
    return session.exec(
        select(Unit.name).join(Membership, Membership.unit_id == Unit.id)
        .where(Membership.user_id == user.id, Membership.organization_id == organization.id)
    ).first()


def create_organization(
    session: Session, *, user: User, name: str, industry: str = "", size_band: str = "",
    k: int = K_SAFE, k_acknowledged: bool = False, comment_k: int = 10, creator_role: Role | None = None,
) -> Organization:
    """A new organization; its creator gets ``creator_role``, by default consultant if
    they are one elsewhere, otherwise HR admin."""
    _check_fields(name=name, size_band=size_band)
    check_k(k, acknowledged=k_acknowledged)
    _check_comment_k(comment_k, k)
    org = Organization(
        name=name.strip(), industry=industry.strip(), size_band=size_band, k=k,
        k_acknowledged=k_acknowledged and k < K_SAFE, comment_k=comment_k,
    )
    consultant = is_consultant(session, user=user)
    session.add(org)
    session.flush()
    session.add(Membership(
        user_id=user.id, organization_id=org.id,
        role=creator_role or (Role.consultant if consultant else Role.hr_admin),
    ))
    session.commit()
    session.refresh(org)
    return org


def update_organization(session: Session, *, organization: Organization, changes: dict) -> Organization:
    """Apply ``changes`` (name, industry, size_band, k, k_acknowledged, comment_k)."""
    name = changes.get("name", organization.name)
    size_band = changes.get("size_band", organization.size_band)
    _check_fields(name=name, size_band=size_band)
    k = changes.get("k", organization.k)
    ack = changes.get("k_acknowledged", organization.k_acknowledged)
    check_k(k, acknowledged=ack)
    comment_k = changes.get("comment_k", organization.comment_k)
    _check_comment_k(comment_k, k)
    if k < organization.k and has_responses(session, organization_id=organization.id):
        raise Conflict(K_LOWERED)
    organization.name = name.strip()
    organization.industry = changes.get("industry", organization.industry).strip()
    organization.size_band = size_band
    organization.k, organization.k_acknowledged, organization.comment_k = k, ack and k < K_SAFE, comment_k
    session.add(organization)
    session.commit()
    session.refresh(organization)
    return organization


def has_responses(session: Session, *, organization_id: uuid.UUID) -> bool:
    """Whether any campaign of the organization has an answer set (joined or waiting)."""
    return any(session.exec(
        select(func.count()).select_from(table).join(Campaign, Campaign.id == table.campaign_id)
        .where(Campaign.organization_id == organization_id)
    ).one() for table in (Response, PendingResponse))


def add_member(session: Session, *, organization: Organization, user: User, role: Role,
               unit_id: uuid.UUID | None = None) -> Membership:
    """Make ``user`` a member (or change their role); a viewer may be limited to one
    top-level unit of the organization."""
    if unit_id is not None:
        if role != Role.viewer:
            raise Invalid(SCOPE_ROLE)
        unit = session.get(Unit, unit_id)
        if unit is None or unit.organization_id != organization.id or unit.parent_id is not None:
            raise Invalid(SCOPE_UNIT)
    membership = session.exec(
        select(Membership).where(Membership.user_id == user.id, Membership.organization_id == organization.id)
    ).first() or Membership(user_id=user.id, organization_id=organization.id, role=role)
    membership.role, membership.unit_id = role, unit_id
    session.add(membership)
    return membership


def _check_fields(*, name: str, size_band: str) -> None:
    if not name.strip() or len(name.strip()) > 200:
        raise Invalid("the name must have 1 to 200 characters")
    if size_band not in SIZE_BANDS:
        raise Invalid(f"size band must be one of {', '.join(b for b in SIZE_BANDS if b)}")


def _check_comment_k(comment_k: int, k: int) -> None:
    if not k <= comment_k <= 100:
        raise Invalid("the comment threshold must be between k and 100")


def organization_ids(session: Session, *, user: User) -> set[uuid.UUID]:
    """The ids of the organizations ``user`` may see."""
    return set(session.exec(select(Membership.organization_id).where(Membership.user_id == user.id)).all())


def members(session: Session, *, organization: Organization) -> list[tuple[User, Role, str | None]]:
    """Members with their role and the unit a viewer is limited to (None: everything)."""
    return list(session.exec(
        select(User, Membership.role, Unit.name).join(Membership, Membership.user_id == User.id)
        .outerjoin(Unit, Unit.id == Membership.unit_id)
        .where(Membership.organization_id == organization.id).order_by(User.email)
    ).all())


def top_units(session: Session, *, organization: Organization) -> list[Unit]:
    """The top-level units, which a viewer's access can be limited to."""
    return list(session.exec(
        select(Unit).where(Unit.organization_id == organization.id, Unit.parent_id == None)  # noqa: E711
        .order_by(Unit.name)
    ).all())
