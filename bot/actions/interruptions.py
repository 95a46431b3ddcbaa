"""A different request in the middle of a form: served, or the user is asked whether to leave the form.

Never the form's complaint about an answer that was not an answer. The form's
validation action (``GuidedFormValidationAction`` in ``bot/actions/forms.py``)
calls ``interruption_events`` first: when the message is another request
(its intent, with confidence, and no entity that answers the question asked),
the form steps aside for this turn and one of two actions follows:

* ``action_serve_interruption`` answers what can be answered without leaving
  (payments, renewals, quotes, English, help; inside the sign-in, a
  request that needs sign-in is remembered in ``pending_request`` and served
  right after it; "usar otro mail" asks for the e-mail again), and the form
  asks its question again (rules in ``bot/data/interruptions.yml``);
* ``action_offer_leave_form`` asks whether to leave the form for the new
  request; "Sí, dejarlo" (``/stop``) leaves it and ``action_leave_form`` goes
  on with the request (``resume_events``), "No, sigamos" goes on with the form.
  A confirmation (a slot a yes fills, like "¿Borro tu cuenta?") is never
  offered a yes: the form is left at once ("no cambié nada") and the request served.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActionExecutionRejected, EventType, FollowupAction, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import broker_requests

INTERRUPTED = "interrupted_request"
CONFIDENT = 0.7
# When the form also read the message as an answer ("Pampa Seguros" to "¿en qué aseguradora
# está?"), only a sure, whole request ("quiero ver mis polizas") is taken for another request.
SURE, MIN_WORDS = 0.95, 3
# Answered in place: the form goes on right after.
SERVED_IN_PLACE = frozenset({*broker_requests.BROKER_INTENTS, "help"})
# Requests with flows of their own: inside the sign-in they wait for it, elsewhere the user chooses.
FLOWS = frozenset(
    {
        "list_policies",
        "policy_details",
        "request_certificate",
        "link_client_profile",
        "list_client_profiles",
        "unlink_client_profile",
        "delete_account",
        "report_claim",
        "claim_status",
        "roadside_assistance",
        "useful_phones",
        "cancel_policy",
        "switch_account",
    }
)
# The request that started each form is an answer to it, not an interruption.
OWN_INTENTS = {
    "sign_in_form": {"sign_in"},
    "link_profile_form": {"link_client_profile"},
    "unlink_profile_form": {"unlink_client_profile"},
    "delete_account_form": {"delete_account"},
    "claim_form": {"report_claim"},
}


def latest_intent(tracker: Tracker) -> tuple[Optional[str], float]:
    """The intent of the latest message and its confidence."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def answers_requested_slot(tracker: Tracker, domain: DomainDict) -> bool:
    """Whether the latest message holds an entity that fills the slot the form asked for."""
    requested = tracker.get_slot("requested_slot")
    mappings = domain.get("slots", {}).get(requested or "", {}).get("mappings", [])
    wanted = {m.get("entity") for m in mappings if m.get("type") == "from_entity"}
    entities = {e.get("entity") for e in (tracker.latest_message or {}).get("entities") or []}
    return bool(wanted & entities)


def interruption_events(
    form: str, tracker: Tracker, domain: DomainDict, read_as_answer: bool = False
) -> Optional[list[EventType]]:
    """Events that make the form step aside for another request, or None when the message answers the form.

    ``read_as_answer``: the form's mappings or extractors took a value for the slot asked from this message.
    """
    intent, confidence = latest_intent(tracker)
    if intent is None or confidence < CONFIDENT or intent in OWN_INTENTS.get(form, set()):
        return None
    words = len(((tracker.latest_message or {}).get("text") or "").split())
    if read_as_answer and (confidence < SURE or words < MIN_WORDS):
        return None
    if not reading_a_new_message(tracker, form):
        return None  # back to the form after the request was served: the form just asks again
    if not tracker.get_slot("requested_slot") or answers_requested_slot(tracker, domain):
        return None
    if intent in SERVED_IN_PLACE or (form == "sign_in_form" and served_in_sign_in(intent, domain)):
        return [ActionExecutionRejected(form), FollowupAction("action_serve_interruption")]
    if intent not in FLOWS:
        return None
    if answered_by_yes_or_no(tracker, domain):
        # A confirmation ("¿Borro tu cuenta?") answered with another request: nothing is
        # confirmed, the form is left and the request served (a "sí" to an offer would confirm).
        return [SlotSet(INTERRUPTED, intent), ActionExecutionRejected(form), FollowupAction("action_leave_form")]
    return [ActionExecutionRejected(form), FollowupAction("action_offer_leave_form")]


def reading_a_new_message(tracker: Tracker, form: str) -> bool:
    """Whether the form runs on the user's latest message (not coming back to it after another action).

    Rasa calls the validation action in both cases; the tracker it sends ends with the form's own action.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") != form:
            return event.get("name") == "action_listen"
    return False


def answered_by_yes_or_no(tracker: Tracker, domain: DomainDict) -> bool:
    """Whether the slot asked for is filled by a yes or a no (a confirmation of the form)."""
    requested = tracker.get_slot("requested_slot") or ""
    mappings = domain.get("slots", {}).get(requested, {}).get("mappings", [])
    return any(m.get("type") == "from_intent" and m.get("intent") in ("affirm", "deny") for m in mappings)


def served_in_sign_in(intent: str, domain: DomainDict) -> bool:
    """Requests the sign-in serves without leaving: those that wait for it, a cancellation, another e-mail."""
    waiting = set(domain["slots"]["pending_request"].get("values", []))
    return intent in waiting or intent in ("cancel_policy", "switch_account")


class ActionServeInterruption(Action):
    """Serve a request made in the middle of a form without leaving it (the form asks again next)."""

    def name(self) -> str:
        return "action_serve_interruption"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        if intent in broker_requests.BROKER_INTENTS:
            await broker_requests.serve(intent, dispatcher, tracker, domain)
            return []
        if intent == "help":
            dispatcher.utter_message(response="utter_help")
            return []
        if intent == "switch_account":
            # Inside the sign-in: another e-mail, asked for again (a code sent to the old one is replaced).
            return [SlotSet("email", None), SlotSet("email_masked", None), SlotSet("code", None)]
        if intent == "cancel_policy":
            dispatcher.utter_message(response="utter_cancel_only_executive")
            return []
        pending = set(domain["slots"]["pending_request"].get("values", []))
        if intent in pending:
            dispatcher.utter_message(response="utter_sign_in_pending_request")
            return [SlotSet("pending_request", intent)]
        dispatcher.utter_message(response="utter_sign_in_first")
        return []


class ActionOfferLeaveForm(Action):
    """Ask whether to leave the form for the request just made (remembered in ``interrupted_request``)."""

    def name(self) -> str:
        return "action_offer_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        dispatcher.utter_message(response="utter_ask_leave_form")
        return [SlotSet(INTERRUPTED, intent)]


def resume_events(tracker: Tracker) -> list[EventType]:
    """After leaving a form for a request the user made in it: that request, as if just said.

    Either the user chose to leave after ``action_offer_leave_form``, or the request
    answered a confirmation and the form was left for it right away."""
    intent = tracker.get_slot(INTERRUPTED)
    if not intent:
        return []
    if last_bot_action(tracker) != "action_offer_leave_form" and latest_intent(tracker)[0] != intent:
        return []
    parse_data: dict[str, Any] = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "text": f"/{intent}",
    }
    return [ActionExecuted("action_listen"), UserUttered(f"/{intent}", parse_data)]


def last_bot_action(tracker: Tracker) -> Optional[str]:
    """The last action before the latest user message, other than listening."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None
