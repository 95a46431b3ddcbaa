"""The conversation store's settings, read from the environment in this one place (Rasa's side).

The Mi Aval API reads ``TRACKER_STORE_URL`` and ``TRACKER_SENDER_KEY`` too (in
``miaval_api/settings.py``) to erase and purge conversations.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

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
    (rotate by putting a new key in front, then re-seal or let the purge age the
    old rows out before dropping the old key). ``sender_key``: the HMAC key of
    the row keys; changing it loses every stored conversation.
    """

    url: str
    encryption_keys: tuple[str, ...]
    sender_key: str

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> StoreSettings:
        """Read the environment (``os.environ`` by default); the keys are required."""
        env = os.environ if environ is None else environ
        keys = tuple(key.strip() for key in env.get(ENCRYPTION_KEYS, "").split(",") if key.strip())
        sender_key = env.get(SENDER_KEY, "").strip()
        if not keys:
            raise MissingKey(f"{ENCRYPTION_KEYS} is not set (`make run` generates it in var/secrets.env)")
        if not sender_key:
            raise MissingKey(f"{SENDER_KEY} is not set (`make run` generates it in var/secrets.env)")
        return cls(url=env.get(URL) or DEFAULT_URL, encryption_keys=keys, sender_key=sender_key)
