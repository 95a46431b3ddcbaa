"""How an insured item is named: a vehicle (make, model, year and plate) or a place (its address)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class InsuredItem:
    """What a policy insures, in parts that copy can name without blanks.

    ``name`` is the vehicle's make, model and year ("Volkswagen Gol Trend
    2019"), or "" when unknown; ``plate`` the vehicle's plate; ``address`` the
    insured place. ``short_name`` leaves the year out (for buttons).
    """

    name: str = ""
    short_name: str = ""
    plate: Optional[str] = None
    address: Optional[str] = None

    @property
    def is_vehicle(self) -> bool:
        return bool(self.name or self.plate)


def insured_item(item: Optional[Mapping[str, Any]]) -> InsuredItem:
    """The parts of a policy's ``insured_item`` document (``{"vehicle": {...}}`` or ``{"address": ...}``)."""
    item = item or {}
    vehicle = item.get("vehicle") or {}
    if vehicle:
        def joined(keys: tuple[str, ...]) -> str:
            return " ".join(str(vehicle[key]).strip() for key in keys if vehicle.get(key)).strip()

        return InsuredItem(
            name=joined(("make", "model", "year")),
            short_name=joined(("make", "model")),
            plate=(str(vehicle["plate"]).strip() or None) if vehicle.get("plate") else None,
        )
    address = str(item.get("address") or "").strip()
    return InsuredItem(address=address or None)
