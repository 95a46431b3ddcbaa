"""The same contract for both shared-state implementations (memory, and the real Redis on 127.0.0.1:6379),
and the gateway's and Rasa's users of it (rate limits, offered choices, callback keys, replay nonces)."""

from __future__ import annotations

import uuid

import pytest
import redis

from channels.choices import CallbackKeys, ChoiceMemory
from channels.ratelimit import RateLimiter
from channels.replies import Button
from hop_auth.replay import SharedNonceStore
from shared_state import MemoryState, state_from_url
from shared_state.redis_state import RedisState

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def redis_state(prefix: str) -> RedisState:
    """A Redis state of its own (a new client, as another process would have) under ``prefix``."""
    return RedisState.from_url(REDIS_URL, prefix)


@pytest.fixture
def prefix():
    prefix = f"test-state:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(prefix + "*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def state(request, prefix):
    return MemoryState() if request.param == "memory" else redis_state(prefix)


def test_put_get_delete(state):
    assert state.get("a") is None
    state.put("a", "uno", ttl=60)
    assert state.get("a") == "uno"
    state.put("a", "dos", ttl=60)
    assert state.get("a") == "dos"
    state.delete("a")
    assert state.get("a") is None


def test_add_once_is_true_only_the_first_time(state):
    assert state.add_once("nonce", ttl=60) is True
    assert state.add_once("nonce", ttl=60) is False
    assert state.add_once("other", ttl=60) is True


def test_hit_allows_limit_hits_in_a_sliding_window(state):
    assert [state.hit("k", 100.0 + i, window=60, limit=3) for i in range(4)] == [True, True, True, False]
    assert state.hit("k", 159.9, window=60, limit=3) is False  # the first hit (100) is still inside
    assert state.hit("k", 160.0, window=60, limit=3) is True  # it left the window: room for one
    assert state.hit("k", 160.5, window=60, limit=3) is False
    assert state.hit("other", 160.5, window=60, limit=3) is True


def test_rate_limiter_allows_then_warns_once_then_drops(state):
    clock = Clock()
    limiter = RateLimiter(2, clock=clock, state=state)
    assert [limiter.check("s") for _ in range(4)] == ["allow", "allow", "warn", "drop"]
    assert limiter.check("someone else") == "allow"
    clock.now += 60
    assert limiter.check("s") == "allow"


def test_choices_map_a_number_or_a_title_back_to_the_payload(state):
    memory = ChoiceMemory(state)
    memory.offer("s", (Button("Sí, dale", "/affirm"), Button("No", "/deny")))
    assert memory.resolve("s", "2") == "/deny"
    assert memory.resolve("s", "si dale") == "/affirm"
    assert memory.resolve("s", "3") is None
    assert memory.resolve("other", "1") is None
    memory.offer("s", ())
    assert memory.resolve("s", "1") is None


def test_callback_keys_hold_long_payloads(state):
    keys = CallbackKeys(state)
    long_payload = '/inform{"policy": "' + "x" * 80 + '"}'
    data = keys.data_for(long_payload)
    assert len(data.encode()) <= 64 and data != long_payload
    assert keys.payload_for(data) == long_payload
    assert keys.data_for("/affirm") == "/affirm"
    assert keys.payload_for("k:unknown") is None


def test_nonces_are_good_once(state):
    nonces = SharedNonceStore(state)
    assert nonces.first_use("n1", expires_at=1060.0, now=1000.0) is True
    assert nonces.first_use("n1", expires_at=1060.0, now=1001.0) is False
    assert nonces.first_use("n2", expires_at=1060.0, now=1001.0) is True


def test_memory_state_forgets_expired_keys():
    clock = Clock()
    state = MemoryState(clock=clock)
    state.put("a", "uno", ttl=10)
    assert state.add_once("n", ttl=10) is True
    clock.now += 10
    assert state.get("a") is None
    assert state.add_once("n", ttl=10) is True


def test_redis_state_keys_expire_with_their_ttl(prefix):
    state = redis_state(prefix)
    state.put("a", "uno", ttl=30)
    state.add_once("n", ttl=5)
    assert 29_000 < state.client.pttl(prefix + "a") <= 30_000
    assert 4_000 < state.client.pttl(prefix + "n") <= 5_000


# -- shared between processes: two clients, as two gateway workers or two Rasa replicas have ----------------


def test_two_gateway_workers_share_one_rate_limit(prefix):
    clock = Clock()
    first, second = (RateLimiter(3, clock=clock, state=redis_state(prefix)) for _ in range(2))
    verdicts = [limiter.check("s") for limiter in (first, second, first, second, first)]
    assert verdicts == ["allow", "allow", "allow", "warn", "drop"]


def test_a_choice_offered_by_one_worker_is_resolved_by_another(prefix):
    ChoiceMemory(redis_state(prefix)).offer("s", (Button("Auto", "/auto"), Button("Hogar", "/hogar")))
    assert ChoiceMemory(redis_state(prefix)).resolve("s", "2") == "/hogar"


def test_a_callback_key_made_by_one_worker_is_read_by_another(prefix):
    payload = "/x" + "y" * 100
    data = CallbackKeys(redis_state(prefix)).data_for(payload)
    assert CallbackKeys(redis_state(prefix)).payload_for(data) == payload


def test_a_nonce_used_on_one_replica_is_refused_on_another(prefix):
    assert SharedNonceStore(redis_state(prefix)).first_use("n", expires_at=1060.0, now=1000.0) is True
    assert SharedNonceStore(redis_state(prefix)).first_use("n", expires_at=1060.0, now=1000.0) is False


def test_state_from_url_picks_the_implementation():
    assert isinstance(state_from_url(""), MemoryState)
    assert isinstance(state_from_url(REDIS_URL), RedisState)
    with pytest.raises(ValueError):
        state_from_url("mysql://nope")
