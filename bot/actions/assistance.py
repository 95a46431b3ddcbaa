"""Roadside assistance (the phone of the insurer of the user's vehicle) and useful phones."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, NotVerified, Policy
from bot.actions.backend import api, call_api, response_for_error, sender
from bot.actions.claim.reading import plate_key, policy_by_reference, policy_from_text
from bot.actions.claim.templates import payload, template
from bot.actions.policies import reset_search
from insurance_rules import insured_item


def vehicle_name(policy: Policy) -> str:
    """The vehicle's make and model ("Honda Wave"), or "" when the portfolio does not say."""
    return insured_item(policy.insured_item).short_name


def by_known(response: str, vehicle: str, plate: Optional[str]) -> str:
    """``response`` or its variant for what is known of the vehicle (name, plate, both or neither)."""
    suffix = {(True, True): "", (True, False): "_no_plate", (False, True): "_plate_only", (False, False): "_unnamed"}
    return response + suffix[(bool(vehicle), bool(plate))]


async def useful_phones(dispatcher: CollectingDispatcher, domain: DomainDict) -> None:
    """Each insurer's assistance and claims phones (from the API), then the emergency numbers."""
    try:
        insurers = await call_api(api().list_insurers)
    except ApiError:
        insurers = []  # the emergency numbers never depend on the API
    if not insurers:
        dispatcher.utter_message(response="utter_useful_phones_emergency_only")
        return
    lines = "".join(
        template(
            domain, "utter_useful_phones_insurer", insurer_name=insurer.name,
            assistance_phone=insurer.assistance_phone, claims_phone=insurer.claims_phone,
        )
        for insurer in insurers
    )
    dispatcher.utter_message(response="utter_useful_phones", insurer_phones=lines)


class ActionUsefulPhones(Action):
    def name(self) -> str:
        return "action_useful_phones"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await useful_phones(dispatcher, domain)
        return []


def chosen_vehicle(tracker: Tracker, vehicles: list[Policy]) -> Optional[Policy]:
    """The vehicle the message names by plate or policy number, or by what it is ("para el etios", "la moto")."""
    for name in ("license_plate", "policy_number"):
        for value in tracker.get_latest_entity_values(name):
            found = policy_by_reference(vehicles, str(value))
            if found:
                return found
    return policy_from_text((tracker.latest_message or {}).get("text") or "", vehicles)


class ActionRoadsideAssistance(Action):
    """The assistance phone of the insurer of the vehicle; which vehicle is asked when there are several."""

    def name(self) -> str:
        return "action_roadside_assistance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            policies = await call_api(api().list_policies, sender(tracker), status="in_force")
        except NotVerified:
            # Help first: someone waiting on a road gets every phone now, sign-in later.
            dispatcher.utter_message(response="utter_roadside_unverified")
            await useful_phones(dispatcher, domain)
            return []
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            await useful_phones(dispatcher, domain)
            return []
        vehicles = [policy for policy in policies if policy.is_vehicle and policy.in_force]
        if not vehicles:
            dispatcher.utter_message(response="utter_roadside_no_vehicles")
            await useful_phones(dispatcher, domain)
            return []
        vehicle = vehicles[0] if len(vehicles) == 1 else chosen_vehicle(tracker, vehicles)
        if vehicle is None:
            buttons = [
                {
                    "title": template(
                        domain, by_known("utter_roadside_vehicle_button", vehicle_name(v), v.plate),
                        plate=v.plate, vehicle=vehicle_name(v), policy_number=v.number,
                    ),
                    "payload": payload("roadside_assistance", license_plate=plate_key(v.plate or v.number)),
                }
                for v in vehicles
            ]
            dispatcher.utter_message(response="utter_ask_roadside_vehicle", buttons=buttons)
            return reset_search()  # a plate from a button must not name the next request's policy
        dispatcher.utter_message(
            response=by_known("utter_roadside_phone", vehicle_name(vehicle), vehicle.plate),
            vehicle=vehicle_name(vehicle),
            plate=vehicle.plate,
            insurer_name=vehicle.insurer.name,
            assistance_phone=vehicle.insurer.assistance_phone,
        )
        return reset_search()  # a plate from a button must not name the next request's policy
