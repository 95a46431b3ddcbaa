"""A piece of data typed with nothing asked (intent ``inform`` outside any form), understood as what it is.

* an e-mail: the sign-in starts with it (``pending_request`` = ``sign_in`` and the
  ``email`` slot, which the sign-in form validates at once: the code goes out);
  when the chat is already signed in, the same e-mail is acknowledged and
  another one offers to switch accounts;
* a policy number: what to do with that policy (details, certificate, claim, link);
* a DNI/CUIL/CUIT: linking that client profile is offered (the number is kept
  for the linking form); with a policy number too, a signed-in chat links it
  (the linking form takes both from the message);
* a 6-digit code with no code pending: said kindly, with how to get one.

Anything else (a plate, a place, a file outside a claim) is not understood.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction
from bot.actions.identity import EMAIL_PATTERN, PENDING


def entity(tracker: Tracker, name: str) -> Optional[Any]:
    """The first value of entity ``name`` in the latest message."""
    return next(tracker.get_latest_entity_values(name), None)


class ActionReadLooseValue(ApiAction):
    """Understand an e-mail, a policy number, a DNI/CUIT or a code typed out of context."""

    def name(self) -> str:
        return "action_read_loose_value"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        typed = EMAIL_PATTERN.search((tracker.latest_message or {}).get("text") or "")
        email = entity(tracker, "email") or (typed.group(0) if typed else None)
        if email:
            return await self.email(dispatcher, tracker, str(email).strip().lower())
        policy_number = entity(tracker, "policy_number")
        document_number = entity(tracker, "document_number")
        if policy_number and document_number and tracker.get_slot("verified"):
            # A client's document and a policy together are the linking's data: the form takes both and asks nothing.
            return [SlotSet(PENDING, None), FollowupAction("link_profile_form")]
        if policy_number:
            dispatcher.utter_message(response="utter_loose_policy_number", policy_number=policy_number)
            return [SlotSet("policy_number", policy_number), SlotSet(PENDING, None)]
        if document_number:
            dispatcher.utter_message(response="utter_loose_document_number")
            return [SlotSet("document_number", document_number), SlotSet(PENDING, None)]
        if entity(tracker, "code"):
            signed_in = await call_api(api().whoami, sender(tracker)) is not None
            dispatcher.utter_message(response="utter_loose_code_signed_in" if signed_in else "utter_loose_code")
            return [SlotSet(PENDING, None)]
        dispatcher.utter_message(response="utter_default")
        return [SlotSet(PENDING, None)]

    @staticmethod
    async def email(dispatcher: CollectingDispatcher, tracker: Tracker, email: str) -> list[EventType]:
        user = await call_api(api().whoami, sender(tracker))
        if user is None:
            # The sign-in form validates this e-mail when it starts: the code goes out at once.
            return [SlotSet("email", email), SlotSet(PENDING, "sign_in")]
        if (user.email or "").lower() == email:
            dispatcher.utter_message(response="utter_email_already_signed_in")
        else:
            dispatcher.utter_message(response="utter_email_other_account", email=email)
        return [SlotSet(PENDING, None)]

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return [SlotSet(PENDING, None)]
