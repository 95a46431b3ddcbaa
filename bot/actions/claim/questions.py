"""The claim form's questions that are chosen, not fixed: which policy (the API), whether anyone was hurt (with
whether the vehicle can be driven, when both are unknown), and the other party's data (all, then "¿algo más?")."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, Policy
from bot.actions.backend import response_for_error
from bot.actions.claim.draft import questions
from bot.actions.claim.form import fetch_claimable
from bot.actions.claim.reading import suited_to
from bot.actions.claim.templates import payload, template
from insurance_rules import insured_item


def policy_button_title(domain: DomainDict, policy: Policy) -> str:
    """A policy as its button shows it: the vehicle and plate, or the insured address, and the number."""
    item = insured_item(policy.insured_item)
    if policy.insured_item.get("vehicle"):
        name, plate = item.short_name, item.plate
        response = {
            (True, True): "utter_claim_policy_button_vehicle",
            (True, False): "utter_claim_policy_button_vehicle_no_plate",
            (False, True): "utter_claim_policy_button_plate_only",
            (False, False): "utter_claim_policy_button_unnamed",
        }[(bool(name), bool(plate))]
        return template(domain, response, vehicle=name, plate=plate, policy_number=policy.number)
    return template(
        domain, "utter_claim_policy_button_property", address=item.address or policy.coverage,
        policy_number=policy.number,
    )


class ActionAskClaimPolicy(Action):
    """Asks which policy: buttons of the policies in force, grouped by client when there are several."""

    def name(self) -> str:
        return "action_ask_claim_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            policies = await fetch_claimable(tracker)
            policies = suited_to(policies, tracker.get_slot("claim_type"))
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            return [SlotSet("requested_slot", None)]
        if not policies:
            dispatcher.utter_message(response="utter_claim_no_policies")
            return [SlotSet("requested_slot", None)]
        clients: dict[int, list[Policy]] = {}
        for policy in policies:
            clients.setdefault(policy.client_id, []).append(policy)

        def buttons(group: list[Policy]) -> list[dict[str, str]]:
            return [
                {"title": policy_button_title(domain, item), "payload": payload("inform", policy_number=item.number)}
                for item in group
            ]

        if len(clients) == 1:
            dispatcher.utter_message(response="utter_ask_claim_policy", buttons=buttons(policies))
            return []
        dispatcher.utter_message(response="utter_ask_claim_policy")
        for group in clients.values():
            dispatcher.utter_message(
                response="utter_claim_policies_of_client", client_name=group[0].client_name, buttons=buttons(group)
            )
        return []


class ActionAskClaimInjured(Action):
    """Asks whether anyone was hurt, and whether the vehicle can be driven in the same question when that is
    unknown too and the line asks it (a person asks both at once)."""

    def name(self) -> str:
        return "action_ask_claim_injured"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        both = "claim_vehicle_drivable" in questions(slots) and slots.get("claim_vehicle_drivable") is None
        dispatcher.utter_message(response="utter_ask_claim_injured_and_drivable" if both else "utter_ask_claim_injured")
        return []


class ActionAskClaimThirdPartyDone(Action):
    """Asks for the other party's data in one question; after a partial answer, only whether there is more."""

    def name(self) -> str:
        return "action_ask_claim_third_party_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        partly = tracker.get_slot("claim_third_party_done") is False
        response = "utter_claim_third_party_more" if partly else "utter_ask_claim_third_party_done"
        dispatcher.utter_message(response=response)
        return []
