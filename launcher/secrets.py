"""Local secrets for the embedded default, made once and kept in var/secrets.env."""

from __future__ import annotations

import base64
import secrets

from launcher.paths import VAR

SECRETS_PATH = VAR / "secrets.env"
# The conversation store's keys (conversation_store/settings.py): Rasa seals with them, the API erases by the second.
TRACKER_SECRETS = ("TRACKER_ENCRYPTION_KEYS", "TRACKER_SENDER_KEY")
GENERATED = ("MIAVAL_API_TOKEN", "MIAVAL_CODE_SECRET", "TELEGRAM_WEBHOOK_SECRET", *TRACKER_SECRETS)


def new_secret(name: str) -> str:
    """A fresh random value for one secret; encryption keys in Fernet's format (32 bytes, URL-safe base64)."""
    if name == "TRACKER_ENCRYPTION_KEYS":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(32)


def tracker_secrets() -> dict[str, str]:
    """Fresh keys for a throw-away conversation store (tests, benchmarks)."""
    return {name: new_secret(name) for name in TRACKER_SECRETS}


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
            values[key] = new_secret(key)
        SECRETS_PATH.parent.mkdir(parents=True, exist_ok=True)
        SECRETS_PATH.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        SECRETS_PATH.chmod(0o600)
    return values
