"""Requests the conversation must never drop, end to end through Rasa's gateway channel (issue 10, items
1, 2, 3 and 5): the real trained model, the real actions and the real Mi Aval API with the demo portfolio."""

from __future__ import annotations

import re
import secrets
import sqlite3
import time

from channels.rasa import RasaClient
from tests.conftest import latest_code
from tests.e2e.rest_chat import RestChat

LAURA = "laura.gomez@example.com"
SOFIA = "sofia.martinez@estudiomartinez.example"
NOTICE = "Ley 25.326"


def _chat(stack, name: str) -> RestChat:
    client = RasaClient(stack.rasa_url, stack.hops.rasa_channel_secret, timeout=60)
    return RestChat(client, f"web:e2e-{name}-{secrets.token_hex(4)}")


def _new_code(outbox, email: str, previous: str | None) -> str:
    """The code e-mailed to ``email`` after ``previous`` (the API sends it before it answers)."""
    deadline = time.monotonic() + 15
    code = latest_code(outbox, email)
    while (code is None or code == previous) and time.monotonic() < deadline:
        time.sleep(0.2)
        code = latest_code(outbox, email)
    assert code and code != previous, f"no new code e-mailed to {email}"
    return code


def _sign_in(chat: RestChat, outbox, email: str) -> None:
    previous = latest_code(outbox, email)
    chat.say("quiero ingresar")
    chat.say(email)
    chat.say(_new_code(outbox, email, previous))
    assert "confirmé que sos vos" in chat.text, chat.log


def _handoff_reasons(stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.api.database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT reason FROM handoff_requests WHERE sender_id = ? ORDER BY id", (sender,))
        return [row[0] for row in rows]


def test_a_greeting_with_a_request_is_served_after_the_hello_and_the_notice_shown_once(stack):
    chat = _chat(stack, "first")
    chat.say("hola, quiero ver mis pólizas")
    text = chat.text
    assert "¡Hola!" in text and NOTICE in text, chat.log
    # Served: it needs sign-in, so the e-mail is asked right away (not the menu).
    assert text.index("¡Hola!") < text.index(NOTICE) < text.index("¿Cuál es tu e-mail?"), chat.log
    assert "¿En qué te doy una mano?" not in text, chat.log

    chat.say("/session_start", payload=True)  # a new session of the same chat: hello again, the notice not
    assert "¡Hola!" in chat.text and NOTICE not in chat.text, chat.log
    chat.say("hola")
    assert NOTICE not in chat.text and "¿En qué te doy una mano?" in chat.text, chat.log


def test_asked_for_the_email_a_quote_request_is_recorded_and_the_email_asked_again(stack):
    chat = _chat(stack, "quote")
    chat.say("quiero ingresar a mi cuenta")
    assert "¿Cuál es tu e-mail?" in chat.text, chat.log
    chat.say("quiero cotizar un seguro para mi casa")
    assert "Necesito una dirección de e-mail completa" not in chat.text, chat.log
    assert "ejecutivo de Aval" in chat.text and "le pasé tu consulta a una persona" in chat.text, chat.log
    assert "¿Cuál es tu e-mail?" in chat.text, chat.log
    assert _handoff_reasons(stack, chat.sender) == ["quote"]


def test_an_email_out_of_context_signs_in_and_a_corrected_email_replaces_it(stack):
    chat = _chat(stack, "loose-email")
    previous = latest_code(stack.outbox_dir, SOFIA)
    chat.say("hola")
    chat.say("laura.gomez@exmaple.com")  # typed out of the blue, with a typo
    assert "Te mandé un código de 6 dígitos a" in chat.text, chat.log
    chat.say(SOFIA)  # the right one, instead of the code
    assert "no es correcto" not in chat.text and "El código son 6 números" not in chat.text, chat.log
    assert re.search(r"Te mandé un código de 6 dígitos a s\S*@estudiomartinez\.example", chat.text), chat.log
    chat.say(_new_code(stack.outbox_dir, SOFIA, previous))
    assert "Sofía" in chat.text, chat.log


def test_a_policy_number_a_cuit_and_a_code_out_of_context(stack):
    chat = _chat(stack, "loose-values")
    chat.say("AU-1048576")
    assert "¿Qué querés hacer con la póliza AU-1048576?" in chat.text, chat.log
    assert "Ver el detalle" in [button["title"] for button in chat.buttons], chat.log
    chat.say("30-70987654-2")
    assert "vincular" in chat.text, chat.log
    chat.say("482913")
    assert "no tengo ningún código pendiente" in chat.text, chat.log
    assert "Perdón, no te entendí" not in "\n".join(chat.transcript), chat.log


def test_another_request_in_the_claim_form_asks_whether_to_leave_and_then_is_served(stack):
    chat = _chat(stack, "leave-claim")
    _sign_in(chat, stack.outbox_dir, LAURA)
    chat.say("quiero denunciar un siniestro")
    assert "¿Sobre qué póliza es?" in chat.text, chat.log
    chat.say("quiero ver mis polizas")
    assert "¿Lo dejamos y vamos con lo nuevo?" in chat.text, chat.log
    chat.click("Sí, dejarlo")
    assert "Estas son tus pólizas" in chat.text and "AU-1048576" in chat.text, chat.log


def test_payment_renewal_english_and_switching_account(stack):
    chat = _chat(stack, "broker")
    _sign_in(chat, stack.outbox_dir, LAURA)

    chat.say("como pago la cuota del seguro?")
    assert "Río de la Plata Seguros" in chat.text and "58.900" in chat.text, chat.log
    assert "Eso no lo puedo resolver yo" not in chat.text, chat.log
    chat.click("Pedir el cupón")
    assert "le pasé tu consulta a una persona" in chat.text, chat.log
    assert _handoff_reasons(stack, chat.sender) == ["payment"]

    chat.say("cuando vence mi poliza?")
    line = next((line for line in chat.text.splitlines() if "AU-1048576" in line), "")
    assert re.search(r"vence el \d{2}/\d{2}/\d{4}", line), chat.log

    chat.say("hello, do you speak english?")
    assert "only chat in Spanish" in chat.text and "0810-555-2825" in chat.text, chat.log

    previous = latest_code(stack.outbox_dir, SOFIA)
    chat.say("quiero entrar con otro mail")
    assert "cerré la sesión" in chat.text and "¿Cuál es tu e-mail?" in chat.text, chat.log
    chat.say(SOFIA)
    chat.say(_new_code(stack.outbox_dir, SOFIA, previous))
    assert "Sofía" in chat.text, chat.log


def test_offered_to_leave_a_form_a_no_or_an_answer_goes_back_to_it(stack):
    chat = _chat(stack, "stay-in-form")
    _sign_in(chat, stack.outbox_dir, LAURA)
    chat.say("quiero vincular un cliente")
    assert "¿Cuál es el DNI, CUIL o CUIT del cliente?" in chat.text, chat.log
    chat.say("como va mi denuncia?")
    assert "¿Lo dejamos y vamos con lo nuevo?" in chat.text, chat.log
    chat.say("no")
    assert "sigamos" in chat.text and "¿Cuál es el DNI, CUIL o CUIT del cliente?" in chat.text, chat.log
    chat.say("como va mi denuncia?")
    assert "¿Lo dejamos y vamos con lo nuevo?" in chat.text, chat.log
    chat.say("23.456.789")  # typed instead of choosing: back in the form, its question again
    assert "¿Cuál es el DNI, CUIL o CUIT del cliente?" in chat.text, chat.log
    assert "no parece un documento válido" not in chat.text, chat.log
    chat.say("23.456.789")
    assert "número de una póliza vigente" in chat.text, chat.log
