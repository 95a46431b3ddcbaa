"""What the fuzzer (test_api_fuzz.py) found, each pinned by a plain test."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml

from tests.api.claim_data import draft, key

BEYOND_64_BITS = "9223372036854775808"
SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "miaval_api" / "openapi.yaml").read_text())


def test_an_id_beyond_64_bits_is_refused_not_a_server_error(api, laura):
    listed = api.get(f"/v1/me/policies?client_id={BEYOND_64_BITS}", laura)
    assert listed.status_code == 422 and listed.json()["error"]["details"]["field"] == "client_id"
    unlinked = api.delete(f"/v1/me/clients/{BEYOND_64_BITS}", laura)
    assert unlinked.status_code == 404


def test_405_says_which_methods_are_allowed(api, laura):
    answer = api.call("PUT", "/v1/me", laura, check=False)
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "DELETE"}


def test_405_comes_before_the_token_check(api):
    answer = api.call("TRACE", "/healthz", check=False, headers={"Authorization": ""})
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]


def test_get_on_attachments_is_not_a_claim_lookup(api, laura):
    answer = api.call("GET", "/v1/me/claims/SIN-000123/attachments", laura, check=False)
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}


def test_a_chat_identity_with_a_trailing_newline_is_refused(api):
    started = api.post("/v1/verifications", json={"chat_identity": "telegram:123\n", "email": "a@example.com"})
    assert started.status_code == 422
    handoff = api.post("/v1/handoffs", json={"chat_identity": "telegram:123\n", "reason": "hola"})
    assert handoff.status_code == 422
    assert api.delete("/v1/chat-identities/" + quote("telegram:123 ", safe="")).status_code == 422
    # A line break never reaches the handler: no route takes it.
    assert api.delete("/v1/chat-identities/" + quote("telegram:123\n", safe="")).status_code == 404


def test_an_email_with_anything_around_it_is_invalid(api):
    for email in (" laura@example.com", "laura@example.com\n", "laura..gomez@example.com"):
        answer = api.post("/v1/verifications", json={"chat_identity": "web:x-fuzz", "email": email})
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_email", email


def test_occurred_at_needs_its_offset(api, laura):
    answer = api.post("/v1/me/claims", laura, json=draft(occurred_at="2026-11-20T10:00:00"), headers=key())
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_claim"


def test_idempotency_key_is_printable_ascii(api, laura):
    answer = api.post("/v1/me/claims", laura, json=draft(), headers={"Idempotency-Key": "clave-ñ"})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "idempotency_key_required"


def test_unknown_query_parameters_are_refused(api, laura):
    answer = api.get("/v1/me/policies?estado=vigente", laura)
    assert answer.status_code == 422 and answer.json()["error"]["details"]["field"] == "estado"
    assert api.get("/v1/me/clients?x=1", laura).status_code == 422


def test_the_document_says_what_the_server_enforces():
    schemas = SPEC["components"]["schemas"]
    chat_identity = {"$ref": "#/components/schemas/ChatIdentityValue"}
    assert SPEC["components"]["parameters"]["ChatIdentity"]["schema"] == chat_identity
    assert "pattern" in schemas["VerificationRequest"]["properties"]["email"]
    assert "pattern" in schemas["LinkRequest"]["properties"]["document_number"]
    assert schemas["ClaimDraft"]["properties"]["occurred_at"]["format"] == "date-time"
    uploads = SPEC["paths"]["/v1/me/uploads"]["post"]["requestBody"]["content"]
    assert set(uploads) == set(schemas["MediaType"]["enum"])
