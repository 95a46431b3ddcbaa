"""Every setting of the Mi Aval API, read from the environment in this one place."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping, Optional


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def database_url(raw: str) -> str:
    """Normalise DATABASE_URL: PostgreSQL goes through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


@dataclass(frozen=True)
class Settings:
    """Settings of one API process. Build with :meth:`from_env`; tests may override any field."""

    database_url: str = "sqlite:///var/miaval.db"
    api_token: str = ""
    # Key for code HMACs and document tokens; derived from the token when unset so that all workers agree.
    secret_key: str = ""
    timezone: str = "America/Argentina/Buenos_Aires"
    code_ttl_seconds: int = 600
    code_max_attempts: int = 5
    resend_interval_seconds: int = 60
    sends_per_hour: int = 5
    link_max_failures: int = 5
    link_failure_window_seconds: int = 24 * 3600
    document_ttl_seconds: int = 15 * 60
    late_report_days: int = 3  # art. 46, Ley 17.418
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024
    smtp_host: Optional[str] = None
    smtp_port: int = 587
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "Mi Aval <no-responder@miaval.example>"
    outbox_dir: str = "var/outbox"
    db_pool_size: int = 10
    # A verified chat that has not been used for this many days must sign in again.
    chat_session_idle_days: int = 30
    # Moves this process's clock (tests only: "31 days later" without waiting); 0 in production.
    clock_offset_seconds: int = 0

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        """Read the environment (``os.environ`` by default), then apply ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        names = {
            "database_url": "DATABASE_URL",
            "api_token": "MIAVAL_API_TOKEN",
            "secret_key": "MIAVAL_SECRET_KEY",
            "timezone": "MIAVAL_TIMEZONE",
            "code_ttl_seconds": "VERIFICATION_CODE_TTL_SECONDS",
            "code_max_attempts": "VERIFICATION_MAX_ATTEMPTS",
            "resend_interval_seconds": "VERIFICATION_RESEND_INTERVAL_SECONDS",
            "sends_per_hour": "VERIFICATION_SENDS_PER_HOUR",
            "link_max_failures": "LINK_MAX_FAILURES",
            "link_failure_window_seconds": "LINK_FAILURE_WINDOW_SECONDS",
            "document_ttl_seconds": "DOCUMENT_LINK_TTL_SECONDS",
            "smtp_host": "SMTP_HOST",
            "smtp_port": "SMTP_PORT",
            "smtp_user": "SMTP_USER",
            "smtp_password": "SMTP_PASSWORD",
            "smtp_starttls": "SMTP_STARTTLS",
            "mail_from": "MAIL_FROM",
            "outbox_dir": "OUTBOX_DIR",
            "db_pool_size": "DB_POOL_SIZE",
            "chat_session_idle_days": "CHAT_SESSION_IDLE_DAYS",
            "clock_offset_seconds": "MIAVAL_CLOCK_OFFSET_SECONDS",
        }
        types = {f.name: f.type for f in fields(cls)}
        for attr, var in names.items():
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            kind = types[attr]
            if kind == "int":
                values[attr] = int(raw)
            elif kind == "bool":
                values[attr] = _bool(raw)
            else:
                values[attr] = raw
        settings = cls(**values)
        return replace(settings, **overrides) if overrides else settings

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", database_url(self.database_url))

    @property
    def secret(self) -> bytes:
        """The server secret as bytes."""
        if self.secret_key:
            return self.secret_key.encode()
        return hmac.new(b"miaval-derived-secret", self.api_token.encode(), hashlib.sha256).digest()
