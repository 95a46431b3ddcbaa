"""The conversation around the flows: session start, greeting and privacy notice, talking to a person."""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, Handoff
from bot.actions import satisfaction
from bot.actions.backend import api, call_api, sender
from bot.actions.claim.draft import DRAFT_SLOTS
from bot.actions.formatting import duration

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")  # the desk opens on these
CODE_PATTERN = re.compile(r"(?<!\d)\d{3}\s?\d{3}(?!\d)")
# How a handoff's reason reads in Aval's staff console, by the intent that led to it.
HANDOFF_REASONS = {"ask_payment": "payment", "policy_renewal": "renewal", "quote_request": "quote"}


class ActionSessionStart(Action):
    """A new session asks the API who the user is; nothing from the last session is trusted
    about the user. A half-reported claim is carried over, so it is never lost: asking to
    report a claim again resumes it with what was already said. A conversation an executive
    has (paused) stays paused, and silent: only their handback resumes it.

    The session starts with the hello (by name when verified) and, the first time for
    this chat identity, the privacy notice: the session starts when the user's first
    message arrives, so whatever that message asks ("hola, quiero ver mis pólizas")
    is served right after them, by its own rules."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            user = await call_api(api().whoami, sender(tracker))
        except ApiError:
            user = None  # the API is down: every data action asks again and says so
        events: list[EventType] = [
            SessionStarted(),
            SlotSet("verified", user is not None),
            SlotSet("user_name", user.name if user else None),
        ]
        events.extend(
            SlotSet(name, tracker.get_slot(name))
            for name in (*DRAFT_SLOTS, *satisfaction.CARRIED_SLOTS)
            if tracker.get_slot(name) is not None
        )
        if taken_by_staff(tracker):
            return [*events, ConversationPaused(), ActionExecuted("action_listen")]
        utter_hello(dispatcher, user.name if user else None)
        # A verified identity went through sign-in, where the notice had been shown.
        if user is None and not privacy_notice_was_shown(tracker):
            dispatcher.utter_message(response="utter_privacy_notice")
        events.append(SlotSet("privacy_notice_shown", True))
        events.append(ActionExecuted("action_listen"))
        return events


def taken_by_staff(tracker: Tracker) -> bool:
    """Whether the last session ended paused (an executive took it, ``channels/courier.py``, and has not
    handed it back): a new session must not let the assistant speak in the middle of their conversation."""
    for event in reversed(tracker.events):
        if event.get("event") == "pause":
            return True
        if event.get("event") == "resume":
            return False
    return False


def utter_hello(dispatcher: CollectingDispatcher, name: Optional[str]) -> None:
    """Hello, by name when the user is known."""
    if name:
        dispatcher.utter_message(response="utter_greet_name", user_name=name)
    else:
        dispatcher.utter_message(response="utter_greet")


def first_message_of_session(tracker: Tracker) -> bool:
    """Whether the latest user message is the first of this session (the session start said hello)."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return users <= 1
        if event.get("event") == "user":
            users += 1
    return False


def privacy_notice_was_shown(tracker: Tracker) -> bool:
    """Whether an earlier session of this chat identity already showed the privacy notice."""
    return any(
        event.get("event") == "slot" and event.get("name") == "privacy_notice_shown" and event.get("value")
        for event in tracker.events
    )


class ActionGreet(Action):
    """Hello, the privacy notice the first time for this chat identity, then the menu.

    On the first message of a session the session start has already said hello
    (and shown the notice when due): only the menu follows."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events: list[EventType] = []
        if not first_message_of_session(tracker):
            utter_hello(dispatcher, tracker.get_slot("user_name") if tracker.get_slot("verified") else None)
        if not tracker.get_slot("privacy_notice_shown"):
            dispatcher.utter_message(response="utter_privacy_notice")
            events.append(SlotSet("privacy_notice_shown", True))
        dispatcher.utter_message(response="utter_menu")
        return events


class ActionHumanHandoff(Action):
    """Ask for a person (why, from which channel, where the conversation stood) and say when they answer.

    The request carries no copy of the conversation: Aval's console reads it from
    Rasa's tracker store. Outside office hours the API says when the desk opens,
    and the request waits for the console.
    """

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await utter_handoff(dispatcher, tracker, domain, handoff_context(tracker))
        return []


async def utter_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, context: dict[str, Any]
) -> None:
    """Record a request for a person (``context["reason"]`` names why) and say when to expect contact."""
    try:
        handoff = await call_api(api().request_handoff, sender(tracker), context["reason"], context)
    except ApiError:
        dispatcher.utter_message(response="utter_handoff_failed")
        return
    response = handoff_response(handoff)
    if response not in domain.get("responses", {}):
        response = "utter_handoff_requested"
    if response == WITHIN_ANSWER_TIME:
        dispatcher.utter_message(response=response, answer_within=duration(handoff.answer_within_minutes or 0))
    else:
        dispatcher.utter_message(response=response)


WITHIN_ANSWER_TIME = "utter_handoff_within_answer_time"


def handoff_response(handoff: Handoff) -> str:
    """Which sentence says when a person answers: within Aval's answer time, or from the desk's next opening.

    The answer time is Aval's setting, sent by the API (``answer_within_minutes``); without it no time is promised.
    """
    if handoff.expected_contact == "within_answer_time":
        return WITHIN_ANSWER_TIME if handoff.answer_within_minutes else "utter_handoff_requested"
    if handoff.answer_from is None:
        return f"utter_handoff_{handoff.expected_contact}"
    days = handoff.answer_in_days
    if days == 0:
        return "utter_handoff_answer_today"
    if days == 1:
        return "utter_handoff_answer_tomorrow"
    if days is not None and days < 7 and handoff.answer_from.weekday() < len(WEEKDAYS):
        return f"utter_handoff_answer_{WEEKDAYS[handoff.answer_from.weekday()]}"
    return "utter_handoff_next_business_day"


def handoff_context(tracker: Tracker) -> dict[str, Any]:
    """What a person needs to pick up the conversation besides the conversation itself (read from the tracker store):
    why it was handed over, the channel, the intent that led there and the form that was going on."""
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]
    intents = [intent for intent in intents if intent]
    earlier = [intent for intent in intents[:-1] if intent != "human_handoff"]
    reason = earlier[-1] if earlier else "human_handoff"
    return {
        "reason": HANDOFF_REASONS.get(reason, reason),
        "channel": sender(tracker).split(":", 1)[0],
        "intent": intents[-1] if intents else None,
        "active_form": (tracker.active_loop or {}).get("name"),
        "requested_slot": tracker.get_slot("requested_slot"),
    }
