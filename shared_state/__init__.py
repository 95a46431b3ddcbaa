"""State several processes share: the gateway's workers, and Rasa's replicas (their replay nonces).

One small interface (``SharedState``) with two implementations: ``MemoryState``
(this process only: the embedded default, one gateway process) and
``RedisState`` (every process that names the same Redis: the production
profile). ``state_from_url`` picks one from a setting (``SHARED_STATE_URL``).
Standard library here: both Python environments import it (redis-py only
when a Redis URL is given).
"""

from __future__ import annotations

from typing import Optional, Protocol

from shared_state.memory import MemoryState, StateUnavailable


class SharedState(Protocol):
    """Short-lived keys with expiry, and per-key sliding-window counters; StateUnavailable when unreachable."""

    def put(self, key: str, value: str, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds."""
        ...

    def get(self, key: str) -> Optional[str]:
        """The value under ``key``, or None when absent or expired."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        ...

    def add_once(self, key: str, ttl: float) -> bool:
        """True if ``key`` was absent (it is now kept for ``ttl`` seconds); False if it was there."""
        ...

    def hit(self, key: str, now: float, window: float, limit: int) -> bool:
        """Count one hit at ``now`` if fewer than ``limit`` hits fall in ``(now - window, now]``."""
        ...


def state_from_url(url: str, prefix: str = "miaval:") -> SharedState:
    """``""`` or ``memory://``: this process's memory; ``redis://host:port/db``: that Redis (keys under ``prefix``)."""
    if not url or url.startswith("memory:"):
        return MemoryState()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from shared_state.redis_state import RedisState

        return RedisState.from_url(url, prefix)
    raise ValueError("SHARED_STATE_URL must be empty, memory:// or redis://host:port/db")


__all__ = ["MemoryState", "SharedState", "StateUnavailable", "state_from_url"]
