"""Every setting of the Rasa server: each environment variable declared once (name, default, secret or not).

Rasa reads the first ones itself, as the ``${VARS}`` of ``endpoints.yml`` (a
test checks that the two lists match); ``launcher/rasa_main.py`` reads the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from envsettings import env, read


@dataclass(frozen=True)
class Settings:
    """Settings of the Rasa server process."""

    # endpoints.yml: the action server's webhook, e.g. http://127.0.0.1:5055/webhook
    action_endpoint_url: str = env("ACTION_ENDPOINT_URL", doc="endpoints.yml")
    # endpoints.yml: the SQLite file of the tracker store.
    tracker_db: str = env("TRACKER_DB", doc="endpoints.yml")
    # 0 runs Rasa without launcher.rasa_main's speed-ups (before/after measurements).
    speedups: bool = env("MIAVAL_RASA_SPEEDUPS", True)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        """Read the settings from the environment."""
        return read(cls, environ)
