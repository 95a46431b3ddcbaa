"""What of a conversation may appear in logs: sender ids only as a keyed hash, never message text."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Without LOG_HASH_KEY the tags are keyed by a random key of this process: still irreversible,
# but the same sender gets another tag after a restart.
_key = secrets.token_bytes(32)


def set_hash_key(key: str) -> None:
    """Key the sender tags with LOG_HASH_KEY (the same tag for a sender across processes and restarts)."""
    global _key
    if key:
        _key = key.encode("utf-8")


def hashed_sender(sender_id: str) -> str:
    """A stable tag for a sender id (``telegram:1a2b3c4d5e6f``), safe to log: an HMAC that only the key reverses."""
    channel, _, _ = sender_id.partition(":")
    digest = hmac.new(_key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
    return f"{channel}:{digest}"
