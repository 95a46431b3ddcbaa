"""The leased lock store (bot/lock_store.py) against the real Redis on 127.0.0.1:6379, as two replicas use it.

Runs in Rasa's environment (`make test-assistant`). Each test has a key prefix
of its own. "Another replica" is another store object (its own Redis client and
renewing thread) or, to die for real, another process that is SIGKILLed while
it holds a conversation.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import LEASE_SECONDS, LeasedRedisLockStore

ROOT = Path(__file__).resolve().parents[2]
REDIS = redis.Redis(host="127.0.0.1", port=6379, db=1)


@pytest.fixture
def prefix():
    prefix = "leasetest" + uuid.uuid4().hex[:12]
    yield prefix
    keys = list(REDIS.scan_iter(prefix + ":*"))
    if keys:
        REDIS.delete(*keys)


def store(prefix: str, **kwargs) -> LeasedRedisLockStore:
    """A store as endpoints.yml configures it (the production profile's type, host and port)."""
    config = EndpointConfig(url="127.0.0.1", type="bot.lock_store.LeasedRedisLockStore", port=6379,
                            key_prefix=prefix)  # fmt: skip
    return LeasedRedisLockStore(endpoint_config=config, **kwargs)


def acquired_at(lock_store: LeasedRedisLockStore, conversation: str, hold: float = 0.0) -> float:
    """Takes the conversation's lock (waiting as a turn waits) and returns when it got it."""

    async def turn() -> float:
        async with lock_store.lock(conversation):
            got = time.monotonic()
            await asyncio.sleep(hold)
            return got

    return asyncio.run(turn())


def test_a_turn_longer_than_many_leases_keeps_its_conversation_while_its_loop_is_busy(prefix):
    holder, other = store(prefix, lease_seconds=0.5), store(prefix, lease_seconds=0.5)
    holding, released = threading.Event(), []

    async def long_turn() -> None:
        async with holder.lock("conversation-1"):
            holding.set()
            time.sleep(2.0)  # four leases with the event loop blocked, as a long prediction blocks it
            released.append(time.monotonic())

    thread = threading.Thread(target=lambda: asyncio.run(long_turn()))
    thread.start()
    assert holding.wait(10)
    got = acquired_at(other, "conversation-1")
    thread.join()
    assert got >= released[0], "the other replica took the conversation while its turn was still running"


def test_turns_of_one_conversation_on_two_replicas_run_one_at_a_time(prefix):
    replicas = [store(prefix), store(prefix)]
    running, overlaps, turns = [0], [], []

    async def turn(lock_store: LeasedRedisLockStore, index: int) -> None:
        async with lock_store.lock("conversation-2"):
            running[0] += 1
            overlaps.append(running[0])
            await asyncio.sleep(0.02)
            turns.append(index)
            running[0] -= 1

    def replica(lock_store: LeasedRedisLockStore, first: int) -> None:
        async def many() -> None:
            await asyncio.gather(*(turn(lock_store, first + n) for n in range(10)))

        asyncio.run(many())

    threads = [threading.Thread(target=replica, args=(r, 100 * i)) for i, r in enumerate(replicas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # Within one replica the counter is shared by its turns; across replicas the turns must not overlap either:
    # every turn ran, and no two at once in the same replica (the lock, not the loop, keeps them apart).
    assert sorted(turns) == [*range(10), *range(100, 110)]
    assert max(overlaps) == 1
    assert not list(REDIS.scan_iter(prefix + ":*")), "a finished conversation's lock stays in Redis"


HOLD_AND_WAIT = """
import asyncio, sys, time
from rasa.utils.endpoints import EndpointConfig
from bot.lock_store import LeasedRedisLockStore

async def main():
    config = EndpointConfig(url="127.0.0.1", type="x", port=6379, key_prefix=sys.argv[1])
    async with LeasedRedisLockStore(endpoint_config=config).lock("conversation-3"):
        print("held", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


def test_a_replica_killed_mid_turn_frees_its_conversation_within_a_lease(prefix):
    replica = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, prefix], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert replica.stdout.readline().strip() == "held"
        # Alive, it keeps the conversation past several leases.
        waiting = threading.Thread(target=lambda: took.append(acquired_at(store(prefix), "conversation-3")))
        took: list[float] = []
        waiting.start()
        waiting.join(3 * LEASE_SECONDS)
        assert not took, "another replica took a conversation whose turn was still running"
        replica.send_signal(signal.SIGKILL)
        replica.wait(10)
        killed = time.monotonic()
        waiting.join(30)
        assert took, "the conversation stayed locked after its replica died"
        waited = took[0] - killed
        print(f"conversation free {waited:.2f} s after its replica was killed (lease {LEASE_SECONDS} s)")
        assert waited <= LEASE_SECONDS + 0.5
    finally:
        if replica.poll() is None:
            replica.kill()
            replica.wait()
