"""No invented promises: every phone, office hour and answer time the copy states is Aval's data.

The copy (every response of the domain and ``bot/data``) may name Aval's own
phone, WhatsApp, e-mail and office hours, which must be the ``broker`` section
of the demo portfolio, and the public emergency numbers; the insurers' phones
and Aval's answer time arrive as variables from the API. A time span promised
in words ("dentro de las próximas 2 horas", "en 24 horas") is not written in
the copy at all. The claim flow's legal notice is checked by its own tests.
"""

from __future__ import annotations

import re

import pytest

from tests.actions.dialogue_support import all_responses
from tests.actions.help_section import BROKER

RESPONSES = all_responses()
EMERGENCIES = {"911", "107", "100"}
HOURS = BROKER["office_hours"]
OPENS, CLOSES = int(HOURS["open"][:2]), int(HOURS["close"][:2])

# Phones as Argentines write them: +54 9 11 5555-2825, 0810-555-2825, 11 5555-1234 (not DNIs nor policy numbers).
PHONE = re.compile(r"\+\d[\d -]{7,}\d|\b0\d{3}-\d{3}-\d{4}\b|\b\d{2,4} \d{4}-\d{4}\b")
# A span of hours or days promised in words; minutes only arrive as the API's variables ({minutes}), whose
# "1 minuto" variants are whole responses of their own.
SPAN = re.compile(r"\b(dentro de|en) (las? )?(próxim\w+ )?\d+ (h|hs|horas?|días?)\b", re.IGNORECASE)
# The claim flow's copy (its legal notice, its assistance line) is the claims tests' (tests/actions/test_claims.py).
OTHERS_COPY = re.compile(r"^utter_(claim|roadside)")


def texts() -> list[tuple[str, str]]:
    return [(name, variant.get("text") or "") for name, variants in RESPONSES.items() for variant in variants]


def ours() -> list[tuple[str, str]]:
    return [(name, text) for name, text in texts() if not OTHERS_COPY.match(name)]


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def known_phone(found: str) -> bool:
    number = digits(found)
    return number in EMERGENCIES or number in (digits(BROKER["phone"]), digits(BROKER["whatsapp"]))


@pytest.mark.parametrize(("name", "text"), texts(), ids=[name for name, _ in texts()])
def test_every_phone_in_the_copy_is_avals_or_an_emergency_number(name, text):
    strangers = [found for found in PHONE.findall(text) if not known_phone(found)]
    assert strangers == [], name


@pytest.mark.parametrize(("name", "text"), texts(), ids=[name for name, _ in texts()])
def test_office_hours_in_the_copy_are_the_brokers(name, text):
    for opens, closes in re.findall(r"de lunes a viernes de (\d{1,2}) a (\d{1,2})", text):
        assert (int(opens), int(closes)) == (OPENS, CLOSES), name
    for opens in re.findall(r"desde las (\d{1,2})\b", text):
        assert int(opens) == OPENS, name


@pytest.mark.parametrize(("name", "text"), ours(), ids=[name for name, _ in ours()])
def test_no_time_span_is_promised_in_words(name, text):
    assert not SPAN.search(text), f"{name}: {SPAN.search(text).group(0)!r}"


def test_the_checks_catch_what_they_are_for():
    assert PHONE.findall("Llamá al 0810-555-9999 o al +54 9 11 4444-1234.") == ["0810-555-9999", "+54 9 11 4444-1234"]
    assert PHONE.findall("DNI 31.245.877, CUIT 27-31245877-8, póliza 01-0234567-8") == []
    assert not known_phone("0810-555-9999") and known_phone(BROKER["phone"])
    assert SPAN.search("Te van a contactar dentro de las próximas 2 horas.")
    assert SPAN.search("te respondemos en 24 horas")
    assert not SPAN.search("Te van a responder por este chat dentro de {answer_within}.")
