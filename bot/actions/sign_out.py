"""Signing out of this chat ("cerrar sesión"): the chat identity is untied from the account, which stays.

The API forgets the identity (and any pending code); the conversation forgets
everything it held about the person and leaves any half-done form. The reply
carries a marker (``{"session": "signed_out"}`` in its custom payload) that the
gateway turns into a field of its own, so that the web chat widget can forget
its history and start a new session without reading the text.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction

SIGNED_OUT_MARKER = {"session": "signed_out"}
# What the chat keeps after signing out: that the privacy notice was shown is about the chat, not the person.
KEPT_SLOTS = frozenset({"privacy_notice_shown", "response_catalogue"})


class ActionSignOut(ApiAction):
    """Untie this chat from its account, forget the conversation's data and say which of the two cases it was."""

    def name(self) -> str:
        return "action_sign_out"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        client = api()
        chat = sender(tracker)
        was_signed_in = await call_api(client.whoami, chat) is not None
        await call_api(client.forget_identity, chat)  # also drops a code still pending for this chat
        response = "utter_signed_out" if was_signed_in else "utter_sign_out_not_signed_in"
        dispatcher.utter_message(response=response, json_message=SIGNED_OUT_MARKER)
        return forget_conversation(tracker)


def forget_conversation(tracker: Tracker) -> list[EventType]:
    """Events that leave any form and clear every slot that may hold something about the person."""
    always = {"requested_slot": None, "pending_request": None, "verified": False}
    events: list[EventType] = [ActiveLoop(None)] + [SlotSet(slot, value) for slot, value in always.items()]
    for slot, value in tracker.slots.items():
        if slot not in KEPT_SLOTS and slot not in always and value is not None:
            events.append(SlotSet(slot, None))
    return events


class ActionSwitchAccount(ApiAction):
    """Use another e-mail or account in this chat: sign out of this one, then the sign-in asks for the e-mail."""

    def name(self) -> str:
        return "action_switch_account"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        chat = sender(tracker)
        if await call_api(api().whoami, chat) is not None:
            await call_api(api().forget_identity, chat)
            dispatcher.utter_message(response="utter_switching_account", json_message=SIGNED_OUT_MARKER)
        else:
            await call_api(api().forget_identity, chat)  # a code pending for the other e-mail no longer counts
        return forget_conversation(tracker) + [SlotSet("pending_request", "sign_in")]
