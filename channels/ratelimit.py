"""A per-sender limit on messages per minute (a sliding window kept in this process)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class RateLimiter:
    """Allows ``per_minute`` messages per sender in any 60-second window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, window: float = 60.0):
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._warned: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, sender_id: str) -> str:
        """``"allow"``, ``"warn"`` (first refusal in this window: tell the user) or ``"drop"``."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(sender_id, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) < self.per_minute:
                hits.append(now)
                return "allow"
            warned_at = self._warned.get(sender_id)
            if warned_at is not None and now - warned_at < self.window:
                return "drop"
            self._warned[sender_id] = now
            self._forget_idle(now)
            return "warn"

    def _forget_idle(self, now: float) -> None:
        # Keeps memory bounded: senders quiet for a whole window need no record.
        for sender_id in [key for key, hits in self._hits.items() if not hits or now - hits[-1] >= self.window]:
            self._hits.pop(sender_id, None)
            self._warned.pop(sender_id, None)
