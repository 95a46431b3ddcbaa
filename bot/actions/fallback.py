"""When the assistant is not sure what the user wants: offer the likeliest requests as buttons.

Rasa's two-stage fallback (``action_two_stage_fallback``, rule in
``bot/data/fallback.yml``, only with no form going on) runs this action as its
first stage, in place of Rasa's default ``action_default_ask_affirmation``.
It offers the two or three likeliest requests of the message's intent
ranking, plus "Otra cosa" (``/out_of_scope``, which makes Rasa ask to
rephrase: ``utter_ask_rephrase``). Picking one of them goes on as if the user
had said it; two misunderstandings in a row end in ``utter_default``
(end to end: ``tests/e2e/test_rest_fallback.py``).

Which requests may be offered, and their titles, are domain responses
(``domain/fallback.yml``): ``utter_suggest_<intent>`` for an intent (its
payload is ``/<intent>``) and ``utter_suggest_faq_<key>`` for a question of the
help section, whose payload is the question itself, since a button cannot
carry a response key (the NLU reads it back as that key). Greetings, yes, no and data are never
offered: no such response exists for them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.base import render

MAX_SUGGESTIONS = 3
FAQ = "faq"
NOT_UNDERSTOOD = "nlu_fallback"


def suggestion_response(intent: str, faq_key: str | None = None) -> str:
    """The response that titles the button of ``intent`` (of ``faq/<faq_key>`` for the help section)."""
    if intent == FAQ:
        return f"utter_suggest_faq_{faq_key}" if faq_key else ""
    return f"utter_suggest_{intent}"


def faq_key(message: dict[str, Any]) -> str | None:
    """The help-section key the response selector chose for the message, when it ran on it."""
    selected = ((message.get("response_selector") or {}).get(FAQ) or {}).get("response") or {}
    key = selected.get("intent_response_key") or ""
    return key.split("/", 1)[1] if key.startswith(f"{FAQ}/") else None


def suggestions(message: dict[str, Any], domain: DomainDict) -> list[dict[str, str]]:
    """Buttons for the likeliest requests of ``message``, best first, at most MAX_SUGGESTIONS."""
    responses = domain.get("responses") or {}
    buttons: list[dict[str, str]] = []
    for ranked in message.get("intent_ranking") or []:
        intent = ranked.get("name") or ""
        response = suggestion_response(intent, faq_key(message))
        if intent == NOT_UNDERSTOOD or response not in responses:
            continue
        title = render(domain, response)
        button = {"title": title, "payload": title if intent == FAQ else f"/{intent}"}
        if button not in buttons:
            buttons.append(button)
        if len(buttons) == MAX_SUGGESTIONS:
            break
    return buttons


class ActionAskWhichRequest(Action):
    """First stage of the two-stage fallback: "¿Quisiste decir…?" with the likeliest requests as buttons."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        buttons = suggestions(tracker.latest_message or {}, domain)
        if not buttons:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        other = {"title": render(domain, "utter_suggest_something_else"), "payload": "/out_of_scope"}
        dispatcher.utter_message(response="utter_ask_which_request", buttons=[*buttons, other])
        return []
