"""Photos for a claim that already exists: a photo sent outside the claim form, or "quiero agregar fotos".

A photo that arrives with no report under way is kept (``pending_claim_photos``)
and the user picks the claim it belongs to; once a claim is chosen
(``claim_photos_target``), later photos go straight to it. The API attaches
them (``POST /v1/me/claims/{number}/attachments``, idempotent per upload).
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, Claim, NotFound
from bot.actions.backend import api, call_api, response_for_error, sender
from bot.actions.claim.status import claim_button, normalise_claim_number
from bot.actions.claim.templates import payload

UPLOAD_ERRORS = ("not_verified", "too_large", "unsupported_type")
OFFERED_CLAIMS = 5  # the most recent claims offered as buttons


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value else None


async def _attach_all(identity: str, number: str, upload_ids: list[str]) -> int:
    """Attach every upload to the claim; how many were attached. Raises ApiError."""
    for upload_id in upload_ids:
        await call_api(api().attach_upload, identity, number, upload_id)
    return len(upload_ids)


def _say_added(dispatcher: CollectingDispatcher, number: str, count: int) -> None:
    response = "utter_claim_photo_added" if count == 1 else "utter_claim_photos_added"
    dispatcher.utter_message(response=response, claim_number=number, count=count)


def _offer_claims(dispatcher: CollectingDispatcher, domain: DomainDict, claims: list[Claim]) -> None:
    buttons = []
    for claim in claims[:OFFERED_CLAIMS]:
        button = claim_button(domain, claim)
        buttons.append({"title": button["title"], "payload": payload("add_claim_photos", claim_number=claim.number)})
    dispatcher.utter_message(response="utter_claim_photos_which_claim", buttons=buttons)


class ActionPhotoOutsideClaim(Action):
    """A photo (or a refused file) with no claim report under way."""

    def name(self) -> str:
        return "action_photo_outside_claim"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        error = _entity(tracker, "upload_error")
        upload_id = _entity(tracker, "upload_id")
        if upload_id is None:
            if error in UPLOAD_ERRORS:
                dispatcher.utter_message(response=f"utter_claim_upload_error_{error}")
            return []
        identity = sender(tracker)
        target = tracker.get_slot("claim_photos_target")
        pending = [*(tracker.get_slot("pending_claim_photos") or []), upload_id]
        try:
            if target:
                _say_added(dispatcher, target, await _attach_all(identity, target, [upload_id]))
                return []
            claims = await call_api(api().list_claims, identity)
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            return []
        if not claims:
            dispatcher.utter_message(response="utter_claim_photo_no_claims")
            return [SlotSet("pending_claim_photos", pending)]
        _offer_claims(dispatcher, domain, claims)
        return [SlotSet("pending_claim_photos", pending)]


class ActionAddClaimPhotos(Action):
    """ "Quiero agregar fotos a la denuncia SIN-000124" (or its button): attach what is waiting, or ask for it."""

    def name(self) -> str:
        return "action_add_claim_photos"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        identity = sender(tracker)
        named = _entity(tracker, "claim_number")
        try:
            if named is None:
                claims = await call_api(api().list_claims, identity)
                if not claims:
                    dispatcher.utter_message(response="utter_claim_status_none")
                elif len(claims) == 1:
                    return await self._chosen(dispatcher, tracker, identity, claims[0].number)
                else:
                    _offer_claims(dispatcher, domain, claims)
                return []
            number = normalise_claim_number(named)
            try:
                await call_api(api().get_claim, identity, number)
            except NotFound:
                dispatcher.utter_message(response="utter_claim_status_not_found", claim_number=number)
                return []
            return await self._chosen(dispatcher, tracker, identity, number)
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            return []

    @staticmethod
    async def _chosen(
        dispatcher: CollectingDispatcher, tracker: Tracker, identity: str, number: str
    ) -> list[EventType]:
        pending = list(tracker.get_slot("pending_claim_photos") or [])
        if pending:
            _say_added(dispatcher, number, await _attach_all(identity, number, pending))
        else:
            dispatcher.utter_message(response="utter_claim_photos_send_them", claim_number=number)
        return [SlotSet("pending_claim_photos", None), SlotSet("claim_photos_target", number)]
