"""Local secrets for the embedded default, made once and kept in var/secrets.env."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from hop_auth.shared_secrets import ACTION_SERVER_TOKEN, RASA_CHANNEL_SECRET
from launcher.paths import VAR

SECRETS_PATH = VAR / "secrets.env"
GENERATED = (
    "MIAVAL_API_TOKEN", "MIAVAL_CODE_SECRET", "TELEGRAM_WEBHOOK_SECRET", RASA_CHANNEL_SECRET, ACTION_SERVER_TOKEN,
)  # fmt: skip


@dataclass(frozen=True)
class HopSecrets:
    """The internal hops' shared secrets; launcher.services gives each process only the ones it uses."""

    rasa_channel_secret: str  # gateway <-> Rasa (HMAC key of the signed channel)
    action_server_token: str  # Rasa -> action server (bearer token)

    @classmethod
    def generate(cls) -> HopSecrets:
        """Fresh random secrets (tests, benchmarks)."""
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32))

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> HopSecrets:
        """From ``local_secrets()`` (or any mapping holding both names)."""
        return cls(values[RASA_CHANNEL_SECRET], values[ACTION_SERVER_TOKEN])


def local_secrets() -> dict[str, str]:
    """Read var/secrets.env, adding any missing secret with a fresh random value."""
    values: dict[str, str] = {}
    if SECRETS_PATH.exists():
        for line in SECRETS_PATH.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    missing = [key for key in GENERATED if key not in values]
    if missing:
        for key in missing:
            values[key] = secrets.token_urlsafe(32)
        SECRETS_PATH.parent.mkdir(parents=True, exist_ok=True)
        SECRETS_PATH.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        SECRETS_PATH.chmod(0o600)
    return values
