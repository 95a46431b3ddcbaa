"""Reading a conversation back from the conversation store: what the customer, the assistant and staff said.

The staff console shows the last messages of a conversation from Rasa's own
store (no second copy written by hand). Staff messages are ``bot`` events whose
metadata says ``{"from_staff": "<name>"}`` (the delivery process records them).
Written for SQLAlchemy Core as both environments have it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from cryptography.fernet import InvalidToken

from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings

logger = logging.getLogger(__name__)
# Rows read back to find the last ``limit`` messages among other events (slots, actions...).
EVENTS_PER_MESSAGE = 12


@dataclass(frozen=True)
class Line:
    """One message of a conversation: when, who said it (customer | assistant | staff) and what."""

    at: Optional[datetime]
    who: str
    text: str
    staff_name: Optional[str] = None


@functools.lru_cache(maxsize=8)
def _engine(url: str) -> sa.engine.Engine:
    return rows.make_engine(url)


def line_of(event: dict[str, Any]) -> Optional[Line]:
    """The message an event holds, if it is one (a user's text or a bot's), else None."""
    kind = event.get("event")
    text = event.get("text")
    if kind not in ("user", "bot") or not text:
        return None
    if kind == "user" and (event.get("metadata") or {}).get("payload") is True:
        return None  # a button's payload: the assistant's answer says what was chosen; typed "/…" is shown
    stamp = event.get("timestamp")
    at = datetime.fromtimestamp(stamp, timezone.utc) if isinstance(stamp, (int, float)) else None
    if kind == "user":
        return Line(at=at, who="customer", text=text)
    staff = (event.get("metadata") or {}).get("from_staff")
    if staff:
        return Line(at=at, who="staff", text=text, staff_name=str(staff))
    return Line(at=at, who="assistant", text=text)


def transcript(settings: StoreSettings, sender_id: str, limit: int = 20) -> list[Line]:
    """The last ``limit`` messages of ``sender_id``'s conversation, oldest first; [] when there is none.

    Events no key opens (sealed under a key since dropped) are skipped.
    """
    sealer = Sealer(settings.encryption_keys)
    key = row_key(settings.sender_key, sender_id)
    query = (
        sa.select(rows.events.c.data)
        .where(rows.events.c.sender_id == key, rows.events.c.type_name.in_(("user", "bot")))
        .order_by(rows.events.c.id.desc())
        .limit(limit * EVENTS_PER_MESSAGE)
    )
    try:
        with _engine(settings.url).connect() as connection:
            sealed = [row[0] for row in connection.execute(query)]
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # Rasa never ran: no events table yet
        return []
    lines: list[Line] = []
    for token in sealed:
        try:
            line = line_of(sealer.unseal(token))
        except InvalidToken:
            logger.warning("an event of a conversation could not be unsealed (an old key?)")
            continue
        if line:
            lines.append(line)
        if len(lines) == limit:
            break
    lines.reverse()
    return lines
