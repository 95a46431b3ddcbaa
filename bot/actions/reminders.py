"""The answer to a reminder's button (``reminder_reply``): a task for an executive with the policy attached.

Reminders are written by the API's scheduler (``miaval_api/services/reminders.py``) and delivered by the
courier; their buttons send ``/reminder_reply{"choice": ..., "policy_number": ...}``. The policy is attached
only when it is one of the customer's (the API says so); the task is a request for a person with the reason
the console lists among its tasks (renewal, policy_change, payment), and the customer is told when to
expect the executive. A claim follow-up's button goes to the claims flow instead (``add_claim_photos``).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import NotFound
from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction
from bot.actions.core import utter_handoff

# Each button: the reason of the task and the sentence that confirms it.
CHOICES = {
    "renew": ("renewal", "utter_reminder_renew_noted"),
    "change": ("policy_change", "utter_reminder_change_noted"),
    "agent": ("renewal", "utter_reminder_executive_noted"),
    "coupon": ("payment", "utter_reminder_coupon_noted"),
}


class ActionReminderReply(ApiAction):
    """Record what the customer chose under a reminder, for an executive, with the policy."""

    def name(self) -> str:
        return "action_reminder_reply"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # From the button's payload; after a sign-in it asked for, from the slots that payload set.
        choice = next(tracker.get_latest_entity_values("choice"), None) or tracker.get_slot("reminder_choice")
        named = next(tracker.get_latest_entity_values("policy_number"), None) or tracker.get_slot("policy_number")
        reason, confirmation = CHOICES.get(str(choice), CHOICES["agent"])
        identity = sender(tracker)
        if not named:  # typed ("te respondo por el recordatorio"): nothing says which policy
            dispatcher.utter_message(response="utter_reminder_no_policy")
            return []
        try:
            policy = await call_api(api().get_policy, identity, str(named))
        except NotFound:
            policy = None
        if policy is None:
            dispatcher.utter_message(response="utter_reminder_policy_unknown")
            return []
        context = {
            "reason": reason,
            "channel": identity.split(":", 1)[0],
            "intent": "reminder_reply",
            "choice": choice,
            "policy_number": policy.number,
        }
        dispatcher.utter_message(response=confirmation, number=policy.number)
        await utter_handoff(dispatcher, tracker, domain, context)
        return []
