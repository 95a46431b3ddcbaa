"""The API's reach into Rasa's conversation store: erasing and purging, never reading.

Rows are found by their keyed hash (conversation_store.sealing.row_key), so the
API needs the store's URL and sender key, not its encryption keys.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Iterable

from conversation_store import rows
from conversation_store.sealing import row_key
from miaval_api.settings import Settings

log = logging.getLogger(__name__)


class StoreNotConfigured(RuntimeError):
    """TRACKER_STORE_URL or TRACKER_SENDER_KEY is missing: conversations cannot be erased."""


def _engine(settings: Settings):
    if not settings.tracker_store_url or not settings.tracker_sender_key:
        raise StoreNotConfigured("set TRACKER_STORE_URL and TRACKER_SENDER_KEY (the ones Rasa uses)")
    engine = rows.make_engine(settings.tracker_store_url)
    rows.create_tables(engine)
    return engine


def configured(settings: Settings) -> bool:
    """Whether this API can reach the conversation store."""
    return bool(settings.tracker_store_url and settings.tracker_sender_key)


def row_keys(settings: Settings, sender_ids: Iterable[str]) -> list[str]:
    """The keys these chat identities' conversations are stored (and counted) under."""
    return [row_key(settings.tracker_sender_key, sender_id) for sender_id in sender_ids]


def erase(settings: Settings, sender_ids: Iterable[str], at: datetime) -> int:
    """Delete the conversations of these chat identities, however old; events deleted."""
    keys = row_keys(settings, sender_ids)
    engine = _engine(settings)
    try:
        with engine.begin() as connection:
            return rows.erase(connection, keys, at.timestamp())
    finally:
        engine.dispose()


def purge(settings: Settings, idle_before: datetime, now: datetime) -> int:
    """Delete conversations not touched since ``idle_before``; events deleted."""
    engine = _engine(settings)
    try:
        with engine.begin() as connection:
            return rows.purge(connection, idle_before.timestamp(), now.timestamp())
    finally:
        engine.dispose()
