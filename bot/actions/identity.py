"""Who the user is: the sign-in gate, the sign-in form (e-mail + one-time code) and its welcome.

Until a chat identity is verified the user gets only the help section; the
gate (``action_require_sign_in``) runs before every flow that shows or changes
data, remembers what was asked in ``pending_request`` and, after sign-in,
``action_sign_in_complete`` hands it back so the rules go on with it.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from api_client import AddressLocked, ApiError, Gone, InvalidRequest, NotFound, RateLimited
from bot.actions.backend import api, call_api, minutes_until, per_minutes, response_for_error, sender
from bot.actions.base import ApiAction, render
from bot.actions.forms import GuidedFormValidationAction, note, reject
from bot.actions.unasked import from_entities
from insurance_rules import digits

PENDING = "pending_request"
RESEND = "resend"  # value of `code` when the user asks for a new code (intent sign_in)
CODE_ACCEPTED = "accepted"  # what the `code` slot keeps instead of the secret code
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SIGN_IN_SLOTS = ("email", "code", "email_masked", "new_links", "new_account", "form_failures")


def pending_values(domain: DomainDict) -> list[str]:
    """The requests the assistant can go on with after sign-in (values of the ``pending_request`` slot)."""
    return list(domain["slots"][PENDING].get("values", []))


class ActionRequireSignIn(Action):
    """The gate: verified users go on (``pending_request`` = None); others are led to sign in."""

    def name(self) -> str:
        return "action_require_sign_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        try:
            user = await call_api(api().whoami, sender(tracker))
        except ApiError as error:
            dispatcher.utter_message(response=response_for_error(error))
            # Nothing else can work now: stop here instead of starting the flow.
            return [SlotSet(PENDING, None), FollowupAction("action_listen")]
        if user is not None:
            if intent == "sign_in":
                dispatcher.utter_message(response="utter_already_signed_in")
            return [SlotSet("verified", True), SlotSet("user_name", user.name), SlotSet(PENDING, None)]
        events: list[EventType] = []
        if not tracker.get_slot("privacy_notice_shown"):
            # Before asking for an e-mail, say what is done with it (first time for this chat identity).
            dispatcher.utter_message(response="utter_privacy_notice")
            events.append(SlotSet("privacy_notice_shown", True))
        if intent != "sign_in":
            dispatcher.utter_message(response="utter_sign_in_first")
        request = intent if intent in pending_values(domain) else "sign_in"
        return events + [SlotSet("verified", False), SlotSet(PENDING, request)]


class ValidateSignInForm(GuidedFormValidationAction):
    """Sign-in: the e-mail gets a one-time code, the code ties this chat identity to the account."""

    def name(self) -> str:
        return "validate_sign_in_form"

    def extract_email(self, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return from_entities(tracker, "email", "email")

    async def validate_email(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        match = EMAIL_PATTERN.search(str(value or ""))
        if not match:
            return reject("email")
        email = match.group(0).lower()
        try:
            started = await call_api(api().start_verification, sender(tracker), email)
        except AddressLocked:
            return reject("email", "utter_address_locked", counts=False)
        except RateLimited as error:
            # Codes already went out: the last one may still be valid.
            minutes = minutes_until(error.retry_after)
            return {"email": email, **note(per_minutes("utter_resend_limited", minutes), minutes=minutes)}
        except InvalidRequest:
            return reject("email")
        except ApiError as error:
            return reject("email", response_for_error(error), counts=False)
        minutes = minutes_until(started.expires_in_seconds)
        return {
            "email": email,
            "email_masked": started.email_masked,
            **note(per_minutes("utter_code_sent", minutes), email_masked=started.email_masked, minutes=minutes),
        }

    async def validate_code(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value == RESEND:
            return await self._resend(tracker)
        corrected = EMAIL_PATTERN.search(str(value or ""))
        if corrected:
            # Another e-mail instead of the code: verification starts again with it.
            return {"code": None, **(await self.validate_email(corrected.group(0), dispatcher, tracker, domain))}
        code = digits(str(value or ""))
        if len(code) != 6:
            return reject("code")
        try:
            result = await call_api(api().confirm_verification, sender(tracker), code)
        except Gone:
            return reject("code", "utter_code_expired", counts=False)
        except AddressLocked:
            return {"code": None, "email": None, "email_masked": None, **note("utter_address_locked")}
        except RateLimited:
            return reject("code", "utter_code_attempts_exceeded", counts=False)
        except NotFound:
            return {"code": None, "email": None, "email_masked": None, **note("utter_verification_missing")}
        except InvalidRequest as error:
            attempts_left = error.details.get("attempts_left")
            if attempts_left == 1:
                return reject("code", "utter_wrong_code_last_attempt")
            if attempts_left is None:
                return reject("code")
            return reject("code", "utter_wrong_code", attempts_left=attempts_left)
        except ApiError as error:
            return reject("code", response_for_error(error), counts=False)
        return {
            "code": CODE_ACCEPTED,
            "verified": True,
            "user_name": result.user.name,
            "new_account": result.new_account,
            # Only what the e-mail linked: profiles linked by hand earlier are not news.
            "new_links": [client.name for client in result.linked_clients if client.linked_by == "auto"],
        }

    async def _resend(self, tracker: Tracker) -> dict[str, Any]:
        email = tracker.get_slot("email")
        if not email:
            return {"code": None, "email": None}
        try:
            started = await call_api(api().start_verification, sender(tracker), email)
        except AddressLocked:
            return {"code": None, "email": None, "email_masked": None, **note("utter_address_locked")}
        except RateLimited as error:
            minutes = minutes_until(error.retry_after)
            return reject("code", per_minutes("utter_resend_limited", minutes), counts=False, minutes=minutes)
        except ApiError as error:
            return reject("code", response_for_error(error), counts=False)
        minutes = minutes_until(started.expires_in_seconds)
        return {
            "email_masked": started.email_masked,
            **reject(
                "code",
                per_minutes("utter_code_sent", minutes),
                counts=False,
                email_masked=started.email_masked,
                minutes=minutes,
            ),
        }


class ActionSignInComplete(ApiAction):
    """Welcome by name, say which client profiles were linked, and hand back what was pending."""

    def name(self) -> str:
        return "action_sign_in_complete"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        name: Optional[str] = tracker.get_slot("user_name")
        if name:
            dispatcher.utter_message(response="utter_signed_in_name", user_name=name)
        else:
            dispatcher.utter_message(response="utter_signed_in")
        if tracker.get_slot("new_account"):
            dispatcher.utter_message(response="utter_account_created")
        new_links = tracker.get_slot("new_links") or []
        if new_links:
            lines = "\n".join(render(domain, "utter_profile_line", client_name=client) for client in new_links)
            dispatcher.utter_message(response="utter_profiles_linked_automatically", profiles=lines)
        elif not await call_api(api().list_clients, sender(tracker)):
            dispatcher.utter_message(response="utter_no_profiles_yet")
        return self._events(tracker)

    def events_on_error(self, tracker: Tracker) -> list[EventType]:
        return self._events(tracker)

    @staticmethod
    def _events(tracker: Tracker) -> list[EventType]:
        pending = tracker.get_slot(PENDING)
        events: list[EventType] = [SlotSet(slot, None) for slot in SIGN_IN_SLOTS]
        # Set again (or cleared) right here so the rules see what to go on with.
        events.append(SlotSet(PENDING, None if pending == "sign_in" else pending))
        return events

