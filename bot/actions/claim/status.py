"""How is my claim going? By number, or by choosing among the user's claims."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, Claim, NotFound
from bot.actions.backend import api, call_api, response_for_error, sender
from bot.actions.claim.templates import claim_type_label, payload, template
from insurance_rules import ARGENTINA

STATUSES = ("received", "under_review", "inspection_scheduled", "approved", "rejected", "paid", "closed")


def normalise_claim_number(value: str) -> str:
    """"sin 123", "SIN-000123" and "sin000123" name the same claim: SIN- and six digits."""
    digits = "".join(char for char in str(value) if char.isdigit())
    return f"SIN-{int(digits):06d}" if digits else str(value).strip().upper()


def say_status(dispatcher: CollectingDispatcher, domain: DomainDict, claim: Claim) -> None:
    """The status in words, with what it means next (one response per status)."""
    status = claim.status if claim.status in STATUSES else "received"
    dispatcher.utter_message(
        response=f"utter_claim_status_{status}",
        claim_number=claim.number,
        claim_type=claim_type_label(domain, claim.type).lower(),
        policy_number=claim.policy_number,
        insurer_name=claim.insurer.name,
    )


def claim_button(domain: DomainDict, claim: Claim) -> dict[str, str]:
    when = (claim.occurred_at or claim.created_at)
    date = when.astimezone(ARGENTINA).strftime("%d/%m/%Y") if when and when.tzinfo else (when or "")
    if when and not when.tzinfo:
        date = when.strftime("%d/%m/%Y")
    title = template(
        domain, "utter_claim_button", claim_number=claim.number, claim_type=claim_type_label(domain, claim.type),
        date=date,
    )
    return {"title": title, "payload": payload("claim_status", claim_number=claim.number)}


class ActionClaimStatus(Action):
    """Tells the status of the claim named in the message, or offers the user's claims as buttons."""

    def name(self) -> str:
        return "action_claim_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        identity = sender(tracker)
        number = next(tracker.get_latest_entity_values("claim_number"), None)
        try:
            if number:
                try:
                    claim = await call_api(api().get_claim, identity, normalise_claim_number(number))
                except NotFound:
                    dispatcher.utter_message(
                        response="utter_claim_status_not_found", claim_number=normalise_claim_number(number)
                    )
                    return []
                say_status(dispatcher, domain, claim)
                return []
            claims = await call_api(api().list_claims, identity)
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            return []
        if not claims:
            dispatcher.utter_message(response="utter_claim_status_none")
        elif len(claims) == 1:
            say_status(dispatcher, domain, claims[0])
        else:
            dispatcher.utter_message(
                response="utter_ask_claim_to_check", buttons=[claim_button(domain, claim) for claim in claims]
            )
        return []
