"""hop_auth without services: what each refusal is, and nonces forgotten once their request is stale anyway."""

from __future__ import annotations

import pytest

from hop_auth.bearer import bearer_matches
from hop_auth.replay import MemoryNonceStore
from hop_auth.signing import MAX_AGE_SECONDS, MAX_CLOCK_SKEW_SECONDS, HopRefused, SignedRequest, sign_message, verify

SECRET = "a-test-secret-that-is-long-enough"
NOW = 1_800_000_000.0


def _reason(signed, now: float = NOW, secret: str = SECRET, nonces: MemoryNonceStore | None = None) -> str:
    with pytest.raises(HopRefused) as refused:
        verify(secret, signed.headers, signed.body, nonces or MemoryNonceStore(), now=now)
    return refused.value.reason


def test_a_fresh_signed_message_is_read_back():
    signed = sign_message(SECRET, "web:a", "hola", now=NOW)
    payload = verify(SECRET, signed.headers, signed.body, MemoryNonceStore(), now=NOW)
    assert payload == {"sender": "web:a", "message": "hola"}


def test_each_refusal_says_why():
    signed = sign_message(SECRET, "web:a", "hola", now=NOW)
    assert _reason(signed, secret="another-secret") == "bad signature"
    assert _reason(signed, secret="") == "no secret configured"
    assert _reason(signed, now=NOW + MAX_AGE_SECONDS + 1) == "stale"
    assert _reason(signed, now=NOW - MAX_CLOCK_SKEW_SECONDS - 1) == "from the future"
    unsigned = SignedRequest(signed.body, {"Content-Type": "application/json"})
    assert _reason(unsigned) == "unsigned"


def test_edges_of_the_window_are_accepted():
    for now in (NOW + MAX_AGE_SECONDS, NOW - MAX_CLOCK_SKEW_SECONDS):
        signed = sign_message(SECRET, "web:a", "hola", now=NOW)
        assert verify(SECRET, signed.headers, signed.body, MemoryNonceStore(), now=now)["message"] == "hola"


def test_a_nonce_is_refused_while_its_request_is_fresh_and_forgotten_after():
    nonces = MemoryNonceStore()
    assert nonces.first_use("n" * 24, expires_at=NOW + 61, now=NOW)
    assert not nonces.first_use("n" * 24, expires_at=NOW + 61, now=NOW + 60)
    assert nonces.first_use("m" * 24, expires_at=NOW + 200, now=NOW + 100)  # sweeps the expired one
    assert len(nonces) == 1


def test_bearer_token_must_match_exactly():
    assert bearer_matches("Bearer s3cret", "s3cret")
    assert not bearer_matches("Bearer s3cret-and-more", "s3cret")
    assert not bearer_matches("Basic s3cret", "s3cret")
    assert not bearer_matches(None, "s3cret")
    assert not bearer_matches("Bearer ", "")
