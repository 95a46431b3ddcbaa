"""Every setting of the gateway, read from the environment in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _float(name: str, default: float) -> float:
    value = _env(name)
    return float(value) if value else default


def _int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Gateway settings. Build with ``Settings.from_env()``; tests use ``with_overrides``."""

    # Where the gateway is reachable from the internet (Twilio signs this URL; media links use it).
    public_url: str = "http://127.0.0.1:8080"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 10.0
    # HMAC key shared with Rasa's gateway channel (secret; no default: without it Rasa answers nothing).
    rasa_channel_secret: str = ""
    api_url: str = "http://127.0.0.1:8000"
    api_token: str = ""
    api_timeout: float = 5.0
    database_url: str = "sqlite:///var/miaval.db"
    # Messages a sender may send per minute before getting a friendly "wait a moment".
    rate_limit_per_minute: int = 20
    # Twilio / WhatsApp.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    # Webhooks signed with a Twilio SharedKey (header X-Twilio-Webhooks-Signature-Settings) use this key.
    twilio_webhook_key_sid: str = ""
    twilio_webhook_key_secret: str = ""
    twilio_whatsapp_from: str = ""  # e.g. whatsapp:+14155238886 (the sandbox number)
    twilio_api_base_url: str = "https://api.twilio.com"
    # Twilio waits 15 s; after this many seconds the reply goes through the REST API instead of TwiML.
    whatsapp_reply_budget: float = 11.0
    # Telegram.
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Web chat.
    webchat_allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Largest file accepted from a user (the API refuses above 10 MB anyway).
    max_upload_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment (see docs/channels.md for each variable)."""
        origins = tuple(item.strip() for item in _env("WEBCHAT_ALLOWED_ORIGINS").split(",") if item.strip())
        return cls(
            public_url=_env("PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/"),
            rasa_url=_env("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_timeout=_float("RASA_TIMEOUT", 10.0),
            rasa_channel_secret=_env("RASA_CHANNEL_SECRET"),
            api_url=_env("MIAVAL_API_URL", "http://127.0.0.1:8000").rstrip("/"),
            api_token=_env("MIAVAL_API_TOKEN"),
            api_timeout=_float("MIAVAL_API_TIMEOUT", 5.0),
            database_url=_env("DATABASE_URL", "sqlite:///var/miaval.db"),
            rate_limit_per_minute=_int("GATEWAY_RATE_LIMIT_PER_MINUTE", 20),
            twilio_account_sid=_env("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_env("TWILIO_AUTH_TOKEN"),
            twilio_webhook_key_sid=_env("TWILIO_WEBHOOK_KEY_SID"),
            twilio_webhook_key_secret=_env("TWILIO_WEBHOOK_KEY_SECRET"),
            twilio_whatsapp_from=_env("TWILIO_WHATSAPP_FROM"),
            twilio_api_base_url=_env("TWILIO_API_BASE_URL", "https://api.twilio.com").rstrip("/"),
            whatsapp_reply_budget=_float("WHATSAPP_REPLY_BUDGET", 11.0),
            telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET"),
            telegram_base_url=_env("TELEGRAM_BASE_URL", "https://api.telegram.org/bot"),
            telegram_base_file_url=_env("TELEGRAM_BASE_FILE_URL", "https://api.telegram.org/file/bot"),
            webchat_allowed_origins=origins,
            max_upload_bytes=_int("GATEWAY_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        )

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some settings changed (tests, the polling entry point)."""
        return replace(self, **overrides)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_auth_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    def public_file_url(self, token: str) -> str:
        """The gateway URL that serves a document (WhatsApp media, web chat download link)."""
        return f"{self.public_url}/files/{token}"

