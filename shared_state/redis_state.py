"""``RedisState``: the shared-state interface in Redis, so that every worker and replica sees the same keys."""

from __future__ import annotations

import functools
import math
import uuid
from typing import Any, Callable, Optional, TypeVar

import redis

from shared_state.memory import StateUnavailable

F = TypeVar("F", bound=Callable[..., Any])

# Drop the hits that left the window, then count this one if there is room (atomic: one script).
_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


def _reported(method: F) -> F:
    """Redis failures surface as StateUnavailable, which the callers know how to handle."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except redis.RedisError as exc:
            raise StateUnavailable(type(exc).__name__) from exc

    return call  # type: ignore[return-value]


def _milliseconds(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


class RedisState:
    """Keys under ``prefix`` in one Redis database."""

    def __init__(self, client: redis.Redis, prefix: str = "miaval:") -> None:
        self.client = client
        self.prefix = prefix
        self._hit = client.register_script(_HIT)

    @classmethod
    def from_url(cls, url: str, prefix: str = "miaval:") -> RedisState:
        """A state on the Redis at ``url`` (``redis://127.0.0.1:6379/0``)."""
        return cls(redis.Redis.from_url(url, decode_responses=True, socket_timeout=5), prefix)

    @_reported
    def put(self, key: str, value: str, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds."""
        self.client.set(self.prefix + key, value, px=_milliseconds(ttl))

    @_reported
    def get(self, key: str) -> Optional[str]:
        """The value under ``key``, or None when absent or expired."""
        return self.client.get(self.prefix + key)

    @_reported
    def delete(self, key: str) -> None:
        """Forget ``key``."""
        self.client.delete(self.prefix + key)

    @_reported
    def add_once(self, key: str, ttl: float) -> bool:
        """True if ``key`` was absent (it is now kept for ``ttl`` seconds); False if it was there."""
        return bool(self.client.set(self.prefix + key, "1", px=_milliseconds(ttl), nx=True))

    @_reported
    def hit(self, key: str, now: float, window: float, limit: int) -> bool:
        """Count one hit at ``now`` if fewer than ``limit`` hits fall in ``(now - window, now]``."""
        member = f"{now!r}:{uuid.uuid4().hex}"
        args = [repr(now), repr(window), limit, member, _milliseconds(window)]
        return bool(self._hit(keys=[self.prefix + key], args=args))
