"""The claim draft: which questions the line and the kind of loss need, and the draft the API receives.

No Rasa here: plain functions over slot values, tested without a server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional

from api_client import ClaimDraft
from insurance_rules import PROPERTY_LINES, VEHICLE_LINES


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
