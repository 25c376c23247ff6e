"""Organizations, memberships and the anonymity threshold k.

Who may give which role (the README's "Members"): the operator (``aad user add
--consultant-of``, the demo) any; a consultant of the organization any; an HR admin of
the organization only ``hr_admin`` and ``viewer``, and never to a consultant of it;
viewers nobody. Nobody changes their own membership. Only consultants create
organizations (they become its consultant); HR admins and viewers create none, so no
member reaches the consultants' benchmark files by founding an organization.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.catalogue import N_
from app.labels import INDUSTRIES
from app.models import Campaign, Membership, Organization, PendingResponse, Response, Role, Unit, User
from app.problems import Problem
from app.services import Conflict, Forbidden, Invalid, NotFound
from app.services.users import create_user, is_consultant, normalize_email

K_MIN, K_MAX, K_SAFE = 3, 50, 5
SIZE_BANDS = ("", "1-49", "50-249", "250-999", "1000-4999", "5000+")
WRITE_ROLES = (Role.consultant, Role.hr_admin)

ORG_NOT_FOUND = N_("organization not found")
READ_ONLY = N_("your role may only view this organization")
UNIT_ONLY = N_("your access is limited to the results of one unit")
SCOPE_ROLE = N_("only viewers can be limited to one unit")
SCOPE_UNIT = N_("choose a top-level unit of this organization")
K_RANGE = f"k must be between {K_MIN} and {K_MAX}"
K_ACK = f"k below {K_SAFE} needs an explicit acknowledgement"
K_LOWERED = N_("k cannot be lowered after the first response")
INDUSTRY_UNKNOWN = N_("choose the industry from the list")
NOT_A_MEMBER = N_("no member with this e-mail address")
CONSULTANTS_CREATE = N_("only consultants can create organizations")
GRANT_CONSULTANT = N_("only a consultant of this organization can make someone a consultant")
CHANGE_CONSULTANT = N_("only a consultant of this organization can change the role of a consultant")
OWN_ROLE = N_("nobody can change their own role")
NEEDS_PASSWORD = N_("a new user needs an initial password")
USER_EXISTS = N_("a user with this e-mail exists already; add them without a password")
MEMBER_CHANGED = N_("this member was changed at the same time; reload the page and try again")
NAME_LENGTH = N_("the name must have 1 to 200 characters")
COMMENT_K_RANGE = N_("the comment threshold must be between k and 100")


def check_k(k: int, *, acknowledged: bool) -> None:
    if not K_MIN <= k <= K_MAX:
        raise Invalid(K_RANGE)
    if k < K_SAFE and not acknowledged:
        raise Invalid(K_ACK)


def list_organizations(session: Session, *, user: User) -> list[tuple[Organization, Role]]:
    rows = session.exec(
        select(Organization, col(Membership.role))
        .join(Membership, col(Membership.organization_id) == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name)
    ).all()
    return [(org, role) for org, role in rows]


def get_organization(
    session: Session, *, user: User, organization_id: uuid.UUID, write: bool = False, results: bool = False
) -> tuple[Organization, Role]:
    """The organization if ``user`` is a member (else 404); ``write`` needs an admin role.
    A member limited to one unit may reach only the results pages (``results=True``),
    which then show that unit alone (:func:`unit_scope`)."""
    row = session.exec(
        select(Organization, Membership)
        .join(Membership, col(Membership.organization_id) == Organization.id)
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
        select(Unit.name)
        .join(Membership, col(Membership.unit_id) == Unit.id)
        .where(Membership.user_id == user.id, Membership.organization_id == organization.id)
    ).first()


def create_organization(
    session: Session,
    *,
    user: User,
    name: str,
    industry: str = "",
    size_band: str = "",
    k: int = K_SAFE,
    k_acknowledged: bool = False,
    comment_k: int = 10,
    creator_role: Role | None = None,
) -> Organization:
    """A new organization. Without ``creator_role`` (a request of ``user``) the creator
    must be a consultant (else 403) and becomes its consultant; the operator (command
    line, demo) gives the creator ``creator_role``."""
    if creator_role is None:
        if not is_consultant(session, user=user):
            raise Forbidden(CONSULTANTS_CREATE)
        creator_role = Role.consultant
    _check_fields(name=name, size_band=size_band)
    check_k(k, acknowledged=k_acknowledged)
    _check_comment_k(comment_k, k)
    org = Organization(
        name=name.strip(),
        industry=industry_of(industry),
        size_band=size_band,
        k=k,
        k_acknowledged=k_acknowledged and k < K_SAFE,
        comment_k=comment_k,
    )
    session.add(org)
    session.flush()
    session.add(Membership(user_id=user.id, organization_id=org.id, role=creator_role))
    session.flush()
    session.refresh(org)
    return org


def update_organization(session: Session, *, organization: Organization, changes: dict) -> Organization:
    """Apply ``changes`` (name, industry, size_band, k, k_acknowledged, comment_k)."""
    name = changes.get("name", organization.name)
    size_band = changes.get("size_band", organization.size_band)
    _check_fields(name=name, size_band=size_band)
    industry = industry_of(changes["industry"]) if "industry" in changes else organization.industry
    k = changes.get("k", organization.k)
    ack = changes.get("k_acknowledged", organization.k_acknowledged)
    check_k(k, acknowledged=ack)
    comment_k = changes.get("comment_k", organization.comment_k)
    _check_comment_k(comment_k, k)
    if k < organization.k and has_responses(session, organization_id=organization.id):
        raise Conflict(K_LOWERED)
    organization.name = name.strip()
    organization.industry = industry
    organization.size_band = size_band
    organization.k, organization.k_acknowledged, organization.comment_k = k, ack and k < K_SAFE, comment_k
    session.add(organization)
    session.flush()
    session.refresh(organization)
    return organization


def has_responses(session: Session, *, organization_id: uuid.UUID) -> bool:
    """Whether any campaign of the organization has an answer set (joined or waiting)."""
    return any(
        session.exec(
            select(func.count())
            .select_from(table)
            .join(Campaign, col(Campaign.id) == table.campaign_id)
            .where(Campaign.organization_id == organization_id)
        ).one()
        for table in (Response, PendingResponse)
    )


def grantable_roles(session: Session, *, organization: Organization, by: User) -> list[Role]:
    """The roles ``by`` may give in ``organization`` (see the module docstring)."""
    own = _membership(session, organization=organization, user=by)
    if own is None or own.role not in WRITE_ROLES:
        return []
    return list(Role) if own.role == Role.consultant else [Role.hr_admin, Role.viewer]


def add_member(
    session: Session,
    *,
    organization: Organization,
    by: User | None,
    user: User,
    role: Role,
    unit_id: uuid.UUID | None = None,
) -> Membership:
    """Make ``user`` a member (or change their role), as the member ``by`` or, with
    ``by=None``, the operator; a viewer may be limited to one top-level unit. Raises
    :class:`Forbidden` for a role ``by`` may not give or a member ``by`` may not change."""
    membership = _membership(session, organization=organization, user=user)
    if by is not None:
        _check_grant(session, organization=organization, by=by, user=user, membership=membership, role=role)
    if unit_id is not None:
        if role != Role.viewer:
            raise Invalid(SCOPE_ROLE)
        unit = session.get(Unit, unit_id)
        if unit is None or unit.organization_id != organization.id or unit.parent_id is not None:
            raise Invalid(SCOPE_UNIT)
    membership = membership or Membership(user_id=user.id, organization_id=organization.id, role=role)
    membership.role, membership.unit_id = role, unit_id
    session.add(membership)
    return membership


def add_member_by_email(
    session: Session,
    *,
    organization: Organization,
    by: User,
    email: str,
    role: Role,
    password: str | None = None,
    unit_id: uuid.UUID | None = None,
) -> Membership:
    """:func:`add_member` for the user with ``email``, created with ``password`` if new
    (a password for an existing user is refused: 409). Of concurrent
    requests for one new user exactly one creates it; the others get 409 and store
    nothing."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        if not password:
            raise Invalid(NEEDS_PASSWORD)
        _check_grant(session, organization=organization, by=by, user=None, membership=None, role=role)
        try:
            user = create_user(session, email=email, password=password)
        except IntegrityError:  # created by a concurrent request since the look-up
            session.rollback()
            raise Conflict(USER_EXISTS) from None
    elif password:
        raise Conflict(USER_EXISTS)
    membership = add_member(session, organization=organization, by=by, user=user, role=role, unit_id=unit_id)
    try:
        session.flush()
    except IntegrityError:  # the same membership added by a concurrent request
        session.rollback()
        raise Conflict(MEMBER_CHANGED) from None
    return membership


def remove_member(session: Session, *, organization: Organization, by: User, email: str) -> None:
    """End the membership of the user with ``email`` in ``organization``, under the rules
    for changing a role: ``by`` may change it, and it is not ``by``'s own (403). The user
    account stays (it may belong to other organizations)."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    membership = _membership(session, organization=organization, user=user) if user is not None else None
    if membership is None:
        raise NotFound(NOT_A_MEMBER)
    _check_grant(session, organization=organization, by=by, user=user, membership=membership, role=membership.role)
    session.delete(membership)
    session.flush()


def _check_grant(
    session: Session,
    *,
    organization: Organization,
    by: User,
    user: User | None,
    membership: Membership | None,
    role: Role,
) -> None:
    allowed = grantable_roles(session, organization=organization, by=by)
    if not allowed:
        raise Forbidden(READ_ONLY)
    if user is not None and user.id == by.id:
        raise Forbidden(OWN_ROLE)
    if role not in allowed:
        raise Forbidden(GRANT_CONSULTANT)
    if membership is not None and membership.role not in allowed:
        raise Forbidden(CHANGE_CONSULTANT)


def _membership(session: Session, *, organization: Organization, user: User) -> Membership | None:
    return session.exec(
        select(Membership).where(Membership.user_id == user.id, Membership.organization_id == organization.id)
    ).first()


def industry_of(text: str) -> str:
    """The industry code of ``text`` (a code of :data:`app.labels.INDUSTRIES` or its
    spelling in words, e.g. ``"Logistics"``); empty for none; ``Invalid`` otherwise."""
    code = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    if code and code not in INDUSTRIES:
        raise Invalid(INDUSTRY_UNKNOWN)
    return code


def _check_fields(*, name: str, size_band: str) -> None:
    if not name.strip() or len(name.strip()) > 200:
        raise Invalid(NAME_LENGTH)
    if size_band not in SIZE_BANDS:
        raise Invalid(Problem("size_band_choice", {"bands": ", ".join(b for b in SIZE_BANDS if b)}))


def _check_comment_k(comment_k: int, k: int) -> None:
    if not k <= comment_k <= 100:
        raise Invalid(COMMENT_K_RANGE)


def organization_ids(session: Session, *, user: User) -> set[uuid.UUID]:
    """The ids of the organizations ``user`` may see."""
    return set(session.exec(select(Membership.organization_id).where(Membership.user_id == user.id)).all())


def members(session: Session, *, organization: Organization) -> list[tuple[User, Role, str | None]]:
    """Members with their role and the unit a viewer is limited to (None: everything)."""
    return list(
        session.exec(
            select(User, col(Membership.role), col(Unit.name))
            .join(Membership, col(Membership.user_id) == User.id)
            .outerjoin(Unit, col(Unit.id) == Membership.unit_id)
            .where(Membership.organization_id == organization.id)
            .order_by(User.email)
        ).all()
    )


def top_units(session: Session, *, organization: Organization) -> list[Unit]:
    """The top-level units, which a viewer's access can be limited to."""
    return list(
        session.exec(
            select(Unit)
            .where(Unit.organization_id == organization.id, Unit.parent_id == None)  # noqa: E711
            .order_by(Unit.name)
        ).all()
    )
