"""Argentine identity documents: DNI (7 or 8 digits) and CUIL/CUIT (11 digits with a check digit)."""

from __future__ import annotations

import re

from insurance_rules.numbers import digits

# The prefixes of a CUIL/CUIT: people (20, 23, 24, 27), companies (30, 33, 34), international (50, 51, 55).
CUIT_PREFIXES = ("20", "23", "24", "27", "30", "33", "34", "50", "51", "55")
_CUIT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class InvalidDocumentNumber(ValueError):
    """What was typed is neither a DNI nor a valid CUIL/CUIT."""


def cuit_is_valid(number: str) -> bool:
    """True for 11 digits with a known prefix and the right check digit (AFIP's modulo 11)."""
    if not re.fullmatch(r"[0-9]{11}", number) or number[:2] not in CUIT_PREFIXES:
        return False
    remainder = sum(weight * int(digit) for weight, digit in zip(_CUIT_WEIGHTS, number[:10], strict=True)) % 11
    return "012345678990"[11 - remainder] == number[-1]


def parse_document(raw: str) -> tuple[str, str]:
    """("dni", 8 digits, zero-padded) or ("cuit", 11 digits) from what a person typed.

    Dots, dashes, slashes and spaces are separators; anything else (letters)
    makes it invalid. Raises ``InvalidDocumentNumber``.
    """
    text = str(raw or "").strip()
    if not re.fullmatch(r"[0-9.\-\s/]{1,40}", text):
        raise InvalidDocumentNumber(raw)
    number = digits(text)
    if len(number) in (7, 8):
        return "dni", number.zfill(8)
    if cuit_is_valid(number):
        return "cuit", number
    raise InvalidDocumentNumber(raw)
