"""How data (dates, amounts, insured items, document numbers) is written in the chat.

Only data formatting lives here; sentences live in the domain's responses (domain/).
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from api_client import Policy
from insurance_rules import insured_item as item_parts


def day(value: Optional[date]) -> str:
    """A date as Argentines write it: 31/12/2025."""
    return value.strftime("%d/%m/%Y") if value else ""


def pesos(amount: Optional[float]) -> str:
    """An amount in pesos, Argentine style: $ 58.900,00."""
    if amount is None:
        return ""
    whole, cents = f"{amount:,.2f}".split(".")
    return f"$ {whole.replace(',', '.')},{cents}"


def duration(minutes: int) -> str:
    """A span of time in words: "45 minutos", "1 hora", "2 horas", "1 hora y 30 minutos"."""
    hours, rest = divmod(minutes, 60)
    in_minutes = "1 minuto" if rest == 1 else f"{rest} minutos"
    if not hours:
        return in_minutes
    in_hours = "1 hora" if hours == 1 else f"{hours} horas"
    return f"{in_hours} y {in_minutes}" if rest else in_hours


def insured_item(policy: Policy) -> str:
    """What the policy insures, in a few words: the vehicle and plate, the address, or the coverage."""
    item = item_parts(policy.insured_item)
    if item.name and item.plate:
        return f"{item.name} ({item.plate})"
    return item.name or item.plate or item.address or policy.coverage
