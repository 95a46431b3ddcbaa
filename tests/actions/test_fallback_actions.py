"""The first stage of the two-stage fallback (bot/actions/fallback.py): the likeliest requests as buttons.

The NLU's parse (intent ranking, response selector) is written here as Rasa
hands it to the action.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.actions.fallback import MAX_SUGGESTIONS, ActionAskWhichRequest
from tests.actions.dialogue_support import DOMAIN, load_tracker, new_identity, responses, run

ROOT = Path(__file__).resolve().parents[2]
OTHER = {"title": "Otra cosa", "payload": "/out_of_scope"}


def unsure(ranking: list[tuple[str, float]], faq_key: str | None = None):
    """A tracker whose latest message fell back, with that intent ranking (and the selector's faq key)."""
    tracker = load_tracker("new_conversation", new_identity(), intent="nlu_fallback", text="lo del seguro")
    tracker.latest_message["intent_ranking"] = [{"name": name, "confidence": c} for name, c in ranking]
    if faq_key:
        tracker.latest_message["response_selector"] = {
            "faq": {"response": {"intent_response_key": f"faq/{faq_key}", "confidence": 0.9}, "ranking": []}
        }
    return tracker


def buttons_of(messages: list[dict]) -> list[dict]:
    return [button for message in messages for button in message.get("buttons") or []]


def test_the_three_likeliest_requests_are_offered_best_first_then_something_else() -> None:
    """Fallback, greetings and yes/no are never offered; a fourth request is left out."""
    tracker = unsure([("nlu_fallback", 0.5), ("greet", 0.2), ("request_certificate", 0.15), ("affirm", 0.05),
                      ("list_policies", 0.04), ("policy_details", 0.03), ("claim_status", 0.02)])
    events, messages = run(ActionAskWhichRequest(), tracker)
    assert events == []
    assert responses(messages) == ["utter_ask_which_request"]
    assert buttons_of(messages) == [
        {"title": "Certificado de cobertura", "payload": "/request_certificate"},
        {"title": "Ver mis pólizas", "payload": "/list_policies"},
        {"title": "Qué cubre una póliza", "payload": "/policy_details"},
        OTHER,
    ]


def test_a_help_section_question_is_offered_as_its_own_question() -> None:
    """A button cannot carry a faq key: it sends the question, which the NLU reads back as that key."""
    tracker = unsure([("nlu_fallback", 0.5), ("faq", 0.4), ("sign_in", 0.3)], faq_key="create_account")
    _, messages = run(ActionAskWhichRequest(), tracker)
    assert buttons_of(messages) == [
        {"title": "¿Cómo creo mi cuenta?", "payload": "¿Cómo creo mi cuenta?"},
        {"title": "Ingresar a mi cuenta", "payload": "/sign_in"},
        OTHER,
    ]


def test_the_help_section_is_not_offered_when_no_question_was_chosen() -> None:
    """Without the response selector's key (it runs only for faq messages) there is no question to offer."""
    tracker = unsure([("nlu_fallback", 0.5), ("faq", 0.4), ("cancel_policy", 0.3)])
    _, messages = run(ActionAskWhichRequest(), tracker)
    assert buttons_of(messages) == [{"title": "Dar de baja una póliza", "payload": "/cancel_policy"}, OTHER]


def test_nothing_to_offer_asks_to_say_it_in_other_words() -> None:
    """Only greetings, yes and no in the ranking: no buttons, the request to rephrase."""
    tracker = unsure([("nlu_fallback", 0.5), ("greet", 0.3), ("deny", 0.2), ("inform", 0.1)])
    _, messages = run(ActionAskWhichRequest(), tracker)
    assert responses(messages) == ["utter_ask_rephrase"]
    assert buttons_of(messages) == []


def test_every_suggestion_is_a_request_of_the_domain_or_a_help_section_question() -> None:
    """Titles exist for every faq key and only for declared intents, and every payload fits Telegram's 64 bytes."""
    intents = {i if isinstance(i, str) else next(iter(i)) for i in DOMAIN["intents"]}
    faq = yaml.safe_load((ROOT / "bot" / "data" / "faq.yml").read_text(encoding="utf-8"))
    keys = {block["intent"].split("/", 1)[1] for block in faq["nlu"] if block["intent"].startswith("faq/")}
    prefix = "utter_suggest_"
    suggested = {name.removeprefix(prefix) for name in DOMAIN["responses"] if name.startswith(prefix)}
    suggested.discard("something_else")
    faq_suggested = {name.removeprefix("faq_") for name in suggested if name.startswith("faq_")}
    assert faq_suggested == keys
    assert suggested - {f"faq_{key}" for key in keys} <= intents - {"greet", "goodbye", "affirm", "deny", "inform",
                                                                   "thank", "out_of_scope", "stop", "english"}
    for name in suggested:
        title = DOMAIN["responses"][f"utter_suggest_{name}"][0]["text"]
        payload = title if name.startswith("faq_") else f"/{name}"
        assert len(payload.encode("utf-8")) <= 64, payload


def test_at_most_three_requests() -> None:
    """The offer stays short on every channel (WhatsApp shows the buttons as a numbered list)."""
    ranking = [("nlu_fallback", 0.5)] + [(name, 0.1) for name in
                                         ("list_policies", "claim_status", "report_claim", "help", "sign_in")]
    _, messages = run(ActionAskWhichRequest(), unsure(ranking))
    assert len(buttons_of(messages)) == MAX_SUGGESTIONS + 1
