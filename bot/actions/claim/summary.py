"""The summary shown before the claim is confirmed: the draft in the customer's words, with what the line asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError
from bot.actions.claim.dates import normalise
from bot.actions.claim.draft import THIRD_PARTY_FIELDS, details_needed
from bot.actions.claim.form import fetch_claimable
from bot.actions.claim.reading import policy_by_reference
from bot.actions.claim.templates import claim_type_label, template
from insurance_rules import ARGENTINA, NOTICE_DEADLINE

# "no", "todavía no": no police report yet.
NO_WORDS = ("no", "todavia no", "aun no", "no todavia", "no la hice", "no hice", "nop")


def _third_party_lines(domain: DomainDict, slots: dict[str, Any]) -> list[str]:
    """The other party, one line per fact known; a line saying there is nothing else, once."""
    known = {key: slots[slot] for slot, key in THIRD_PARTY_FIELDS.items() if slots.get(slot)}
    if not known:
        return [template(domain, "utter_claim_summary_third_party_no_data")]
    lines = [template(domain, f"utter_claim_summary_third_party_{key}", **{key: value}) for key, value in known.items()]
    if len(known) < len(THIRD_PARTY_FIELDS) and slots.get("claim_third_party_done"):
        lines.append(template(domain, "utter_claim_summary_third_party_no_more"))
    return lines


def summary_details(domain: DomainDict, slots: dict[str, Any]) -> str:
    """The lines of the summary that the line of business and the kind of loss asked for, like a receipt: one
    line per fact known, in words; nothing unknown is shown."""
    asked = details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots)
    lines = []
    if "claim_injured" in asked and slots.get("claim_injured") is not None:
        lines.append(template(domain, "utter_claim_summary_injured" if slots["claim_injured"]
                              else "utter_claim_summary_not_injured"))
    if "claim_vehicle_drivable" in asked and slots.get("claim_vehicle_drivable") is not None:
        lines.append(template(domain, "utter_claim_summary_drivable" if slots["claim_vehicle_drivable"]
                              else "utter_claim_summary_not_drivable"))
    if "claim_third_party" in asked:
        if slots.get("claim_third_party"):
            lines += _third_party_lines(domain, slots)
        else:
            lines.append(template(domain, "utter_claim_summary_no_third_party"))
    if "claim_driver" in asked and slots.get("claim_driver"):
        driver = slots["claim_driver"]
        lines.append(template(domain, "utter_claim_summary_driver_self") if driver == "yo"
                     else template(domain, "utter_claim_summary_driver", driver=driver))
    if "claim_driver" in asked and slots.get("claim_witnesses"):
        witnesses = slots["claim_witnesses"]
        lines.append(template(domain, "utter_claim_summary_no_witnesses") if witnesses == "no"
                     else template(domain, "utter_claim_summary_witnesses", witnesses=witnesses))
    if "claim_police_report" in asked and slots.get("claim_police_report"):
        report = slots["claim_police_report"]
        lines.append(template(domain, "utter_claim_summary_no_police_report") if normalise(report) in NO_WORDS
                     else template(domain, "utter_claim_summary_police_report", police_report=report))
    if "claim_damaged_items" in asked and slots.get("claim_damaged_items"):
        damaged = slots["claim_damaged_items"]
        lines.append(template(domain, "utter_claim_summary_damaged_items", damaged_items=damaged))
    if slots.get("claim_photos"):
        lines.append(template(domain, "utter_claim_summary_photos", count=len(slots["claim_photos"])))
    return "".join(lines)


class ActionAskClaimConfirmed(Action):
    """Shows the summary of the draft with Confirmar / Corregir un dato / Cancelar."""

    def name(self) -> str:
        return "action_ask_claim_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        when = datetime.fromisoformat(slots["claim_occurred_at"]).astimezone(ARGENTINA)
        date = when.strftime("%d/%m/%Y")
        # The deadline before the customer confirms (art. 46, Ley 17.418: 3 days from learning of the loss), and
        # what confirming does: Aval receives the report and forwards it to the insurer.
        insurer = await self._insurer_name(tracker, slots.get("claim_policy"))
        late = datetime.now(ARGENTINA) - when > NOTICE_DEADLINE
        response = "utter_claim_notice_deadline_passed" if late else "utter_claim_notice_deadline"
        if insurer:
            dispatcher.utter_message(response=response, date=date, insurer_name=insurer)
        else:
            dispatcher.utter_message(response=f"{response}_no_insurer", date=date)
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
        )
        return []

    @staticmethod
    async def _insurer_name(tracker: Tracker, number: Any) -> Optional[str]:
        """The insurer of the policy chosen, or None when the API cannot say now."""
        try:
            policies = await fetch_claimable(tracker)
        except ApiError:
            return None
        policy = policy_by_reference(policies, str(number or ""))
        return policy.insurer.name if policy else None
