"""The conversation store's settings, each variable declared once (Rasa's side).

The Rasa server's settings (``bot/rasa_settings.py``) extend these. The Mi Aval
API declares ``TRACKER_STORE_URL`` and ``TRACKER_SENDER_KEY`` too (in
``miaval_api/settings.py``) to erase and purge conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from envsettings import env, read

URL = "TRACKER_STORE_URL"
ENCRYPTION_KEYS = "TRACKER_ENCRYPTION_KEYS"
SENDER_KEY = "TRACKER_SENDER_KEY"
DEFAULT_URL = "sqlite:///var/rasa/tracker.db"


class MissingKey(RuntimeError):
    """A secret the store cannot work without is not set."""


@dataclass(frozen=True)
class StoreSettings:
    """Where conversations live and the keys that seal them.

    ``encryption_keys``: Fernet keys, newest first; the first seals, all unseal
    (rotate by putting a new key in front, then let the purge age the old rows
    out before dropping the old key). ``sender_key``: the HMAC key of the row
    keys; changing it loses every stored conversation.
    """

    url: str = env(URL, DEFAULT_URL, secret=True)  # a PostgreSQL URL may hold a password
    encryption_keys: tuple[str, ...] = env(ENCRYPTION_KEYS, (), secret=True, generated=True)
    sender_key: str = env(SENDER_KEY, secret=True, generated=True)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> StoreSettings:
        """Read the environment (this process's unless given); the keys are required."""
        settings = read(StoreSettings, environ)
        if not settings.encryption_keys:
            raise MissingKey(f"{ENCRYPTION_KEYS} is not set (`make run` generates it in var/secrets.env)")
        if not settings.sender_key:
            raise MissingKey(f"{SENDER_KEY} is not set (`make run` generates it in var/secrets.env)")
        return settings
