"""A claim report in the making: what a message says about the loss, which questions remain, the draft.

No Rasa here: plain functions over text, policies and slot values, so the
rules of "what does this message tell us?" and "what do we still need to ask?"
live in one place and are tested without a server.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable, Mapping, Optional

from api_client import ClaimDraft, Policy
from bot.actions.claim_dates import normalise

CLAIM_TYPES = ("collision", "theft", "hail", "glass", "fire", "water_damage", "other")
VEHICLE_LINES = ("auto", "motorcycle")
PROPERTY_LINES = ("home", "business", "building")
CLAIMABLE_LINES = VEHICLE_LINES + PROPERTY_LINES

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


def claimable(policies: Iterable[Policy]) -> list[Policy]:
    """Policies a claim may be reported on through the chat: in force and of a property or vehicle line."""
    return [policy for policy in policies if policy.in_force and policy.line in CLAIMABLE_LINES]


# Losses that only one kind of line covers: a crash is a vehicle's, a leak a property's.
_LINES_FOR_TYPE = {"collision": VEHICLE_LINES, "water_damage": PROPERTY_LINES}


def suited_to(policies: list[Policy], claim_type: Optional[str]) -> list[Policy]:
    """The policies that can cover this kind of loss; all of them when none or the type says nothing."""
    lines = _LINES_FOR_TYPE.get(claim_type or "")
    suited = [policy for policy in policies if lines is None or policy.line in lines]
    return suited or policies


def plate_key(plate: str) -> str:
    """A plate as compared: letters and digits only, upper case ("ac 123 bd" == "AC123BD")."""
    return re.sub(r"[^A-Z0-9]", "", plate.upper())


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
    if not matching and re.search(r"\b(la )?moto\b", clean):
        motorcycles = [policy for policy in candidates if policy.line == "motorcycle"]
        if len(motorcycles) == 1:
            return motorcycles[0]
    return None


def details_needed(line: Optional[str], claim_type: Optional[str], slots: Mapping[str, Any]) -> list[str]:
    """The questions a line and kind of loss need beyond the common ones, in the order they are asked.

    Vehicles: a third party (and their data) and injured people in a crash or
    other loss; theft always needs the police report, and so do injured people.
    Property: what was damaged, and the police report of a theft.
    """
    needed: list[str] = []
    if line in VEHICLE_LINES:
        if claim_type in ("collision", "other"):
            needed.append("claim_third_party")
            if slots.get("claim_third_party"):
                needed += ["claim_third_party_name", "claim_third_party_plate", "claim_third_party_insurer"]
            needed.append("claim_injured")
        if claim_type == "theft" or slots.get("claim_injured"):
            needed.append("claim_police_report")
    elif line in PROPERTY_LINES:
        needed.append("claim_damaged_items")
        if claim_type == "theft":
            needed.append("claim_police_report")
    return needed


COMMON_SLOTS = ("claim_policy", "claim_type", "claim_occurred_at", "claim_place", "claim_description")
CLOSING_SLOTS = ("claim_photos_done", "claim_confirmed")


def questions(slots: Mapping[str, Any]) -> list[str]:
    """Every slot the claim form fills, in order, for the draft as it stands."""
    needed = list(COMMON_SLOTS)
    needed += details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots)
    needed.append("claim_photos_done")
    if slots.get("claim_fixing"):
        needed.append("claim_field_to_fix")
    needed.append("claim_confirmed")
    return needed


# What "corregir" clears for each field the user may pick at the summary.
CORRECTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "policy": ("claim_policy", "claim_policy_line"),
    "type": ("claim_type",),
    "when": ("claim_occurred_at",),
    "place": ("claim_place", "claim_latitude", "claim_longitude"),
    "description": ("claim_description",),
    "details": (
        "claim_third_party", "claim_third_party_name", "claim_third_party_plate", "claim_third_party_insurer",
        "claim_injured", "claim_police_report", "claim_damaged_items",
    ),
}

DRAFT_SLOTS = (
    "claim_policy", "claim_policy_line", "claim_type", "claim_occurred_at", "claim_place", "claim_latitude",
    "claim_longitude", "claim_description", "claim_third_party", "claim_third_party_name", "claim_third_party_plate",
    "claim_third_party_insurer", "claim_injured", "claim_police_report", "claim_damaged_items", "claim_photos",
    "claim_photos_done", "claim_fixing", "claim_field_to_fix", "claim_confirmed", "claim_idempotency_key",
)


def draft_from_slots(slots: Mapping[str, Any]) -> ClaimDraft:
    """The ``ClaimDraft`` the API receives, from the form's slots; only the questions asked are sent."""
    asked = set(details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots))
    third_party = None
    if "claim_third_party" in asked and slots.get("claim_third_party"):
        third_party = {
            "name": slots.get("claim_third_party_name"),
            "plate": slots.get("claim_third_party_plate"),
            "insurer": slots.get("claim_third_party_insurer"),
        }
    return ClaimDraft(
        policy_number=slots["claim_policy"],
        type=slots["claim_type"],
        occurred_at=datetime.fromisoformat(slots["claim_occurred_at"]),
        place=slots["claim_place"],
        description=slots["claim_description"],
        latitude=slots.get("claim_latitude"),
        longitude=slots.get("claim_longitude"),
        third_party_involved=slots.get("claim_third_party") if "claim_third_party" in asked else None,
        third_party=third_party,
        injured_people=slots.get("claim_injured") if "claim_injured" in asked else None,
        police_report=slots.get("claim_police_report") if "claim_police_report" in asked else None,
        damaged_items=slots.get("claim_damaged_items") if "claim_damaged_items" in asked else None,
        upload_ids=list(slots.get("claim_photos") or []),
    )
