"""Submitting the confirmed claim: the API creates it once (idempotency key), then the receipt is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, BackendUnavailable, Conflict, InvalidRequest
from bot.actions.backend import api, call_api, response_for_error, sender
from bot.actions.claim.draft import DRAFT_SLOTS, draft_from_slots
from bot.actions.satisfaction import ask_if_due
from insurance_rules import ARGENTINA


def reset_draft() -> list[EventType]:
    """Forget the draft (after the claim exists, or when the user leaves it)."""
    return [SlotSet(slot, None) for slot in DRAFT_SLOTS]


class ActionSubmitClaim(Action):
    """Creates the claim from the confirmed draft; keeps the draft when the API is down."""

    def name(self) -> str:
        return "action_submit_claim"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        key = slots.get("claim_idempotency_key")
        if not (slots.get("claim_confirmed") and key):
            return []  # the form ended without a confirmed summary (no policies, user left): nothing to send
        identity = sender(tracker)
        try:
            claim = await call_api(api().create_claim, identity, draft_from_slots(slots), key)
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_claim_kept")
            return []
        except Conflict as error:
            if error.code != "policy_not_in_force":
                dispatcher.utter_message(response=response_for_error(error))
                return []
            await self._policy_gone(dispatcher, identity, slots.get("claim_policy"), slots.get("claim_occurred_at"))
            return reset_draft()
        except InvalidRequest:
            dispatcher.utter_message(response="utter_claim_not_accepted")
            return reset_draft()
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            return []
        dispatcher.utter_message(
            response="utter_claim_created",
            claim_number=claim.number,
            insurer_name=claim.insurer.name,
            claims_phone=claim.insurer.claims_phone,
        )
        # A late report was said before confirming (utter_claim_notice_deadline_passed), not after.
        await self._send_receipt(dispatcher, identity, claim.number)
        return reset_draft() + [SlotSet("form_failures", None)] + ask_if_due(dispatcher, tracker, "claim")

    @staticmethod
    async def _policy_gone(
        dispatcher: CollectingDispatcher, identity: str, number: Optional[str], occurred_at: Optional[str]
    ) -> None:
        """The API found the policy was not in force on the day of the loss: say so, with that day."""
        date = datetime.fromisoformat(occurred_at).astimezone(ARGENTINA).strftime("%d/%m/%Y") if occurred_at else ""
        try:
            policy = await call_api(api().get_policy, identity, number)
        except ApiError:
            dispatcher.utter_message(
                response="utter_claim_policy_not_in_force_no_phone", policy_number=number, date=date
            )
            return
        insurer_name, claims_phone = policy.insurer.name, policy.insurer.claims_phone
        dispatcher.utter_message(
            response="utter_claim_policy_not_in_force",
            policy_number=number,
            date=date,
            insurer_name=insurer_name,
            claims_phone=claims_phone,
        )

    @staticmethod
    async def _send_receipt(dispatcher: CollectingDispatcher, identity: str, claim_number: str) -> None:
        """The receipt as a document message (the API also e-mailed it, so a failure here loses nothing)."""
        try:
            link = await call_api(api().document_link, identity, "claim_receipt", claim_number)
        except ApiError:
            return
        dispatcher.utter_message(
            response="utter_claim_receipt",
            json_message={
                "document": {"token": link.token, "filename": link.filename, "content_type": link.content_type}
            },
        )
