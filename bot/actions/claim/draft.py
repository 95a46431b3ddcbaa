"""The claim draft: which questions the line and the kind of loss need, and the draft the API receives.

No Rasa here: plain functions over slot values, tested without a server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional

from api_client import ClaimDraft
from insurance_rules import PROPERTY_LINES, VEHICLE_LINES

# The third party's data, in the order the summary shows it, and the key each has in the draft's ``third_party``.
# It is asked for in one question (``claim_third_party_done``), answered in one message or in parts.
THIRD_PARTY_FIELDS = {
    "claim_third_party_vehicle": "vehicle",
    "claim_third_party_plate": "plate",
    "claim_third_party_name": "name",
    "claim_third_party_document": "document",
    "claim_third_party_phone": "phone",
    "claim_third_party_insurer": "insurer",
    "claim_third_party_policy": "policy",
}
THIRD_PARTY_SLOTS = list(THIRD_PARTY_FIELDS)
# Slots any message may fill, whatever was asked ("manejaba yo, nadie lastimado, el auto anda"): read by
# ``bot/actions/claim/statement.py``; only the ones the line needs are asked (``details_needed``).
READ_ANYTIME = (
    "claim_injured", "claim_vehicle_drivable", "claim_third_party", *THIRD_PARTY_SLOTS, "claim_third_party_done",
    "claim_driver", "claim_witnesses",
)


def third_party_block_open(slots: Mapping[str, Any]) -> bool:
    """Whether the other party's data is still to be asked: some of it is unknown and the customer has not
    said that they have no more ("no tengo más datos")."""
    return slots.get("claim_third_party_done") is not True and any(
        slots.get(slot) is None for slot in THIRD_PARTY_SLOTS
    )


def details_needed(line: Optional[str], claim_type: Optional[str], slots: Mapping[str, Any]) -> list[str]:
    """The questions a line and kind of loss need beyond the common ones, in the order they are asked.

    Vehicles, in a crash or other loss: the urgent questions first (injured
    people, then the emergency numbers; can it still be driven, then the tow),
    then a third party and their data (one question), and who was driving;
    witnesses and photos are offered with the summary, never asked. A
    fire asks whether it can be driven too. Theft always needs the police
    report, and so do injured people. Property: what was damaged, and the
    police report of a theft.
    """
    needed: list[str] = []
    if line in VEHICLE_LINES:
        if claim_type in ("collision", "other"):
            needed += ["claim_injured", "claim_vehicle_drivable", "claim_third_party"]
            if slots.get("claim_third_party") and third_party_block_open(slots):
                needed.append("claim_third_party_done")
            needed.append("claim_driver")
        elif claim_type == "fire":
            needed.append("claim_vehicle_drivable")
        if claim_type == "theft" or slots.get("claim_injured"):
            needed.append("claim_police_report")
    elif line in PROPERTY_LINES:
        needed.append("claim_damaged_items")
        if claim_type == "theft":
            needed.append("claim_police_report")
    return needed


COMMON_SLOTS = ("claim_policy", "claim_type", "claim_occurred_at", "claim_place", "claim_description")
CLOSING_SLOTS = ("claim_confirmed",)


def questions(slots: Mapping[str, Any]) -> list[str]:
    """Every slot the claim form fills, in order, for the draft as it stands."""
    needed = list(COMMON_SLOTS)
    needed += details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots)
    if slots.get("claim_fixing"):
        needed.append("claim_field_to_fix")
    needed.append("claim_confirmed")
    return needed


# What "corregir" clears for each field the user may pick at the summary.
CORRECTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "policy": ("claim_policy", "claim_policy_line"),
    "type": ("claim_type",),
    "when": ("claim_occurred_at", "claim_time_known"),
    "place": ("claim_place", "claim_latitude", "claim_longitude"),
    "description": ("claim_description",),
    "details": (
        "claim_third_party", *THIRD_PARTY_SLOTS, "claim_third_party_done", "claim_injured", "claim_police_report",
        "claim_damaged_items", "claim_driver", "claim_witnesses", "claim_vehicle_drivable",
    ),
}

DRAFT_SLOTS = (
    "claim_policy", "claim_policy_line", "claim_type", "claim_occurred_at", "claim_time_known", "claim_place",
    "claim_latitude", "claim_longitude", "claim_description", "claim_third_party", *THIRD_PARTY_SLOTS,
    "claim_third_party_done", "claim_injured", "claim_police_report", "claim_damaged_items", "claim_driver",
    "claim_witnesses", "claim_vehicle_drivable", "claim_photos", "claim_fixing", "claim_field_to_fix",
    "claim_confirmed", "claim_idempotency_key",
)


def draft_from_slots(slots: Mapping[str, Any]) -> ClaimDraft:
    """The ``ClaimDraft`` the API receives, from the form's slots: what the line asks, and what is known of it."""
    asked = set(details_needed(slots.get("claim_policy_line"), slots.get("claim_type"), slots))
    third_party = None
    if "claim_third_party" in asked and slots.get("claim_third_party"):
        third_party = {key: slots[slot] for slot, key in THIRD_PARTY_FIELDS.items() if slots.get(slot)}
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
        driver=slots.get("claim_driver") if "claim_driver" in asked else None,
        # Offered with the summary in a crash: sent when the customer gave them.
        witnesses=slots.get("claim_witnesses") if "claim_driver" in asked else None,
        vehicle_drivable=slots.get("claim_vehicle_drivable") if "claim_vehicle_drivable" in asked else None,
        occurred_time_known=slots.get("claim_time_known") is not False,
        upload_ids=list(slots.get("claim_photos") or []),
    )
