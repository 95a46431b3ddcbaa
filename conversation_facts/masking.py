"""Personal data out of a message before a person reviews it or it becomes training data.

E-mails, DNIs and CUITs, policy and claim numbers, plates and one-time codes are
found with the same regexes the NLU pipeline uses (bot/data/nlu/regexes.yml: one
place for each format); phone numbers and people's names with the patterns here.
Each becomes a placeholder that says what was there ("[email]", "[dni]"...), so a
reviewer still sees what kind of message it was. A name is a capitalised word
that does not open the sentence and is not a known word of the assistant's
(insurers, vehicles, lines: the lookups), or the words after "me llamo" / "soy".
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGEXES = ROOT / "bot" / "data" / "nlu" / "regexes.yml"
LOOKUPS = ROOT / "bot" / "data" / "nlu" / "lookups.yml"

# regexes.yml's names → the placeholder; in this order (a CUIT before a DNI, a policy number before a code).
PLACEHOLDERS = {
    "email": "[email]",
    "policy_number": "[poliza]",
    "claim_number": "[siniestro]",
    "document_number": "[dni]",
    "license_plate": "[patente]",
    "code": "[codigo]",
}
PHONE = re.compile(r"(?<![\w])(?:\+?54\s?9?\s?)?(?:\(?\d{2,4}\)?[\s-]?)?\d{3,4}[\s-]?\d{4}(?![\w])")
NAME_AFTER = re.compile(
    r"\b(me llamo|mi nombre es|soy|habla|manejaba|conducía)\s+([A-ZÁÉÍÓÚÑa-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)*)"
)
CAPITALISED = re.compile(r"(?<![\w\[])([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)")
NAME = "[nombre]"
SENTENCE_END = re.compile(r"[.!?¿¡\n]\s*$")
# Words after "soy" that say what someone is, not who.
NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        """
    el la un una de del nuevo nueva cliente clienta contador contadora productor productora socio socia
    asegurado asegurada yo
""",
    )
)
# Capitalised words that are never names: articles, days, months, Aval's own words.
COMMON_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    el la los las un una de del y o en con por para mi tu su hola buenas buen gracias sí si no
    lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto
    septiembre setiembre octubre noviembre diciembre aval whatsapp telegram dni cuit
""",
    )
)


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    data = yaml.safe_load(REGEXES.read_text(encoding="utf-8"))
    by_name = {item["regex"]: item["examples"] for item in data["nlu"] if "regex" in item}
    patterns = []
    for name, placeholder in PLACEHOLDERS.items():
        # One alternation per format, so that at each position its longer forms (a CUIT) win over a part (a DNI).
        lines = [line.strip()[2:] for line in by_name[name].splitlines() if line.strip().startswith("- ")]
        patterns.append((re.compile("|".join(f"(?:{line})" for line in lines), re.IGNORECASE), placeholder))
    return patterns


@functools.lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Capitalised words that are not names: what the lookups list (insurers, vehicles, lines)."""
    data = yaml.safe_load(LOOKUPS.read_text(encoding="utf-8"))
    words: set[str] = set()
    for item in data["nlu"]:
        for line in str(item.get("examples", "")).splitlines():
            words.update(word.lower() for word in re.findall(r"[\wáéíóúñ]+", line))
    return frozenset(words)


def _names_after(match: re.Match[str]) -> str:
    words = match.group(2).split()
    if words[0].lower() in NOT_NAMES or words[0].lower() in COMMON_WORDS:
        return match.group(0)
    return f"{match.group(1)} {NAME}"


def _capitalised(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        word = match.group(1)
        before = text[: match.start()]
        opens_sentence = not before.strip() or SENTENCE_END.search(before)
        if opens_sentence or word.lower() in known_words() or word.lower() in COMMON_WORDS:
            return word
        return NAME

    return CAPITALISED.sub(replace, text)


def mask(text: str) -> str:
    """``text`` with its personal data replaced by placeholders."""
    for pattern, placeholder in _patterns():
        text = pattern.sub(placeholder, text)
    text = PHONE.sub("[telefono]", text)
    text = NAME_AFTER.sub(_names_after, text)
    return _capitalised(text)
