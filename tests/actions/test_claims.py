"""Claim actions against a real Mi Aval API (demo data) on a free port: Laura signs in through the API."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from api_client import MiAvalClient
from bot.actions import backend
from bot.actions.assistance import ActionRoadsideAssistance, ActionUsefulPhones
from bot.actions.claim_status import ActionClaimStatus
from bot.actions.claims import ActionAskClaimPolicy, ActionSubmitClaim, ValidateClaimForm
from tests.conftest import latest_code

with open("domain.yml", encoding="utf-8") as domain_file:
    DOMAIN = yaml.safe_load(domain_file)
LAURA = "laura.gomez@example.com"


@pytest.fixture(scope="module")
def api_env(demo_api, monkeypatch_module):
    monkeypatch_module.setenv("MIAVAL_API_URL", demo_api.url)
    monkeypatch_module.setenv("MIAVAL_API_TOKEN", demo_api.token)
    backend.reset_api()
    yield demo_api
    backend.reset_api()


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


@pytest.fixture(scope="module")
def laura(api_env) -> str:
    """A web chat identity verified as Laura (who also sees her son Martín's profile)."""
    identity = "web:claims-" + secrets.token_hex(8)
    client = MiAvalClient(api_env.url, api_env.token)
    client.start_verification(identity, LAURA)
    client.confirm_verification(identity, latest_code(api_env.outbox_dir, LAURA))
    return identity


def tracker(sender: str, text: str = "", intent: str = "inform", entities: list | None = None, **slots: Any):
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    return Tracker(sender, slots, message, [], False, None, {"name": "claim_form"}, "action_listen")


def run(action, track: Tracker) -> tuple[list, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, DOMAIN))
    return events, dispatcher.messages


def slots_of(events) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def responses(messages) -> list[str]:
    return [message.get("response") for message in messages]


def test_a_descriptive_first_message_fills_what_it_says_and_asks_only_the_rest(laura):
    text = "ayer a las 19 me chocaron de atrás en Av. Rivadavia 5000 con el gol"
    events, messages = run(ValidateClaimForm(), tracker(laura, text, intent="report_claim", requested_slot=None))
    slots = slots_of(events)
    assert slots["claim_policy"] == "AU-1048576"
    assert slots["claim_policy_line"] == "auto"
    assert slots["claim_type"] == "collision"
    assert slots["claim_occurred_at"].endswith("19:00:00-03:00")
    assert slots["claim_place"] == "Av. Rivadavia 5000"
    assert slots["claim_description"] == text
    # An auto crash: the third party is the first question left.
    assert slots["requested_slot"] == "claim_third_party"
    assert messages == []


def test_a_date_in_the_future_is_explained_and_asked_again(laura):
    events, messages = run(
        ValidateClaimForm(),
        tracker(
            laura,
            "mañana a las 10",
            requested_slot="claim_occurred_at",
            claim_policy="AU-1048576",
            claim_policy_line="auto",
            claim_type="collision",
        ),
    )
    assert slots_of(events)["claim_occurred_at"] is None
    assert responses(messages) == ["utter_claim_occurred_in_future"]
    assert slots_of(events)["requested_slot"] == "claim_occurred_at"


def test_a_policy_that_is_not_in_force_is_not_accepted(laura):
    # AU-0524288 (Laura's old Palio) expired a year ago.
    events, messages = run(
        ValidateClaimForm(),
        tracker(
            laura,
            "AU-0524288",
            entities=[{"entity": "policy_number", "value": "AU-0524288"}],
            requested_slot="claim_policy",
        ),
    )
    assert slots_of(events)["claim_policy"] is None
    assert responses(messages) == ["utter_explain_claim_policy"]


def test_policies_are_offered_grouped_by_client(laura):
    _, messages = run(ActionAskClaimPolicy(), tracker(laura))
    assert responses(messages) == ["utter_ask_claim_policy"] + ["utter_claim_policies_of_client"] * 2
    groups = {message["client_name"]: [b["payload"] for b in message["buttons"]] for message in messages[1:]}
    assert '/inform{"policy_number":"AU-1048576"}' in groups["Laura Gómez"]
    assert '/inform{"policy_number":"HOG-778899"}' in groups["Laura Gómez"]
    assert '/inform{"policy_number":"AU-0524288"}' not in groups["Laura Gómez"]  # expired
    assert groups["Martín Gómez"] == ['/inform{"policy_number":"01-0234567-8"}']
    assert all(len(payload.encode()) <= 64 for payloads in groups.values() for payload in payloads)


def test_a_crash_is_offered_only_the_vehicles_and_a_leak_only_the_home(laura):
    _, crash = run(ActionAskClaimPolicy(), tracker(laura, claim_type="collision"))
    offered = [b["payload"] for message in crash for b in message.get("buttons") or []]
    assert not any("HOG-778899" in payload for payload in offered)
    assert any("AU-1048576" in payload for payload in offered) and any("01-0234567-8" in p for p in offered)
    _, leak = run(ActionAskClaimPolicy(), tracker(laura, claim_type="water_damage"))
    assert [b["payload"] for m in leak for b in m.get("buttons") or []] == ['/inform{"policy_number":"HOG-778899"}']


def test_correcting_a_field_clears_it_and_asks_it_again(laura):
    slots = dict(
        claim_policy="AU-1048576",
        claim_policy_line="auto",
        claim_type="collision",
        claim_occurred_at="2024-11-12T19:00:00-03:00",
        claim_place="Rivadavia 5000",
        claim_description="me chocaron de atrás",
        claim_third_party=False,
        claim_injured=False,
        claim_photos_done=True,
    )
    events, _ = run(
        ValidateClaimForm(), tracker(laura, "/deny", intent="deny", requested_slot="claim_confirmed", **slots)
    )
    assert slots_of(events)["requested_slot"] == "claim_field_to_fix"
    slots.update({k: v for k, v in slots_of(events).items() if k != "requested_slot"})
    events, _ = run(
        ValidateClaimForm(),
        tracker(
            laura,
            "/inform",
            entities=[{"entity": "claim_field", "value": "place"}],
            requested_slot="claim_field_to_fix",
            **slots,
        ),
    )
    changed = slots_of(events)
    assert changed["claim_place"] is None and changed["requested_slot"] == "claim_place"


def confirmed_draft(**extra: Any) -> dict[str, Any]:
    return dict(
        claim_policy="AU-1048576",
        claim_policy_line="auto",
        claim_type="collision",
        claim_occurred_at="2020-01-02T10:00:00-03:00",
        claim_place="Av. Rivadavia 5000",
        claim_description="me chocaron de atrás en un semáforo",
        claim_third_party=False,
        claim_injured=False,
        claim_photos_done=True,
        claim_confirmed=True,
        claim_idempotency_key=secrets.token_hex(16),
        **extra,
    )


def test_submission_creates_one_claim_and_sends_the_receipt(laura, api_env):
    draft = confirmed_draft()
    client = MiAvalClient(api_env.url, api_env.token)
    before = {claim.number for claim in client.list_claims(laura)}
    events, messages = run(ActionSubmitClaim(), tracker(laura, **draft))
    assert responses(messages)[0] == "utter_claim_created"
    number = messages[0]["claim_number"]
    assert messages[0]["claims_phone"] == "0800-555-0111"
    # An occurrence years ago is late (art. 46, Ley 17.418).
    assert "utter_claim_reported_late" in responses(messages)
    receipt = next(message for message in messages if message["response"] == "utter_claim_receipt")
    assert receipt["custom"]["document"]["token"]
    assert client.fetch_document(receipt["custom"]["document"]["token"]).content.startswith(b"%PDF")
    assert slots_of(events)["claim_idempotency_key"] is None  # the draft is forgotten
    # A retry with the same key (a lost answer) gives the same claim, never a second one.
    _, again = run(ActionSubmitClaim(), tracker(laura, **draft))
    assert again[0]["claim_number"] == number
    after = {claim.number for claim in client.list_claims(laura)}
    assert after - before == {number}


def test_api_down_keeps_the_draft_and_offers_a_retry(laura, api_env, monkeypatch):
    draft = confirmed_draft()
    monkeypatch.setenv("MIAVAL_API_URL", "http://127.0.0.1:9")  # nothing listens there
    backend.reset_api()
    try:
        events, messages = run(ActionSubmitClaim(), tracker(laura, **draft))
    finally:
        monkeypatch.setenv("MIAVAL_API_URL", api_env.url)
        backend.reset_api()
    assert responses(messages) == ["utter_claim_kept"]
    assert events == []  # every slot of the draft stays
    _, messages = run(ActionSubmitClaim(), tracker(laura, **draft))
    assert responses(messages)[0] == "utter_claim_created"


def test_claim_status_by_number_and_by_choice(laura):
    _, messages = run(
        ActionClaimStatus(), tracker(laura, "sin-000123", entities=[{"entity": "claim_number", "value": "sin 123"}])
    )
    assert responses(messages) == ["utter_claim_status_under_review"]
    assert messages[0]["claim_number"] == "SIN-000123"
    _, messages = run(ActionClaimStatus(), tracker(laura, "como va mi denuncia", intent="claim_status"))
    assert responses(messages) == ["utter_ask_claim_to_check"]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert '/claim_status{"claim_number":"SIN-000098"}' in payloads
    _, messages = run(
        ActionClaimStatus(), tracker(laura, "", entities=[{"entity": "claim_number", "value": "SIN-999"}])
    )
    assert responses(messages) == ["utter_claim_status_not_found"]


def test_a_claim_whose_inspection_is_scheduled_says_so(laura, api_env):
    """The staff console's "inspección coordinada" has its own answer."""
    import sqlite3

    database = api_env.database_url.split("sqlite:///", 1)[1]
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE claims SET status = 'inspection_scheduled' WHERE number = 'SIN-000098'")
    try:
        _, messages = run(
            ActionClaimStatus(), tracker(laura, "", entities=[{"entity": "claim_number", "value": "SIN-000098"}])
        )
    finally:
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE claims SET status = 'paid' WHERE number = 'SIN-000098'")
    assert responses(messages) == ["utter_claim_status_inspection_scheduled"]


def test_roadside_asks_which_vehicle_then_gives_its_insurers_phone(laura):
    _, messages = run(ActionRoadsideAssistance(), tracker(laura, "necesito una grua", intent="roadside_assistance"))
    assert responses(messages) == ["utter_ask_roadside_vehicle"]
    assert {b["payload"] for b in messages[0]["buttons"]} == {
        '/roadside_assistance{"license_plate":"AC123BD"}',
        '/roadside_assistance{"license_plate":"A123BCD"}',
    }
    _, messages = run(
        ActionRoadsideAssistance(),
        tracker(laura, "", intent="roadside_assistance", entities=[{"entity": "license_plate", "value": "A123BCD"}]),
    )
    assert responses(messages) == ["utter_roadside_phone"]
    assert messages[0]["assistance_phone"] == "0800-555-0303"  # Cordillera insures Martín's Honda


def test_roadside_for_someone_not_signed_in_gives_every_phone(api_env):
    _, messages = run(
        ActionRoadsideAssistance(), tracker("web:nobody-" + secrets.token_hex(4), "grua", intent="roadside_assistance")
    )
    assert responses(messages) == ["utter_roadside_unverified", "utter_useful_phones"]
    assert "0800-555-0505" in messages[1]["insurer_phones"]


def test_useful_phones_list_each_insurer(api_env):
    _, messages = run(ActionUsefulPhones(), tracker("web:x", "telefonos", intent="useful_phones"))
    lines = messages[0]["insurer_phones"]
    for phone in ("0800-555-0101", "0800-555-0111", "0800-555-0444"):
        assert phone in lines
