"""Bad input through Twilio's WhatsApp webhook, signed with twilio's RequestValidator: TwiML, never a 500."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ElementTree

import pytest
import requests
from twilio.request_validator import RequestValidator

from channels import copy
from tests.bad_input.conftest import tracker_turns
from tests.channels.conftest import unique_whatsapp

ODD_TEXTS = {
    "ten thousand characters": "me chocaron el auto " * 500,
    "emojis": "😀🚗💥🙏🏻👍🏽",
    "control characters": "hola\x07\x1b[31m\u200b\u202e que tal",
    "sql": "'; DROP TABLE users; -- 1' OR '1'='1",
    "html": '<script>alert("x")</script><b>hola</b> & </Message></Response>',
}


def _messages(response: requests.Response) -> list[str]:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert "xml" in response.headers["Content-Type"]
    root = ElementTree.fromstring(response.content)  # well-formed TwiML even when the text holds markup
    return [(element.findtext("Body") or element.text or "") for element in root.iter("Message")]


@pytest.mark.parametrize("kind", sorted(ODD_TEXTS))
def test_odd_text_is_answered_once(gateway, stack, kind):
    sender = unique_whatsapp()
    form = gateway.whatsapp_form(sender, ODD_TEXTS[kind])
    texts = _messages(gateway.whatsapp(form))
    assert texts and all(0 < len(text) <= 1600 for text in texts)
    assert copy.APOLOGY not in texts
    assert len(tracker_turns(stack, sender)) == 1
    # Twilio retries the same MessageSid: answered with nothing, not sent to the assistant again.
    assert _messages(gateway.whatsapp(form)) == []
    assert len(tracker_turns(stack, sender)) == 1


def test_empty_body_gets_a_clear_answer(gateway, stack):
    sender = unique_whatsapp()
    texts = _messages(gateway.whatsapp(gateway.whatsapp_form(sender, "")))
    assert texts == [copy.UNSUPPORTED_MESSAGE]
    assert tracker_turns(stack, sender) == []


def test_invalid_utf8_in_the_form_is_not_a_500(gateway, stack):
    sender = unique_whatsapp()
    url = gateway.url + "/whatsapp/webhook"
    sid = f"SM{secrets.token_hex(16)}"
    raw = (
        f"MessageSid={sid}&AccountSid=AC0&From={requests.utils.quote(sender)}&To=whatsapp%3A%2B14155238886"
        "&NumMedia=0&Body=hola%FF%FE%C3%28"
    ).encode()
    # Sign what the server will read: invalid bytes decode to U+FFFD (werkzeug replaces them).
    decoded = {
        "MessageSid": sid, "AccountSid": "AC0", "From": sender, "To": "whatsapp:+14155238886", "NumMedia": "0",
        "Body": "hola\ufffd\ufffd\ufffd(",
    }  # fmt: skip
    signature = RequestValidator(gateway.twilio_token).compute_signature(url, decoded)
    response = requests.post(
        url,
        data=raw,
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        timeout=60,
    )
    assert response.status_code in (200, 400, 403), (response.status_code, response.text[:300])
    if response.status_code == 200:
        texts = _messages(response)
        assert texts and copy.APOLOGY not in texts
        assert len(tracker_turns(stack, sender)) == 1


def test_json_or_garbage_instead_of_a_form_is_refused(gateway):
    url = gateway.url + "/whatsapp/webhook"
    for body, content_type in ((b'{"Body": "hola"', "application/json"), (b"\xff\xfe\x00", "text/plain")):
        response = requests.post(
            url, data=body, headers={"Content-Type": content_type, "X-Twilio-Signature": "bad"}, timeout=30
        )
        assert response.status_code == 403, (response.status_code, response.text[:300])


def test_oversized_media_gets_a_clear_answer(gateway, stack):
    sender = unique_whatsapp()
    name = f"huge-{secrets.token_hex(4)}.jpg"
    gateway.twilio.media[name] = ("image/jpeg", b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024 + 10))
    form = gateway.whatsapp_form(
        sender, "", NumMedia="1", MediaUrl0=f"{gateway.twilio.url}/media/{name}", MediaContentType0="image/jpeg"
    )
    texts = _messages(gateway.whatsapp(form))
    assert texts and copy.APOLOGY not in texts
    assert len(tracker_turns(stack, sender)) == 1  # told as /inform{"upload_error": "too_large"}
