"""Every setting of the Rasa server: each environment variable declared once (name, default, secret or not).

Rasa reads the first ones itself, as the ``${VARS}`` of ``endpoints.yml`` (a
test checks that the two lists match); ``launcher/rasa_main.py`` reads the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from conversation_store.settings import StoreSettings
from envsettings import env, read
from hop_auth.shared_secrets import ACTION_SERVER_TOKEN, RASA_CHANNEL_SECRET


@dataclass(frozen=True)
class Settings(StoreSettings):
    """Settings of the Rasa server process: the conversation store's (``tracker_store_url``...) and these."""

    # endpoints.yml: the action server's webhook, e.g. http://127.0.0.1:5055/webhook
    action_endpoint_url: str = env("ACTION_ENDPOINT_URL", doc="endpoints.yml")
    # credentials.yml: the HMAC key of the gateway's signed channel (bot/gateway_channel.py).
    rasa_channel_secret: str = env(RASA_CHANNEL_SECRET, secret=True, generated=True, doc="credentials.yml")
    # endpoints.yml: the bearer token Rasa sends the action server.
    action_server_token: str = env(ACTION_SERVER_TOKEN, secret=True, generated=True, doc="endpoints.yml")
    # 0 runs Rasa without launcher.rasa_main's speed-ups (before/after measurements).
    speedups: bool = env("MIAVAL_RASA_SPEEDUPS", True)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        """Read the settings from the environment."""
        return read(cls, environ)
