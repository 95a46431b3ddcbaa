"""What of a conversation may appear in logs: sender ids only as a short hash, never message text."""

from __future__ import annotations

import hashlib


def hashed_sender(sender_id: str) -> str:
    """A stable, non-reversible tag for a sender id (``telegram:1a2b3c4d5e``), safe to log."""
    channel, _, _ = sender_id.partition(":")
    digest = hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:10]
    return f"{channel}:{digest}"
