"""Argentine phone numbers as people type them ("11 5555-1234", "011 15 5555-1234", "+54 9 11…"), checked with
Google's libphonenumber rules (the ``phonenumbers`` package, region AR): what is stored is a real number, in the
international format ("+54 11 5555-1234"), never a sentence."""

from __future__ import annotations

from typing import Optional

import phonenumbers

REGION = "AR"


def _shown(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_phone(text: str) -> Optional[str]:
    """The phone number that ``text`` is (international format), or None when it is not a valid one."""
    try:
        number = phonenumbers.parse(str(text or ""), REGION)
    except phonenumbers.NumberParseException:
        return None
    return _shown(number) if phonenumbers.is_valid_number(number) else None


def phones_in(text: str) -> list[str]:
    """Every valid phone number written inside a sentence, in order (international format)."""
    matches = phonenumbers.PhoneNumberMatcher(str(text or ""), REGION, leniency=phonenumbers.Leniency.VALID)
    return [_shown(match.number) for match in matches]
