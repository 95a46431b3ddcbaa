"""The claim form's answers: what each message says (``extract_<slot>``) and whether it fits (``validate_<slot>``).

``validate_claim_form`` reads answers (``extract_<slot>``: what the user said)
and checks them (``validate_<slot>``: does it fit?). On activation it reads the
whole first message ("ayer a las 19 me chocaron en Av. Rivadavia 5000 con el
gol") and fills every slot it can, so only the rest is asked. The draft lives
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
from rasa_sdk.types import DomainDict

from api_client import ApiError, Policy
from bot.actions.backend import api, call_api, sender
from bot.actions.claim.dates import OccurrenceInFuture, find_occurrence, normalise, parse_occurrence
from bot.actions.claim.draft import CORRECTABLE_FIELDS, questions
from bot.actions.claim.reading import (
    claim_type_from_text,
    claimable,
    describes_the_loss,
    place_from_text,
    policy_by_reference,
    policy_from_text,
)
from bot.actions.forms import GuidedFormValidationAction, note, reject
from insurance_rules import (
    ARGENTINA,
    CLAIM_TYPES,
    InvalidDocumentNumber,
    covered_on,
    digits,
    local_date,
    parse_document,
)

# Intents that interrupt the form rather than answer it: their rules answer
# them and the form asks its question again.
INTERRUPTIONS = frozenset(
    {"faq", "stop", "sign_out", "help", "human_handoff", "bot_challenge", "greet", "goodbye", "thank"}
)
DONE_WORDS = ("listo", "ya esta", "seguir", "sigamos", "no tengo", "ninguna", "nada mas", "termine")
YES_WORDS = ("si", "sí", "s", "sip", "claro", "obvio", "dale")
NO_WORDS = ("no", "nop", "nada", "ninguno", "ninguna", "nadie")


def clock() -> datetime:
    """Now in Argentina (one place, so tests may move it)."""
    return datetime.now(ARGENTINA)


def entity(tracker: Tracker, name: str) -> Optional[Any]:
    """The first value of an entity in the latest message."""
    return next(tracker.get_latest_entity_values(name), None)


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


# "se lastimó", "hay heridos", "está en el hospital"; "nadie se lastimó" and "no hubo heridos" say the opposite.
_INJURED = re.compile(r"lastim|herid|lesion|hospital|ambulancia|sangr|fractur")
_NOT_INJURED = re.compile(
    r"\b(nadie|ningun[oa]?|no\s+(hubo|hay|tuvimos|tuve)|no\s+(me\s+|nos\s+|se\s+)?lastim|sin\s+herid)"
)


def injuries_in(text: str) -> Optional[bool]:
    """True when a message says someone was hurt, False when it says nobody was, None when it says neither."""
    clean = normalise(text)
    if not _INJURED.search(clean):
        return None
    return not _NOT_INJURED.search(clean)


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
        needed = questions(tracker.slots)
        if self._activating(tracker) and "claim_injured" not in needed:
            # The first message may say someone was hurt before the line is known: read it now (asked last).
            needed.append("claim_injured")
        return needed

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
        text = (tracker.latest_message or {}).get("text") or ""
        if self._activating(tracker):
            # "choqué y mi acompañante se lastimó": the emergency numbers come at once, before any question.
            said = injuries_in(text)
            return {"claim_injured": said} if said and not tracker.get_slot("claim_injured") else {}
        if self._asked(tracker, "claim_injured"):
            # "sí, mi acompañante se lastimó" is an answer, whatever intent the NLU gave it.
            said = injuries_in(text)
            return {"claim_injured": said} if said is not None else self._yes_no_answer(tracker, "claim_injured")
        return {}

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
        # "yo" and "sí, yo" read as a yes to the NLU: here they are the answer.
        return self._free_text_answer(tracker, "claim_driver")

    def validate_claim_driver(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_driver", value)

    def extract_claim_witnesses(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._free_text_answer(tracker, "claim_witnesses")

    def validate_claim_witnesses(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if str(value).strip().lower().rstrip(".!") in YES_WORDS:  # a bare "sí": who, and how to reach them?
            return reject("claim_witnesses")
        return self._short_text("claim_witnesses", value)

    def extract_claim_third_party_document(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_third_party_document", include_denials=True)

    def validate_claim_third_party_document(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value).strip()
        if len(digits(text)) < 6:  # "no sé", "no lo tengo"
            return self._short_text("claim_third_party_document", value)
        try:
            return {"claim_third_party_document": parse_document(digits(text))[1]}
        except InvalidDocumentNumber:
            return reject("claim_third_party_document")

    def extract_claim_third_party_phone(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_third_party_phone", include_denials=True)

    def validate_claim_third_party_phone(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_phone", value)

    def extract_claim_third_party_policy(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_third_party_policy", include_denials=True)

    def validate_claim_third_party_policy(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_policy", value)

    def extract_claim_third_party_name(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_third_party_name", include_denials=True)

    def validate_claim_third_party_name(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_name", value)

    def extract_claim_third_party_plate(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        plate = entity(tracker, "license_plate")
        if plate and self._asked(tracker, "claim_third_party_plate"):
            return {"claim_third_party_plate": str(plate).upper()}
        return self._text_answer(tracker, "claim_third_party_plate", include_denials=True)

    def validate_claim_third_party_plate(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_plate", value)

    def extract_claim_third_party_insurer(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._text_answer(tracker, "claim_third_party_insurer", include_denials=True)

    def validate_claim_third_party_insurer(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._short_text("claim_third_party_insurer", value)

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

    def extract_claim_photos_done(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if (
            not self._asked(tracker, "claim_photos_done")
            or entity(tracker, "upload_id")
            or entity(tracker, "upload_error")
        ):
            return {}
        answer = yes_no(tracker)
        if isinstance(answer, bool):
            return {"claim_photos_done": True}
        return {"claim_photos_done": answer} if answer else {}

    def validate_claim_photos_done(self, value: Any, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        if value is True or any(word in str(value).lower() for word in DONE_WORDS):
            return {"claim_photos_done": True}
        return reject("claim_photos_done")

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
