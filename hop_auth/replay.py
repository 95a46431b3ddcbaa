"""Nonces already seen, so that a signed request is accepted once.

Behind a tiny interface (``NonceStore``): the in-process store serves one
Rasa process; ``SharedNonceStore`` keeps them in the shared state (Redis in the
production profile), so that a request replayed to another replica is refused too.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shared_state import SharedState


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


class SharedNonceStore:
    """Nonces in the shared state (``SET key NX PX ttl`` on Redis): seen by every process that shares it."""

    def __init__(self, state: SharedState) -> None:
        self.state = state

    def first_use(self, nonce: str, expires_at: float, now: float) -> bool:
        """True the first time ``nonce`` is seen before ``expires_at``; False for a replay."""
        return self.state.add_once(f"nonce:{nonce}", max(expires_at - now, 0.001))
