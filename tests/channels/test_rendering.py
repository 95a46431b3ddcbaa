"""Rules that need no servers: splitting, option lists, option mapping, callback keys, Rasa's format."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from channels import copy
from channels.assistant import without_control_characters
from channels.choices import CALLBACK_DATA_LIMIT, CallbackKeys, ChoiceMemory
from channels.emphasis import telegram_html
from channels.ratelimit import RateLimiter
from channels.replies import Button, DocumentReply, Paused, SignedOut, TextReply, from_rasa, turn_buttons
from channels.settings import Settings
from channels.splitting import TELEGRAM_LIMIT, WHATSAPP_LIMIT, split_text
from channels.whatsapp.render import to_messages, twiml


def test_split_keeps_every_word_and_cuts_at_sentences():
    sentences = [f"Oración número {index} sobre tu póliza." for index in range(200)]
    text = " ".join(sentences)
    chunks = split_text(text, WHATSAPP_LIMIT)
    assert len(chunks) > 1
    assert all(len(chunk) <= WHATSAPP_LIMIT for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_split_prefers_line_breaks_and_cuts_unbroken_text_hard():
    lines = "\n".join("x" * 100 for _ in range(60))
    chunks = split_text(lines, TELEGRAM_LIMIT)
    assert all(len(chunk) <= TELEGRAM_LIMIT and not chunk.startswith("\n") for chunk in chunks)
    assert all(len(line) == 100 for chunk in chunks for line in chunk.split("\n"))
    assert split_text("y" * 5000, TELEGRAM_LIMIT) == ["y" * 4096, "y" * 904]


def test_whatsapp_numbers_options_and_keeps_spanish_punctuation():
    reply = TextReply("¡Hola! ¿Qué necesitás?", (Button("Ver pólizas", "/list_policies"), Button("Sí", "/affirm")))
    messages = to_messages(Settings(), [reply])
    assert messages[0].body.startswith("¡Hola! ¿Qué necesitás?")
    assert "1. Ver pólizas\n2. Sí" in messages[0].body
    assert "/list_policies" not in messages[0].body
    body = ET.fromstring(twiml(messages)).find("Message/Body")
    assert body is not None and body.text.startswith("¡Hola!")


def test_options_over_several_messages_are_numbered_as_one_list():
    laura = TextReply("Pólizas de Laura:", (Button("AU-1048576", "/inform{\"policy_number\":\"AU-1048576\"}"),))
    martin = TextReply("Pólizas de Martín:", (Button("01-0234567-8", "/inform{\"policy_number\":\"01-0234567-8\"}"),))
    first, second = to_messages(Settings(), [laura, martin])
    assert "1. AU-1048576" in first.body and "2. 01-0234567-8" in second.body
    assert copy.WHATSAPP_BUTTONS_HINT not in first.body and copy.WHATSAPP_BUTTONS_HINT in second.body
    memory = ChoiceMemory()
    memory.offer("whatsapp:+5491100000000", turn_buttons([laura, martin]))
    assert memory.resolve("whatsapp:+5491100000000", "2") == martin.buttons[0].payload


def test_documents_go_to_whatsapp_as_gateway_media():
    settings = Settings(public_url="https://chat.example")
    [message] = to_messages(settings, [DocumentReply("tok123456", "certificado.pdf", "application/pdf")])
    assert message.media_url == "https://chat.example/files/tok123456"


def test_a_number_or_a_title_maps_back_to_the_payload():
    memory = ChoiceMemory()
    memory.offer("whatsapp:+5491100000000", (Button("Ver pólizas", "/list_policies"), Button("Sí, dale", "/affirm")))
    assert memory.resolve("whatsapp:+5491100000000", " 2 ") == "/affirm"
    assert memory.resolve("whatsapp:+5491100000000", "si dale!") == "/affirm"
    assert memory.resolve("whatsapp:+5491100000000", "ver POLIZAS") == "/list_policies"
    assert memory.resolve("whatsapp:+5491100000000", "3") is None
    assert memory.resolve("whatsapp:+5491199999999", "1") is None
    memory.offer("whatsapp:+5491100000000", ())
    assert memory.resolve("whatsapp:+5491100000000", "1") is None


def test_long_payloads_get_a_short_callback_key():
    keys = CallbackKeys()
    short = '/inform{"claim_type":"hail"}'
    assert keys.data_for(short) == short
    long_payload = '/inform{"policy_number":"' + "9" * 80 + '"}'
    data = keys.data_for(long_payload)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert keys.payload_for(data) == long_payload
    assert keys.payload_for("k:unknown") is None


def test_rasa_messages_become_typed_replies():
    replies = from_rasa(
        [
            {"recipient_id": "web:x", "text": "Acá va", "buttons": [{"title": "Listo", "payload": "/affirm"}]},
            {"recipient_id": "web:x", "custom": {"document": {"token": "t1", "filename": "c.pdf"}}},
            {"recipient_id": "web:x", "buttons": [{"title": "Otra", "payload": "/deny"}]},
        ]
    )
    assert replies[0] == TextReply("Acá va", (Button("Listo", "/affirm"),))
    assert replies[1] == DocumentReply("t1", "c.pdf", "application/pdf")
    assert isinstance(replies[2], TextReply) and replies[2].buttons == (Button("Otra", "/deny"),)


def test_the_signed_out_marker_is_a_reply_of_its_own_that_whatsapp_does_not_show():
    marked = {"recipient_id": "web:x", "text": "Listo, cerré tu sesión", "custom": {"session": "signed_out"}}
    replies = from_rasa([marked])
    assert replies == [TextReply("Listo, cerré tu sesión"), SignedOut()]
    assert [message.body for message in to_messages(Settings(), replies)] == ["Listo, cerré tu sesión"]
    assert from_rasa([{"recipient_id": "web:x", "custom": {"session": "something else"}}]) == []


def test_rate_limit_warns_once_then_drops_until_the_window_passes():
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.check("web:a") for _ in range(5)] == ["allow", "allow", "allow", "warn", "drop"]
    assert limiter.check("web:b") == "allow"
    now[0] = 61.0
    assert limiter.check("web:a") == "allow"


def test_control_characters_are_dropped_but_line_breaks_kept():
    assert without_control_characters("hola\x00 che\x1b[31m\nchau\t!") == "hola che[31m\nchau\t!"


def test_telegram_gets_bold_pairs_and_everything_else_escaped():
    assert telegram_html("*Laura Gómez* · <b>Río & Plata</b> 3*4") == (
        "<b>Laura Gómez</b> · &lt;b&gt;Río &amp; Plata&lt;/b&gt; 3*4"
    )


def test_a_paused_conversation_is_read_as_paused_not_as_an_empty_answer():
    assert from_rasa([{"recipient_id": "x", "custom": {"conversation": "paused"}}]) == [Paused()]
    assert from_rasa([{"recipient_id": "x", "custom": {"conversation": "other"}}]) == []
