"""Two ways into the assistant: the gateway's web chat JSON API (the full stack) and Rasa's gateway channel alone.

Both return the bot's answers as plain `BotMessage`s so that one conversation
script drives either, and both say what counts as a failure for the user.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from hop_auth.signing import CHANNEL_PATH, sign_message

# What the gateway says when something behind it failed (channels/copy.py) and
# what the actions say when the API is down (domain/ utter_backend_down, utter_claim_kept):
# a 200 carrying either is still an error for the customer.
APOLOGY_MARKERS = (
    "tuve un problema y no pude responderte",
    "no puedo consultar el sistema de aval",
    "el sistema no responde ahora",
)
RATE_LIMIT_MARKER = "vas muy rápido"


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)


@dataclass(frozen=True)
class Answer:
    messages: list[BotMessage]
    latency_ms: float
    error: str | None = None  # None: the customer got a real answer

    @property
    def text(self) -> str:
        return "\n".join(message.text for message in self.messages)


class Transport(Protocol):
    name: str

    async def send(self, sender_id: str, text: str) -> Answer: ...


def _classify(messages: list[BotMessage]) -> str | None:
    if not messages:
        return "empty_answer"
    joined = " ".join(message.text for message in messages).lower()
    if any(marker in joined for marker in APOLOGY_MARKERS):
        return "apology"
    if RATE_LIMIT_MARKER in joined:
        return "rate_limited"
    return None


def _buttons(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        (str(item.get("title", "")), str(item.get("payload", "")))
        for item in raw
        if isinstance(item, dict) and item.get("payload")
    )


def _messages(raw: Any) -> list[BotMessage]:
    """Bot messages from Rasa's list or from the gateway's `{"messages": [...]}`-style envelope."""
    if isinstance(raw, dict):
        for key in ("messages", "replies", "answers"):
            if isinstance(raw.get(key), list):
                raw = raw[key]
                break
    if not isinstance(raw, list):
        return []
    messages = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text") or ""
        if not text and isinstance(item.get("document"), dict) or item.get("type") in ("document", "image"):
            text = text or "[documento]"
        messages.append(BotMessage(text=str(text), buttons=_buttons(item.get("buttons"))))
    return messages


class _HttpTransport:
    name = "http"

    def __init__(self, client: httpx.AsyncClient, url: str, timeout: float):
        self.client = client
        self.url = url
        self.timeout = timeout

    def request(self, sender_id: str, text: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers to POST."""
        raise NotImplementedError

    async def send(self, sender_id: str, text: str) -> Answer:
        body, headers = self.request(sender_id, text)
        started = time.perf_counter()
        try:
            response = await self.client.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            return Answer([], (time.perf_counter() - started) * 1000, "timeout")
        except httpx.HTTPError as exc:
            return Answer([], (time.perf_counter() - started) * 1000, f"transport:{type(exc).__name__}")
        latency_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return Answer([], latency_ms, f"http_{response.status_code}")
        try:
            messages = _messages(response.json())
        except ValueError:
            return Answer([], latency_ms, "not_json")
        return Answer(messages, latency_ms, _classify(messages))


class RasaAlone(_HttpTransport):
    """Rasa's gateway channel, signed as the gateway signs (hop_auth.signing; async: no cap on concurrency)."""

    name = "rasa-alone"

    def __init__(self, client: httpx.AsyncClient, rasa_url: str, channel_secret: str, timeout: float = 30.0):
        super().__init__(client, rasa_url.rstrip("/") + CHANNEL_PATH, timeout)
        self.channel_secret = channel_secret

    def request(self, sender_id: str, text: str) -> tuple[bytes, dict[str, str]]:
        # Plays the gateway, which vouches for the payloads of buttons it showed (the scripts send no others).
        signed = sign_message(self.channel_secret, sender_id, text, payload=text.startswith("/"))
        return signed.body, signed.headers


class GatewayWebChat(_HttpTransport):
    """The gateway's web chat JSON API (channels/webchat.py): POST /webchat/messages {sender, message, id}."""

    name = "full-stack"
    path = "/webchat/messages"

    def __init__(self, client: httpx.AsyncClient, gateway_url: str, timeout: float = 30.0):
        super().__init__(client, gateway_url.rstrip("/") + self.path, timeout)

    def request(self, sender_id: str, text: str) -> tuple[bytes, dict[str, str]]:
        # Like the widget: every message carries a fresh delivery id (the gateway drops retried ids).
        body = {"sender": sender_id, "message": text, "id": secrets.token_urlsafe(12)}
        return json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}
