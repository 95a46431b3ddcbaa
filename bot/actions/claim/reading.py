"""What a message says about a loss: its kind, its place, and which of the user's policies it points at.

No Rasa here: plain functions over text and policies, tested without a server.
The rules shared with the API (claim types, lines, number cleaning, naming the
insured item) come from ``insurance_rules``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Iterable, Optional

from api_client import Policy
from bot.actions.claim.dates import normalise
from insurance_rules import ARGENTINA, compact, lines_for, may_still_claim, takes_claims

# Words that name the kind of loss, most telling first: "me rompieron el vidrio
# para robarme" is a theft, "el granizo me rompió el parabrisas" is hail.
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("theft", r"rob(o|aron|ado|aran|ada)|afan(o|aron|ado)|chor(o|earon|aron)|hurt(o|aron)|se llevaron"
              r"|me sacaron|me levantaron|desvalij|me abrieron|me entraron|escruch"),
    ("fire", r"incendi|fuego|se prendio|prendieron fuego|se quem|quemo|llamas"),
    ("hail", r"granizo|granizada|piedra"),
    ("collision", r"choqu|choc(o|aron|amos|ado|ar)|choque|colision|me dieron de atras|me pegaron|me embistio"
                  r"|encontronazo|accidente|me toco|me rozo|me rozaron|volque|volco"),
    ("glass", r"vidrio|parabrisas|cristal|luneta|ventanilla"),
    ("water_damage", r"\bagua|filtra|inund|humedad|goter|cano roto|se mojo|perdida de agua"),
)
_OTHER_WORDS = r"\botr[oa]\b|ninguno|ninguna|otra cosa"

# "en Av. Rivadavia 5000", "en la esquina de Corrientes y Callao", "en Rivadavia 5000".
_PLACE_STOP = r"(?=\s+(?:con|cuando|mientras|y\s+me|y\s+se|a\s+las|ayer|hoy|anoche|hace|el\s+otro)\b|[,;!?]|\.\s|\.$|$)"
_PLACE_PATTERNS = (
    re.compile(
        r"\ben\s+(?P<place>(?:la\s+)?(?:av\.?|avda\.?|avenida|calle|ruta|autopista|au\.|diagonal|diag\.|pasaje"
        r"|bv\.?|boulevard|bulevar|esquina|cruce|interseccion|acceso|camino|km)\s+.+?)" + _PLACE_STOP,
        re.IGNORECASE,
    ),
    re.compile(r"\ben\s+(?P<place>[A-ZÁÉÍÓÚÑ][\wÁÉÍÓÚÑáéíóúñ.]*(?:\s+[\wÁÉÍÓÚÑáéíóúñ.]+){0,3}?\s+\d{1,5})\b"),
    # Typed in lower case, as on WhatsApp: "en cabildo 2000", "en cabildo y juramento".
    re.compile(
        r"\ben\s+(?!(?:el|la|los|las|un|una|mi|su|casa|frente|menos|unos|unas)\b)"
        r"(?P<place>[a-záéíóúñ][\wáéíóúñ.]*(?:\s+[\wáéíóúñ.]+){0,2}?\s+(?:\d{2,5}\b|y\s+(?!(?:me|se|nos|le|lo|la|el)\b)"
        r"[a-záéíóúñ][\wáéíóúñ.]*(?:\s+[a-záéíóúñ][\wáéíóúñ.]*)?" + _PLACE_STOP + r"))",
    ),
)

# How a customer names their own vehicle ("mi auto", "el auto anda"; "un auto" or "el otro auto" is not theirs).
_OWN_VEHICLE = (
    ("auto", r"\b(el|mi|con el|con mi) (auto|autito|coche|camioneta|chata)\b"),
    ("motorcycle", r"\b(la|mi|con la|con mi) (moto|motito)\b|^(la )?moto\b"),
)

# Messages shorter than this are requests ("quiero hacer una denuncia"), not accounts of the loss.
_DESCRIPTIVE_MIN_WORDS = 6


def claim_type_from_text(text: str) -> Optional[str]:
    """The kind of loss named in a message (collision, theft…), or None."""
    clean = normalise(text)
    for claim_type, pattern in _TYPE_WORDS:
        if re.search(pattern, clean):
            return claim_type
    if re.search(_OTHER_WORDS, clean):
        return "other"
    return None


def place_from_text(text: str) -> Optional[str]:
    """The place of a loss said as "en <address>" inside a longer message, or None."""
    for pattern in _PLACE_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group("place").strip(" .")
    return None


def describes_the_loss(text: str) -> bool:
    """True when a message tells what happened (kind of loss and enough words), not just asks to report."""
    return claim_type_from_text(text) is not None and len(text.split()) >= _DESCRIPTIVE_MIN_WORDS


def claimable(policies: Iterable[Policy], today: Optional[date] = None) -> list[Policy]:
    """Policies a claim may be reported on through the chat: of a property or vehicle line, in force or
    expired within the last year (a loss from while it was in force is still claimable; the API decides)."""
    today = today or datetime.now(ARGENTINA).date()
    return [
        policy for policy in policies
        if (policy.in_force or may_still_claim(policy.status, policy.end_date, today)) and takes_claims(policy.line)
    ]


def suited_to(policies: list[Policy], claim_type: Optional[str]) -> list[Policy]:
    """The policies that can cover this kind of loss; all of them when none or the type says nothing."""
    suited = [policy for policy in policies if policy.line in lines_for(claim_type)]
    return suited or policies


def plate_key(plate: str) -> str:
    """A plate or policy number as compared (``insurance_rules.compact``: "ac 123 bd" == "AC123BD")."""
    return compact(plate)


def policy_by_reference(policies: Iterable[Policy], reference: str) -> Optional[Policy]:
    """The policy whose number or insured plate is ``reference`` (spacing and case ignored)."""
    wanted = plate_key(reference)
    for policy in policies:
        if plate_key(policy.number) == wanted or (policy.plate and plate_key(policy.plate) == wanted):
            return policy
    return None


def vehicle_words(policy: Policy) -> set[str]:
    """Words that name the insured vehicle in a message: its make, its model and the model's first word."""
    vehicle = policy.insured_item.get("vehicle") or {}
    words = set()
    for value in (vehicle.get("make"), vehicle.get("model")):
        if value:
            words.add(normalise(str(value)))
            words.add(normalise(str(value)).split()[0])
    return {word for word in words if len(word) >= 3}


def policy_from_text(text: str, policies: Iterable[Policy]) -> Optional[Policy]:
    """The one policy in force a message points at by plate, number or vehicle ("con el gol"), else None."""
    candidates = claimable(policies)
    clean = normalise(text)
    for token in re.findall(r"[a-z0-9][a-z0-9 -]{4,12}[a-z0-9]", clean):
        found = policy_by_reference(candidates, token)
        if found:
            return found
    matching = [
        policy for policy in candidates
        if policy.is_vehicle and any(re.search(rf"\b{re.escape(word)}\b", clean) for word in vehicle_words(policy))
    ]
    if len(matching) == 1:
        return matching[0]
    if matching:
        return None
    # "el auto", "mi moto": the customer's only car (or motorcycle) in force.
    for line, pattern in _OWN_VEHICLE:
        if re.search(pattern, clean):
            of_line = [policy for policy in candidates if policy.line == line and policy.in_force]
            if len(of_line) == 1:
                return of_line[0]
    return None
