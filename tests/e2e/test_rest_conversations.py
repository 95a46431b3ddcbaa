"""End to end through Rasa's gateway channel (signed, as the gateway does), with the demo portfolio: the assistant,
its actions and the Mi Aval API, all real (the `stack` fixture)."""

from __future__ import annotations

import json
import re
import secrets
import time

import pytest
import requests

from channels.rasa import RasaClient
from tests import media
from tests.conftest import latest_code
from tests.e2e.rest_chat import RestChat


def _chat(stack, name: str) -> RestChat:
    client = RasaClient(stack.rasa_url, stack.hops.rasa_channel_secret, timeout=60)
    return RestChat(client, f"web:e2e-{name}-{secrets.token_hex(4)}")


def _sign_in(chat: RestChat, outbox, email: str) -> None:
    """Ask to sign in, give the e-mail, type the code that landed in the outbox."""
    previous = latest_code(outbox, email)
    chat.say("hola")
    chat.say("quiero ingresar a mi cuenta")
    chat.say(email)
    assert "código" in chat.text.lower(), chat.log
    deadline = time.monotonic() + 15
    code = latest_code(outbox, email)
    while (code is None or code == previous) and time.monotonic() < deadline:
        time.sleep(0.2)
        code = latest_code(outbox, email)
    assert code and code != previous, f"no new code e-mailed\n{chat.log}"
    chat.say(code)


def _policies(stack, sender: str) -> set[str]:
    response = requests.get(
        f"{stack.api_url}/v1/me/policies",
        headers={"Authorization": f"Bearer {stack.api_token}", "X-Chat-Identity": sender},
        timeout=10,
    )
    return {policy["number"] for policy in response.json().get("policies", [])} if response.ok else set()


@pytest.fixture(scope="module")
def laura(stack) -> RestChat:
    """Laura's chat, signed in once (the API sends one code per address per minute)."""
    chat = _chat(stack, "laura")
    _sign_in(chat, stack.outbox_dir, "laura.gomez@example.com")
    assert "Laura" in chat.text, chat.log
    return chat


def test_laura_signs_in_sees_her_policies_and_reports_a_collision(stack, laura):
    chat = laura

    chat.say("que seguros tengo?")
    listing = chat.text
    for number in ("AU-1048576", "HOG-778899", "01-0234567-8", "AU-0524288"):
        assert number in listing, chat.log
    expired_line = next(line for line in listing.splitlines() if "AU-0524288" in line)
    assert "vencida" in expired_line.lower(), chat.log
    assert "Martín" in listing, chat.log
    # Grouped by client and insurer, in force first: the expired Palio after the Gol, same insurer.
    assert listing.index("AU-0524288") > listing.index("AU-1048576"), chat.log

    chat.say("ayer a las 19 me chocaron de atras en Av. Rivadavia 5000 con el gol")
    answers = {  # most specific question first
        # The other party is one question, answered in one free message; then "¿algo más?".
        "lo que tengas del otro": "Juan Pérez, cel 11 5555-1234, patente AB 123 CD, tiene Pampa",
        "algo más del otro": "no tengo más",
        "quién manejaba": "yo",
        "puede seguir andando": "Sí",
        "otro vehículo o persona": "Sí",
        "se lastimó": "No",
        "denuncia policial": "no hice denuncia",
    }
    for _ in range(16):
        text = chat.text.lower()
        if "revisá la denuncia" in text:
            break
        reply = next((answer for question, answer in answers.items() if question in text), None)
        assert reply, f"unexpected question\n{chat.log}"
        if any(reply.lower() == b["title"].lower() for b in chat.buttons):
            chat.click(reply)
        else:
            chat.say(reply)
    summary = chat.text
    assert "AU-1048576" in summary and "Rivadavia 5000" in summary, chat.log
    assert "• Su patente: AB123CD" in summary and "• Su teléfono: +54 11 5555-1234" in summary, chat.log
    assert "no sé" not in summary, chat.log
    chat.click("Confirmar")
    numbers = re.findall(r"SIN-\d{6}", chat.text)
    assert numbers, chat.log
    assert "0800-555-0111" in chat.text, chat.log  # Río de la Plata Seguros' claims phone

    claims = requests.get(
        f"{stack.api_url}/v1/me/claims/{numbers[0]}",
        headers={"Authorization": f"Bearer {stack.api_token}", "X-Chat-Identity": chat.sender},
        timeout=10,
    ).json()["claim"]
    assert claims["policy_number"] == "AU-1048576" and claims["type"] == "collision"


def test_sofia_links_la_espiga_with_its_cuit_and_a_policy_in_force(stack):
    chat = _chat(stack, "sofia")
    _sign_in(chat, stack.outbox_dir, "sofia.martinez@estudiomartinez.example")
    assert _policies(stack, chat.sender) == set()

    chat.say("quiero agregar un cliente")
    chat.say("30-70987654-2")
    chat.say("COM-440021")
    assert "Espiga" in chat.text, chat.log
    assert {"COM-440021", "AU-2097152", "AU-2097153"} <= _policies(stack, chat.sender)

    chat.say("que clientes tengo vinculados?")
    assert "Panadería La Espiga" in chat.text, chat.log


def test_carlos_unverified_is_led_to_verify_before_any_policy(stack):
    chat = _chat(stack, "carlos")
    chat.say("hola")
    chat.say("quiero ver mis polizas")
    assert "LT 5521907" not in chat.text and "VI-300412" not in chat.text, chat.log
    assert "e-mail" in chat.text.lower(), chat.log
    previous = latest_code(stack.outbox_dir, "carlos.benitez@example.com")
    chat.say("carlos.benitez@example.com")
    code = None
    for _ in range(75):
        code = latest_code(stack.outbox_dir, "carlos.benitez@example.com")
        if code and code != previous:
            break
        time.sleep(0.2)
    chat.say(code)
    # Once verified the request goes on: his policies, linked by his e-mail.
    assert "LT 5521907" in chat.text and "VI-300412" in chat.text, chat.log


def _api(stack, sender: str, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {stack.api_token}", "X-Chat-Identity": sender, **kwargs.pop("headers", {})}
    return requests.request(method, f"{stack.api_url}{path}", headers=headers, timeout=10, **kwargs)


def test_laura_reports_for_martins_motorcycle_injuries_tow_deadline_and_approximate_time(stack, laura):
    """Issue #10 item 4, said as a customer would: the emergency numbers at once, the tow, the deadline first."""
    chat = laura
    chat.say("anoche me chocaron la moto en Av. Rivadavia 5000")  # Martín's is the only motorcycle
    answers = {
        "quién manejaba": "mi hijo Martín",
        "lo que tengas del otro": "no tengo nada, se fue",
        "otro vehículo o persona": "No",
        "puede seguir andando": "No",
        "se lastimó": "sí, mi acompañante se lastimó",
        "denuncia policial": "todavía no",
        "contame en pocas palabras": "Un auto me cerró y me caí con la moto en la avenida.",
        "qué pasó": "Choque",
    }
    said = []
    for _ in range(16):
        text = chat.text.lower()
        said.append(text)
        if "revisá la denuncia" in text:
            break
        question = next((question for question in answers if question in text), None)
        assert question, f"unexpected question\n{chat.log}"
        reply = answers[question]
        if any(reply.lower() == b["title"].lower() for b in chat.buttons):
            chat.click(reply)
        else:
            chat.say(reply)
        if question == "se lastimó":  # at once, in the answer to the injuries, and then the report goes on
            assert "107" in chat.text and "911" in chat.text and "SAME" in chat.text, chat.log
            assert chat.text.rstrip().endswith("?"), chat.log
        if question == "puede seguir andando":
            assert "remolque" in chat.text and "0800" in chat.text, chat.log
    summary = chat.text
    # The deadline comes before the summary and its «Confirmar», not after.
    assert summary.index("3 días desde que te enteraste") < summary.index("Revisá la denuncia"), chat.log
    assert "hora aproximada" in summary and "21:00" not in summary, chat.log
    assert "01-0234567-8" in summary, chat.log
    chat.click("Confirmar")
    assert "3 días" not in chat.text, chat.log  # not repeated after
    [number] = set(re.findall(r"SIN-\d{6}", chat.text))
    claim = _api(stack, chat.sender, "GET", f"/v1/me/claims/{number}").json()["claim"]
    assert claim["policy_number"] == "01-0234567-8" and claim["injured_people"] is True
    assert claim["vehicle_drivable"] is False and claim["driver"] == "mi hijo Martín"
    assert claim["occurred_time_known"] is False


def test_laura_adds_a_photo_to_a_claim_she_already_made(stack, laura):
    chat = laura
    claims = _api(stack, chat.sender, "GET", "/v1/me/claims").json()["claims"]
    number = claims[0]["number"]
    before = len(claims[0]["attachments"])
    upload = _api(
        stack, chat.sender, "POST", "/v1/me/uploads", data=media.JPEG,
        headers={"Content-Type": "application/octet-stream", "X-Filename": "foto.jpg"},
    ).json()["upload"]
    # What the gateway says to Rasa when a photo arrives with no report under way.
    chat.say("/inform" + json.dumps({"upload_id": upload["id"]}), payload=True)
    assert "a qué denuncia" in chat.text.lower(), chat.log
    chat.click(number)
    assert f"sumé la foto a la denuncia {number}".lower() in chat.text.lower(), chat.log
    attachments = _api(stack, chat.sender, "GET", f"/v1/me/claims/{number}").json()["claim"]["attachments"]
    assert len(attachments) == before + 1
    # Asked in words: the next photos go to the chosen claim.
    chat.say(f"quiero agregar fotos a la denuncia {number}")
    assert f"mandame las fotos de la denuncia {number}".lower() in chat.text.lower(), chat.log
    second = _api(
        stack, chat.sender, "POST", "/v1/me/uploads", data=media.PNG,
        headers={"Content-Type": "application/octet-stream", "X-Filename": "otra.png"},
    ).json()["upload"]
    chat.say("/inform" + json.dumps({"upload_id": second["id"]}), payload=True)
    assert f"sumé la foto a la denuncia {number}".lower() in chat.text.lower(), chat.log
    attachments = _api(stack, chat.sender, "GET", f"/v1/me/claims/{number}").json()["claim"]["attachments"]
    assert len(attachments) == before + 2
