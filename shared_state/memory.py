"""``MemoryState``: the shared-state interface in this process's memory (bounded, with a settable clock)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Callable, Optional


class StateUnavailable(RuntimeError):
    """The shared state cannot be reached (Redis down); memory never raises it."""


class MemoryState:
    """Keys and counters of one process; the oldest go first beyond ``capacity`` keys."""

    def __init__(self, clock: Callable[[], float] = time.time, capacity: int = 100_000) -> None:
        self.clock = clock
        self.capacity = capacity
        self._values: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: str, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds."""
        with self._lock:
            self._store(key, value, ttl)

    def get(self, key: str) -> Optional[str]:
        """The value under ``key``, or None when absent or expired."""
        with self._lock:
            return self._live(key)

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._values.pop(key, None)

    def add_once(self, key: str, ttl: float) -> bool:
        """True if ``key`` was absent (it is now kept for ``ttl`` seconds); False if it was there."""
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, "1", ttl)
            return True

    def hit(self, key: str, now: float, window: float, limit: int) -> bool:
        """Count one hit at ``now`` if fewer than ``limit`` hits fall in ``(now - window, now]``."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            if len(self._hits) > self.capacity:  # keeps memory bounded: idle keys need no record
                for idle in [name for name, times in self._hits.items() if not times or now - times[-1] >= window]:
                    del self._hits[idle]
            return True

    def _live(self, key: str) -> Optional[str]:
        item = self._values.get(key)
        if item is None:
            return None
        if item[1] <= self.clock():
            del self._values[key]
            return None
        return item[0]

    def _store(self, key: str, value: str, ttl: float) -> None:
        self._values[key] = (value, self.clock() + ttl)
        self._values.move_to_end(key)
        while len(self._values) > self.capacity:
            self._values.popitem(last=False)
