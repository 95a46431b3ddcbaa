"""Argentine phone numbers as customers type them: real numbers are kept (international format), the rest refused."""

import pytest

from bot.actions.phones import parse_phone, phones_in


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("11 5555-1234", "+54 11 5555-1234"),
        ("1155551234", "+54 11 5555-1234"),
        ("011 15 5555-1234", "+54 9 11 5555-1234"),
        ("+54 9 11 5555-1234", "+54 9 11 5555-1234"),
        ("0351 456-7890", "+54 351 456-7890"),
    ],
)
def test_argentine_numbers_are_kept_in_one_format(typed, expected):
    assert parse_phone(typed) == expected


@pytest.mark.parametrize("typed", ["no sé", "no tengo sus datos", "AB123CD", "30123456", "15 5555", ""])
def test_what_is_not_a_phone_is_refused(typed):
    assert parse_phone(typed) is None


def test_a_phone_inside_a_sentence_is_found_and_a_dni_is_not_taken_for_one():
    assert phones_in("se llama juan perez, dni 30.123.456, cel 11 4567-8910") == ["+54 11 4567-8910"]
    assert phones_in("dni 30123456 patente AB123CD") == []
