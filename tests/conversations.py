"""Reading Rasa's conversation store as the tests need to: through the keys, as Rasa does.

The store (conversation_store/) keeps each event sealed and each sender id as
a keyed hash; this is the one helper that opens it. Standard library plus
SQLAlchemy and cryptography, which both test environments have.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings


def _engine_url(url: str) -> str:
    try:
        import psycopg2  # noqa: F401 - Rasa's environment
    except ImportError:  # the app's environment has psycopg 3
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


def stored_events(tracker_env: Mapping[str, str], sender_id: Optional[str] = None) -> list[dict[str, Any]]:
    """Every event stored for a sender (for every sender when None), unsealed, oldest first."""
    settings = StoreSettings.from_env(tracker_env)
    sealer = Sealer(settings.encryption_keys)
    query = rows.events.select().order_by(rows.events.c.id)
    if sender_id is not None:
        query = query.where(rows.events.c.sender_id == row_key(settings.sender_key, sender_id))
    engine = rows.make_engine(_engine_url(settings.url))
    try:
        with engine.connect() as connection:
            return [sealer.unseal(row.data) for row in connection.execute(query)]
    finally:
        engine.dispose()


def user_texts(tracker_env: Mapping[str, str], sender_id: str) -> list[str]:
    """The texts of the user messages stored for a sender, in order."""
    return [event.get("text") or "" for event in stored_events(tracker_env, sender_id) if event.get("event") == "user"]
