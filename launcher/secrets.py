"""Local secrets for the embedded default, made once and kept in var/secrets.env."""

from __future__ import annotations

import secrets

from launcher.paths import VAR

SECRETS_PATH = VAR / "secrets.env"
GENERATED = ("MIAVAL_API_TOKEN", "MIAVAL_CODE_SECRET", "TELEGRAM_WEBHOOK_SECRET")


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
