"""Number cleaning: policy numbers, plates, codes and documents as typed by people."""

from __future__ import annotations

import re


def compact(value: str) -> str:
    """Letters and digits only, upper case: how policy numbers and plates are compared ("ac 123 bd" -> "AC123BD")."""
    return re.sub(r"[^0-9A-Z]", "", str(value or "").upper())


def digits(value: str) -> str:
    """The digits of ``value`` only ("20-12345678-3" -> "20123456783")."""
    return re.sub(r"[^0-9]", "", str(value or ""))
