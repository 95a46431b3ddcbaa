"""The claim form's answers: what each message says (``extract_<slot>``) and whether it fits (``validate_<slot>``).

``validate_claim_form`` reads answers (``extract_<slot>``: what the user said)
and checks them (``validate_<slot>``: does it fit?). On activation it reads the
whole first message ("ayer a las 19 me chocaron en Av. Rivadavia 5000 con el
gol") and fills every slot it can, so only the rest is asked; every later
message is read whole too (``statement.py``: "sí, un corolla blanco patente
AB123CD" answers the question and gives the other car). An answer that is not
what was asked fills what it says and the question comes again in other words
(``utter_explain_<slot>``); nothing is stored that does not fit. The draft lives
in slots until ``action_submit_claim`` creates the claim with the idempotency
key fixed at confirmation: a retry after the API was down makes no second claim.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from api_client import ApiError, Policy
from bot.actions.backend import api, call_api, sender
from bot.actions.claim.dates import OccurrenceInFuture, find_occurrence, normalise, parse_occurrence
from bot.actions.claim.draft import CORRECTABLE_FIELDS, READ_ANYTIME, THIRD_PARTY_SLOTS, questions
from bot.actions.claim.reading import (
    claim_type_from_text,
    claimable,
    describes_the_loss,
    place_from_text,
    policy_by_reference,
    policy_from_text,
)
from bot.actions.claim.statement import Statement, as_written, driver_in, read_statement
from bot.actions.forms import GuidedFormValidationAction, note, reject
from bot.actions.phones import parse_phone
from insurance_rules import (
    ARGENTINA,
    CLAIM_TYPES,
    InvalidDocumentNumber,
    InvalidPlate,
    compact,
    covered_on,
    local_date,
    parse_document,
    parse_plate,
)

# Intents that interrupt the form rather than answer it: their rules answer
# them and the form asks its question again.
INTERRUPTIONS = frozenset(
    {"faq", "stop", "sign_out", "help", "human_handoff", "bot_challenge", "greet", "goodbye", "thank"}
)
# The role the NLU data gives the other party's plate, document and policy (bot/data/nlu/inform.yml).
THIRD_PARTY_ROLE = "third_party"
# Questions answered by a yes or a no.
YES_NO_SLOTS = frozenset({"claim_injured", "claim_vehicle_drivable", "claim_third_party", "claim_confirmed"})
YES_WORDS = ("si", "sí", "s", "sip", "claro", "obvio", "dale")
NO_WORDS = ("no", "nop", "nada", "ninguno", "ninguna", "nadie")
# "sí, un corolla blanco…", "no, nadie": a yes or a no that opens a longer answer.
_LEADING_YES_NO = re.compile(r"^\s*(?P<word>si|sí|sip|claro|obvio|dale|no|nop)\b[\s,.!:;-]", re.IGNORECASE)


def clock() -> datetime:
    """Now in Argentina (one place, so tests may move it)."""
    return datetime.now(ARGENTINA)


def entity(tracker: Tracker, name: str) -> Optional[Any]:
    """The first value of an entity in the latest message (not one the NLU said is the other party's)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return next(
        (item.get("value") for item in entities if item.get("entity") == name and item.get("role") != THIRD_PARTY_ROLE),
        None,
    )


def third_party_entities(tracker: Tracker) -> dict[str, str]:
    """The entities of the latest message that the NLU marked as the other party's (role ``third_party``)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return {item["entity"]: str(item.get("value")) for item in entities if item.get("role") == THIRD_PARTY_ROLE}


def answer_text(tracker: Tracker, allow_denial: bool = False) -> Optional[str]:
    """The text of the latest message when it answers a question (not a payload, an interruption or a bare yes)."""
    message = tracker.latest_message or {}
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    # "dale" after "¿querés seguir?" is not an address; "no sé" may be a third party's name.
    ignored = INTERRUPTIONS | {"affirm"} | (set() if allow_denial else {"deny"})
    if not text or text.startswith("/") or intent in ignored:
        return None
    return text


def intent_of(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def yes_no(tracker: Tracker) -> Optional[Any]:
    """True/False for affirm/deny, else the raw text (to be judged), else None."""
    intent = intent_of(tracker)
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return answer_text(tracker)


async def fetch_claimable(tracker: Tracker) -> list[Policy]:
    """The user's claimable policies (in force, or expired within a year); raises ApiError."""
    return claimable(await call_api(api().list_policies, sender(tracker)))


def not_covered(policy: Optional[Policy], occurred_at: Optional[str]) -> dict[str, str]:
    """The variables of ``utter_claim_policy_not_covered_then`` when the policy did not cover that day, else {}."""
    if policy is None or not occurred_at:
        return {}
    day = local_date(datetime.fromisoformat(occurred_at))
    if covered_on(policy.status, policy.start_date, policy.end_date, day):
        return {}
    return {
        "policy_number": policy.number,
        "date": day.strftime("%d/%m/%Y"),
        "start": policy.start_date.strftime("%d/%m/%Y"),
        "end": policy.end_date.strftime("%d/%m/%Y"),
    }


async def policies_in_force(tracker: Tracker) -> list[Policy]:
    """The user's claimable policies; empty when the API cannot say (the question will say why)."""
    try:
        return await fetch_claimable(tracker)
    except ApiError:
        return []


class ValidateClaimForm(GuidedFormValidationAction):
    """Reads and checks the answers of the claim form; decides which questions the line needs."""

    def name(self) -> str:
        return "validate_claim_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The questions the draft needs (``next_requested_slot`` asks them in order), and the slots any
        message may fill besides (read and checked every turn, never asked unless the line needs them)."""
        needed = questions(tracker.slots)
        return needed + [slot for slot in READ_ANYTIME if slot not in needed]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[EventType]:
        # claim_third_party_done is False after a partial answer: still open ("¿algo más del otro?").
        missing = (
            slot for slot in questions(tracker.slots)
            if tracker.slots.get(slot) is None or (slot == "claim_third_party_done" and not tracker.slots.get(slot))
        )
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Each question's own reading, then every fact of the message for the slots still empty."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        extracted = {event["name"]: event["value"] for event in events}
        statement = await self._statement(tracker)
        if statement is None:
            return events
        requested = tracker.get_slot("requested_slot")
        read = statement.slots()
        if requested == "claim_third_party_done":
            if statement.no_more_data:
                read["claim_third_party_done"] = True
            elif any(slot in read for slot in THIRD_PARTY_SLOTS):
                read["claim_third_party_done"] = False  # some data: "¿algo más?"
        elif statement.no_more_data and tracker.get_slot("claim_third_party_done") is None:
            read["claim_third_party_done"] = True  # "se dio a la fuga": nothing to ask about the other
        for slot, value in read.items():
            if slot == requested and slot in read:
                extracted[slot] = value  # the whole message read beats the question's literal reading
            elif tracker.slots.get(slot) is None and extracted.get(slot) is None:
                extracted[slot] = value
            elif slot in THIRD_PARTY_SLOTS or slot == "claim_third_party_done":
                extracted[slot] = value  # the other party's data, given again or corrected
        if isinstance(extracted.get(requested), str) and requested in YES_NO_SLOTS and set(read) - {requested}:
            # Not a yes or a no but other facts ("testigo: Pedro…" at the summary): kept, and the question asked again.
            extracted.pop(requested)
            tracker.slots[requested] = None
        tracker.slots.update(extracted)
        return [SlotSet(slot, value) for slot, value in extracted.items()]

    async def _statement(self, tracker: Tracker) -> Optional[Statement]:
        """What the latest typed message states (None for a button payload, an upload or an empty message)."""
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        if not text or text.startswith("/"):
            return None  # whatever the intent: whether the form steps aside is decided when validating
        requested = tracker.get_slot("requested_slot")
        return read_statement(
            text,
            own_references=await self._own_references(tracker),
            about_the_other=requested == "claim_third_party_done",
            answering_driver=requested == "claim_driver",
            nlu_third_party=third_party_entities(tracker),
        )

    @staticmethod
    async def _own_references(tracker: Tracker) -> set[str]:
        """The customer's own plates and policy numbers: never the other party's."""
        references = {compact(tracker.get_slot("claim_policy") or "")}
        for policy in await policies_in_force(tracker):
            references.add(compact(policy.number))
            if policy.plate:
                references.add(compact(policy.plate))
        return {reference for reference in references if reference}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """As every form's, and an answer that filled other slots but not the one asked gets the question again
        in other words (``utter_explain_<slot>``) instead of being stored."""
        requested = tracker.get_slot("requested_slot")
        to_validate = tracker.slots_to_validate()
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if any(event.get("event") in ("action_execution_rejected", "followup") for event in events):
            return events  # the form stepped aside for another request
        answered = any(event.get("name") == requested and event.get("value") is not None for event in events)
        others = [slot for slot in to_validate if slot != requested and slot in READ_ANYTIME]
        if requested and requested != "claim_confirmed" and not answered and others and requested not in to_validate:
            dispatcher.utter_message(response=f"utter_explain_{requested}")
        return events

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        return events + self._uploads(dispatcher, tracker)

    @staticmethod
    def _uploads(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Photos may arrive at any question: keep their upload ids; explain an upload that failed."""
        photos = list(tracker.get_slot("claim_photos") or [])
        upload_id = entity(tracker, "upload_id")
        if upload_id:
            if upload_id not in photos:
                photos.append(str(upload_id))
            dispatcher.utter_message(response="utter_claim_photo_received", count=len(photos))
            return [SlotSet("claim_photos", photos)]
        error = entity(tracker, "upload_error")
        if error in ("not_verified", "too_large", "unsupported_type"):
            dispatcher.utter_message(response=f"utter_claim_upload_error_{error}")
            return [SlotSet("claim_photos", photos or None)]
        return []

    @staticmethod
    def _activating(tracker: Tracker) -> bool:
        """True on the first turn of the form: the message that started it may tell the whole story."""
        return tracker.get_slot("requested_slot") is None

    @staticmethod
    def _asked(tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot

    # -- the policy ----------------------------------------------------------

    async def extract_claim_policy(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("claim_policy") and not self._asked(tracker, "claim_policy"):
            return {}
        reference = entity(tracker, "policy_number") or entity(tracker, "license_plate")
        if self._activating(tracker):
            text = (tracker.latest_message or {}).get("text") or ""
            if reference or text and not text.startswith("/"):
                policies = await policies_in_force(tracker)
                found = (reference and policy_by_reference(policies, reference)) or policy_from_text(text, policies)
                return {"claim_policy": found.number} if found else {}
            return {}
        if self._asked(tracker, "claim_policy"):
            value = reference or answer_text(tracker)
            return {"claim_policy": value} if value else {}
        return {}

    async def validate_claim_policy(
        self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        found = await self._chosen_policy(tracker, value)
        if found is None:
            return reject("claim_policy")
        uncovered = not_covered(found, tracker.get_slot("claim_occurred_at"))
        if uncovered:
            return reject("claim_policy", "utter_claim_policy_not_covered_then", **uncovered)
        return {"claim_policy": found.number, "claim_policy_line": found.line}

    @staticmethod
    async def _chosen_policy(tracker: Tracker, value: Any) -> Optional[Policy]:
        if not value:
            return None
        policies = await policies_in_force(tracker)
        return policy_by_reference(policies, str(value)) or policy_from_text(str(value), policies)

    # -- what happened ---------------------------------------------------------

    def extract_claim_type(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        chosen = entity(tracker, "claim_type")
        if self._activating(tracker):
            found = chosen or claim_type_from_text((tracker.latest_message or {}).get("text") or "")
            return {"claim_type": found} if found and not tracker.get_slot("claim_type") else {}
        if self._asked(tracker, "claim_type"):
            value = chosen or answer_text(tracker)
            return {"claim_type": value} if value else {}
        return {}

    def validate_claim_type(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        claim_type = value if value in CLAIM_TYPES else claim_type_from_text(str(value))
        return {"claim_type": claim_type} if claim_type else reject("claim_type")

    # -- when ------------------------------------------------------------------

    def extract_claim_occurred_at(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if self._activating(tracker):
            if tracker.get_slot("claim_occurred_at"):
                return {}
            try:
                found = find_occurrence((tracker.latest_message or {}).get("text") or "", clock())
            except OccurrenceInFuture:
                return {}
            return {"claim_occurred_at": found.when.isoformat(), "claim_time_known": found.time_known} if found else {}
        if self._asked(tracker, "claim_occurred_at"):
            text = answer_text(tracker)
            return {"claim_occurred_at": text} if text else {}
        return {}

    async def validate_claim_occurred_at(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            # Read on activation: claim_time_known came with it (returned again, or it would be dropped).
            accepted = {
                "claim_occurred_at": datetime.fromisoformat(str(value)).isoformat(),
                "claim_time_known": tracker.get_slot("claim_time_known") is not False,
            }
        except ValueError:
            try:
                found = parse_occurrence(str(value), clock())
            except OccurrenceInFuture as future:
                when = future.when.strftime("%d/%m %H:%M")
                return reject("claim_occurred_at", "utter_claim_occurred_in_future", when=when)
            if found is None:
                return reject("claim_occurred_at")
            accepted = {"claim_occurred_at": found.when.isoformat(), "claim_time_known": found.time_known}
        policy = await self._chosen_policy(tracker, tracker.get_slot("claim_policy"))
        uncovered = not_covered(policy, accepted["claim_occurred_at"])
        if uncovered:
            return {
                **reject("claim_occurred_at", "utter_claim_policy_not_covered_then", **uncovered),
                "claim_time_known": None,
            }
        return accepted

    # -- where -----------------------------------------------------------------

    def extract_claim_place(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        latitude, longitude = entity(tracker, "latitude"), entity(tracker, "longitude")
        if latitude is not None and longitude is not None and not tracker.get_slot("claim_place"):
            return {"claim_place": f"{float(latitude):.5f}, {float(longitude):.5f}"}
        if self._activating(tracker):
            found = place_from_text((tracker.latest_message or {}).get("text") or "")
            return {"claim_place": found} if found and not tracker.get_slot("claim_place") else {}
        if self._asked(tracker, "claim_place"):
            text = answer_text(tracker)
            return {"claim_place": text} if text else {}
        return {}

    def validate_claim_place(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        place = str(value).strip()
        if len(place) < 3:
            return reject("claim_place")
        latitude, longitude = entity(tracker, "latitude"), entity(tracker, "longitude")
        if latitude is not None and longitude is not None:
            return {"claim_place": place, "claim_latitude": float(latitude), "claim_longitude": float(longitude)}
        return {"claim_place": place}

    # -- the description ---------------------------------------------------------

    def extract_claim_description(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if self._activating(tracker):
            text = (tracker.latest_message or {}).get("text") or ""
            return (
                {"claim_description": text}
                if describes_the_loss(text) and not tracker.get_slot("claim_description")
                else {}
            )
        if self._asked(tracker, "claim_description"):
            text = answer_text(tracker)
            return {"claim_description": text} if text else {}
        return {}

    def validate_claim_description(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value).strip()
        return {"claim_description": text} if len(text) >= 8 else reject("claim_description")

    # -- what the line needs -----------------------------------------------------

    def extract_claim_third_party(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._yes_no_answer(tracker, "claim_third_party")

    def validate_claim_third_party(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        return self._yes_no_value("claim_third_party", value)

    def extract_claim_injured(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        # "mi hijo se golpeó la cabeza" is read by the statement, whatever intent the NLU gave it.
        return self._yes_no_answer(tracker, "claim_injured")

    def validate_claim_injured(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        result = self._yes_no_value("claim_injured", value)
        if result.get("claim_injured") is True:
            return {**result, **note("utter_claim_injured_emergency")}
        return result

    def extract_claim_vehicle_drivable(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._yes_no_answer(tracker, "claim_vehicle_drivable")

    async def validate_claim_vehicle_drivable(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        result = self._yes_no_value("claim_vehicle_drivable", value)
        if result.get("claim_vehicle_drivable") is False:
            policy = await self._chosen_policy(tracker, tracker.get_slot("claim_policy"))
            if policy is not None and policy.insurer.assistance_phone:
                return {
                    **result,
                    **note(
                        "utter_claim_tow_offer",
                        insurer_name=policy.insurer.name,
                        assistance_phone=policy.insurer.assistance_phone,
                    ),
                }
            return {**result, **note("utter_claim_tow_offer_no_phone")}
        return result

    def extract_claim_driver(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        # "yo" and "sí, yo" read as a yes to the NLU: here they are the answer (the statement reads it).
        return self._free_text_answer(tracker, "claim_driver")

    def validate_claim_driver(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        driver = driver_in(normalise(str(value)), answering=True)
        if driver is None or re.search(r"\d", str(value)):
            return reject("claim_driver")
        return {"claim_driver": driver if driver == "yo" else as_written(str(value), driver)}

    def validate_claim_witnesses(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_witnesses", value)

    # -- the other party: one question, answered at once or in parts ---------------

    def extract_claim_third_party_done(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        # A sentence nobody can read is kept only to be refused (and the question asked in other words).
        return self._text_answer(tracker, "claim_third_party_done", include_denials=True)

    def validate_claim_third_party_done(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"claim_third_party_done": value}
        return reject("claim_third_party_done")

    def validate_claim_third_party_vehicle(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value).strip()
        if not 2 <= len(text) <= 60:
            return reject("claim_third_party_vehicle", "utter_explain_claim_third_party_done")
        return {"claim_third_party_vehicle": text}

    def validate_claim_third_party_plate(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        try:
            return {"claim_third_party_plate": parse_plate(str(value))}
        except InvalidPlate:
            return reject("claim_third_party_plate")

    def validate_claim_third_party_phone(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        phone = parse_phone(str(value))
        return {"claim_third_party_phone": phone} if phone else reject("claim_third_party_phone")

    def validate_claim_third_party_document(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        try:
            return {"claim_third_party_document": parse_document(str(value))[1]}
        except InvalidDocumentNumber:
            return reject("claim_third_party_document")

    def validate_claim_third_party_name(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value).strip()
        if re.search(r"\d", text) or not 2 <= len(text) <= 80:
            return reject("claim_third_party_name", "utter_explain_claim_third_party_done")
        return {"claim_third_party_name": text}

    def validate_claim_third_party_insurer(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_insurer", value)

    async def validate_claim_third_party_policy(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        number = str(value).strip()
        if not re.search(r"\d", number) or compact(number) in await self._own_references(tracker):
            # The customer's own policy is never the other's.
            return reject("claim_third_party_policy", "utter_explain_claim_third_party_done")
        return self._short_text("claim_third_party_policy", number)

    def extract_claim_police_report(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_police_report", include_denials=True)

    def validate_claim_police_report(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        result = self._short_text("claim_police_report", value)
        if result.get("claim_police_report") and (
            intent_of(tracker) == "deny" or str(value).strip().lower().rstrip(".!") in NO_WORDS
        ):
            return {**result, **note("utter_claim_police_report_needed")}
        return result

    def extract_claim_damaged_items(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_damaged_items")

    def validate_claim_damaged_items(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value).strip()
        return {"claim_damaged_items": text} if len(text) >= 3 else reject("claim_damaged_items")

    # -- photos, summary and corrections -----------------------------------------

    def extract_claim_confirmed(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if not self._asked(tracker, "claim_confirmed"):
            return {}
        answer = yes_no(tracker)
        return {} if answer is None else {"claim_confirmed": answer}

    def validate_claim_confirmed(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value is True:
            # Fixed once: every later submission of this draft sends the same key.
            key = tracker.get_slot("claim_idempotency_key") or str(uuid.uuid4())
            return {"claim_confirmed": True, "claim_idempotency_key": key}
        if value is False:
            # False (not None) keeps the summary answered while the field to fix is asked.
            return {"claim_confirmed": False, "claim_fixing": True, "claim_field_to_fix": None}
        return reject("claim_confirmed")

    def extract_claim_field_to_fix(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if not self._asked(tracker, "claim_field_to_fix"):
            return {}
        value = entity(tracker, "claim_field") or answer_text(tracker)
        return {"claim_field_to_fix": value} if value else {}

    def validate_claim_field_to_fix(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        if value not in CORRECTABLE_FIELDS:
            return reject("claim_field_to_fix")
        cleared = {slot: None for slot in CORRECTABLE_FIELDS[value]}
        # The field's question comes next, then the summary again.
        return {**cleared, "claim_field_to_fix": value, "claim_fixing": None, "claim_confirmed": None}

    # -- shared readers ------------------------------------------------------------

    def _yes_no_answer(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        if not self._asked(tracker, slot):
            return {}
        answer = yes_no(tracker)
        return {} if answer is None else {slot: answer}

    @staticmethod
    def _yes_no_value(slot: str, value: Any) -> dict[str, Any]:
        if isinstance(value, bool):
            return {slot: value}
        word = str(value).strip().lower().rstrip(".!")
        leading = _LEADING_YES_NO.match(word + " ")
        word = leading.group("word") if leading else word
        if word in YES_WORDS:
            return {slot: True}
        if word in NO_WORDS:
            return {slot: False}
        return reject(slot)

    def _text_answer(self, tracker: Tracker, slot: str, include_denials: bool = False) -> dict[str, Any]:
        if not self._asked(tracker, slot):
            return {}
        text = answer_text(tracker, allow_denial=include_denials)
        return {slot: text} if text else {}

    def _free_text_answer(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        """Any typed answer to ``slot`` (a yes or a no included), except a button payload or an interruption."""
        if not self._asked(tracker, slot):
            return {}
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        if not text or text.startswith("/") or intent_of(tracker) in INTERRUPTIONS:
            return {}
        return {slot: text}

    @staticmethod
    def _short_text(slot: str, value: Any) -> dict[str, Any]:
        text = str(value).strip()
        return {slot: text} if 1 <= len(text) <= 200 else reject(slot)
