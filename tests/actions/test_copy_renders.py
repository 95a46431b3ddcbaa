"""Every response renders as whole sentences, also when a value is empty or missing.

Part one renders every ``utter_*`` response of the domain (and ``bot/data``)
the way Rasa does (``rasa.core.nlg.interpolator``): the placeholders the actions
always fill (required fields of the API's types, or values an action checks
before uttering) get a realistic value; every other placeholder is rendered once
empty (the actions pass ``""`` for a value they do not have) and once missing
(not passed at all). A blank-looking result fails. A response may hold a value
that can be empty only when the action picks a whole alternative response
without it (``CHOSEN_WHEN_PRESENT``); part two runs those choices with real
data that lacks the value and renders what the action chose.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk.executor import CollectingDispatcher

from api_client import Insurer, Policy
from bot.actions import backend
from bot.actions.assistance import ActionUsefulPhones, by_known, vehicle_name
from bot.actions.backend import per_minutes
from bot.actions.claim.questions import policy_button_title
from bot.actions.claim.submission import ActionSubmitClaim
from bot.actions.claim.templates import template
from bot.actions.formatting import insured_item
from tests.actions.dialogue_support import DOMAIN, all_responses, load_tracker, new_identity, run

ROOT = Path(__file__).resolve().parents[2]


RESPONSES = all_responses()

# Placeholders the actions always fill with a non-empty value, and why.
ALWAYS_FILLED = {
    "address": "claims: the insured address, or else the policy's coverage (required)",
    "answer_within": "core.utter_handoff: formatting.duration of the API's answer_within_minutes (1 or more; "
    "without it utter_handoff_requested)",
    "amount": "reminders: Instalment.amount is required",
    "due_date": "reminders: Instalment.due_date is required",
    "instalment": "reminders: Instalment.number is required",
    "assistance_phone": "Insurer.assistance_phone is required",
    "attempts_left": "identity: uttered only when the API gives a number other than 1",
    "claim_number": "Claim.number is required",
    "claim_type": "the label of a claim type, or the type itself (required)",
    "claims_phone": "Insurer.claims_phone is required; without a policy the _no_phone response is chosen",
    "client_name": "ClientProfile.name / Policy.client_name are required",
    "count": "the number of photos received, at least 1",
    "coverage": "Policy.coverage is required",
    "damaged_items": "a required slot of the claim form when its line asks it",
    "date": "a formatted date of the claim",
    "description": "a required slot of the claim form",
    "document": "a required slot of the claim form once a third party is involved (a DNI or «no sé»)",
    "drivable": "the yes/no words of the summary",
    "driver": "a required slot of the claim form in a crash (a name or «yo»)",
    "end": "Policy.end_date is required (the policy that did not cover the day of the loss)",
    "phone": "a required slot of the claim form once a third party is involved (a phone or «no sé»)",
    "start": "Policy.start_date is required (the policy that did not cover the day of the loss)",
    "witnesses": "a required slot of the claim form in a crash (names or «no»)",
    "details": "the summary lines of the line of business (may be empty: it is followed by the next line)",
    "email": "loose_values: the e-mail the user typed (an entity match, never empty)",
    "email_masked": "VerificationStarted.email_masked is required",
    "end_date": "Policy.end_date is required",
    "hours": "profiles: at least 2",
    "injured": "the yes/no words of the summary",
    "insurer": "a required slot of the claim form once a third party is involved",
    "insurer_name": "Insurer.name is required",
    "item": "formatting.insured_item falls back to the coverage (tested below)",
    "license_plate": "the entity of the message",
    "minutes": "at least 1; per_minutes picks the _one_minute response for 1",
    "name": "a required slot of the claim form once a third party is involved",
    "number": "Policy.number is required",
    "photos": "the count of photos, or the word for none",
    "place": "a required slot of the claim form",
    "police_report": "a required slot of the claim form when its line asks it",
    "policies": "at least one policy line per group",
    "policy": "the chosen policy's button title",
    "policy_number": "Policy.number / Claim.policy_number are required",
    "premium": "policies: uttered only when monthly_premium is not None",
    "profiles": "uttered only with at least one profile",
    "start_date": "Policy.start_date is required",
    "user_name": "uttered only when the user has a name (else utter_greet / utter_signed_in)",
    "when": "a formatted date and time",
}

# Responses holding a value that can be empty: the action picks them only when it is there.
CHOSEN_WHEN_PRESENT = {
    "utter_claim_policy_button_vehicle": {"vehicle", "plate"},
    "utter_claim_policy_button_vehicle_no_plate": {"vehicle"},
    "utter_claim_policy_button_plate_only": {"plate"},
    "utter_roadside_vehicle_button": {"vehicle", "plate"},
    "utter_roadside_vehicle_button_no_plate": {"vehicle"},
    "utter_roadside_vehicle_button_plate_only": {"plate"},
    "utter_roadside_phone": {"vehicle", "plate"},
    "utter_roadside_phone_no_plate": {"vehicle"},
    "utter_roadside_phone_plate_only": {"plate"},
    "utter_useful_phones": {"insurer_phones"},
    # The summary's lines about the other party: one per fact known (bot/actions/claim/summary.py).
    **{f"utter_claim_summary_third_party_{key}": {key}
       for key in ("vehicle", "plate", "name", "document", "phone", "insurer", "policy")},
}

SAMPLE = {
    "answer_within": "2 horas",
    "address": "Av. Rivadavia 5000, CABA", "assistance_phone": "0800-222-7777", "attempts_left": 3,
    "claim_number": "SIN-000124", "claim_type": "Choque", "claims_phone": "0800-222-7778",
    "client_name": "Laura Gómez", "count": 2, "coverage": "Todo riesgo", "damaged_items": "el techo",
    "date": "12/11/2026", "description": "me chocaron de atrás", "details": "", "email": "otra@example.com",
    "email_masked": "l***a@example.com",
    "end_date": "01/03/2027", "hours": 3, "injured": "no", "insurer": "Pampa Seguros",
    "insurer_name": "Río de la Plata Seguros", "item": "Toyota Etios 2019 (AB123CD)", "license_plate": "AB123CD",
    "minutes": 10, "name": "Juan Pérez", "number": "AU-1048576", "photos": "2", "place": "Rivadavia 5000",
    "police_report": "no", "policies": "• AU-1048576: Toyota Etios (vigente hasta el 01/03/2027)",
    "policy": "Toyota Etios AB123CD · AU-1048576", "policy_number": "AU-1048576", "premium": "$ 25.000",
    "profiles": "• Laura Gómez", "start_date": "01/03/2026", "user_name": "Laura", "when": "12/11 19:00",
    "vehicle": "Toyota Etios", "plate": "AB123CD", "document": "28123456", "drivable": "no",
    "driver": "yo", "end": "01/03/2026", "phone": "11 5555-1234", "start": "01/03/2025", "witnesses": "no",
    "insurer_phones": "• Río de la Plata Seguros: asistencia 1\n",
    "amount": "$ 58.900,00", "due_date": "10/03/2027", "instalment": "8",
}

BLANK_LOOKING = [
    (r"[^\S\n]{2,}", "two spaces in a row"),
    (r"\(\s*\)", "empty parentheses"),
    (r"[{}]", "a placeholder left unfilled"),
    (r"\bNone\b", "None"),
    (r"\b(al|a|de|del|en|con|para|tu|el|la)[^\S\n]*([.,;:)·]|\n|$)", "a word that expects a value before punctuation"),
    (r"(^|\n)[^\S\n]*•[^\S\n]*[^\s\w]*[^\S\n]*(\n|$)", "an empty line item"),
    (r":[^\S\n]+(·|\n|$)", "a label without its value"),
    (r"(^|\n)[^\S\n]*·|·[^\S\n]*(\n|$)|·\s*·", "a separator without a value"),
    (r"(^|\n)[^\S\n]+\S", "a line starting with a space"),
    (r"\n\n\n", "an empty line where a value was"),
]


def blanks(text: str) -> list[str]:
    """What makes ``text`` look blank, if anything."""
    return [why for pattern, why in BLANK_LOOKING if re.search(pattern, text)]


def lone_placeholders(text: str, optional: set[str]) -> set[str]:
    """Optional placeholders alone on their line: left empty they leave an empty line."""
    return {key for key in optional if re.search(r"(^|\n)\{" + key + r"\}(\n|$)", text)}


def _cases():
    for name, variants in sorted(RESPONSES.items()):
        for index, variant in enumerate(variants):
            placeholders = set(re.findall(r"\{(\w+)\}", variant.get("text", "")))
            optional = placeholders - set(ALWAYS_FILLED) - CHOSEN_WHEN_PRESENT.get(name, set())
            for mode in ("empty", "missing"):
                yield pytest.param(name, index, optional, mode, id=f"{name}-{index}-{mode}")


def _render(text: str, optional: set[str], mode: str) -> str:
    values = {key: value for key, value in SAMPLE.items() if key not in optional}
    if mode == "empty":
        values.update({key: "" for key in optional})
    return interpolate_text(text, values)


def test_every_placeholder_is_known():
    """A new placeholder must be said to be always filled, or have whole alternatives."""
    optional = {key for keys in CHOSEN_WHEN_PRESENT.values() for key in keys}
    for name, variants in RESPONSES.items():
        for variant in variants:
            for key in re.findall(r"\{(\w+)\}", variant.get("text", "")):
                assert key in ALWAYS_FILLED or key in optional, f"{name}: {{{key}}}"


@pytest.mark.parametrize("name, index, optional, mode", list(_cases()))
def test_response_never_looks_blank(name, index, optional, mode):
    variant = RESPONSES[name][index]
    text = _render(variant["text"], optional, mode)
    assert not blanks(text), (blanks(text), text)
    assert not lone_placeholders(variant["text"], optional)
    for button in variant.get("buttons") or []:
        assert button["title"].strip() and not blanks(button["title"]), button


def test_the_detector_sees_the_blanks_the_issue_reported():
    assert blanks("Llamá a  al  y te ayudan.")
    assert blanks("🚨 Para tu Honda Wave () llamá a la asistencia")
    assert lone_placeholders("📞 Teléfonos útiles\n{insurer_phones}\n🚑 Emergencias: 911", {"insurer_phones"})
    assert blanks("Vence en {minutes} minutos.")
    assert not blanks(_render(RESPONSES["utter_claim_created"][0]["text"], set(), "empty"))


# --- part two: the actions choose whole alternatives --------------------------------------------------

INSURER = Insurer(
    code="RPS", name="Río de la Plata Seguros", assistance_phone="0800-222-7777", claims_phone="0800-222-7778",
    claims_email=None,
)


def _vehicle_policy(vehicle: dict) -> Policy:
    return Policy(
        number="MO-555", client_id=1, client_name="Martín Gómez", insurer=INSURER, line="motorcycle",
        status="active", in_force=True, start_date=date(2026, 1, 1), end_date=date(2027, 1, 1),
        coverage="Responsabilidad civil", monthly_premium=None, insured_item={"vehicle": vehicle},
    )


VEHICLES = [
    {"make": "Honda", "model": "Wave", "plate": "A123BCD"},
    {"make": "Honda", "model": "Wave"},
    {"plate": "A123BCD"},
    {},
]


@pytest.mark.parametrize("vehicle", VEHICLES, ids=["both", "no-plate", "plate-only", "neither"])
def test_vehicle_copy_chooses_a_whole_alternative(vehicle):
    policy = _vehicle_policy(vehicle)
    name = vehicle_name(policy)
    rendered = [
        policy_button_title(DOMAIN, policy),
        template(DOMAIN, by_known("utter_roadside_vehicle_button", name, policy.plate),
                 plate=policy.plate, vehicle=name, policy_number=policy.number),
        interpolate_text(
            RESPONSES[by_known("utter_roadside_phone", name, policy.plate)][0]["text"],
            {"vehicle": name, "plate": policy.plate or "", "insurer_name": INSURER.name,
             "assistance_phone": INSURER.assistance_phone},
        ),
        insured_item(policy),
    ]
    for text in rendered:
        assert text.strip() and not blanks(text), text


@pytest.mark.parametrize("minutes, expected", [(1, "1 minuto."), (10, "10 minutos.")])
def test_minutes_agree_in_number(minutes, expected):
    for response in ("utter_code_sent", "utter_resend_limited", "utter_link_attempts_exceeded_minutes"):
        text = interpolate_text(
            RESPONSES[per_minutes(response, minutes)][0]["text"], {**SAMPLE, "minutes": minutes}
        )
        assert expected.split(".")[0] in text and "1 minutos" not in text, text


def _api_down(monkeypatch) -> None:
    from launcher.services import free_port

    monkeypatch.setenv("MIAVAL_API_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("MIAVAL_API_TOKEN", "x")
    backend.reset_api()


def test_useful_phones_with_the_api_down_has_no_empty_list(monkeypatch):
    _api_down(monkeypatch)
    try:
        _, messages = run(ActionUsefulPhones(), load_tracker("request", new_identity(), intent="useful_phones"))
    finally:
        backend.reset_api()
    assert [m["response"] for m in messages] == ["utter_useful_phones_emergency_only"]
    text = interpolate_text(RESPONSES["utter_useful_phones_emergency_only"][0]["text"], messages[0])
    assert "911" in text and not blanks(text)


def test_a_policy_no_longer_in_force_without_its_insurer_is_not_blank(monkeypatch):
    _api_down(monkeypatch)
    dispatcher = CollectingDispatcher()
    try:
        asyncio.run(
            ActionSubmitClaim._policy_gone(dispatcher, new_identity(), "AU-1048576", "2026-11-20T19:00:00-03:00")
        )
    finally:
        backend.reset_api()
    [message] = dispatcher.messages
    assert message["response"] == "utter_claim_policy_not_in_force_no_phone"
    text = interpolate_text(RESPONSES[message["response"]][0]["text"], message)
    assert "AU-1048576" in text and "no estaba vigente el 20/11/2026" in text and not blanks(text), text
