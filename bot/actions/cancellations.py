"""Asking to cancel a policy: the assistant records the request for Aval's executives.

Only an executive cancels, and only with the insured's written confirmation (a
signed letter or an e-mail from the insured: an accountant or HR user is not
the insured). The user picks the policy (buttons from their own policies in
force), optionally says why (buttons), and the API records the request once.
"""

from __future__ import annotations

import json
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import NotFound, Policy, RateLimited
from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction, render
from bot.actions.choices import MAX_BUTTONS, fits
from bot.actions.formatting import insured_item
from bot.actions.policies import by_relevance, find_policy, policy_named_in, reset_search, state

INTENT = "cancel_policy"
# The buttons' short codes (payloads must fit Telegram's 64 bytes) and the reason the API records.
REASONS = {"moved": "moved_or_sold", "price": "price", "unneeded": "not_needed", "other": "other"}
SKIP = "skip"  # "Prefiero no decirlo": recorded without a reason
CANCELLABLE = ("in_force", "not_started")


def choice_payload(policy_number: str, reason: Optional[str] = None) -> str:
    """``/cancel_policy{...}`` naming the policy (and the reason): the button asks again with them set."""
    entities = {"policy_number": policy_number}
    if reason is not None:
        entities["why"] = reason
    return f"/{INTENT}" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def policy_choices(domain: DomainDict, policies: list[Policy]) -> list[dict[str, str]]:
    """One button per policy that may be cancelled; those whose payload would not fit are left out."""
    buttons = []
    for policy in policies:
        payload = choice_payload(policy.number)
        if fits(payload):
            title = render(domain, "utter_policy_button", number=policy.number, item=insured_item(policy))
            buttons.append({"title": title, "payload": payload})
    return buttons[:MAX_BUTTONS]


def reason_choices(domain: DomainDict, policy_number: str) -> list[dict[str, str]]:
    """The reasons to choose from, and "prefer not to say"; empty when a payload would not fit."""
    buttons = [
        {"title": render(domain, f"utter_cancel_reason_{reason}"), "payload": choice_payload(policy_number, reason)}
        for reason in (*REASONS, SKIP)
    ]
    return buttons if all(fits(button["payload"]) for button in buttons) else []


def forget() -> list[EventType]:
    """Forget the policy and reason asked about, so the next request starts clean."""
    return reset_search() + [SlotSet("cancel_reason", None)]


class ActionRequestCancellation(ApiAction):
    """Which policy, then why (optional), then the request is recorded and the user told what comes next."""

    def name(self) -> str:
        return "action_request_cancellation"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number, plate = tracker.get_slot("policy_number"), tracker.get_slot("license_plate")
        reason = tracker.get_slot("cancel_reason")
        policies = by_relevance(await call_api(api().list_policies, sender(tracker)))
        cancellable = [policy for policy in policies if state(policy) in CANCELLABLE]
        policy = find_policy(policies, number, plate)
        if policy is None and not (number or plate):
            policy = policy_named_in((tracker.latest_message or {}).get("text") or "", cancellable)
        if policy is not None and policy not in cancellable:
            dispatcher.utter_message(response="utter_cancel_not_active", policy_number=policy.number)
            return forget()
        if policy is None:
            if number:
                dispatcher.utter_message(response="utter_policy_not_found", policy_number=number)
            elif plate:
                dispatcher.utter_message(response="utter_plate_not_found", license_plate=plate)
            if cancellable:
                dispatcher.utter_message(
                    response="utter_cancel_choose_policy", buttons=policy_choices(domain, cancellable)
                )
            else:
                dispatcher.utter_message(response="utter_cancel_no_policies")
            return forget()
        reasons = reason_choices(domain, policy.number)
        if reason not in (*REASONS, SKIP) and reasons:
            dispatcher.utter_message(response="utter_cancel_ask_reason", policy_number=policy.number, buttons=reasons)
            return forget()
        await self.record(dispatcher, tracker, policy, REASONS.get(reason))
        return forget()

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return forget()

    @staticmethod
    async def record(dispatcher: CollectingDispatcher, tracker: Tracker, policy: Policy, reason: Optional[str]) -> None:
        try:
            request = await call_api(api().request_cancellation, sender(tracker), policy.number, reason)
        except NotFound:
            dispatcher.utter_message(response="utter_policy_not_found", policy_number=policy.number)
            return
        except RateLimited:
            dispatcher.utter_message(response="utter_cancel_too_many")
            return
        response = "utter_cancel_requested" if request.created else "utter_cancel_already_requested"
        dispatcher.utter_message(response=response, policy_number=request.policy_number)
