"""Bad input to every endpoint gets a clear 4xx JSON error, never a 500, and leaves nothing half-written."""

from __future__ import annotations

import pytest
import requests

from tests.api.claim_data import draft, key

ME = object()  # stands for "a verified identity"
JSON_ENDPOINTS = [
    ("/v1/verifications", False, {"chat_identity": "web:x1", "email": "a@example.com"}),
    ("/v1/verifications/confirm", False, {"chat_identity": "web:x1", "code": "123456"}),
    ("/v1/me/clients", True, {"document_number": "23456789", "policy_number": "01-0567890-1"}),
    ("/v1/me/documents", True, {"kind": "certificate", "ref": "AU-1048576"}),
    ("/v1/me/claims", True, draft()),
    ("/v1/me/claims/SIN-000123/attachments", True, {"upload_id": "x"}),
    ("/v1/handoffs", False, {"chat_identity": "web:x1", "reason": "quiero hablar con alguien"}),
]


def assert_error(answer: requests.Response, *statuses: int) -> dict:
    assert 400 <= answer.status_code < 500, f"{answer.status_code}: {answer.text[:300]}"
    if statuses:
        assert answer.status_code in statuses, answer.text[:300]
    body = answer.json()["error"]
    assert set(body) == {"code", "message", "details"} and body["message"]
    return body


def state(api, laura) -> tuple:
    return (
        len(api.get("/v1/me/claims", laura).json()["claims"]),
        len(api.get("/v1/me/clients", laura).json()["clients"]),
    )


def bad_bodies(valid: dict) -> list[tuple[str, bytes]]:
    first_field = next(iter(valid))
    wrong_type = dict(valid, **{first_field: 12345})
    import json

    return [
        ("empty", b""),
        ("missing fields", b"{}"),
        ("wrong type", json.dumps(wrong_type).encode()),
        ("not an object", b"[1, 2, 3]"),
        ("broken json", b'{"chat_identity": "web:x", '),
        ("invalid utf-8", b'{"reason": "\xff\xfe caf\xe9"}'),
        ("nan", b'{"latitude": NaN}'),
        ("extra field", json.dumps(dict(valid, unexpected=True)).encode()),
        ("one megabyte", json.dumps(dict(valid, padding="x" * (1024 * 1024))).encode()),
        ("deeply nested", b"[" * 100000 + b"]" * 100000),
    ]


@pytest.mark.parametrize("path, needs_identity, valid", JSON_ENDPOINTS, ids=[e[0] for e in JSON_ENDPOINTS])
def test_bad_bodies_get_clear_errors(api, laura, path, needs_identity, valid):
    before = state(api, laura)
    for name, body in bad_bodies(valid):
        headers = {"Content-Type": "application/json", **key()}
        answer = api.post(path, laura if needs_identity else None, data=body, headers=headers)
        error = assert_error(answer, 400, 413, 422)
        if name == "one megabyte":
            assert answer.status_code == 413, name
        if name in ("broken json", "invalid utf-8"):
            assert error["code"] == "invalid_json", name
    assert state(api, laura) == before


def test_no_or_wrong_token(api, backend):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        answer = requests.get(backend.url + "/v1/insurers", headers=headers, timeout=10)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
    assert requests.get(backend.url + "/healthz", timeout=10).status_code == 200
    spec = requests.get(backend.url + "/v1/openapi.yaml", timeout=10)
    assert spec.status_code == 200 and spec.text.startswith("openapi: 3.1")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v1/me/policies/NOPE-1"),
        ("GET", "/v1/me/policies/NOPE-1/certificate"),
        ("GET", "/v1/me/claims/SIN-424242"),
        ("DELETE", "/v1/me/clients/999999"),
        ("DELETE", "/v1/me/clients/not-a-number"),
        ("GET", "/v1/documents/not-a-token"),
        ("GET", "/v1/nothing-here"),
    ],
)
def test_unknown_ids_are_404(api, laura, method, path):
    answer = api.call(method, path, laura, check=False)
    assert_error(answer, 404)


def test_bad_query_and_headers(api, laura):
    assert_error(api.get("/v1/me/policies", laura, params={"status": "vigente"}), 422)
    assert_error(api.get("/v1/me/policies", laura, params={"client_id": "abc"}), 422)
    assert_error(api.post("/v1/me/claims", laura, json=draft(), headers={"Idempotency-Key": "x" * 300}), 400)
    assert_error(api.call("PUT", "/v1/me/clients", laura, check=False, json={}), 405)
    weird = api.get("/v1/me", "no colon here")
    assert_error(weird, 401)


def test_claim_with_wrong_field_types_leaves_nothing(api, laura):
    before = state(api, laura)
    for field, value in [
        ("type", "meteor"),
        ("occurred_at", 5),
        ("third_party", "Juan"),
        ("latitude", 500),
        ("upload_ids", "abc"),
        ("injured_people", "no"),
    ]:
        answer = api.post("/v1/me/claims", laura, json=draft(**{field: value}), headers=key())
        error = assert_error(answer, 422)
        assert field in error["message"], error
    assert state(api, laura) == before


def test_uploads_bad_input(api, laura):
    assert_error(api.post("/v1/me/uploads", laura, data=b"", headers={"Content-Type": "image/png"}), 415)
    assert_error(
        api.post("/v1/me/uploads", "web:unknown", data=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}), 401
    )
