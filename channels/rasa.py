"""Rasa's REST channel: send one user message, get the assistant's answers."""

from __future__ import annotations

import json
from typing import Any

import requests


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) failed, timed out or answered something unreadable."""


class RasaClient:
    """POSTs ``{"sender", "message"}`` to ``{RASA_URL}/webhooks/rest/webhook``."""

    def __init__(self, base_url: str, timeout: float, session: requests.Session | None = None):
        self.url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout = timeout
        self.session = session or requests.Session()

    def send(self, sender_id: str, message: str) -> list[dict[str, Any]]:
        """The list of bot messages Rasa answers (may be empty); RasaUnavailable on any failure."""
        try:
            response = self.session.post(
                self.url, json={"sender": sender_id, "message": message}, timeout=self.timeout
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
