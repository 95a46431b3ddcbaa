"""The action server's check: ``Authorization: Bearer <token>``, compared in constant time."""

from __future__ import annotations

import hmac
from typing import Optional


def bearer_header(token: str) -> dict[str, str]:
    """The header a caller sends."""
    return {"Authorization": f"Bearer {token}"}


def bearer_matches(authorization: Optional[str], token: str) -> bool:
    """Whether an ``Authorization`` header carries exactly ``token`` (never true for an empty token)."""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
