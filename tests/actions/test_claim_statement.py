"""What one message tells about a crash (bot/actions/claim/statement.py), read without a server."""

import pytest

from bot.actions.claim.statement import read_statement

OWN = ("AC123BD", "AU-1048576")  # Laura's Gol and its policy


def test_the_issues_opening_sentence_gives_every_fact_it_says():
    text = ("ayer a las 19 me chocó de atrás un corolla blanco patente AB123CD en av rivadavia 5000, manejaba yo, "
            "nadie lastimado, el auto anda")
    assert read_statement(text, OWN).slots() == {
        "claim_injured": False, "claim_vehicle_drivable": True, "claim_third_party": True, "claim_driver": "yo",
        "claim_third_party_plate": "AB123CD", "claim_third_party_vehicle": "Corolla blanco",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # WhatsApp style: no accents, abbreviations, typos in the rest of the sentence.
        ("me dieron d atras con una camioneta gris, nadie herido, el auto no arranca",
         {"claim_injured": False, "claim_vehicle_drivable": False, "claim_third_party": True,
          "claim_third_party_vehicle": "camioneta gris"}),
        ("choque contra un poste con el auto, estamos todos bien, lo tuvo q llevar la grua",
         {"claim_injured": False, "claim_vehicle_drivable": False, "claim_third_party": False}),
        ("manejaba mi hijo Martín y se golpeó la cabeza",
         {"claim_injured": True, "claim_driver": "mi hijo Martín"}),
        ("me choco un taxi y se dio a la fuga", {"claim_third_party": True, "claim_third_party_vehicle": "taxi"}),
    ],
)
def test_whatsapp_phrasings_are_read_for_what_they_say(text, expected):
    assert read_statement(text, OWN).slots() == expected


def test_a_yes_with_more_keeps_the_rest():
    assert read_statement("sí, un corolla blanco patente AB123CD", OWN).slots() == {
        "claim_third_party": True, "claim_third_party_plate": "AB123CD", "claim_third_party_vehicle": "Corolla blanco",
    }


def test_the_other_partys_block_in_one_free_message():
    text = "Juan Pérez, DNI 30.123.456, cel 011 15 5555-1234, asegurado en Sancor, póliza 55-123456"
    assert read_statement(text, OWN, about_the_other=True).third_party_data == {
        "claim_third_party_name": "Juan Pérez", "claim_third_party_document": "30123456",
        "claim_third_party_phone": "+54 9 11 5555-1234", "claim_third_party_insurer": "Sancor",
        "claim_third_party_policy": "55-123456",
    }


@pytest.mark.parametrize("text", ["no tengo sus datos, solo la patente", "no tengo mas datos", "no", "nada mas"])
def test_no_more_data_ends_the_block_and_is_not_stored_as_data(text):
    read = read_statement(text, OWN, about_the_other=True)
    assert read.no_more_data and read.third_party_data == {}


def test_the_customers_own_plate_and_policy_are_never_the_other_partys():
    read = read_statement("mi auto es el AC123BD, poliza AU-1048576", OWN, about_the_other=True)
    assert read.third_party_data == {}
    # Outside the block, a policy number is the other's only when the message says so.
    assert "claim_third_party_policy" not in read_statement("me choco un auto, poliza 123456", ()).third_party_data
    assert read_statement("su poliza es 123456", ()).third_party_data == {"claim_third_party_policy": "123456"}


def test_a_witness_phone_is_not_the_other_partys():
    read = read_statement("testigos: Pedro Gómez 11 4444-5555", OWN)
    assert read.witnesses == "Pedro Gómez 11 4444-5555" and read.third_party_data == {}


@pytest.mark.parametrize("text", ["quiero hacer una denuncia", "hola", "ayer a las 19 en av rivadavia 5000"])
def test_messages_that_say_none_of_it_fill_nothing(text):
    assert read_statement(text, OWN).slots() == {}


def test_the_nlus_third_party_entities_are_read_checked_and_never_the_customers_own():
    entities = {"license_plate": "kjh 553", "document_number": "30.123.456", "policy_number": "AU-1048576"}
    read = read_statement("era un gol gris", OWN, nlu_third_party=entities)
    # The plate and the DNI are the other's; the policy number is Laura's own, so it is not.
    assert read.third_party_data == {"claim_third_party_plate": "KJH553", "claim_third_party_document": "30123456",
                                     "claim_third_party_vehicle": "Gol gris"}
    assert read_statement("esa", OWN, nlu_third_party={"license_plate": "no es una patente"}).third_party_data == {}
