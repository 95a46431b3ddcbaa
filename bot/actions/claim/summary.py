"""The summary shown before the claim is confirmed: the draft in the customer's words, with what the line asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.claim.draft import THIRD_PARTY_FIELDS, details_needed
from bot.actions.claim.templates import claim_type_label, template
from insurance_rules import ARGENTINA, NOTICE_DEADLINE


def summary_details(domain: DomainDict, slots: dict[str, Any]) -> str:
    """The lines of the summary that the line of business and the kind of loss asked for."""
    asked = details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots)
    yes, no = template(domain, "utter_claim_summary_yes"), template(domain, "utter_claim_summary_no")
    lines = []
    if "claim_third_party" in asked:
        if slots.get("claim_third_party"):
            third = {key: slots.get(slot) for slot, key in THIRD_PARTY_FIELDS.items()}
            lines.append(template(domain, "utter_claim_summary_third_party", **third))
        else:
            lines.append(template(domain, "utter_claim_summary_no_third_party"))
    if "claim_injured" in asked:
        lines.append(template(domain, "utter_claim_summary_injured", injured=yes if slots.get("claim_injured") else no))
    if "claim_vehicle_drivable" in asked:
        drivable = yes if slots.get("claim_vehicle_drivable") else no
        lines.append(template(domain, "utter_claim_summary_drivable", drivable=drivable))
    if "claim_driver" in asked:
        lines.append(template(domain, "utter_claim_summary_driver", driver=slots.get("claim_driver")))
    if "claim_witnesses" in asked:
        lines.append(template(domain, "utter_claim_summary_witnesses", witnesses=slots.get("claim_witnesses")))
    if "claim_police_report" in asked:
        report = slots.get("claim_police_report")
        lines.append(template(domain, "utter_claim_summary_police_report", police_report=report))
    if "claim_damaged_items" in asked:
        damaged = slots.get("claim_damaged_items")
        lines.append(template(domain, "utter_claim_summary_damaged_items", damaged_items=damaged))
    return "".join(lines)


class ActionAskClaimConfirmed(Action):
    """Shows the summary of the draft with Confirmar / Corregir un dato / Cancelar."""

    def name(self) -> str:
        return "action_ask_claim_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        when = datetime.fromisoformat(slots["claim_occurred_at"]).astimezone(ARGENTINA)
        date = when.strftime("%d/%m/%Y")
        # The deadline before the customer confirms (art. 46, Ley 17.418: 3 days from learning of the loss).
        if datetime.now(ARGENTINA) - when > NOTICE_DEADLINE:
            dispatcher.utter_message(response="utter_claim_notice_deadline_passed", date=date)
        else:
            dispatcher.utter_message(response="utter_claim_notice_deadline")
        if slots.get("claim_time_known") is False:  # "ayer", "anoche": no hour was said
            shown_when = template(domain, "utter_claim_summary_time_unknown", date=date)
        else:
            shown_when = when.strftime("%d/%m/%Y %H:%M")
        dispatcher.utter_message(
            response="utter_claim_summary",
            policy=slots.get("claim_policy"),
            claim_type=claim_type_label(domain, slots.get("claim_type")),
            when=shown_when,
            place=slots.get("claim_place"),
            description=slots.get("claim_description"),
            details=summary_details(domain, slots),
            photos=len(slots.get("claim_photos") or []),
        )
        return []
