"""Users, logins and login sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from app.core.security import hash_password, new_token, token_hash, verify_password
from app.models import Membership, Role, User, UserSession, utcnow
from app.services import Invalid

MIN_PASSWORD_LENGTH = 10


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, *, email: str, password: str, full_name: str = "") -> User:
    """A new active user; the e-mail must be unused and the password long enough."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise Invalid("not a valid e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.exec(select(User).where(User.email == email)).first():
        raise Invalid("a user with this e-mail exists already")
    user = User(email=email, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    session.add(user)


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The active user with these credentials, else ``None`` (in constant-ish time)."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    ok = verify_password(password, user.password_hash if user else None)
    return user if ok and user.is_active else None


def start_session(session: Session, *, user: User, hours: float, previous_token: str | None) -> tuple[str, UserSession]:
    """A fresh login session (the cookie token is returned once); the previous one ends."""
    if previous_token:
        end_session(session, token=previous_token)
    session.execute(delete(UserSession).where(UserSession.expires_at < utcnow()))
    token = new_token()
    row = UserSession(
        token_hash=token_hash(token), csrf_token=new_token(), user_id=user.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    session.commit()
    return token, row


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def is_consultant(session: Session, *, user: User) -> bool:
    """Whether ``user`` is a consultant of at least one organization."""
    return session.exec(
        select(Membership.id).where(Membership.user_id == user.id, Membership.role == Role.consultant)
    ).first() is not None


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
