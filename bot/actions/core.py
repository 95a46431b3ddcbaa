"""The conversation around the flows: session start, greeting and privacy notice, talking to a person."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError
from bot.actions.backend import api, sender
from bot.actions.claim.draft import DRAFT_SLOTS

HANDOFF_MESSAGES = 8  # how many of the last messages travel with a handoff
CODE_PATTERN = re.compile(r"(?<!\d)\d{3}\s?\d{3}(?!\d)")


class ActionSessionStart(Action):
    """A new session asks the API who the user is; nothing from the last session is trusted
    about the user. A half-reported claim is carried over, so it is never lost: asking to
    report a claim again resumes it with what was already said."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            user = api().whoami(sender(tracker))
        except ApiError:
            user = None  # the API is down: every data action asks again and says so
        events: list[EventType] = [
            SessionStarted(),
            SlotSet("verified", user is not None),
            SlotSet("user_name", user.name if user else None),
        ]
        events.extend(
            SlotSet(name, tracker.get_slot(name)) for name in DRAFT_SLOTS if tracker.get_slot(name) is not None
        )
        # A verified identity went through sign-in, where the notice had been shown.
        if user is not None or privacy_notice_was_shown(tracker):
            events.append(SlotSet("privacy_notice_shown", True))
        events.append(ActionExecuted("action_listen"))
        return events


def privacy_notice_was_shown(tracker: Tracker) -> bool:
    """Whether an earlier session of this chat identity already showed the privacy notice."""
    return any(
        event.get("event") == "slot" and event.get("name") == "privacy_notice_shown" and event.get("value")
        for event in tracker.events
    )


class ActionGreet(Action):
    """Hello, the privacy notice the first time for this chat identity, then the menu."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events: list[EventType] = []
        name = tracker.get_slot("user_name") if tracker.get_slot("verified") else None
        if name:
            dispatcher.utter_message(response="utter_greet_name", user_name=name)
        else:
            dispatcher.utter_message(response="utter_greet")
        if not tracker.get_slot("privacy_notice_shown"):
            dispatcher.utter_message(response="utter_privacy_notice")
            events.append(SlotSet("privacy_notice_shown", True))
        dispatcher.utter_message(response="utter_menu")
        return events


class ActionHumanHandoff(Action):
    """Ask for a person, with the conversation's context, and say when to expect contact."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        context = handoff_context(tracker)
        try:
            handoff = api().request_handoff(sender(tracker), context["reason"], context)
        except ApiError:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        response = f"utter_handoff_{handoff.expected_contact}"
        if response not in domain.get("responses", {}):
            response = "utter_handoff_requested"
        dispatcher.utter_message(response=response)
        return []


def handoff_context(tracker: Tracker) -> dict[str, Any]:
    """What a person needs to pick up the conversation: last messages, intent, form; one-time codes removed."""
    messages: list[dict[str, str]] = []
    intents: list[str] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            if intent:
                intents.append(intent)
            text = event.get("text") or ""
            if not text.startswith("/"):
                messages.append({"from": "user", "text": CODE_PATTERN.sub("******", text)})
        elif kind == "bot" and event.get("text"):
            messages.append({"from": "assistant", "text": event["text"]})
    earlier = [intent for intent in intents[:-1] if intent != "human_handoff"]
    return {
        "reason": earlier[-1] if earlier else "human_handoff",
        "intent": intents[-1] if intents else None,
        "active_form": (tracker.active_loop or {}).get("name"),
        "requested_slot": tracker.get_slot("requested_slot"),
        "last_messages": messages[-HANDOFF_MESSAGES:],
    }
