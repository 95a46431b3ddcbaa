"""Every setting of the gateway: each environment variable declared once (name, default, secret or not)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional
from urllib.parse import urlsplit

from envsettings import env, read
from hop_auth.shared_secrets import RASA_CHANNEL_SECRET

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower case, without a default port (``""`` when it has no host)."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        return ""
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else "")


@dataclass(frozen=True)
class Settings:
    """Gateway settings. Build with ``Settings.from_env()``; tests use ``with_overrides``."""

    # Where the gateway is reachable from the internet (Twilio signs this URL; media links use it).
    public_url: str = env("PUBLIC_URL", "http://127.0.0.1:8080")
    rasa_url: str = env("RASA_URL", "http://127.0.0.1:5005")
    # Rasa replicas (comma-separated URLs): each sender goes to one of them, the next when it is down.
    rasa_urls: tuple[str, ...] = env("RASA_URLS", (), doc="RASA_URL alone when empty")
    rasa_timeout: float = env("RASA_TIMEOUT", 10.0)
    # Rate limits, offered choices, Telegram callback keys: this process's memory when empty,
    # redis://host:port/db to share them between the gateway's workers.
    shared_state_url: str = env("SHARED_STATE_URL", "")
    # HMAC key shared with Rasa's gateway channel (hop_auth): the gateway signs every message it hands Rasa.
    rasa_channel_secret: str = env(RASA_CHANNEL_SECRET, secret=True, generated=True)
    api_url: str = env("MIAVAL_API_URL", "http://127.0.0.1:8000")
    api_token: str = env("MIAVAL_API_TOKEN", secret=True, generated=True)
    api_timeout: float = env("MIAVAL_API_TIMEOUT", 5.0)
    database_url: str = env("DATABASE_URL", "sqlite:///var/miaval.db", secret=True)
    # Messages a sender may send per minute before getting a friendly "wait a moment".
    rate_limit_per_minute: int = env("GATEWAY_RATE_LIMIT_PER_MINUTE", 20)
    # Per client address: web chat conversations started, and requests to any /webchat/ route, per minute.
    webchat_sessions_per_address_per_minute: int = env("WEBCHAT_SESSIONS_PER_ADDRESS_PER_MINUTE", 5)
    webchat_requests_per_address_per_minute: int = env("WEBCHAT_REQUESTS_PER_ADDRESS_PER_MINUTE", 120)
    # Reverse proxies in front of the gateway whose X-Forwarded-For is trusted (0: the client's own address).
    trusted_proxies: int = env("GATEWAY_TRUSTED_PROXIES", 0)
    # Signs the web chat's conversation ids (channels/web_senders.py): ids the gateway did not issue are refused.
    webchat_sender_key: str = env("WEBCHAT_SENDER_KEY", secret=True, generated=True)
    # Key of the sender tags in the logs (HMAC): without it a phone number is found by brute force.
    log_hash_key: str = env("LOG_HASH_KEY", generated=True)
    # Twilio / WhatsApp.
    twilio_account_sid: str = env("TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = env("TWILIO_AUTH_TOKEN", secret=True)
    # Webhooks signed with a Twilio SharedKey (header X-Twilio-Webhooks-Signature-Settings) use this key.
    twilio_webhook_key_sid: str = env("TWILIO_WEBHOOK_KEY_SID")
    twilio_webhook_key_secret: str = env("TWILIO_WEBHOOK_KEY_SECRET", secret=True)
    twilio_whatsapp_from: str = env("TWILIO_WHATSAPP_FROM")  # e.g. whatsapp:+14155238886 (the sandbox number)
    # Twilio's REST API; media are downloaded only from here (and api.twilio.com).
    twilio_api_base_url: str = env("TWILIO_API_BASE_URL", "https://api.twilio.com")
    # Twilio waits 15 s; after this many seconds the reply goes through the REST API instead of TwiML.
    whatsapp_reply_budget: float = env("WHATSAPP_REPLY_BUDGET", 11.0)
    # Telegram.
    telegram_bot_token: str = env("TELEGRAM_BOT_TOKEN", secret=True)
    telegram_webhook_secret: str = env("TELEGRAM_WEBHOOK_SECRET", generated=True)
    telegram_base_url: str = env("TELEGRAM_BASE_URL", "https://api.telegram.org/bot")
    telegram_base_file_url: str = env("TELEGRAM_BASE_FILE_URL", "https://api.telegram.org/file/bot")
    # Web chat: origins whose pages may call the web chat API (empty: PUBLIC_URL's origin only).
    webchat_allowed_origins: tuple[str, ...] = env("WEBCHAT_ALLOWED_ORIGINS", ())
    # An approved WhatsApp template (Twilio Content API, HX...) for news outside the 24-hour window; its one
    # variable {{1}} is the news. Empty: such news wait for the customer's next message (and go by e-mail).
    twilio_news_template_sid: str = env("TWILIO_NEWS_TEMPLATE_SID")
    # Approved templates (Content API, ``HX…``) for each kind of reminder outside WhatsApp's 24-hour window;
    # ``{{1}}`` is the reminder with its numbered options. Without one that reminder waits for the window.
    twilio_renewal_template_sid: str = env("TWILIO_RENEWAL_TEMPLATE_SID")
    twilio_claim_followup_template_sid: str = env("TWILIO_CLAIM_FOLLOWUP_TEMPLATE_SID")
    twilio_payment_template_sid: str = env("TWILIO_PAYMENT_TEMPLATE_SID")
    # The courier (python -m channels.courier): how often it looks for messages to deliver, how many tries
    # a message gets before it is marked failed, the first wait after a failure (doubled each time), and how
    # long a claimed message stays with the courier that claimed it.
    courier_poll_seconds: float = env("COURIER_POLL_SECONDS", 2.0)
    courier_max_attempts: int = env("COURIER_MAX_ATTEMPTS", 6)
    courier_retry_seconds: float = env("COURIER_RETRY_SECONDS", 10.0)
    courier_lease_seconds: float = env("COURIER_LEASE_SECONDS", 120.0)
    # Largest file accepted from a user (the API refuses above 10 MB anyway).
    max_upload_bytes: int = env("GATEWAY_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

    def __post_init__(self) -> None:
        for name in ("public_url", "rasa_url", "api_url", "twilio_api_base_url"):
            object.__setattr__(self, name, getattr(self, name).rstrip("/"))
        object.__setattr__(self, "rasa_urls", tuple(url.rstrip("/") for url in self.rasa_urls))

    @classmethod
    def from_env(cls, environ: Optional[dict[str, str]] = None) -> Settings:
        """Read the settings from the environment (README, "Connecting the channels for real")."""
        return read(cls, environ)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some settings changed (tests, the polling entry point)."""
        return replace(self, **overrides)

    @property
    def rasa_replicas(self) -> tuple[str, ...]:
        """The Rasa servers to route conversations to: RASA_URLS, or else RASA_URL alone."""
        return self.rasa_urls or (self.rasa_url,)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_auth_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def webchat_origins(self) -> tuple[str, ...]:
        """Origins allowed to call the web chat API: the list, or else the gateway's own origin."""
        return tuple(origin(item) for item in self.webchat_allowed_origins or (self.public_url,))

    @property
    def twilio_media_origins(self) -> frozenset[str]:
        """Where WhatsApp media may be downloaded from with the account's credentials."""
        return frozenset({"https://api.twilio.com", origin(self.twilio_api_base_url)})

    def public_file_url(self, token: str) -> str:
        """The gateway URL that serves a document (WhatsApp media, web chat download link)."""
        return f"{self.public_url}/files/{token}"
