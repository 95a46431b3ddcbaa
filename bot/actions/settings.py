"""Every setting of the action server: each environment variable declared once (name, default, secret or not).

The action server reaches the Mi Aval API through ``api_client`` with these
settings; the last two are read by rasa-sdk itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from envsettings import env, read
from hop_auth.shared_secrets import ACTION_SERVER_TOKEN


@dataclass(frozen=True)
class Settings:
    """Settings of the action server process."""

    api_url: str = env("MIAVAL_API_URL", "http://127.0.0.1:8000")
    api_token: str = env("MIAVAL_API_TOKEN", secret=True, generated=True)
    api_timeout: float = env("MIAVAL_API_TIMEOUT", 5.0)
    # The bearer token Rasa must send (checked by launcher/actions_main.py).
    action_server_token: str = env(ACTION_SERVER_TOKEN, secret=True, generated=True)
    # Read by rasa-sdk (rasa_sdk/constants.py, rasa_sdk/endpoint.py), not by our code.
    sanic_workers: int = env("ACTION_SERVER_SANIC_WORKERS", 1, doc="read by rasa-sdk")
    sanic_host: str = env("SANIC_HOST", "127.0.0.1", doc="read by rasa-sdk")  # loopback: launcher/actions_main.py

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        """Read the settings from the environment."""
        return read(cls, environ)
