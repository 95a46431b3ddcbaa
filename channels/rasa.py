"""Rasa's gateway channel: send one user message, signed, and get the assistant's answers.

The one client of Rasa's input channel: the gateway, ``make chat`` and the
tests all talk to Rasa through ``RasaClient``, which signs every request with
``hop_auth.signing`` (Rasa refuses anything unsigned, stale or replayed).
"""

from __future__ import annotations

import json
from typing import Any, Optional

import requests

from hop_auth.shared_secrets import RASA_CHANNEL_SECRET, required_secret
from hop_auth.signing import CHANNEL_PATH, sign_message


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) failed, timed out or answered something unreadable."""


class RasaClient:
    """POSTs a signed ``{"sender", "message"}`` to ``{RASA_URL}/webhooks/gateway/webhook``."""

    def __init__(self, base_url: str, secret: str, timeout: float, session: requests.Session | None = None):
        self.url = base_url.rstrip("/") + CHANNEL_PATH
        self.secret = required_secret(RASA_CHANNEL_SECRET, secret)  # no secret: the gateway does not start
        self.timeout = timeout
        self.session = session or requests.Session()

    def send(self, sender_id: str, message: str, timeout: Optional[float] = None) -> list[dict[str, Any]]:
        """The list of bot messages Rasa answers (may be empty); RasaUnavailable on any failure."""
        signed = sign_message(self.secret, sender_id, message)
        try:
            response = self.session.post(
                self.url, data=signed.body, headers=signed.headers, timeout=timeout or self.timeout
            )
        except requests.RequestException as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise RasaUnavailable("not JSON") from exc
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise RasaUnavailable("not a list of messages")
        return body


def inform(**entities: Any) -> str:
    """The message that tells Rasa a fact the channel learned (``/inform{"upload_id": "u1"}``)."""
    return "/inform" + json.dumps(entities, ensure_ascii=False)
