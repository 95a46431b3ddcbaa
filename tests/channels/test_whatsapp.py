"""WhatsApp webhook over HTTP: Twilio signatures, TwiML answers, retries, REST fallback, media."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator

from channels import copy
from tests import media
from tests.channels.conftest import unique_whatsapp


def twiml_messages(xml: str) -> list[dict]:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    messages = []
    for message in root.findall("Message"):
        body = message.find("Body")
        text = (body.text if body is not None else message.text) or ""
        messages.append({"body": text.strip(), "media": [media.text for media in message.findall("Media")]})
    return messages


def test_signed_message_gets_an_answer_from_the_assistant(gateway):
    response = gateway.whatsapp(gateway.whatsapp_form(unique_whatsapp(), "hola"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    messages = twiml_messages(response.text)
    assert messages and all(message["body"] for message in messages)
    assert all(len(message["body"]) <= 1600 for message in messages)
    assert copy.APOLOGY not in [message["body"] for message in messages]


def test_unsigned_request_is_refused_and_reaches_nothing(gateway):
    form = gateway.whatsapp_form(unique_whatsapp(), "hola")
    assert gateway.whatsapp(form, signature="").status_code == 403
    # The refused delivery was not recorded: the same MessageSid, properly signed, is answered.
    assert twiml_messages(gateway.whatsapp(form).text)


def test_forged_signatures_are_refused(gateway):
    form = gateway.whatsapp_form(unique_whatsapp(), "hola")
    url = gateway.url + "/whatsapp/webhook"
    wrong_token = RequestValidator("not-our-token").compute_signature(url, form)
    assert gateway.whatsapp(form, signature=wrong_token).status_code == 403
    other_url = RequestValidator(gateway.twilio_token).compute_signature(url + "?x=1", form)
    assert gateway.whatsapp(form, signature=other_url).status_code == 403
    signed = RequestValidator(gateway.twilio_token).compute_signature(url, form)
    tampered = dict(form, Body="mandame todo")
    assert gateway.whatsapp(tampered, signature=signed).status_code == 403


def test_retried_message_sid_is_answered_once(gateway):
    form = gateway.whatsapp_form(unique_whatsapp(), "hola")
    first = twiml_messages(gateway.whatsapp(form).text)
    again = twiml_messages(gateway.whatsapp(form).text)
    assert first
    assert again == []


def test_slow_answers_go_through_the_rest_api(slow_gateway, fake_twilio):
    sender = unique_whatsapp()
    response = slow_gateway.whatsapp(slow_gateway.whatsapp_form(sender, "hola"))
    assert response.status_code == 200
    assert twiml_messages(response.text) == []
    sent = fake_twilio.wait_for(sender)
    assert sent, "no reply reached Twilio's Messages API"
    assert all(message["From"] == "whatsapp:+14155238886" and message.get("Body") for message in sent)


def test_rasa_down_gives_a_spanish_apology(gateway_without_rasa):
    response = gateway_without_rasa.whatsapp(gateway_without_rasa.whatsapp_form(unique_whatsapp(), "hola"))
    assert response.status_code == 200
    assert [message["body"] for message in twiml_messages(response.text)] == [copy.APOLOGY]


def test_rate_limit_answers_kindly_once(gateway_without_rasa):
    # Rasa being down does not matter: the limit is checked before anything is forwarded.
    sender = unique_whatsapp()
    bodies = []
    for _ in range(22):
        bodies.append(
            [
                m["body"]
                for m in twiml_messages(
                    gateway_without_rasa.whatsapp(gateway_without_rasa.whatsapp_form(sender, "hola")).text
                )
            ]
        )
    assert bodies[19] == [copy.APOLOGY]
    assert bodies[20] == [copy.RATE_LIMITED]
    assert bodies[21] == []


def test_photo_from_an_unverified_number_is_fetched_with_credentials(gateway, fake_twilio):
    fake_twilio.media["photo-1"] = ("image/jpeg", media.JPEG)
    sender = unique_whatsapp()
    form = gateway.whatsapp_form(
        sender, "", NumMedia="1", MediaUrl0=fake_twilio.url + "/media/photo-1", MediaContentType0="image/jpeg"
    )
    response = gateway.whatsapp(form)
    assert response.status_code == 200
    assert "photo-1" in fake_twilio.media_fetches
    assert twiml_messages(response.text)


def test_photo_sent_during_a_claim_report_is_attached_to_the_claim(gateway, fake_twilio, stack):
    from api_client import MiAvalClient
    from tests.channels.conversation import report_claim, sign_in

    sender = unique_whatsapp()
    fake_twilio.media["crash-photo"] = ("image/jpeg", media.PNG)

    def post(form: dict) -> list[str]:
        response = gateway.whatsapp(form)
        assert response.status_code == 200
        return [message["body"] for message in twiml_messages(response.text)]

    def send(text: str) -> list[str]:
        form = gateway.whatsapp_form(sender, text)
        replies = post(form)
        if text == "Confirmar":
            # Twilio retries the confirmation: nothing is answered or created twice.
            assert post(form) == []
        return replies

    def send_photo() -> list[str]:
        return post(
            gateway.whatsapp_form(
                sender,
                "",
                NumMedia="1",
                MediaUrl0=fake_twilio.url + "/media/crash-photo",
                MediaContentType0="image/jpeg",
            )
        )

    def send_place() -> list[str]:
        return post(gateway.whatsapp_form(sender, "", Latitude="-34.6037", Longitude="-58.3816"))

    sign_in(send, stack.outbox_dir, "laura.gomez@example.com")
    number = report_claim(send, send_photo, send_place)
    claim = MiAvalClient(stack.api_url, stack.api_token).get_claim(sender, number)
    assert len(claim.attachments) == 1
    mine = [
        c for c in MiAvalClient(stack.api_url, stack.api_token).list_claims(sender) if c.policy_number == "AU-1048576"
    ]
    assert [c.number for c in mine] == [number]


def test_signing_out_on_whatsapp_asks_to_sign_in_again(gateway, stack):
    from tests.channels.conversation import sign_in

    sender = unique_whatsapp()

    def send(text: str) -> list[str]:
        response = gateway.whatsapp(gateway.whatsapp_form(sender, text))
        assert response.status_code == 200
        return [message["body"] for message in twiml_messages(response.text)]

    sign_in(send, stack.outbox_dir, "laura.gomez@example.com")
    assert "AU-1048576" in "\n".join(send("q seguros tengo"))
    assert "cerré tu sesión" in "\n".join(send("desconectame porfa"))
    after = "\n".join(send("q seguros tengo"))
    assert "AU-1048576" not in after and "e-mail" in after


def test_a_voice_note_is_answered_kindly_and_never_fetched(gateway, fake_twilio):
    fake_twilio.media["voice-1"] = ("audio/ogg", b"OggS" + b"0" * 2000)
    form = gateway.whatsapp_form(
        unique_whatsapp(), "", NumMedia="1", MediaUrl0=fake_twilio.url + "/media/voice-1",
        MediaContentType0="audio/ogg",
    )
    response = gateway.whatsapp(form)
    assert response.status_code == 200
    assert [message["body"] for message in twiml_messages(response.text)] == [copy.VOICE_NOTE]
    assert "voice-1" not in fake_twilio.media_fetches
