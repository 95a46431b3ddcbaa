"""Client profiles: link one (document + a policy in force), list them, unlink one after confirming."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import ApiError, ClientProfile, Conflict, InvalidRequest, RateLimited
from bot.actions.backend import api, call_api, per_minutes, sender
from bot.actions.base import ApiAction, render
from bot.actions.choices import client_buttons
from bot.actions.forms import FAILURES_SLOT, GuidedFormValidationAction, reject
from bot.actions.unasked import from_entities
from insurance_rules import InvalidDocumentNumber, digits, parse_document

LINK_SLOTS = ("document_number", "link_policy_number")
UNLINK_SLOTS = ("client_id", "confirm_unlink")


def valid_document(value: str) -> Optional[str]:
    """The digits of a valid DNI (7-8 digits) or CUIL/CUIT (11, check digit), else None."""
    try:  # "DNI 12.345.678" too: the words around the number are dropped first
        return parse_document(digits(value))[1]
    except InvalidDocumentNumber:
        return None


def plain(text: str) -> str:
    """Lower case without accents, for matching a name the user typed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower().strip()


def find_client(clients: list[ClientProfile], value: Any) -> Optional[ClientProfile]:
    """The linked client the user chose: by id (buttons), by position ("2") or by (part of) its name."""
    text = str(value or "").strip()
    by_id = next((client for client in clients if str(client.id) == text), None)
    if by_id is not None:
        return by_id
    if text.isdigit() and 1 <= int(text) <= len(clients):
        return clients[int(text) - 1]
    wanted = plain(text)
    named = [client for client in clients if wanted and (wanted in plain(client.name) or plain(client.name) in wanted)]
    return named[0] if len(named) == 1 else None


def named_in(clients: list[ClientProfile], text: str) -> Optional[ClientProfile]:
    """The one linked client a sentence names, by its whole name or its first word ("Carlos", "la panadería")."""
    words = set(re.findall(r"\w+", plain(text)))
    said = plain(text)
    named = [
        client for client in clients
        if plain(client.name) in said or (first := plain(client.name).split()[0]) in words and len(first) >= 3
    ]  # fmt: skip
    return named[0] if len(named) == 1 else None


class ValidateLinkProfileForm(GuidedFormValidationAction):
    """Link a client profile: a valid DNI/CUIL/CUIT, then the number of one of its policies in force."""

    def name(self) -> str:
        return "validate_link_profile_form"

    def extract_document_number(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        return from_entities(tracker, "document_number", "document_number")

    def extract_link_policy_number(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        return from_entities(tracker, "link_policy_number", "policy_number")

    def validate_document_number(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        number = valid_document(str(value or ""))
        return {"document_number": number} if number else reject("document_number")

    def validate_link_policy_number(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        number = " ".join(str(value or "").split()).upper()
        # Any insurer's format: a few letters, digits, dashes or spaces, with at least 4 digits.
        if re.fullmatch(r"[A-Z0-9][A-Z0-9 ./-]{2,28}", number) and len(digits(number)) >= 4:
            return {"link_policy_number": number}
        return reject("link_policy_number")


class ActionLinkProfile(ApiAction):
    """Submit of link_profile_form: the API links the client or says why not (never which half failed)."""

    def name(self) -> str:
        return "action_link_profile"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            client = await call_api(api().link_client,
                sender(tracker), tracker.get_slot("document_number"), tracker.get_slot("link_policy_number")
            )
        except RateLimited as error:
            seconds = error.retry_after or 24 * 3600
            if seconds >= 2 * 3600:
                dispatcher.utter_message(response="utter_link_attempts_exceeded_hours", hours=round(seconds / 3600))
            else:
                minutes = max(1, round(seconds / 60))
                dispatcher.utter_message(
                    response=per_minutes("utter_link_attempts_exceeded_minutes", minutes), minutes=minutes
                )
        except Conflict:
            dispatcher.utter_message(response="utter_already_linked")
        except InvalidRequest as error:
            response = "utter_explain_document_number" if error.code == "invalid_document" else "utter_link_failed"
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_profile_linked", client_name=client.name)
        return self.events_on_error(tracker)

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return [SlotSet(slot, None) for slot in (*LINK_SLOTS, FAILURES_SLOT, "pending_request")]


class ActionListProfiles(ApiAction):
    """The linked client profiles, each a button to see its policies."""

    def name(self) -> str:
        return "action_list_profiles"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        clients = await call_api(api().list_clients, sender(tracker))
        if not clients:
            dispatcher.utter_message(response="utter_no_profiles_yet")
            return []
        lines = "\n".join(render(domain, "utter_profile_line", client_name=client.name) for client in clients)
        dispatcher.utter_message(
            response="utter_profiles_list",
            profiles=lines,
            buttons=client_buttons("list_policies", "client_id", clients),
        )
        dispatcher.utter_message(response="utter_profiles_actions")
        return []


class ValidateUnlinkProfileForm(GuidedFormValidationAction):
    """Unlink a client profile: which one (among the linked ones), then yes or no."""

    def name(self) -> str:
        return "validate_unlink_profile_form"

    async def extract_client_id(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        """The client the message that starts the form names ("sacá a Carlos de mi cuenta"), if exactly one."""
        if tracker.get_slot("client_id") is not None or tracker.get_slot("requested_slot") is not None:
            return {}
        try:
            clients = await call_api(api().list_clients, sender(tracker))
        except ApiError:
            return {}  # the form asks, and says the system is down when it does
        client = named_in(clients, (tracker.latest_message or {}).get("text") or "")
        return {"client_id": str(client.id)} if client else {}

    async def validate_client_id(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        try:
            clients = await call_api(api().list_clients, sender(tracker))
        except ApiError:
            return reject("client_id", "utter_backend_down", counts=False)
        client = find_client(clients, value)
        return {"client_id": str(client.id)} if client else reject("client_id")

    def validate_confirm_unlink(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        return {"confirm_unlink": value} if isinstance(value, bool) else reject("confirm_unlink")


class ActionAskClientId(ApiAction):
    """Ask which profile to unlink, one button per linked profile; with none, leave the form."""

    def name(self) -> str:
        return "action_ask_client_id"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        clients = await call_api(api().list_clients, sender(tracker))
        if not clients:
            dispatcher.utter_message(response="utter_no_profiles_to_unlink")
            return leave_unlink_form()
        dispatcher.utter_message(
            response="utter_choose_profile_to_unlink", buttons=client_buttons("inform", "client_id", clients)
        )
        return []

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return leave_unlink_form()


class ActionAskConfirmUnlink(ApiAction):
    """Ask to confirm, naming the client and saying the client itself is not deleted."""

    def name(self) -> str:
        return "action_ask_confirm_unlink"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        client = find_client(await call_api(api().list_clients, sender(tracker)), tracker.get_slot("client_id"))
        if client is None:
            dispatcher.utter_message(response="utter_not_found")
            return leave_unlink_form()
        dispatcher.utter_message(response="utter_confirm_unlink", client_name=client.name)
        return []

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return leave_unlink_form()


def leave_unlink_form() -> list[EventType]:
    """Events that end unlink_profile_form without unlinking anything."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in UNLINK_SLOTS]


class ActionUnlinkProfile(ApiAction):
    """Submit of unlink_profile_form: unlink when confirmed (the client is never deleted)."""

    def name(self) -> str:
        return "action_unlink_profile"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("confirm_unlink") is True:
            client = await call_api(api().unlink_client, sender(tracker), int(tracker.get_slot("client_id")))
            dispatcher.utter_message(response="utter_profile_unlinked", client_name=client.name)
        else:
            dispatcher.utter_message(response="utter_nothing_changed")
        return self.events_on_error(tracker)

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return [SlotSet(slot, None) for slot in (*UNLINK_SLOTS, FAILURES_SLOT, "pending_request")]
