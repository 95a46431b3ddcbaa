"""Claim drafts and small files for the tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def draft(policy: str = "AU-1048576", days_ago: float = 1, **extra: Any) -> dict[str, Any]:
    occurred = datetime.now(timezone.utc) - timedelta(days=days_ago)
    body = {
        "policy_number": policy,
        "type": "collision",
        "occurred_at": occurred.isoformat(),
        "place": "Av. Rivadavia 5000, CABA",
        "description": "Me chocaron de atrás en un semáforo.",
        "third_party_involved": True,
        "third_party": {"name": "Juan Pérez", "plate": "AB123CD", "insurer": "Pampa Seguros"},
        "injured_people": False,
    }
    body.update(extra)
    return body


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}
