"""One settings object for the service, read from ``AAD_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"
MIN_SECRET_LENGTH = 32
BASE_URL_MISSING = (
    "AAD_BASE_URL is not set; set the public address that survey links start with, "
    "e.g. https://survey.example.org (or AAD_ENV=development)"
)
BASE_URL_FORM = "AAD_BASE_URL must be an address like https://survey.example.org (no query, no fragment)"
BASE_URL_HTTPS = "AAD_BASE_URL must start with https:// outside development"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/aad`` (``~/.local/share/aad`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "aad"


class Settings(BaseSettings):
    """Service configuration. Every field is read from ``AAD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="AAD_", extra="ignore")

    env: Literal["development", "production"] = "production"
    secret_key: str = PLACEHOLDER_SECRET
    # earlier secret keys (a JSON list): they still open answers waiting in a batch
    previous_secret_keys: tuple[str, ...] = ()
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    base_url: str = ""  # the public address survey links start with; required outside development
    trusted_hosts: str = "localhost,127.0.0.1,[::1]"  # development: the hosts the service answers
    session_hours: float = Field(8.0, gt=0, le=24 * 7)
    survey_session_minutes: int = Field(120, ge=5, le=24 * 60)
    login_attempts_per_minute: int = Field(10, ge=1)  # per client address
    login_failures_per_account_per_minute: int = Field(10, ge=1)  # per e-mail address, known or not
    survey_requests_per_minute: int = Field(60, ge=1)
    # handler threads per worker process, which is also the size of its database pool:
    # keep workers x threads below PostgreSQL's max_connections
    threads: int = Field(40, ge=2, le=500)
    queue_timeout_seconds: float = Field(30.0, gt=0, le=600)  # then 503 "busy"
    migrate_on_start: bool = True
    warm_up: bool = True  # diagnose the most recently closed campaigns in the background at start
    # e-mail invitations and reminders (docs/methodology.md §13): sending is off without a host
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_starttls: bool = True  # upgrade a plain connection with STARTTLS (not used with smtp_tls)
    smtp_tls: bool = False  # connect with TLS from the start (usually port 465)
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = ""  # the sender address, e.g. "Survey <survey@example.org>"
    mail_rate_per_minute: int = Field(600, ge=1, le=1_000_000)
    mail_max_attempts: int = Field(5, ge=1, le=20)  # then the message is marked failed
    mail_retry_seconds: float = Field(60.0, gt=0, le=86_400)  # first retry; doubled after each failure

    @model_validator(mode="after")
    def _secret_and_base_url(self):
        if self.env != "development":
            if self.secret_key == PLACEHOLDER_SECRET:
                raise ValueError(
                    "AAD_SECRET_KEY is the placeholder; set a random secret of at least "
                    f"{MIN_SECRET_LENGTH} characters (or AAD_ENV=development)"
                )
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(f"AAD_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
        if self.smtp_host and not self.mail_from:
            raise ValueError("AAD_SMTP_HOST is set but AAD_MAIL_FROM is not; set the sender address")
        self.base_url = self.base_url.strip().rstrip("/")
        if not self.base_url:
            if not self.development:
                raise ValueError(BASE_URL_MISSING)
            return self
        try:
            parts = urlsplit(self.base_url)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise ValueError(BASE_URL_FORM) from None
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.query
            or parts.fragment
            or "@" in parts.netloc
        ):
            raise ValueError(BASE_URL_FORM)
        if parts.scheme != "https" and not self.development:
            raise ValueError(BASE_URL_HTTPS)
        return self

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def allowed_hosts(self) -> list[str]:
        """In development, the hosts the service answers (a request's own address, which
        survey links start with when ``AAD_BASE_URL`` is unset, is therefore always one
        of them): ``AAD_TRUSTED_HOSTS`` and the host of ``AAD_BASE_URL``."""
        hosts = [h.strip() for h in self.trusted_hosts.split(",") if h.strip()]
        if self.base_url:
            host = urlsplit(self.base_url).hostname
            if host:
                hosts.append(f"[{host}]" if ":" in host else host)
        return hosts

    @property
    def mail_configured(self) -> bool:
        """Whether e-mails can be sent (an SMTP host is set)."""
        return bool(self.smtp_host)

    @property
    def cookie_secure(self) -> bool:
        """Cookies carry ``Secure`` (and the ``__Host-`` prefix) outside development."""
        return not self.development

    @property
    def sqlalchemy_url(self) -> str:
        """The configured URL, or a SQLite file ``aad.db`` in ``data_dir``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'aad.db'}"
