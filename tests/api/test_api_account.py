"""Deleting an account, asking for a person, reference data."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from miaval_api.services import clock
from tests.api.claim_data import draft, key
from tests.api.server_fixtures import Api


def test_deleting_an_account_keeps_client_data(api):
    sender = api.new_user()
    linked = api.post("/v1/me/clients", sender, json={"document_number": "38765432", "policy_number": "0099-112233"})
    assert linked.status_code == 201
    claim = api.post("/v1/me/claims", sender, json=draft(policy="0099-112233", type="theft"), headers=key())
    assert claim.status_code == 201
    deleted = api.delete("/v1/me", sender)
    assert deleted.status_code == 200
    assert deleted.json() == {"unlinked_clients": 1, "forgotten_identities": 1}
    assert api.get("/v1/me", sender).json()["error"]["code"] == "not_verified"
    # Ana and her claim are still there for whoever links her next.
    other = api.new_user()
    assert (
        api.post(
            "/v1/me/clients", other, json={"document_number": "38765432", "policy_number": "0099-112233"}
        ).status_code
        == 201
    )
    numbers = [c["number"] for c in api.get("/v1/me/claims", other).json()["claims"]]
    assert claim.json()["claim"]["number"] in numbers


BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")


@pytest.mark.parametrize(
    ("instant", "expected_contact", "answer_from"),
    [
        (datetime(2027, 3, 9, 11, 0, tzinfo=BUENOS_AIRES), "within_answer_time", None),  # a Tuesday morning
        (datetime(2027, 3, 9, 19, 30, tzinfo=BUENOS_AIRES), "next_business_day", "2027-03-10T09:00:00-03:00"),
        (datetime(2027, 3, 6, 11, 0, tzinfo=BUENOS_AIRES), "next_business_day", "2027-03-08T09:00:00-03:00"),
    ],
)
def test_handoff_for_verified_and_unverified_says_when(inprocess_api, contract, instant, expected_contact, answer_from):
    api = Api(inprocess_api, contract)
    clock.set_offset(instant - datetime.now(timezone.utc))  # the fixture puts the clock back
    verified, _ = api.verify("laura.gomez@example.com")
    for sender in (verified, "whatsapp:+5491100000000"):
        answer = api.post(
            "/v1/handoffs",
            json={
                "chat_identity": sender,
                "reason": "quiere hablar con un asesor",
                "context": {"last_intent": "human_handoff"},
            },
        )
        assert answer.status_code == 201
        handoff = answer.json()["handoff"]
        assert (handoff["expected_contact"], handoff["answer_from"]) == (expected_contact, answer_from)


def test_insurers_have_phones(api):
    insurers = {i["code"]: i for i in api.get("/v1/insurers").json()["insurers"]}
    assert insurers["LIT"]["claims_phone"] == "0800-555-0444" and insurers["RPS"]["assistance_phone"] == "0800-555-0101"
