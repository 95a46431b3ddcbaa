"""A per-sender limit on messages per minute (a sliding window kept in the shared state)."""

from __future__ import annotations

import time
from typing import Callable, Optional

from shared_state import MemoryState, SharedState


class RateLimiter:
    """Allows ``per_minute`` messages per sender in any 60-second window.

    The hits live in ``state``: with a Redis state every gateway worker counts
    against the same window. ``clock`` must be a wall clock (the same in every process).
    """

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.time,
        window: float = 60.0,
        state: Optional[SharedState] = None,
    ):
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self.state = state if state is not None else MemoryState(clock=clock)

    def allow(self, key: str, per_minute: int) -> bool:
        """One more request counted against ``key`` (a client address…) if it made fewer than ``per_minute``
        in the window; StateUnavailable when the shared state is unreachable."""
        return self.state.hit(f"rate:{key}", self.clock(), self.window, per_minute)

    def check(self, sender_id: str) -> str:
        """``"allow"``, ``"warn"`` (first refusal in this window: tell the user) or ``"drop"``."""
        if self.state.hit(f"rate:{sender_id}", self.clock(), self.window, self.per_minute):
            return "allow"
        if self.state.add_once(f"rate-warned:{sender_id}", self.window):
            return "warn"
        return "drop"
