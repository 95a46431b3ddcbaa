"""Not sure what the customer wants (issue 17, item 5), end to end through Rasa's gateway channel: the real
trained model, Rasa's two-stage fallback and the real action that offers the likeliest requests.

Vague messages stand for one the model is not sure about (its intent stays under the NLU threshold): each test
starts with the first of UNSURE that gets the suggestions, and fails saying so when a model understands them all.
"""

from __future__ import annotations

import secrets

from channels.rasa import RasaClient
from tests.e2e.rest_chat import RestChat

UNSURE = ("lo del seguro ese", "tengo una duda con lo del auto", "che una cosa del seguro")
UNSURE_AGAIN = "asdf qwer"
WHICH = "¿Es alguna de estas?"
REPHRASE = "¿Me lo contás con otras palabras?"
NOT_UNDERSTOOD = "Perdón, no te entendí"


def _chat(stack, name: str) -> RestChat:
    client = RasaClient(stack.rasa_url, stack.hops.rasa_channel_secret, timeout=60)
    return RestChat(client, f"web:e2e-{name}-{secrets.token_hex(4)}")


def _unsure_chat(stack, name: str) -> RestChat:
    """A chat, after a hello, that has just sent a vague message and got the suggestions."""
    for text in UNSURE:
        chat = _chat(stack, name)
        chat.say("hola")
        chat.say(text)
        if WHICH in chat.text:
            return chat
    raise AssertionError(f"the model is sure about every vague message of {UNSURE}: pick vaguer ones")


def _offered(chat: RestChat) -> list[dict]:
    """The suggestions of the last answer: two or three requests, then "Otra cosa"."""
    assert WHICH in chat.text, chat.log
    buttons = chat.buttons
    assert buttons[-1] == {"title": "Otra cosa", "payload": "/out_of_scope"}, chat.log
    assert 1 <= len(buttons) - 1 <= 3, chat.log
    return buttons[:-1]


def test_a_picked_suggestion_is_served_as_if_the_customer_had_asked_for_it(stack):
    chat = _unsure_chat(stack, "pick")
    suggestions = _offered(chat)
    picked = suggestions[0]
    chat.click(picked["title"])
    served = chat.text

    direct = _chat(stack, "direct")
    direct.say("hola")
    direct.say(picked["payload"], payload=picked["payload"].startswith("/"))  # as a menu button of the gateway
    assert served and served == direct.text, chat.log + "\n---\n" + direct.log
    assert WHICH not in served and NOT_UNDERSTOOD not in served, chat.log


def test_none_of_them_asks_to_rephrase_and_the_rephrased_request_is_served(stack):
    chat = _unsure_chat(stack, "rephrase")
    _offered(chat)
    chat.click("Otra cosa")
    assert REPHRASE in chat.text and chat.buttons == [], chat.log
    chat.say("quiero hablar con una persona")
    assert "le pasé tu consulta a una persona" in chat.text, chat.log


def test_not_understood_twice_in_a_row_says_so_and_the_next_request_is_served(stack):
    chat = _unsure_chat(stack, "twice")
    _offered(chat)
    chat.say(UNSURE_AGAIN)
    assert NOT_UNDERSTOOD in chat.text, chat.log
    chat.say("qué podés hacer?")
    assert "¿En qué te doy una mano?" in chat.text, chat.log
