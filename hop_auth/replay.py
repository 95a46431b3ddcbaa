"""Nonces already seen, so that a signed request is accepted once.

Behind a tiny interface (``NonceStore``): the in-process store is enough while
each conversation is pinned to one Rasa replica; a Redis store (``SET key 1
NX EX ttl``) can take its place without touching the check.
"""

from __future__ import annotations

import threading
from typing import Protocol


class NonceStore(Protocol):
    """Remembers each nonce until it expires."""

    def first_use(self, nonce: str, expires_at: float, now: float) -> bool:
        """True the first time ``nonce`` is seen before ``expires_at``; False for a replay."""
        ...


class MemoryNonceStore:
    """Nonces in this process's memory, forgotten when they expire."""

    def __init__(self) -> None:
        self._expiry: dict[str, float] = {}
        self._next_sweep = 0.0
        self._lock = threading.Lock()

    def first_use(self, nonce: str, expires_at: float, now: float) -> bool:
        """True the first time ``nonce`` is seen before ``expires_at``; False for a replay."""
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            if self._expiry.get(nonce, 0.0) > now:
                return False
            self._expiry[nonce] = expires_at
            return True

    def _sweep(self, now: float) -> None:
        self._expiry = {nonce: expiry for nonce, expiry in self._expiry.items() if expiry > now}
        self._next_sweep = now + 30.0

    def __len__(self) -> int:
        return len(self._expiry)
