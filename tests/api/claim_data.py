"""Claim drafts and small files for the tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from tests import media

JPEG = media.JPEG
PNG = media.PNG
WEBP = media.WEBP
PDF = media.PDF


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
