"""Users, logins and login sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.catalogue import N_
from app.core.security import hash_password, new_token, token_hash, verify_password
from app.models import Membership, Role, User, UserSession, utcnow
from app.services import Forbidden, Invalid, NotFound

MIN_PASSWORD_LENGTH = 10
PASSWORD_TOO_SHORT = N_("the password needs at least 10 characters")
WRONG_PASSWORD = N_("the current password is wrong")
SAME_PASSWORD = N_("the new password must differ from the current one")
NO_SUCH_USER = N_("no user with this e-mail address")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, password: str, full_name: str = "") -> User:
    """A new active user; the e-mail must be unused and the password long enough."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise Invalid("not a valid e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(PASSWORD_TOO_SHORT)
    if session.exec(select(User).where(User.email == email)).first():
        raise Invalid("a user with this e-mail exists already")
    user = User(email=email, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(PASSWORD_TOO_SHORT)
    user.password_hash = hash_password(password)
    session.add(user)


def change_password(session: Session, *, user: User, current: str, new: str, keep_token: str | None) -> None:
    """The user's own change: the current password must be right (403), the new one
    long enough and different (422); every other login session of the user ends."""
    if not verify_password(current, user.password_hash):
        raise Forbidden(WRONG_PASSWORD)
    if current == new:
        raise Invalid(SAME_PASSWORD)
    set_password(session, user=user, password=new)
    kept = token_hash(keep_token) if keep_token else ""
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user.id, col(UserSession.token_hash) != kept))
    session.flush()


def reset_password(session: Session, *, email: str, password: str) -> User:
    """The operator's reset (``aad user reset-password``): a new password and no open
    login session."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise NotFound(NO_SUCH_USER)
    set_password(session, user=user, password=password)
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user.id))
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The active user with these credentials, else ``None`` (in constant-ish time)."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    ok = verify_password(password, user.password_hash if user else None)
    return user if ok and user is not None and user.is_active else None


def start_session(session: Session, *, user: User, hours: float, previous_token: str | None) -> tuple[str, UserSession]:
    """A fresh login session (the cookie token is returned once); the previous one ends."""
    if previous_token:
        end_session(session, token=previous_token)
    session.execute(delete(UserSession).where(col(UserSession.expires_at) < utcnow()))
    token = new_token()
    row = UserSession(
        token_hash=token_hash(token),
        csrf_token=new_token(),
        user_id=user.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    return token, row


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(UserSession).where(col(UserSession.token_hash) == token_hash(token)))


def is_consultant(session: Session, *, user: User) -> bool:
    """Whether ``user`` is a consultant of at least one organization."""
    return (
        session.exec(
            select(Membership.id).where(Membership.user_id == user.id, Membership.role == Role.consultant)
        ).first()
        is not None
    )


def session_user(session: Session, *, token: str | None) -> tuple[User, UserSession] | None:
    """The user and session for a cookie token, if the session is live."""
    if not token or len(token) > 100:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row
