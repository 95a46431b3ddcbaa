"""Which Rasa replica serves a conversation: rendezvous (highest random weight) hashing.

Each sender ranks the replicas by ``sha256(replica, sender)``; the first is its
home, the next ones its fallbacks in order. Every gateway worker ranks alike
without talking to the others, and adding or removing a replica moves only
the conversations that belonged to it.
"""

from __future__ import annotations

import hashlib
from typing import Sequence


def _weight(replica: str, sender_id: str) -> int:
    digest = hashlib.sha256(f"{replica}\0{sender_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def replica_order(sender_id: str, replicas: Sequence[str]) -> list[str]:
    """The replicas in the order this sender tries them (its home first)."""
    return sorted(replicas, key=lambda replica: _weight(replica, sender_id), reverse=True)
