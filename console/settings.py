"""Every setting of the staff console: each environment variable declared once (name, default, secret or not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from conversation_store.settings import ENCRYPTION_KEYS, SENDER_KEY, StoreSettings
from envsettings import MissingSetting, env, read
from miaval_api.settings import database_url


@dataclass(frozen=True)
class Settings:
    """Settings of one console process. Build with :meth:`from_env`; tests may override any field."""

    database_url: str = env("DATABASE_URL", "sqlite:///var/miaval.db", secret=True)
    # Signs the session cookie and keys the sign-in failure counters.
    secret_key: str = env("CONSOLE_SECRET_KEY", generated=True)
    bind: str = env("CONSOLE_BIND", "127.0.0.1:8090", doc="host:port; make run uses CONSOLE_PORT")
    # Cookies only over HTTPS: set it when the console is served behind TLS (loopback HTTP by default).
    secure_cookies: bool = env("CONSOLE_SECURE_COOKIES", False)
    # The console's public URL: when it is https://, cookies are Secure whatever CONSOLE_SECURE_COOKIES says.
    public_url: str = env("CONSOLE_PUBLIC_URL", "")
    # Reverse proxies in front of the console whose X-Forwarded-For is trusted (0: the client's own address).
    trusted_proxies: int = env("CONSOLE_TRUSTED_PROXIES", 0)
    # A console session ends this long after sign-in, and after this many minutes without a request.
    session_hours: int = env("CONSOLE_SESSION_HOURS", 8)
    session_idle_minutes: int = env("CONSOLE_SESSION_IDLE_MINUTES", 30)
    # Wrong passwords per account and per client address within the window, then sign-in waits.
    max_failures_per_account: int = env("CONSOLE_MAX_FAILURES_PER_ACCOUNT", 5)
    max_failures_per_address: int = env("CONSOLE_MAX_FAILURES_PER_ADDRESS", 20)
    failure_window_seconds: int = env("CONSOLE_FAILURE_WINDOW_SECONDS", 15 * 60)
    # A cancellation's written confirmation (PDF or image) may weigh at most this much.
    max_upload_bytes: int = env("CONSOLE_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
    timezone: str = env("MIAVAL_TIMEZONE", "America/Argentina/Buenos_Aires")
    clock_offset_seconds: int = env("MIAVAL_CLOCK_OFFSET_SECONDS", 0)
    # Rasa's conversation store, read (never written) for the last messages of a conversation.
    tracker_store_url: str = env("TRACKER_STORE_URL", "sqlite:///var/rasa/tracker.db", secret=True)
    tracker_encryption_keys: tuple[str, ...] = env(ENCRYPTION_KEYS, (), secret=True, generated=True)
    tracker_sender_key: str = env(SENDER_KEY, secret=True, generated=True)
    # Where the review queue's export writes (relative to the repository): training data and the held-out share.
    reviewed_nlu_file: str = env("REVIEWED_NLU_FILE", "bot/data/nlu/reviewed.yml")
    reviewed_heldout_file: str = env("REVIEWED_HELDOUT_FILE", "tests/nlu/heldout_reviewed.yml")
    workers: int = env("CONSOLE_WORKERS", 1)
    threads: int = env("CONSOLE_THREADS", 8)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        """Read the environment (this process's unless given), then apply ``overrides``."""
        return read(cls, environ, **overrides)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", database_url(self.database_url))
        object.__setattr__(self, "tracker_store_url", database_url(self.tracker_store_url))

    def check(self) -> None:
        """Raise MissingSetting for what the console cannot serve without."""
        if not self.secret_key:
            raise MissingSetting("CONSOLE_SECRET_KEY is not set: the console needs its own secret key.")

    @property
    def cookies_secure(self) -> bool:
        """Session cookies only over HTTPS: when asked to, or when the console is served over https."""
        return self.secure_cookies or self.public_url.lower().startswith("https://")

    @property
    def secret(self) -> bytes:
        """The console's key as bytes (keys the sign-in failure counters)."""
        return self.secret_key.encode()

    @property
    def store(self) -> Optional[StoreSettings]:
        """Where the conversations are and the keys that open them; None when the keys are not given."""
        if not self.tracker_encryption_keys or not self.tracker_sender_key:
            return None
        return StoreSettings(
            url=self.tracker_store_url,
            encryption_keys=self.tracker_encryption_keys,
            sender_key=self.tracker_sender_key,
        )
