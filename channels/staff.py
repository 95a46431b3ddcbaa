"""Messages a person at Aval wrote: which outbox rows they are and how the customer sees who wrote them."""

from __future__ import annotations

from typing import Optional

from channels import copy
from console.copy import first_name

# Outbox kinds whose text a staff member wrote or sends as themselves (models/outbound.py); a claim's news is
# Aval's, not a person's.
WRITTEN_BY_A_PERSON = frozenset({"takeover", "staff_reply", "handback", "handoff_reply"})


def label(kind: str, staff_name: Optional[str]) -> Optional[str]:
    """ "Valeria, de Aval" for a message a person wrote; None for anything else."""
    if kind not in WRITTEN_BY_A_PERSON or not (staff_name or "").strip():
        return None
    return copy.STAFF_LABEL.format(name=first_name(staff_name.strip()))


def signed(kind: str, staff_name: Optional[str], text: str) -> str:
    """The text as Telegram and WhatsApp show it: headed by who wrote it when that is a person."""
    who = label(kind, staff_name)
    return copy.STAFF_SIGNED.format(label=who, text=text) if who else text
