"""Argentine licence plates: the old format (1995-2016) and the Mercosur one, for cars and motorcycles.

Cars: ``ABC123`` (old) and ``AB123CD`` (Mercosur). Motorcycles: ``123ABC``
(old) and ``A123BCD`` (Mercosur). Spaces, dots and dashes typed between the
parts are ignored; a plate is kept compact and upper case ("ab 123 cd" ->
"AB123CD").
"""

from __future__ import annotations

import re

from insurance_rules.numbers import compact

PLATE_FORMATS = (
    re.compile(r"[A-Z]{3}[0-9]{3}"),  # car, old
    re.compile(r"[A-Z]{2}[0-9]{3}[A-Z]{2}"),  # car, Mercosur
    re.compile(r"[0-9]{3}[A-Z]{3}"),  # motorcycle, old
    re.compile(r"[A-Z][0-9]{3}[A-Z]{3}"),  # motorcycle, Mercosur
)
# A plate inside a sentence: its parts, each optionally separated by a space, a dot or a dash.
_SEP = r"[\s.\-]?"
_PLATE_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9])(?:[A-Za-z]{{2}}{_SEP}[0-9]{{3}}{_SEP}[A-Za-z]{{2}}|[A-Za-z]{_SEP}[0-9]{{3}}{_SEP}[A-Za-z]{{3}}"
    rf"|[A-Za-z]{{3}}{_SEP}[0-9]{{3}}|[0-9]{{3}}{_SEP}[A-Za-z]{{3}})(?![A-Za-z0-9])"
)


class InvalidPlate(ValueError):
    """What was typed is not an Argentine plate."""


def parse_plate(raw: str) -> str:
    """The plate, compact and upper case, or ``InvalidPlate``."""
    text = str(raw or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9.\-\s]{6,12}", text):
        raise InvalidPlate(raw)
    plate = compact(text)
    if not any(pattern.fullmatch(plate) for pattern in PLATE_FORMATS):
        raise InvalidPlate(raw)
    return plate


# Abbreviations typed before a number ("cel 011…", "nro 123"): in a sentence they are not an old plate's letters.
_NOT_PLATE_LETTERS = frozenset({"CEL", "TEL", "NRO", "NUM", "DNI", "DOC", "POL", "KMS", "HRS", "TIE", "MOV"})


def plates_in(text: str) -> list[str]:
    """Every plate written inside a sentence, in order, compact and upper case."""
    plates = [compact(match.group(0)) for match in _PLATE_IN_TEXT.finditer(str(text or ""))]
    return [plate for plate in plates if plate[:3] not in _NOT_PLATE_LETTERS]
