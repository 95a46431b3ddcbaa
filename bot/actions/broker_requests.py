"""What a broker's customers ask beyond the help section: paying, renewing, quoting, English.

* Paying (``ask_payment``): which insurer each policy in force is paid to and its
  monthly premium (when the chat is verified), and a button to have an executive
  send the payment coupon (a handoff with reason ``payment``).
* Renewing (``policy_renewal``): the real expiry dates and insurers of the
  user's policies, how renewal works, and a button to an executive (``renewal``).
* Quotes (``quote_request``): a new insurance or a change to a policy is always
  prepared by an executive, so the request is recorded at once as a handoff
  with reason ``quote`` or ``policy_change``.
* English (``english``): a fixed reply in English (a response in the domain).

``serve`` answers one of these intents; the standalone actions and the
interruption of a form (``bot/actions/interruptions.py``) both use it.
"""

from __future__ import annotations

import re
from abc import ABC
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, Policy
from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction, render
from bot.actions.core import handoff_context, utter_handoff
from bot.actions.formatting import day, insured_item, pesos
from bot.actions.policies import by_relevance, state

BROKER_INTENTS = ("ask_payment", "policy_renewal", "quote_request", "english")
# A quote for something already insured: a change of car, address, driver or coverage.
CHANGE_WORDS = re.compile(
    r"\b(cambi\w*|modific\w*|mud\w*|agreg\w*|sum\w*|inclu\w*|pasar|conductor\w*|domicilio|direcci[oó]n|"
    r"mejorar|bajar|vend\w*)\b",
    re.IGNORECASE,
)


def quote_reason(text: str) -> str:
    """``policy_change`` when the message asks to change a policy, else ``quote`` (a new insurance)."""
    return "policy_change" if CHANGE_WORDS.search(text or "") else "quote"


async def verified_policies(tracker: Tracker) -> Optional[list[Policy]]:
    """The user's policies when this chat is verified; None when it is not (or the API cannot say)."""
    try:
        if await call_api(api().whoami, sender(tracker)) is None:
            return None
        return by_relevance(await call_api(api().list_policies, sender(tracker)))
    except ApiError:
        return None


async def serve(intent: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """Answer ``ask_payment``, ``policy_renewal``, ``quote_request`` or ``english``."""
    if intent == "ask_payment":
        await payment(dispatcher, tracker, domain)
    elif intent == "policy_renewal":
        await renewal(dispatcher, tracker, domain)
    elif intent == "quote_request":
        await quote(dispatcher, tracker, domain)
    else:
        dispatcher.utter_message(response="utter_english")


async def payment(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """To whom each policy in force is paid, and the way to the payment coupon."""
    policies = [p for p in (await verified_policies(tracker)) or [] if state(p) == "in_force"]
    if not policies:
        dispatcher.utter_message(response="utter_payment_how")
        return
    lines = "\n".join(payment_line(domain, policy) for policy in policies)
    dispatcher.utter_message(response="utter_payment_policies", policies=lines)
    dispatcher.utter_message(response="utter_payment_ask_executive")


def payment_line(domain: DomainDict, policy: Policy) -> str:
    """One policy in force: number, insured item, insurer and (when known) monthly premium."""
    values = {"number": policy.number, "item": insured_item(policy), "insurer_name": policy.insurer.name}
    if policy.monthly_premium is None:
        return render(domain, "utter_payment_policy_line_no_premium", **values)
    return render(domain, "utter_payment_policy_line", premium=pesos(policy.monthly_premium), **values)


async def renewal(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """The real expiry dates and insurers (verified), how renewal works and the way to an executive."""
    policies = await verified_policies(tracker)
    if policies is None:
        dispatcher.utter_message(response="utter_renewal_sign_in")
        return
    shown = [p for p in policies if state(p) != "cancelled"]
    if not shown:
        dispatcher.utter_message(response="utter_renewal_no_policies")
        return
    lines = "\n".join(renewal_line(domain, policy) for policy in shown)
    dispatcher.utter_message(response="utter_renewal_dates", policies=lines)
    dispatcher.utter_message(response="utter_renewal_how")


def renewal_line(domain: DomainDict, policy: Policy) -> str:
    """One policy with its insurer and when it expires (or expired, or starts)."""
    return render(
        domain,
        f"utter_renewal_line_{state(policy)}",
        number=policy.number,
        item=insured_item(policy),
        insurer_name=policy.insurer.name,
        start_date=day(policy.start_date),
        end_date=day(policy.end_date),
    )


async def quote(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """Record the quote (or policy change) for an executive, with the conversation, and say when to expect them."""
    context = handoff_context(tracker)
    text = (tracker.latest_message or {}).get("text") or ""
    context["reason"] = quote_reason(text)
    dispatcher.utter_message(response="utter_quote_intro")
    await utter_handoff(dispatcher, tracker, domain, context)


class BrokerRequestAction(ApiAction, ABC):
    """One of the broker requests: ``action_<intent>`` answers ``intent``."""

    intent = ""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await serve(self.intent, dispatcher, tracker, domain)
        return []


class ActionAskPayment(BrokerRequestAction):
    """How to pay, to whom, and the payment coupon through an executive."""

    intent = "ask_payment"

    def name(self) -> str:
        return "action_ask_payment"


class ActionPolicyRenewal(BrokerRequestAction):
    """When each policy expires and how renewal works."""

    intent = "policy_renewal"

    def name(self) -> str:
        return "action_policy_renewal"


class ActionQuoteRequest(BrokerRequestAction):
    """A quote or a change to a policy, recorded for an executive."""

    intent = "quote_request"

    def name(self) -> str:
        return "action_quote_request"
