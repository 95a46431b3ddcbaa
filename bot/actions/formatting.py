"""How data (dates, amounts, insured items, document numbers) is written in the chat.

Only data formatting lives here; sentences live in domain.yml responses.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

from api_client import Policy


def day(value: Optional[date]) -> str:
    """A date as Argentines write it: 31/12/2025."""
    return value.strftime("%d/%m/%Y") if value else ""


def pesos(amount: Optional[float]) -> str:
    """An amount in pesos, Argentine style: $ 58.900,00."""
    if amount is None:
        return ""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"$ {whole.replace(',', '.')},{cents}"


def insured_item(policy: Policy) -> str:
    """What the policy insures, in a few words: the vehicle and plate, the address, or the coverage."""
    item = policy.insured_item or {}
    vehicle = item.get("vehicle")
    if vehicle:
        name = " ".join(str(vehicle[key]) for key in ("make", "model", "year") if vehicle.get(key))
        plate = vehicle.get("plate")
        if name and plate:
            return f"{name} ({plate})"
        return name or plate or policy.coverage
    if item.get("address"):
        return str(item["address"])
    return policy.coverage


def normal_plate(value: str) -> str:
    """A license plate without spaces or dashes, upper case: "jkl 432" -> "JKL432"."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


def normal_policy_number(value: str) -> str:
    """A policy number for comparison only: upper case, without spaces, dots or dashes."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
