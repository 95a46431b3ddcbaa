"""The gateway's signature on each message it hands to Rasa, and Rasa's check of it.

The gateway signs the exact request body (which holds the sender id and the
message) together with the time and a random nonce: HMAC-SHA256 with the
shared ``RASA_CHANNEL_SECRET``. Rasa's input channel (``bot/gateway_channel.py``)
accepts a request only when the signature matches, the time is within
``MAX_AGE_SECONDS`` in the past (and at most ``MAX_CLOCK_SKEW_SECONDS`` in the
future), and the nonce was not seen before. The sender id alone proves nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from hop_auth.replay import NonceStore

# Rasa's custom channel: Rasa serves it at /webhooks/<name>/webhook.
CHANNEL_NAME = "gateway"
CHANNEL_PATH = f"/webhooks/{CHANNEL_NAME}/webhook"
# The courier's route to pause, resume and record an executive's messages in a conversation.
CONTROL_PATH = f"/webhooks/{CHANNEL_NAME}/control"

TIMESTAMP_HEADER = "X-Gateway-Timestamp"
NONCE_HEADER = "X-Gateway-Nonce"
SIGNATURE_HEADER = "X-Gateway-Signature"

MAX_AGE_SECONDS = 60
MAX_CLOCK_SKEW_SECONDS = 5  # the gateway's clock may run a little ahead of Rasa's, no more

_VERSION = b"miaval-gateway-v1"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


class HopRefused(Exception):
    """A request to Rasa's gateway channel that is not the gateway's; ``reason`` is safe to log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignedRequest:
    """What the gateway POSTs to ``CHANNEL_PATH``: these exact body bytes with these headers."""

    body: bytes
    headers: dict[str, str]


def _signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    signed = b"\n".join((_VERSION, timestamp.encode(), nonce.encode(), body))
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign_body(secret: str, body: bytes, now: Optional[float] = None, nonce: Optional[str] = None) -> SignedRequest:
    """Sign ``body`` at time ``now`` (default: the clock) with a fresh nonce."""
    if not secret:
        raise ValueError("no secret to sign with")
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_urlsafe(18)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: _signature(secret, timestamp, nonce, body),
    }
    return SignedRequest(body=body, headers=headers)


def sign_message(
    secret: str, sender: str, message: str, now: Optional[float] = None, *, payload: bool = False
) -> SignedRequest:
    """The signed request that hands ``message`` from ``sender`` to Rasa.

    ``payload``: the message is an intent the gateway vouches for (a button it offered this sender, or
    a fact it learned itself, such as an upload's id); without it Rasa reads a leading ``/`` as text.
    """
    fields: dict[str, Any] = {"sender": sender, "message": message}
    if payload:
        fields["payload"] = True
    return sign_body(secret, json.dumps(fields, ensure_ascii=False).encode(), now=now)


def sign_control(
    secret: str, sender: str, event: str, *, text: Optional[str] = None, staff_name: Optional[str] = None
) -> SignedRequest:
    """The signed request that acts on ``sender``'s conversation (``CONTROL_PATH``); ``"hop": "control"``
    in the body keeps a control request from passing for a message and the other way round."""
    payload: dict[str, Any] = {"hop": "control", "sender": sender, "event": event}
    if text is not None:
        payload["text"] = text
    if staff_name is not None:
        payload["staff_name"] = staff_name
    return sign_body(secret, json.dumps(payload, ensure_ascii=False).encode())


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, nonces: NonceStore, now: Optional[float] = None
) -> dict[str, Any]:
    """The request's JSON body if the gateway signed it just now and never sent it before; HopRefused otherwise.

    ``headers`` must look names up case-insensitively (Sanic's and Flask's do).
    """
    if not secret:
        raise HopRefused("no secret configured")
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    nonce = headers.get(NONCE_HEADER) or ""
    signature = headers.get(SIGNATURE_HEADER) or ""
    if not (_TIMESTAMP.fullmatch(timestamp) and _NONCE.fullmatch(nonce) and _SIGNATURE.fullmatch(signature)):
        raise HopRefused("unsigned")
    if not hmac.compare_digest(signature, _signature(secret, timestamp, nonce, body)):
        raise HopRefused("bad signature")
    now = time.time() if now is None else now
    sent_at = int(timestamp)
    if sent_at < now - MAX_AGE_SECONDS:
        raise HopRefused("stale")
    if sent_at > now + MAX_CLOCK_SKEW_SECONDS:
        raise HopRefused("from the future")
    if not nonces.first_use(nonce, expires_at=sent_at + MAX_AGE_SECONDS + 1, now=now):
        raise HopRefused("replayed")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise HopRefused("body is not JSON") from exc
    if not isinstance(payload, dict):
        raise HopRefused("body is not an object")
    return payload
