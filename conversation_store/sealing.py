"""Sealing what the conversation store keeps: event data under Fernet, sender ids as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Iterable

from cryptography.fernet import Fernet, MultiFernet


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
