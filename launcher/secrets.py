"""Local secrets for the embedded default, made once and kept in var/secrets.env.

Which variables are generated is declared in the services' settings modules
(``generated=True``); the file holds those and nothing else.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from conversation_store.settings import ENCRYPTION_KEYS, SENDER_KEY
from hop_auth.shared_secrets import ACTION_SERVER_TOKEN, RASA_CHANNEL_SECRET
from launcher.paths import VAR
from launcher.settings import generated_names

SECRETS_PATH = VAR / "secrets.env"
# The conversation store's keys (conversation_store/settings.py): Rasa seals with them, the API erases by the second.
TRACKER_SECRETS = (ENCRYPTION_KEYS, SENDER_KEY)


def new_secret() -> str:
    """A fresh random secret: 32 random bytes in URL-safe base64 (also a valid Fernet key)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def new_value(name: str) -> str:
    """A fresh value for the generated setting ``name``: the conversation store's keys are Fernet keys; every other
    secret is 32 random bytes as 43 characters of A-Z, a-z, 0-9, ``_`` and ``-`` (no base64 padding: Telegram refuses
    any other character in a webhook's ``secret_token``)."""
    return new_secret() if name == ENCRYPTION_KEYS else secrets.token_urlsafe(32)


def new_password() -> str:
    """A fresh password for a demo staff account: 16 URL-safe random characters (printed, never stored)."""
    return secrets.token_urlsafe(12)


def tracker_secrets() -> dict[str, str]:
    """Fresh keys for a throw-away conversation store (tests, benchmarks)."""
    return {name: new_secret() for name in TRACKER_SECRETS}


@dataclass(frozen=True)
class HopSecrets:
    """The internal hops' shared secrets; launcher.services gives each process only the ones it uses."""

    rasa_channel_secret: str  # gateway <-> Rasa (HMAC key of the signed channel)
    action_server_token: str  # Rasa -> action server (bearer token)

    @classmethod
    def generate(cls) -> HopSecrets:
        """Fresh random secrets (tests, benchmarks)."""
        return cls(new_secret(), new_secret())

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> HopSecrets:
        """From ``local_secrets()`` (or any mapping holding both names)."""
        return cls(values[RASA_CHANNEL_SECRET], values[ACTION_SERVER_TOKEN])


def _read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def local_secrets(path: Optional[Path] = None) -> dict[str, str]:
    """Read var/secrets.env, adding any missing secret with a fresh random value.

    Names no service reads any more (an old ``MIAVAL_CODE_SECRET``) are dropped from the file.
    """
    path = path or SECRETS_PATH
    found = _read(path)
    values = {name: found.get(name) or new_value(name) for name in generated_names()}
    if values != found:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created private (0600) before any secret is written to it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write("".join(f"{key}={value}\n" for key, value in values.items()))
        path.chmod(0o600)
    return values
