"""The rules shared by the assistant and the API: one package, standard library only, the same in both envs."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from insurance_rules import (
    ARGENTINA,
    InvalidDocumentNumber,
    InvalidPlate,
    compact,
    covered_on,
    digits,
    in_force_on,
    insured_item,
    lines_for,
    local_date,
    may_still_claim,
    parse_document,
    parse_plate,
    plates_in,
    takes_claims,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("python", [ROOT / ".venv" / "bin" / "python", ROOT / ".venv-rasa" / "bin" / "python"])
def test_both_environments_import_it_without_any_installed_package(python):
    # -S: no site-packages at all, so any import beyond the standard library fails.
    done = subprocess.run(
        [str(python), "-S", "-c", "import insurance_rules; print(insurance_rules.parse_document('20-12345678-6'))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('cuit', '20123456786')"


def test_no_other_copy_of_the_rules_is_left():
    sources = [p for d in ("bot", "miaval_api", "models", "api_client", "channels") for p in (ROOT / d).rglob("*.py")]
    text = {p: p.read_text() for p in sources}
    assert not [p for p, t in text.items() if "stdnum" in t]
    assert not [p for p, t in text.items() if '"America/Argentina/Buenos_Aires"' in t]
    assert not [p for p, t in text.items() if 'CLAIM_TYPES = (' in t or 'VEHICLE_LINES = (' in t]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.345.678", ("dni", "12345678")),
        ("1234567", ("dni", "01234567")),
        ("20-12345678-6", ("cuit", "20123456786")),
        ("30 70987654 2", ("cuit", "30709876542")),
    ],
)
def test_documents_are_parsed(typed, expected):
    assert parse_document(typed) == expected


@pytest.mark.parametrize("typed", ["20-12345678-5", "99-12345678-6", "123456", "DNI12345678", "", "123456789"])
def test_wrong_documents_are_refused(typed):
    with pytest.raises(InvalidDocumentNumber):
        parse_document(typed)


def test_the_cuit_check_digit_agrees_with_python_stdnum():
    stdnum = pytest.importorskip("stdnum.ar.cuit")
    for body in ("2012345678", "3070987654", "2730111222", "2399999999", "2000000001"):
        for check in "0123456789":
            number = body + check
            assert (parse_document(number)[1] == number if stdnum.is_valid(number) else _refused(number))


def _refused(number: str) -> bool:
    with pytest.raises(InvalidDocumentNumber):
        parse_document(number)
    return True


def test_numbers_are_cleaned():
    assert compact("ac 123-bd") == "AC123BD"
    assert compact("lt 5521907") == "LT5521907"
    assert digits("20-12.345.678/6") == "20123456786"


def test_in_force_is_judged_on_the_day_in_buenos_aires():
    start, end = date(2026, 1, 1), date(2026, 11, 29)
    # 02:30 UTC on the 30th is still the 29th in Buenos Aires (UTC-3): in force.
    late_night = datetime(2026, 11, 30, 2, 30, tzinfo=timezone.utc)
    assert local_date(late_night) == date(2026, 11, 29)
    assert in_force_on("active", start, end, local_date(late_night))
    assert not in_force_on("active", start, end, local_date(datetime(2026, 11, 30, 3, 30, tzinfo=timezone.utc)))
    assert not in_force_on("cancelled", start, end, date(2026, 6, 1))
    assert ARGENTINA.key == "America/Argentina/Buenos_Aires"


def test_a_loss_while_in_force_stays_covered_after_the_policy_expires():
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    assert covered_on("expired", start, end, date(2025, 12, 30))
    assert not covered_on("expired", start, end, date(2026, 1, 1))
    assert not covered_on("cancelled", start, end, date(2025, 6, 1))
    assert may_still_claim("expired", end, date(2026, 2, 1))
    assert not may_still_claim("expired", end, date(2026, 12, 31))
    assert not may_still_claim("cancelled", end, date(2026, 2, 1))


def test_claim_types_go_to_the_lines_that_cover_them():
    assert lines_for("collision") == ("auto", "motorcycle")
    assert lines_for("water_damage") == ("home", "business", "building")
    assert takes_claims("home", "theft") and not takes_claims("home", "collision")
    assert not takes_claims("life")


def test_insured_items_are_named_from_their_parts():
    gol = insured_item({"vehicle": {"make": "Volkswagen", "model": "Gol Trend", "year": 2019, "plate": "AC123BD"}})
    assert (gol.name, gol.short_name) == ("Volkswagen Gol Trend 2019", "Volkswagen Gol Trend")
    assert (gol.plate, gol.is_vehicle) == ("AC123BD", True)
    house = insured_item({"address": "Av. Directorio 2890, CABA"})
    assert (house.address, house.is_vehicle, house.name) == ("Av. Directorio 2890, CABA", False, "")
    assert insured_item({"vehicle": {"plate": "A001BCD"}}).name == ""
    assert insured_item(None).address is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AB123CD", "AB123CD"),  # car, Mercosur
        ("ab 123 cd", "AB123CD"),
        ("KLM-234", "KLM234"),  # car, old
        ("A123BCD", "A123BCD"),  # motorcycle, Mercosur
        ("123 ABC", "123ABC"),  # motorcycle, old
    ],
)
def test_plates_in_both_formats_are_read(typed, expected):
    assert parse_plate(typed) == expected


@pytest.mark.parametrize("typed", ["no sé", "AB1234CD", "1234567", "ABCD123", "AB123C", "solo la patente", ""])
def test_what_is_not_a_plate_is_refused(typed):
    with pytest.raises(InvalidPlate):
        parse_plate(typed)


def test_plates_are_found_inside_a_sentence_and_nothing_else_is():
    text = "me choco un corolla blanco patente ab 123 cd, el mio es el KLM234, dni 30123456, tel 1155551234"
    assert plates_in(text) == ["AB123CD", "KLM234"]
    assert plates_in("ayer a las 19 en av rivadavia 5000, poliza AU-1048576") == []


def test_an_abbreviation_before_a_number_is_not_a_plate():
    assert plates_in("cel 011 15 5555-1234, nro 123") == []
