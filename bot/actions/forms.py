"""Form validation that guides a user who keeps giving answers that do not fit.

Idea taken from RasaHQ/financial-demo's ``CustomFormValidationAction``: solve
"the user keeps failing a slot" once, in one base class.

How to use ``GuidedFormValidationAction``:

* Subclass it, name it ``validate_<form>`` and write ``validate_<slot>``
  methods. Each returns a dict of slot values and does nothing else: no
  dispatcher calls. Accept with ``{slot: value, ...}``; reject with
  ``reject(slot)`` (the base class utters ``utter_explain_<slot>``) or
  ``reject(slot, "utter_other_reason", var=value)`` when the reason needs its
  own response. ``note("utter_x", var=value)`` adds a response to an accepted
  value (or to a rejection that is not the user's fault, with
  ``counts=False``).
* The base class utters the feedback, counts consecutive failures per slot in
  the ``form_failures`` slot, and from the second failure in a row on also
  utters ``utter_offer_continue_or_leave`` (buttons: go on = ``/affirm``,
  leave = ``/stop``; the rules of each form answer them). Slots that a yes
  fills (confirmations) never get that offer: "go on" would count as a yes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from rasa_sdk.utils import call_potential_coroutine

from bot.actions.interruptions import INTERRUPTED, interruption_events, resume_events

FAILURES_SLOT = "form_failures"
FEEDBACK_KEY = "__feedback__"
OFFER_AFTER_FAILURES = 2
OFFER_RESPONSE = "utter_offer_continue_or_leave"


@dataclass(frozen=True)
class Feedback:
    """A response to utter about a validated value, with its variables."""

    response: str
    args: dict[str, Any] = field(default_factory=dict)
    counts_as_failure: bool = True


def reject(slot: str, response: str | None = None, counts: bool = True, **args: Any) -> dict[str, Any]:
    """Validation result rejecting the value of ``slot``, explained by ``response`` (default utter_explain_<slot>)."""
    return {slot: None, FEEDBACK_KEY: [Feedback(response or f"utter_explain_{slot}", args, counts)]}


def note(response: str, counts: bool = False, **args: Any) -> dict[str, Any]:
    """Validation result part that only adds a response (merge it into the returned dict)."""
    return {FEEDBACK_KEY: [Feedback(response, args, counts)]}


def offers_way_out(domain: DomainDict, slot: str) -> bool:
    """Whether failing ``slot`` may offer go on (/affirm) or leave: not when an affirm fills it."""
    mappings = domain.get("slots", {}).get(slot, {}).get("mappings", [])
    return not any(m.get("type") == "from_intent" and m.get("intent") == "affirm" for m in mappings)


class GuidedFormValidationAction(FormValidationAction, ABC):
    """Validates a form's slots, explains rejections and offers a way out after repeated failures."""

    # Abstract so that rasa_sdk's registry (which skips abstract classes) does not register the base itself.
    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Run every ``validate_<slot>`` for the slots extracted this turn and speak their feedback.

        A message that is another request, not an answer, is not validated: the
        form steps aside for it (``bot/actions/interruptions.py``)."""
        read_as_answer = tracker.get_slot("requested_slot") in tracker.slots_to_validate()
        stepping_aside = interruption_events(self.form_name(), tracker, domain, read_as_answer)
        if stepping_aside is not None:
            return stepping_aside
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        failures: dict[str, int] = dict(tracker.get_slot(FAILURES_SLOT) or {})
        results: dict[str, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot not in required:
                continue
            method = getattr(self, f"validate_{slot}", None)
            if method is None:
                results[slot] = value
                continue
            output = dict(await call_potential_coroutine(method(value, dispatcher, tracker, domain)))
            feedback: list[Feedback] = output.pop(FEEDBACK_KEY, [])
            results.update(output)
            tracker.slots.update(output)  # later validators see this one's result
            for item in feedback:
                dispatcher.utter_message(response=item.response, **item.args)
            if output.get(slot) is not None:
                failures.pop(slot, None)
            elif not feedback or any(item.counts_as_failure for item in feedback):
                if not feedback:
                    dispatcher.utter_message(response=f"utter_explain_{slot}")
                failures[slot] = failures.get(slot, 0) + 1
                if failures[slot] >= OFFER_AFTER_FAILURES and offers_way_out(domain, slot):
                    dispatcher.utter_message(response=OFFER_RESPONSE)
        events: list[EventType] = [SlotSet(slot, value) for slot, value in results.items()]
        if failures != (tracker.get_slot(FAILURES_SLOT) or {}):
            events.append(SlotSet(FAILURES_SLOT, failures or None))
        return events


class ActionExplainRequestedSlot(Action):
    """Inside a form, an answer nobody understood: explain what the requested slot expects.

    Counts as a failure of that slot, like a rejected value, so that the
    second one in a row also offers to go on or leave.
    """

    def name(self) -> str:
        return "action_explain_requested_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slot = tracker.get_slot("requested_slot")
        if not slot:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response=f"utter_explain_{slot}")
        failures: dict[str, int] = dict(tracker.get_slot(FAILURES_SLOT) or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] >= OFFER_AFTER_FAILURES and offers_way_out(domain, slot):
            dispatcher.utter_message(response=OFFER_RESPONSE)
        return [SlotSet(FAILURES_SLOT, failures)]


class ActionLeaveForm(Action):
    """The user stops: leave the active form, forget what it gathered and what was pending.

    When the user left it for a request made in the middle of it ("Sí, dejarlo"
    after ``action_offer_leave_form``), that request follows at once."""

    def name(self) -> str:
        return "action_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        form = (tracker.active_loop or {}).get("name")
        slots = domain.get("forms", {}).get(form, {}).get("required_slots", []) if form else []
        resume = resume_events(tracker)
        if not resume:
            dispatcher.utter_message(response="utter_form_left")
        elif (tracker.latest_message.get("intent") or {}).get("name") != "stop":
            dispatcher.utter_message(response="utter_nothing_changed")  # a confirmation left unanswered
        events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(slot, None) for slot in slots]
        events += [SlotSet(FAILURES_SLOT, None), SlotSet("pending_request", None), SlotSet(INTERRUPTED, None)]
        # Left for another request made in the form: go on with it, as if the user had just said it.
        return events + resume
