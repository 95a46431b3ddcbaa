"""Satisfaction: "¿Te sirvió?" once a flow ended, and the answer.

:func:`ask_if_due` is called by the action that ends a flow (the claim filed,
the certificate sent): it asks, with 👍/👎 buttons (WhatsApp shows them as
"1"/"2"), unless a form is going on or this chat was asked in the last
``ONCE_EVERY_SECONDS`` (the slot ``satisfaction_asked_at`` is carried to new
sessions by ``action_session_start``). The answer (intent ``rate_help``, entity
``helpful``) is answered here and recorded with the flow from the event stream
by the conversation facts consumer (conversation_facts/facts.py).
"""

from __future__ import annotations

import time
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FLOW_SLOT = "satisfaction_flow"
ASKED_AT_SLOT = "satisfaction_asked_at"
ONCE_EVERY_SECONDS = 24 * 3600
# Slots action_session_start carries to a new session.
CARRIED_SLOTS = (ASKED_AT_SLOT,)


def ask_if_due(
    dispatcher: CollectingDispatcher, tracker: Tracker, flow: str, now: Optional[float] = None
) -> list[EventType]:
    """Ask whether ``flow`` helped, unless a form is active or this chat was asked in the last day."""
    if tracker.active_loop_name:
        return []
    now = time.time() if now is None else now
    asked: Any = tracker.get_slot(ASKED_AT_SLOT)
    if isinstance(asked, (int, float)) and now - asked < ONCE_EVERY_SECONDS:
        return []
    dispatcher.utter_message(response="utter_ask_satisfaction")
    return [SlotSet(FLOW_SLOT, flow), SlotSet(ASKED_AT_SLOT, now)]


class ActionRecordSatisfaction(Action):
    """Thanks for the answer (and offers a person after a "no"); the flow is forgotten: one answer per question."""

    def name(self) -> str:
        return "action_record_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        helpful = next(tracker.get_latest_entity_values("helpful"), None)
        response = "utter_satisfaction_sorry" if helpful == "no" else "utter_satisfaction_thanks"
        dispatcher.utter_message(response=response)
        return [SlotSet(FLOW_SLOT, None)]
