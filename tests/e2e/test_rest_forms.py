"""Every form but the claim's takes what the customer already said and asks only the rest, end to end.

The real trained model, the real actions and the real Mi Aval API with the demo
portfolio, through Rasa's gateway channel. Each test counts the customer's
messages from the request to the result (after sign-in where the request needs
it) and holds the form to that budget; the figures before forms read the
opening message are in the docstrings.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from channels.rasa import RasaClient
from tests.conftest import latest_code
from tests.e2e.rest_chat import RestChat

LAURA = "laura.gomez@example.com"


class CountingChat(RestChat):
    """A chat that counts what the customer writes."""

    sent: int = 0

    def say(self, text: str, *args: Any, **kwargs: Any) -> list[dict]:
        self.sent += 1
        return super().say(text, *args, **kwargs)


def _chat(stack, name: str) -> CountingChat:
    client = RasaClient(stack.rasa_url, stack.hops.rasa_channel_secret, timeout=60)
    return CountingChat(client, f"web:e2e-forms-{name}-{secrets.token_hex(4)}")


def _code_after(outbox, email: str, previous: str | None) -> str:
    deadline = time.monotonic() + 15
    code = latest_code(outbox, email)
    while (code is None or code == previous) and time.monotonic() < deadline:
        time.sleep(0.2)
        code = latest_code(outbox, email)
    assert code and code != previous, f"no new code e-mailed to {email}"
    return code


def _signed_in(stack, name: str, email: str) -> CountingChat:
    """A chat signed in as ``email`` in two messages (the e-mail in the request, then the code); count reset."""
    chat = _chat(stack, name)
    previous = latest_code(stack.outbox_dir, email)
    chat.say(f"hola, quiero ingresar con mi mail {email}")
    chat.say(_code_after(stack.outbox_dir, email, previous))
    assert "confirmé que sos vos" in chat.text, chat.log
    chat.sent = 0
    return chat


def test_sign_in_with_the_email_in_the_request_takes_two_messages(stack):
    """Before: three ("quiero ingresar", the e-mail, the code)."""
    chat = _chat(stack, "sign-in")
    previous = latest_code(stack.outbox_dir, LAURA)
    chat.say(f"quiero ingresar, mi mail es {LAURA}")
    assert "¿Cuál es tu e-mail?" not in chat.text and "Te mandé un código" in chat.text, chat.log
    chat.say(_code_after(stack.outbox_dir, LAURA, previous))
    assert "confirmé que sos vos" in chat.text, chat.log
    assert chat.sent == 2


def test_linking_with_document_and_policy_in_one_message_takes_one(stack):
    """Before: three (the request, the document, the policy)."""
    email = f"prueba.{secrets.token_hex(4)}@example.com"
    chat = _signed_in(stack, "link", email)
    chat.say("quiero vincular el dni 17.654.321 poliza LT 5521907")
    assert "Vinculé el perfil de Carlos Benítez" in chat.text, chat.log
    assert chat.sent == 1


def test_unlinking_the_client_named_asks_only_to_confirm(stack):
    """Before: three (the request, which client, yes)."""
    email = f"prueba.{secrets.token_hex(4)}@example.com"
    chat = _signed_in(stack, "unlink", email)
    chat.say("quiero vincular el dni 17654321 poliza LT 5521907")
    assert "Vinculé el perfil de Carlos Benítez" in chat.text, chat.log
    chat.sent = 0
    chat.say("quiero desvincular a carlos de mi cuenta")
    assert "¿Desvinculo el perfil de Carlos Benítez?" in chat.text, chat.log
    chat.say("si")
    assert "desvinculé el perfil de Carlos Benítez" in chat.text, chat.log
    assert chat.sent == 2


def test_roadside_for_the_vehicle_named_takes_one_message(stack):
    """Before: two (the request, then which of Laura's two vehicles)."""
    chat = _signed_in(stack, "roadside", LAURA)
    chat.say("necesito una grua para la moto")
    assert "0800-555-0303" in chat.text, chat.log  # Cordillera insures Martín's Honda Wave
    assert chat.sent == 1
