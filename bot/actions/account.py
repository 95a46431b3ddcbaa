"""The Mi Aval account itself: deleting it after a clear confirmation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction
from bot.actions.forms import FAILURES_SLOT, GuidedFormValidationAction, reject


class ValidateDeleteAccountForm(GuidedFormValidationAction):
    """Delete the account: only a clear yes or no goes on."""

    def name(self) -> str:
        return "validate_delete_account_form"

    def validate_confirm_delete(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        return {"confirm_delete": value} if isinstance(value, bool) else reject("confirm_delete")


class ActionDeleteAccount(ApiAction):
    """Submit of delete_account_form: delete when confirmed; client data stays at Aval."""

    def name(self) -> str:
        return "action_delete_account"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("confirm_delete") is not True:
            dispatcher.utter_message(response="utter_account_kept")
            return self.events_on_error(tracker)
        await call_api(api().delete_account, sender(tracker))
        dispatcher.utter_message(response="utter_account_deleted")
        return [SlotSet("verified", False), SlotSet("user_name", None)] + self.events_on_error(tracker)

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return [SlotSet(slot, None) for slot in ("confirm_delete", FAILURES_SLOT, "pending_request")]
