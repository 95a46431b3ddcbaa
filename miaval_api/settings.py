"""Every setting of the Mi Aval API: each environment variable declared once (name, default, secret or not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from envsettings import MissingSetting, env, read
from insurance_rules import ARGENTINA, NOTICE_DEADLINE


def database_url(raw: str) -> str:
    """Normalise DATABASE_URL: PostgreSQL goes through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


@dataclass(frozen=True)
class Settings:
    """Settings of one API process. Build with :meth:`from_env`; tests may override any field."""

    database_url: str = env("DATABASE_URL", "sqlite:///var/miaval.db", secret=True)
    # The service token of the gateway and the actions.
    api_token: str = env("MIAVAL_API_TOKEN", secret=True, generated=True)
    # The API's own key for code HMACs and document tokens: only the API holds it (never the service token).
    secret_key: str = env("MIAVAL_SECRET_KEY", generated=True)
    timezone: str = env("MIAVAL_TIMEZONE", ARGENTINA.key)
    code_ttl_seconds: int = env("VERIFICATION_CODE_TTL_SECONDS", 600)
    code_max_attempts: int = env("VERIFICATION_MAX_ATTEMPTS", 5)
    resend_interval_seconds: int = env("VERIFICATION_RESEND_INTERVAL_SECONDS", 60)
    sends_per_hour: int = env("VERIFICATION_SENDS_PER_HOUR", 5)  # codes per requesting chat
    # Codes per address per hour from all chats but the owner's.
    sends_per_address_per_hour: int = env("VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR", 10)
    # Wrong codes per address per local day, then the address is locked until midnight.
    code_max_failures_per_day: int = env("VERIFICATION_MAX_FAILURES_PER_DAY", 10)
    link_max_failures: int = env("LINK_MAX_FAILURES", 5)  # failed links per chat, per account and per document
    link_failure_window_seconds: int = env("LINK_FAILURE_WINDOW_SECONDS", 24 * 3600)
    document_ttl_seconds: int = env("DOCUMENT_LINK_TTL_SECONDS", 15 * 60)
    late_report_days: int = NOTICE_DEADLINE.days  # art. 46, Ley 17.418
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024
    smtp_host: Optional[str] = env("SMTP_HOST", None)
    smtp_port: int = env("SMTP_PORT", 587)
    smtp_user: Optional[str] = env("SMTP_USER", None)
    smtp_password: Optional[str] = env("SMTP_PASSWORD", None, secret=True)
    # STARTTLS with a verifying context whenever SMTP_HOST is set; 0 only for a loopback test server.
    smtp_starttls: bool = env("SMTP_STARTTLS", True)
    # CA bundle that signs the SMTP server's certificate, when not a public CA.
    smtp_ca_file: Optional[str] = env("SMTP_CA_FILE", None)
    smtp_timeout: float = 10.0
    mail_from: str = env("MAIL_FROM", "Mi Aval <no-responder@miaval.example>")
    outbox_dir: str = env("OUTBOX_DIR", "var/outbox")
    db_pool_size: int = env("DB_POOL_SIZE", 10)
    # `python -m miaval_api serve` (gunicorn): where and how many.
    serve_bind: str = env("MIAVAL_API_BIND", "127.0.0.1:8000")
    serve_workers: int = env("MIAVAL_API_WORKERS", 2)
    serve_threads: int = env("MIAVAL_API_THREADS", 8)
    # New cancellation requests an account may open in 24 hours (asking again for an open one is free).
    cancellation_requests_per_day: int = env("CANCELLATION_REQUESTS_PER_DAY", 5)
    # A verified chat that has not been used for this many days must sign in again.
    chat_session_idle_days: int = env("CHAT_SESSION_IDLE_DAYS", 30)
    # Moves this process's clock (tests only: "31 days later" without waiting); 0 in production.
    clock_offset_seconds: int = env("MIAVAL_CLOCK_OFFSET_SECONDS", 0)
    # Rasa's conversation store (conversation_store/): account deletion and the purge erase from it.
    tracker_store_url: str = env("TRACKER_STORE_URL", secret=True)
    tracker_sender_key: str = env("TRACKER_SENDER_KEY", secret=True, generated=True)
    # Conversations and other records not touched for this many days are purged (miaval_api/services/retention.py).
    retention_days: int = env("RETENTION_DAYS", 180)
    # Reminders Aval sends first (miaval_api/services/reminders.py): days before a policy expires, days after a
    # claim was reported while it still lacks its files, days before an instalment is due.
    reminder_renewal_days: tuple[str, ...] = env("REMINDER_RENEWAL_DAYS", ("30", "15", "3"))
    reminder_claim_days: tuple[str, ...] = env("REMINDER_CLAIM_FOLLOWUP_DAYS", ("2", "5"))
    reminder_payment_days: tuple[str, ...] = env("REMINDER_PAYMENT_DAYS", ("3",))

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        """Read the environment (this process's unless given), then apply ``overrides``."""
        return read(cls, environ, **overrides)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", database_url(self.database_url))
        object.__setattr__(self, "tracker_store_url", database_url(self.tracker_store_url))

    def check(self) -> None:
        """Raise MissingSetting for what the API cannot serve without (checked when the app is built)."""
        if not self.secret_key:
            raise MissingSetting("MIAVAL_SECRET_KEY is not set: the API needs its own secret key.")

    @property
    def secret(self) -> bytes:
        """The API's secret key as bytes; never derived from the service token."""
        self.check()
        return self.secret_key.encode()
