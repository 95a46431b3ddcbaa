"""Policies: the list grouped by client and insurer, one policy's details, the coverage certificate."""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import Conflict, Policy
from bot.actions.backend import api, call_api, sender
from bot.actions.base import ApiAction, render
from bot.actions.choices import policy_buttons
from bot.actions.claim.dates import normalise
from bot.actions.claim.reading import policy_from_text
from bot.actions.formatting import day, insured_item, pesos
from bot.actions.satisfaction import ask_if_due
from insurance_rules import compact

STATE_ORDER = {"in_force": 0, "not_started": 1, "expired": 2, "cancelled": 3}
SEARCH_SLOTS = ("policy_number", "license_plate", "client_id")


def state(policy: Policy, today: Optional[date] = None) -> str:
    """in_force, not_started, expired or cancelled: how the user should read the policy today."""
    today = today or date.today()
    if policy.in_force:
        return "in_force"
    if policy.status == "cancelled":
        return "cancelled"
    if policy.status == "active" and policy.start_date and policy.start_date > today:
        return "not_started"
    return "expired"


def by_relevance(policies: list[Policy]) -> list[Policy]:
    """Policies in force first, then the others; stable by client and number inside each state."""
    return sorted(policies, key=lambda p: (STATE_ORDER[state(p)], p.client_name, p.number))


def find_policy(policies: list[Policy], number: Optional[str], plate: Optional[str]) -> Optional[Policy]:
    """The policy the user named by number or by plate (the one in force when a plate has several)."""
    if number:
        key = compact(number)
        return next((p for p in policies if compact(p.number) == key), None)
    if plate:
        key = compact(plate)
        matches = [p for p in by_relevance(policies) if p.plate and compact(p.plate) == key]
        return matches[0] if matches else None
    return None


# How customers name a policy by what it insures ("el certificado de la casa"), by line.
LINE_WORDS = {
    "auto": r"auto|coche",
    "motorcycle": r"moto",
    "home": r"casa|hogar|depto|departamento",
    "business": r"comercio|local|negocio",
    "building": r"consorcio|edificio",
    "life": r"vida",
    "personal_accident": r"accidentes personales",
}


def policy_named_in(text: str, policies: list[Policy]) -> Optional[Policy]:
    """The one policy a message names by plate, number, vehicle ("la moto", "el gol") or what it insures."""
    found = policy_from_text(text, policies)
    if found is not None:
        return found
    said = normalise(text)
    lines = [line for line, words in LINE_WORDS.items() if re.search(rf"\b({words})\b", said)]
    named = [policy for policy in policies if policy.line in lines]
    return named[0] if len(lines) == 1 and len(named) == 1 else None


def reset_search() -> list[EventType]:
    """Forget which policy or client was asked about, so the next question starts clean."""
    return [SlotSet(slot, None) for slot in SEARCH_SLOTS]


class ActionListPolicies(ApiAction):
    """All policies of the linked clients (or of one, from a profile button), grouped by client and insurer."""

    def name(self) -> str:
        return "action_list_policies"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        client_id = str(tracker.get_slot("client_id") or "")
        client = int(client_id) if client_id.isdigit() else None
        policies = await call_api(api().list_policies, sender(tracker), client_id=client)
        if not policies:
            dispatcher.utter_message(response="utter_no_policies")
            return reset_search()
        groups: dict[tuple[str, str], list[Policy]] = {}
        for policy in by_relevance(policies):
            groups.setdefault((policy.client_name, policy.insurer.name), []).append(policy)
        dispatcher.utter_message(response="utter_policies_intro")
        # Groups holding a policy in force come first, so what matters today is on top.
        ordered = sorted(groups.items(), key=lambda item: (STATE_ORDER[state(item[1][0])], item[0]))
        for (client_name, insurer_name), group in ordered:
            lines = "\n".join(policy_line(domain, policy) for policy in group)
            dispatcher.utter_message(
                response="utter_policies_group", client_name=client_name, insurer_name=insurer_name, policies=lines
            )
        return reset_search()

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return reset_search()


def policy_line(domain: DomainDict, policy: Policy) -> str:
    """One line of the policy list, marked in force, expired, cancelled or not started."""
    return render(
        domain,
        f"utter_policy_line_{state(policy)}",
        number=policy.number,
        item=insured_item(policy),
        start_date=day(policy.start_date),
        end_date=day(policy.end_date),
    )


class ActionPolicyDetails(ApiAction):
    """One policy's details, named by number or plate; otherwise a choice among the user's policies."""

    def name(self) -> str:
        return "action_policy_details"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number, plate = tracker.get_slot("policy_number"), tracker.get_slot("license_plate")
        policies = by_relevance(await call_api(api().list_policies, sender(tracker)))
        if not policies:
            dispatcher.utter_message(response="utter_no_policies")
            return reset_search()
        policy = find_policy(policies, number, plate)
        if policy is None and len(policies) == 1 and not (number or plate):
            policy = policies[0]
        if policy is not None:
            self.show(dispatcher, domain, policy)
            return reset_search()
        if number:
            dispatcher.utter_message(response="utter_policy_not_found", policy_number=number)
        elif plate:
            dispatcher.utter_message(response="utter_plate_not_found", license_plate=plate)
        dispatcher.utter_message(
            response="utter_choose_policy_details", buttons=policy_buttons(domain, "policy_details", policies)
        )
        return reset_search()

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return reset_search()

    @staticmethod
    def show(dispatcher: CollectingDispatcher, domain: DomainDict, policy: Policy) -> None:
        current = state(policy)
        buttons = policy_buttons(domain, "request_certificate", [policy]) if current == "in_force" else []
        for button in buttons:
            button["title"] = render(domain, "utter_certificate_button")
        dispatcher.utter_message(
            response=f"utter_policy_details_{current}",
            number=policy.number,
            insurer_name=policy.insurer.name,
            client_name=policy.client_name,
            item=insured_item(policy),
            coverage=policy.coverage,
            start_date=day(policy.start_date),
            end_date=day(policy.end_date),
        )
        if current == "in_force" and policy.monthly_premium is not None:
            dispatcher.utter_message(response="utter_policy_premium", premium=pesos(policy.monthly_premium))
        if buttons:
            dispatcher.utter_message(response="utter_offer_certificate", buttons=buttons)


class ActionSendCertificate(ApiAction):
    """The coverage certificate of a policy in force, sent as a document; a choice when it is not clear which."""

    def name(self) -> str:
        return "action_send_certificate"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        number, plate = tracker.get_slot("policy_number"), tracker.get_slot("license_plate")
        policies = await call_api(api().list_policies, sender(tracker))
        in_force = [p for p in by_relevance(policies) if p.in_force]
        policy = find_policy(policies, number, plate)
        if policy is None and (number or plate):
            if number:
                dispatcher.utter_message(response="utter_policy_not_found", policy_number=number)
            else:
                dispatcher.utter_message(response="utter_plate_not_found", license_plate=plate)
        elif policy is not None and not policy.in_force:
            dispatcher.utter_message(response="utter_certificate_not_in_force", policy_number=policy.number)
            policy = None
        elif policy is None and len(in_force) == 1:
            policy = in_force[0]
        elif policy is None:
            policy = policy_named_in((tracker.latest_message or {}).get("text") or "", in_force)
        if policy is not None:
            if await self.send(dispatcher, tracker, policy):
                return reset_search() + ask_if_due(dispatcher, tracker, "certificate")
        elif not in_force:
            dispatcher.utter_message(response="utter_no_policies_in_force" if policies else "utter_no_policies")
        else:
            dispatcher.utter_message(
                response="utter_choose_policy_certificate",
                buttons=policy_buttons(domain, "request_certificate", in_force),
            )
        return reset_search()

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return reset_search()

    @staticmethod
    async def send(dispatcher: CollectingDispatcher, tracker: Tracker, policy: Policy) -> bool:
        """Send the certificate as a document; whether it was sent."""
        try:
            link = await call_api(api().document_link, sender(tracker), "certificate", policy.number)
        except Conflict:
            dispatcher.utter_message(response="utter_certificate_not_in_force", policy_number=policy.number)
            return False
        document = {"token": link.token, "filename": link.filename, "content_type": link.content_type}
        dispatcher.utter_message(
            response="utter_certificate_ready", policy_number=policy.number, json_message={"document": document}
        )
        return True
