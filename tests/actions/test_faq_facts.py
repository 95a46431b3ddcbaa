"""The FAQ and account copy say what Mi Aval's help section says, fact by fact, by meaning.

``tests/actions/help_section.py`` holds the help section's 23 facts as claims
(what a clause is about, affirmed or denied, under which condition) and
``tests/actions/meaning.py`` reads them: each response named by a fact must
state it, and each fact's wrong answers (a contradiction, a bent condition)
must fail, so the checker itself is tested. The responses come from the domain
(``domain/``) and ``bot/data`` (where the ``utter_faq/<key>`` answers live).
Aval's contact data comes from the demo portfolio, the one place it is written.
"""

from __future__ import annotations

import re

import pytest

from tests.actions.dialogue_support import all_responses
from tests.actions.help_section import BROKER, FACTS
from tests.actions.meaning import Claim, Fact, problems

RESPONSES = all_responses()


def text(name: str) -> str:
    """The only text of a response, with its line breaks folded (every FAQ answer has one variant)."""
    variants = RESPONSES[name]
    assert len(variants) == 1, f"{name} has {len(variants)} variants: check each one"
    return " ".join(variants[0]["text"].split())


def payloads(name: str) -> list[str]:
    return [button["payload"] for button in RESPONSES[name][0].get("buttons", [])]


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def says_contact(copy: str) -> None:
    """Aval's phone, WhatsApp, e-mail and office hours as the demo data states them."""
    assert BROKER["phone"] in copy
    assert digits(BROKER["whatsapp"]) in digits(copy)
    assert BROKER["email"] in copy
    hours = BROKER["office_hours"]
    assert hours["days"] in copy
    assert f"de {int(hours['open'][:2])} a {int(hours['close'][:2])}" in copy


def test_the_help_section_has_23_facts_each_with_wrong_answers():
    assert len(FACTS) == 23
    assert len({fact.key for fact in FACTS}) == 23
    assert all(fact.wrong and fact.responses and fact.claims for fact in FACTS)


@pytest.mark.parametrize(
    ("fact", "response"),
    [(fact, response) for fact in FACTS for response in fact.responses],
    ids=lambda value: value.key if isinstance(value, Fact) else value,
)
def test_the_response_states_the_fact(fact, response):
    assert problems(fact, text(response)) == [], fact.says


@pytest.mark.parametrize(
    ("fact", "wrong"),
    [(fact, wrong) for fact in FACTS for wrong in fact.wrong],
    ids=lambda value: value.key if isinstance(value, Fact) else value[:40],
)
def test_a_wrong_answer_fails_the_fact(fact, wrong):
    assert problems(fact, wrong), f"{wrong!r} passed as {fact.says!r}"


def test_the_issues_example_fails_the_cancellation_fact():
    cancellation = next(f for f in FACTS if f.key == "cancellation_by_executives_with_written_confirmation")
    answer = "Un ejecutivo de Aval la da de baja. No hace falta la confirmación por escrito del asegurado."
    assert any("denies" in reason for reason in problems(cancellation, answer))
    assert problems(cancellation, answer.replace("No hace falta", "Hace falta")) == []


def test_polarity_is_read_where_the_subject_is_not_in_a_concession():
    linking = Claim(r"vincular perfiles", holds=False)
    fact = Fact("x", "x", ("x",), (linking,), ("x",))
    assert problems(fact, "Aunque no verifiques tu e-mail, podés vincular perfiles de cliente.")
    assert problems(fact, "No. Hasta que lo verifiques, no podés vincular perfiles de cliente.") == []


def test_an_answer_that_says_a_fact_and_its_opposite_fails():
    fact = next(f for f in FACTS if f.key == "nothing_is_posted")
    assert problems(fact, "Nunca publicamos nada en tus redes. Publicamos tus trámites en tu muro.")


def test_unverified_email_says_how_to_verify_from_the_chat():
    answer = text("utter_faq/unverified_email")
    assert "escribí «ingresar»" in answer and "/sign_in" in payloads("utter_faq/unverified_email")


def test_more_information_points_to_avals_faq_and_contact():
    says_contact(text("utter_faq/more_information"))
    assert "/human_handoff" in payloads("utter_faq/more_information")


@pytest.mark.parametrize("name", ["utter_faq/no_confirmation_email", "utter_handoff_failed", "utter_useful_phones"])
def test_where_the_copy_says_contact_aval_it_gives_the_channel_and_hours(name):
    says_contact(text(name))


@pytest.mark.parametrize("name", ["utter_claim_no_policies", "utter_claim_not_accepted", "utter_claim_status_rejected"])
def test_a_person_is_offered_with_the_same_button_everywhere(name):
    assert "asesor" not in text(name)
    assert "/human_handoff" in payloads(name)
    assert [b["title"] for b in RESPONSES[name][0]["buttons"]] == ["Hablar con una persona"]


def test_sign_ins_are_not_called_ingresos():
    for name, variants in RESPONSES.items():
        for variant in variants:
            assert "los ingresos" not in variant["text"], name


def test_no_tap_instruction_that_does_not_fit_numbered_options():
    for name, variants in RESPONSES.items():
        for variant in variants:
            assert "Tocá" not in variant["text"] and "tocá" not in variant["text"], name
