"""Claim actions against a real Mi Aval API (demo data) on a free port: Laura signs in through the API."""

from __future__ import annotations

import asyncio
import secrets
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from api_client import Insurer, MiAvalClient, Policy
from bot.actions import backend
from bot.actions.assistance import ActionRoadsideAssistance, ActionUsefulPhones
from bot.actions.claim.draft import THIRD_PARTY_SLOTS
from bot.actions.claim.form import ValidateClaimForm, not_covered
from bot.actions.claim.photos import ActionAddClaimPhotos, ActionPhotoOutsideClaim
from bot.actions.claim.questions import ActionAskClaimPolicy
from bot.actions.claim.reading import claimable
from bot.actions.claim.status import ActionClaimStatus
from bot.actions.claim.submission import ActionSubmitClaim
from bot.actions.claim.summary import ActionAskClaimConfirmed, summary_details
from bot.domain_files import load_domain
from insurance_rules import ARGENTINA
from tests import media
from tests.conftest import latest_code

DOMAIN = load_domain()
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


@pytest.fixture(autouse=True)
def four_in_the_afternoon(monkeypatch):
    """The form's clock at 16:00 today in Argentina: "hoy a la mañana" is past whenever the tests run."""
    today = datetime.now(ARGENTINA).replace(hour=16, minute=0, second=0, microsecond=0)
    monkeypatch.setattr("bot.actions.claim.form.clock", lambda: today)


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
    # An auto crash: the urgent question (anyone hurt?) is the first one left.
    assert slots["requested_slot"] == "claim_injured"
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
        claim_vehicle_drivable=True,
        claim_driver="yo",
        claim_witnesses="no",
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
        claim_occurred_at=(datetime.now(ARGENTINA) - timedelta(days=5)).replace(microsecond=0).isoformat(),
        claim_place="Av. Rivadavia 5000",
        claim_description="me chocaron de atrás en un semáforo",
        claim_third_party=False,
        claim_injured=False,
        claim_vehicle_drivable=True,
        claim_driver="yo",
        claim_witnesses="no",
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
    # Five days ago is late (art. 46, Ley 17.418): that was said before confirming, not again after.
    assert client.get_claim(laura, number).reported_late is True
    assert not [name for name in responses(messages) if "late" in name or "deadline" in name]
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


# -- issue #10, item 4 ---------------------------------------------------------------------------------------


def crash_slots(**extra: Any) -> dict[str, Any]:
    yesterday = (datetime.now(ARGENTINA) - timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    return dict(
        claim_policy="AU-1048576", claim_policy_line="auto", claim_type="collision",
        claim_occurred_at=yesterday.isoformat(), claim_place="Av. Rivadavia 5000",
        claim_description="me chocaron de atrás en un semáforo", **extra,
    )


@pytest.mark.parametrize("answer", ["sí, mi acompañante se lastimó", "si, hay un herido", "/affirm"])
def test_injuries_bring_the_emergency_numbers_at_once_then_the_form_goes_on(laura, answer):
    intent = "affirm" if answer == "/affirm" else "faq"  # the NLU may take the long answer for a question
    events, messages = run(
        ValidateClaimForm(), tracker(laura, answer, intent=intent, requested_slot="claim_injured", **crash_slots())
    )
    assert slots_of(events)["claim_injured"] is True
    assert responses(messages) == ["utter_claim_injured_emergency"]
    text = DOMAIN["responses"]["utter_claim_injured_emergency"][0]["text"]
    assert "107" in text and "SAME" in text and "911" in text
    assert slots_of(events)["requested_slot"] == "claim_vehicle_drivable"  # and the report goes on


@pytest.mark.parametrize("answer", ["no, nadie se lastimó", "no hubo heridos"])
def test_nobody_hurt_is_a_no_without_emergency_numbers(laura, answer):
    events, messages = run(
        ValidateClaimForm(), tracker(laura, answer, intent="deny", requested_slot="claim_injured", **crash_slots())
    )
    assert slots_of(events)["claim_injured"] is False and responses(messages) == []


def test_a_first_message_that_tells_of_injuries_gets_the_emergency_numbers_before_any_question(laura):
    text = "ayer a la noche choqué con el gol en Av. Rivadavia 5000 y mi acompañante se lastimó"
    events, messages = run(ValidateClaimForm(), tracker(laura, text, intent="report_claim", requested_slot=None))
    assert slots_of(events)["claim_injured"] is True
    assert responses(messages)[0] == "utter_claim_injured_emergency"


def test_a_vehicle_that_cannot_be_driven_gets_the_tow_offer_with_its_insurers_assistance_phone(laura):
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, "/deny", intent="deny", requested_slot="claim_vehicle_drivable",
                **crash_slots(claim_injured=False)),
    )
    assert slots_of(events)["claim_vehicle_drivable"] is False
    assert responses(messages) == ["utter_claim_tow_offer"]
    assert messages[0]["assistance_phone"] and messages[0]["insurer_name"]
    assert slots_of(events)["requested_slot"] == "claim_third_party"


def test_the_other_partys_data_is_one_question_answered_in_parts_and_sent_checked(laura, api_env):
    slots = crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=True)
    turns = [
        # One free message with most of it (a WhatsApp phone, a dotted DNI, the insurer's name in lower case)…
        "se llama juan perez, dni 28.123.456, cel 11 5555-1234, tiene la segunda",
        # …then the rest in another; "no tengo más" ends the block.
        "la patente es ab 123 cd",
        "no tengo mas",
    ]
    requested = "claim_third_party_done"
    asked = []
    for text in turns:
        asked.append(requested)
        events, messages = run(ValidateClaimForm(), tracker(laura, text, requested_slot=requested, **slots))
        slots.update({k: v for k, v in slots_of(events).items() if k != "requested_slot"})
        requested = slots_of(events)["requested_slot"]
        assert responses(messages) == []
    assert asked == ["claim_third_party_done"] * 3 and requested == "claim_driver"
    assert slots["claim_third_party_name"] == "Juan Perez" and slots["claim_third_party_document"] == "28123456"
    assert slots["claim_third_party_phone"] == "+54 11 5555-1234" and slots["claim_third_party_plate"] == "AB123CD"
    assert slots["claim_third_party_insurer"] == "La Segunda" and slots.get("claim_third_party_policy") is None
    events, _ = run(ValidateClaimForm(), tracker(laura, "manejaba mi hijo Martín", intent="inform",
                                                 requested_slot="claim_driver", **slots))
    slots.update({k: v for k, v in slots_of(events).items() if k != "requested_slot"})
    assert slots["claim_driver"] == "mi hijo Martín" and slots_of(events)["requested_slot"] == "claim_confirmed"
    slots.update(claim_witnesses="Pedro, 11 4444-5555", claim_confirmed=True,
                 claim_idempotency_key=secrets.token_hex(16))
    _, messages = run(ActionSubmitClaim(), tracker(laura, **slots))
    claim = MiAvalClient(api_env.url, api_env.token)._get(f"/v1/me/claims/{messages[0]['claim_number']}", laura)
    sent = claim["claim"]
    assert sent["driver"] == "mi hijo Martín" and sent["witnesses"] == "Pedro, 11 4444-5555"
    # Only what is known is sent: no empty keys for the policy or the vehicle nobody gave.
    assert sent["third_party"] == {"name": "Juan Perez", "document": "28123456", "phone": "+54 11 5555-1234",
                                   "plate": "AB123CD", "insurer": "La Segunda"}
    assert sent["vehicle_drivable"] is True and sent["occurred_time_known"] is True


@pytest.mark.parametrize("text", ["dni 20-12345678-5", "qué sé yo, pasó todo muy rápido", "AU-1048576"])
def test_an_answer_with_nothing_of_the_other_party_is_not_stored_and_asked_in_other_words(laura, text):
    # A CUIT with a wrong check digit, a sentence, and the customer's own policy number: none is the other's.
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, text, requested_slot="claim_third_party_done",
                **crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=True)),
    )
    stored = slots_of(events)
    assert not any(stored.get(slot) for slot in THIRD_PARTY_SLOTS), stored
    assert stored["claim_third_party_done"] is None and stored["requested_slot"] == "claim_third_party_done"
    assert responses(messages) == ["utter_explain_claim_third_party_done"]


def test_the_notice_deadline_is_shown_before_confirming_and_the_time_as_approximate(laura):
    slots = crash_slots(claim_injured=False, claim_third_party=False, claim_time_known=False, claim_photos_done=True)
    _, messages = run(ActionAskClaimConfirmed(), tracker(laura, requested_slot="claim_confirmed", **slots))
    assert responses(messages) == ["utter_claim_notice_deadline", "utter_claim_summary"]
    yesterday = (datetime.now(ARGENTINA) - timedelta(days=1)).strftime("%d/%m/%Y")
    assert messages[1]["when"] == f"{yesterday}, hora aproximada" and "19:00" not in messages[1]["when"]
    assert "3 días desde que te enteraste" in DOMAIN["responses"]["utter_claim_notice_deadline"][0]["text"]
    late = (datetime.now(ARGENTINA) - timedelta(days=6)).replace(microsecond=0)
    slots.update(claim_occurred_at=late.isoformat(), claim_time_known=True)
    _, messages = run(ActionAskClaimConfirmed(), tracker(laura, requested_slot="claim_confirmed", **slots))
    assert responses(messages) == ["utter_claim_notice_deadline_passed", "utter_claim_summary"]
    assert messages[0]["date"] == late.strftime("%d/%m/%Y") and messages[1]["when"] == late.strftime("%d/%m/%Y %H:%M")


def test_ayer_and_anoche_are_sent_with_the_time_unknown(laura):
    events, _ = run(
        ValidateClaimForm(), tracker(laura, "anoche", requested_slot="claim_occurred_at", **crash_slots())
    )
    assert slots_of(events)["claim_time_known"] is False
    events, _ = run(
        ValidateClaimForm(), tracker(laura, "ayer a las 19", requested_slot="claim_occurred_at", **crash_slots())
    )
    assert slots_of(events)["claim_time_known"] is True


def _policy(status: str, start: date, end: date) -> Policy:
    insurer = Insurer(code="RPS", name="Río de la Plata Seguros", assistance_phone="1", claims_phone="2",
                      claims_email=None)
    return Policy(number="AU-1", client_id=1, client_name="Laura", insurer=insurer, line="auto", status=status,
                  in_force=status == "active", start_date=start, end_date=end, coverage="Terceros",
                  monthly_premium=None, insured_item={})


def test_a_recently_expired_policy_is_offered_for_a_loss_from_its_validity():
    today = date(2026, 11, 29)
    recent = _policy("expired", date(2025, 10, 1), date(2026, 10, 1))
    old = _policy("expired", date(2024, 10, 1), date(2025, 10, 1))
    cancelled = _policy("cancelled", date(2026, 1, 1), date(2026, 12, 1))
    assert claimable([recent, old, cancelled], today) == [recent]


def test_a_policy_that_did_not_cover_the_day_of_the_loss_is_explained_with_its_validity():
    # AU-0524288 (Laura's old Palio) ran from 730 to 365 days ago; a loss last week was not covered.
    last_week = (datetime.now(ARGENTINA) - timedelta(days=7)).replace(microsecond=0)
    palio = _policy("expired", date.today() - timedelta(days=730), date.today() - timedelta(days=365))
    said = not_covered(palio, last_week.isoformat())
    assert said["date"] == last_week.strftime("%d/%m/%Y") and said["end"] == palio.end_date.strftime("%d/%m/%Y")
    during = (datetime.now(ARGENTINA) - timedelta(days=400)).isoformat()
    assert not_covered(palio, during) == {}


def test_the_api_refusing_a_policy_says_it_was_not_in_force_on_the_day_of_the_loss(laura):
    # The Palio (expired a year ago) and a loss last week: the API decides, the bot names the day.
    draft = {**confirmed_draft(), "claim_policy": "AU-0524288"}
    week = (datetime.now(ARGENTINA) - timedelta(days=7)).replace(microsecond=0)
    draft["claim_occurred_at"] = week.isoformat()
    events, messages = run(ActionSubmitClaim(), tracker(laura, **draft))
    assert responses(messages) == ["utter_claim_policy_not_in_force"]
    assert messages[0]["date"] == week.strftime("%d/%m/%Y") and messages[0]["policy_number"] == "AU-0524288"


def test_a_photo_with_no_report_under_way_is_kept_and_attached_to_the_claim_chosen(laura, api_env):
    client = MiAvalClient(api_env.url, api_env.token)
    claim = client.list_claims(laura)[0]
    before = len(client.get_claim(laura, claim.number).attachments)
    upload = client.upload(laura, "foto.jpg", "image/jpeg", media.JPEG)
    events, messages = run(
        ActionPhotoOutsideClaim(),
        tracker(laura, "/inform", entities=[{"entity": "upload_id", "value": upload.id}]),
    )
    assert responses(messages) == ["utter_claim_photos_which_claim"]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert f'/add_claim_photos{{"claim_number":"{claim.number}"}}' in payloads
    assert slots_of(events)["pending_claim_photos"] == [upload.id]
    assert len(client.get_claim(laura, claim.number).attachments) == before  # not yet: the claim was not chosen
    events, messages = run(
        ActionAddClaimPhotos(),
        tracker(laura, "/add_claim_photos", intent="add_claim_photos",
                entities=[{"entity": "claim_number", "value": claim.number}], pending_claim_photos=[upload.id]),
    )
    assert responses(messages) == ["utter_claim_photo_added"] and messages[0]["claim_number"] == claim.number
    assert slots_of(events) == {"pending_claim_photos": None, "claim_photos_target": claim.number}
    assert len(client.get_claim(laura, claim.number).attachments) == before + 1
    # Later photos go straight to the chosen claim.
    another = client.upload(laura, "otra.png", "image/png", media.PNG)
    _, messages = run(
        ActionPhotoOutsideClaim(),
        tracker(laura, "/inform", entities=[{"entity": "upload_id", "value": another.id}],
                claim_photos_target=claim.number),
    )
    assert responses(messages) == ["utter_claim_photo_added"]
    assert len(client.get_claim(laura, claim.number).attachments) == before + 2


def test_asking_to_add_photos_to_a_claim_that_is_not_hers_says_it_was_not_found(laura):
    _, messages = run(
        ActionAddClaimPhotos(),
        tracker(laura, "agregar fotos a la SIN-999999", intent="add_claim_photos",
                entities=[{"entity": "claim_number", "value": "SIN-999999"}]),
    )
    assert responses(messages) == ["utter_claim_status_not_found"]


def test_a_refused_file_outside_a_report_is_explained(laura):
    _, messages = run(
        ActionPhotoOutsideClaim(),
        tracker(laura, "/inform", entities=[{"entity": "upload_error", "value": "too_large"}]),
    )
    assert responses(messages) == ["utter_claim_upload_error_too_large"]


@pytest.mark.parametrize("text", ["yo", "sí, yo", "Yo manejaba"])
def test_yo_and_si_yo_answer_who_drove(laura, text):
    # The NLU reads "yo" as a yes: for this question it is the answer (found in a real conversation).
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, text, intent="affirm", requested_slot="claim_driver",
                **crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=False)),
    )
    assert slots_of(events)["claim_driver"] == "yo" and responses(messages) == []


def test_witnesses_given_at_the_summary_are_kept_and_confirm_nothing(laura):
    slots = crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=False, claim_driver="yo")
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, "testigo: Pedro Gómez 11 4444-5555", requested_slot="claim_confirmed", **slots),
    )
    assert slots_of(events)["claim_witnesses"] == "Pedro Gómez 11 4444-5555"
    assert slots_of(events).get("claim_confirmed") is None and slots_of(events)["requested_slot"] == "claim_confirmed"
    assert not slots_of(events).get("claim_third_party_phone") and responses(messages) == []


def test_anoche_in_the_first_message_keeps_the_time_unknown(laura):
    # Found by the REST e2e: the summary said "21:00" for "anoche".
    text = "anoche me chocaron la moto en Av. Rivadavia 5000"
    events, _ = run(ValidateClaimForm(), tracker(laura, text, intent="report_claim", requested_slot=None))
    assert slots_of(events)["claim_occurred_at"] and slots_of(events)["claim_time_known"] is False


def test_the_issues_opening_sentence_leaves_only_the_other_partys_data_to_ask(laura):
    text = ("ayer a las 19 me chocó de atrás un corolla blanco patente AB123CD en av rivadavia 5000, manejaba yo, "
            "nadie lastimado, el auto anda")
    events, messages = run(ValidateClaimForm(), tracker(laura, text, intent="report_claim", requested_slot=None))
    slots = slots_of(events)
    # "el auto": Laura's only car in force; the Corolla's plate is the other's, not a policy of hers.
    assert slots["claim_policy"] == "AU-1048576" and slots["claim_type"] == "collision"
    assert slots["claim_place"] == "av rivadavia 5000" and slots["claim_occurred_at"].endswith("19:00:00-03:00")
    assert (slots["claim_injured"], slots["claim_vehicle_drivable"], slots["claim_third_party"]) == (False, True, True)
    assert slots["claim_third_party_plate"] == "AB123CD" and slots["claim_third_party_vehicle"] == "Corolla blanco"
    assert slots["claim_driver"] == "yo"
    assert slots["requested_slot"] == "claim_third_party_done" and messages == []


def test_si_with_the_other_car_answers_yes_and_keeps_the_car(laura):
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, "sí, un corolla blanco patente AB123CD", intent="affirm", requested_slot="claim_third_party",
                **crash_slots(claim_injured=False, claim_vehicle_drivable=True)),
    )
    slots = slots_of(events)
    assert slots["claim_third_party"] is True and slots["claim_third_party_plate"] == "AB123CD"
    assert slots["claim_third_party_vehicle"] == "Corolla blanco" and messages == []
    assert slots["requested_slot"] == "claim_third_party_done"


def test_an_answer_to_another_question_is_kept_and_the_question_asked_in_other_words(laura):
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, "manejaba mi señora", requested_slot="claim_vehicle_drivable",
                **crash_slots(claim_injured=False)),
    )
    slots = slots_of(events)
    assert slots["claim_driver"] == "mi señora" and slots.get("claim_vehicle_drivable") is None
    assert responses(messages) == ["utter_explain_claim_vehicle_drivable"]
    assert slots["requested_slot"] == "claim_vehicle_drivable"


def test_a_crash_without_anyone_else_asks_neither_the_other_party_nor_witnesses(laura):
    text = "hoy a la mañana choque contra un poste con el gol en av cabildo 2000, estoy bien, el auto anda"
    events, _ = run(ValidateClaimForm(), tracker(laura, text, intent="report_claim", requested_slot=None))
    slots = slots_of(events)
    assert slots["claim_third_party"] is False and slots["claim_injured"] is False
    assert slots["requested_slot"] == "claim_driver"


def test_the_summary_reads_like_a_receipt_one_line_per_fact_known():
    slots = crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=True,
                        claim_third_party_vehicle="Corolla blanco", claim_third_party_plate="AB123CD",
                        claim_third_party_done=True, claim_driver="yo")
    lines = summary_details(DOMAIN, slots).splitlines()
    assert lines == [
        "• Nadie se lastimó", "• El vehículo puede andar", "• El otro vehículo: Corolla blanco",
        "• Su patente: AB123CD", "• Del otro, nada más", "• Manejabas vos",
    ]
    # Nothing unknown is rendered: no "no sé", no empty label, no line for the witnesses nobody gave.
    without = summary_details(DOMAIN, {**slots, "claim_third_party_vehicle": None, "claim_third_party_plate": None})
    assert "• Hubo otro vehículo o persona; no tenés sus datos" in without and "no sé" not in without
    assert "Del otro, nada más" not in without and "Testigos" not in without


def test_a_photo_sent_at_the_summary_is_kept_and_the_summary_shown_again(laura):
    slots = crash_slots(claim_injured=False, claim_vehicle_drivable=True, claim_third_party=False, claim_driver="yo")
    events, messages = run(
        ValidateClaimForm(),
        tracker(laura, '/inform{"upload_id":"up-1"}', entities=[{"entity": "upload_id", "value": "up-1"}],
                requested_slot="claim_confirmed", **slots),
    )
    assert slots_of(events)["claim_photos"] == ["up-1"] and slots_of(events)["requested_slot"] == "claim_confirmed"
    assert responses(messages) == ["utter_claim_photo_received"]
