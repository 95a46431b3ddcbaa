"""Claim types and the lines of business that take them."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

LINES = ("auto", "motorcycle", "home", "business", "building", "life", "personal_accident")
VEHICLE_LINES = ("auto", "motorcycle")
PROPERTY_LINES = ("home", "business", "building")
# Lines whose claims are reported through the chat (life and personal accidents go to a person).
CLAIMABLE_LINES = VEHICLE_LINES + PROPERTY_LINES

# Ley 17.418 art. 46: the insured gives notice within 3 days of learning of the loss (the API marks later
# reports ``reported_late``; the assistant says it before the customer confirms).
NOTICE_DEADLINE = timedelta(days=3)

CLAIM_TYPES = ("collision", "theft", "hail", "glass", "fire", "water_damage", "other")

# Losses that only one kind of line covers: a crash is a vehicle's, a leak a property's.
_LINES_FOR_TYPE = {"collision": VEHICLE_LINES, "water_damage": PROPERTY_LINES}


def lines_for(claim_type: Optional[str]) -> tuple[str, ...]:
    """The lines that can cover this kind of loss (every claimable line when the type says nothing)."""
    return _LINES_FOR_TYPE.get(claim_type or "", CLAIMABLE_LINES)


def takes_claims(line: str, claim_type: Optional[str] = None) -> bool:
    """True when a policy of ``line`` may take a claim (of ``claim_type``, when given) through the chat."""
    return line in CLAIMABLE_LINES and line in lines_for(claim_type)
