"""Sealing what the conversation store keeps and what the event broker publishes.

Event data under Fernet, sender ids as keyed hashes: in the store's rows and in
RabbitMQ's messages alike, with the same keys (``TRACKER_ENCRYPTION_KEYS``,
``TRACKER_SENDER_KEY``), so a copy of either shows neither what was said nor
who said it, and a consumer holding the keys finds a published event's
conversation under the same row key as the store's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Iterable

from cryptography.fernet import Fernet, MultiFernet

# The content type of a published event: a Fernet token (ASCII) of the event's JSON.
SEALED_EVENT_CONTENT_TYPE = "application/vnd.miaval.sealed-event"


def row_key(sender_key: str, sender_id: str) -> str:
    """The row key a conversation is stored under: HMAC-SHA256 of the sender id, 64 hex digits.

    ``whatsapp:+5491155550101`` is a phone number; the hash names the same
    conversation every time without saying whose it is.
    """
    return hmac.new(sender_key.encode(), sender_id.encode(), hashlib.sha256).hexdigest()


class Sealer:
    """Seals and unseals event data (JSON) with the newest of several Fernet keys."""

    def __init__(self, keys: Iterable[str]):
        self._fernet = MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])

    def seal(self, data: dict[str, Any]) -> str:
        """The event as a Fernet token (ASCII text)."""
        return self._fernet.encrypt(json.dumps(data).encode()).decode("ascii")

    def unseal(self, token: str) -> dict[str, Any]:
        """The event back from its token; ``cryptography.fernet.InvalidToken`` if no key opens it."""
        return json.loads(self._fernet.decrypt(token.encode("ascii")))


class EventSealer:
    """Seals a conversation event for the event broker, and opens it for a consumer that holds the keys.

    The published event is the one Rasa hands its broker, with its ``sender_id``
    replaced by the conversation's row key (the sender id itself is published
    nowhere), sealed whole: the message body is the Fernet token.
    """

    def __init__(self, encryption_keys: Iterable[str], sender_key: str):
        self._sealer = Sealer(encryption_keys)
        self._sender_key = sender_key

    def seal(self, event: dict[str, Any]) -> bytes:
        """The body of the message that publishes ``event``."""
        if "sender_id" in event:
            event = {**event, "sender_id": row_key(self._sender_key, str(event["sender_id"]))}
        return self._sealer.seal(event).encode("ascii")

    def open(self, body: bytes) -> dict[str, Any]:
        """The event back from a message body; ``cryptography.fernet.InvalidToken`` if no key opens it."""
        return self._sealer.unseal(body.decode("ascii"))
