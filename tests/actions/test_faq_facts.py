"""The FAQ and account copy say what Mi Aval's help section says, fact by fact.

Each test reads the responses from the domain (``domain/``) and ``bot/data`` (where the
``utter_faq/<key>`` answers live) and asserts the words of one fact of the help
section (issue #10, "The help section, as facts"), and that the wrong claim the
old copy made is gone. Aval's contact data comes from the demo portfolio, the
one place it is written as data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.actions.dialogue_support import all_responses

ROOT = Path(__file__).resolve().parents[2]


RESPONSES = all_responses()
BROKER = yaml.safe_load((ROOT / "demo" / "portfolio.yml").read_text(encoding="utf-8"))["broker"]


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


def test_facebook_with_gmail_cannot_sign_in_with_google_until_linked_in_mi_cuenta():
    answer = text("utter_faq/google_with_facebook")
    assert answer.startswith("No.")
    assert "hasta que vincules Google desde «Mi Cuenta»" in answer
    assert not answer.startswith("Sí") and "es la misma cuenta" not in answer


def test_social_networks_give_only_name_and_email_no_picture():
    answer = text("utter_faq/social_data")
    assert "solo toma tu nombre y tu e-mail" in answer
    assert "foto" not in answer


def test_a_social_network_is_unlinked_in_mi_cuenta():
    answer = text("utter_faq/unlink_social")
    assert "desde «Mi Cuenta»" in answer
    assert "configuración de tu red social" not in answer


@pytest.mark.parametrize("name", ["utter_faq/how_it_works", "utter_link_failed"])
def test_the_only_requirement_is_policies_placed_through_aval_or_its_producers(name):
    assert "a través de Aval o de uno de sus productores (PAS)" in text(name)


def test_how_it_works_names_both_ways_of_linking():
    answer = text("utter_faq/how_it_works")
    assert "se vinculan solos los perfiles de cliente con tu mismo e-mail" in answer
    assert "DNI, CUIL o CUIT del cliente y el número de una póliza vigente" in answer
    assert "con una red social o con tu e-mail" in answer


@pytest.mark.parametrize(
    "name", ["utter_cancel_requested", "utter_cancel_already_requested", "utter_faq/remove_profile_effect"]
)
def test_cancelling_needs_the_insureds_written_confirmation(name):
    answer = text(name)
    assert "confirmación por escrito del asegurado" in answer
    assert "tu confirmación por escrito" not in answer


def test_deleting_the_account_question_is_answered_profiles_must_be_linked_again():
    answer = text("utter_faq/delete_account_effect")
    assert "se pierden los perfiles de cliente vinculados" in answer
    assert "los tenés que vincular de nuevo" in answer


@pytest.mark.parametrize("name", ["utter_ask_confirm_delete", "utter_account_deleted"])
def test_the_deletion_itself_warns_that_profiles_must_be_linked_again(name):
    answer = text(name)
    assert re.search(r"vincul\w+ tus perfiles de nuevo", answer)
    assert "con tu e-mail y listo" not in answer


def test_an_unverified_email_gets_only_the_help_section_and_is_told_how_to_verify():
    answer = text("utter_faq/unverified_email")
    assert "solo podés usar la sección de ayuda" in answer
    assert "no podés vincular perfiles de cliente ni denunciar o gestionar siniestros" in answer
    assert "escribí «ingresar»" in answer and "/sign_in" in payloads("utter_faq/unverified_email")
    assert "Verificalo y vas a ver tus pólizas" not in answer


def test_producers_under_aval_can_ask_for_a_special_user_with_reports():
    assert "usuario especial con reportes" in text("utter_faq/intermediaries")


def test_more_information_points_to_avals_faq_and_contact():
    answer = text("utter_faq/more_information")
    assert BROKER["faq_url"] in answer
    assert "coberturas y siniestros" in answer
    says_contact(answer)
    assert "/human_handoff" in payloads("utter_faq/more_information")


@pytest.mark.parametrize("name", ["utter_faq/no_confirmation_email", "utter_handoff_failed", "utter_useful_phones"])
def test_where_the_copy_says_contact_aval_it_gives_the_channel_and_hours(name):
    says_contact(text(name))


def test_no_confirmation_email_spam_register_again_or_contact():
    answer = text("utter_faq/no_confirmation_email")
    assert "spam" in answer and "registrate de nuevo" in answer and "contactá a Aval" in answer


def test_mi_aval_is_for_clients_and_intermediaries_as_app_and_portal():
    answer = text("utter_faq/what_is_mi_aval")
    assert "gratuito" in answer and "clientes e intermediarios" in answer
    assert "una app y un portal" in answer and "cualquier dispositivo" in answer


def test_security_and_the_data_protection_law():
    answer = text("utter_faq/security")
    assert "requisitos de seguridad" in answer and "Ley 25.326" in answer


def test_nothing_is_posted_on_social_networks():
    assert "nunca publicamos nada" in text("utter_faq/social_posting")


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
