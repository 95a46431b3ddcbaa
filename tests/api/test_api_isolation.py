"""No call returns another user's client, policy or claim."""

from __future__ import annotations

from tests.api.claim_data import JPEG, draft, key


def test_a_stranger_sees_nothing_of_laura(api, laura):
    laura_clients = api.get("/v1/me/clients", laura).json()["clients"]
    laura_claim = api.post("/v1/me/claims", laura, json=draft(), headers=key()).json()["claim"]
    stranger = api.new_user()

    assert api.get("/v1/me/clients", stranger).json()["clients"] == []
    assert api.get("/v1/me/policies", stranger).json()["policies"] == []
    assert api.get("/v1/me/claims", stranger).json()["claims"] == []
    for client in laura_clients:
        assert api.get("/v1/me/policies", stranger, params={"client_id": client["id"]}).status_code == 404
        assert api.delete(f"/v1/me/clients/{client['id']}", stranger).status_code == 404
    for number in ("AU-1048576", "HOG-778899", "01-0234567-8"):
        assert api.get(f"/v1/me/policies/{number}", stranger).status_code == 404
        assert api.get(f"/v1/me/policies/{number}/certificate", stranger).status_code == 404
        assert api.post("/v1/me/documents", stranger, json={"kind": "certificate", "ref": number}).status_code == 404
    for number in (laura_claim["number"], "SIN-000123", "SIN-000098"):
        assert api.get(f"/v1/me/claims/{number}", stranger).status_code == 404
        assert api.post("/v1/me/documents", stranger, json={"kind": "claim_receipt", "ref": number}).status_code == 404
    upload = api.post("/v1/me/uploads", stranger, data=JPEG, headers={"Content-Type": "image/jpeg"}).json()["upload"]
    attach = api.post(f"/v1/me/claims/{laura_claim['number']}/attachments", stranger, json={"upload_id": upload["id"]})
    assert attach.status_code == 404
    refused = api.post("/v1/me/claims", stranger, json=draft(), headers=key())
    assert refused.status_code == 404

    # Nor can Laura use the stranger's upload, nor see a client someone else linked.
    mine = api.post(f"/v1/me/claims/{laura_claim['number']}/attachments", laura, json={"upload_id": upload["id"]})
    assert mine.status_code == 404
    api.post("/v1/me/clients", stranger, json={"document_number": "23456789", "policy_number": "01-0567890-1"})
    assert api.get("/v1/me/policies/01-0567890-1", laura).status_code == 404
    assert "Jorge Pereyra" not in {c["name"] for c in api.get("/v1/me/clients", laura).json()["clients"]}
    assert [c["name"] for c in api.get("/v1/me/clients", stranger).json()["clients"]] == ["Jorge Pereyra"]


def test_an_unverified_identity_sees_nothing(api):
    for path in ("/v1/me", "/v1/me/clients", "/v1/me/policies", "/v1/me/claims", "/v1/me/policies/AU-1048576"):
        answer = api.get(path, "telegram:999999999")
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_verified"
    assert api.get("/v1/me/clients").json()["error"]["code"] == "not_verified"
