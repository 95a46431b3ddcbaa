"""The shared secrets of the internal hops: their names, declared once, and how a process reads one.

Neither has a default: a process that needs one and lacks it refuses to start.
The launcher generates both for the embedded default (``var/secrets.env``).
"""

from __future__ import annotations

# Gateway <-> Rasa: the HMAC key of the gateway's signed input channel. Read by the
# gateway (channels/settings.py) and by Rasa (credentials.yml). Secret.
RASA_CHANNEL_SECRET = "RASA_CHANNEL_SECRET"
# Rasa -> action server: the bearer token. Read by Rasa (endpoints.yml) and by the
# action server (launcher/actions_main.py). Secret.
ACTION_SERVER_TOKEN = "ACTION_SERVER_TOKEN"

HOP_SECRETS = (RASA_CHANNEL_SECRET, ACTION_SERVER_TOKEN)


class MissingSecret(RuntimeError):
    """A process was started without the secret it needs to authenticate a hop."""


def required_secret(name: str, value: str) -> str:
    """``value`` (the setting ``name`` as its process read it) stripped; MissingSecret when empty."""
    secret = (value or "").strip()
    if not secret:
        raise MissingSecret(f"{name} is not set: this hop would be open to anyone, so it refuses to start")
    return secret
