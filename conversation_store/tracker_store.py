"""``EncryptedSQLTrackerStore``: Rasa's SQL tracker store with sealed events and hashed sender ids.

endpoints.yml names it (``type: conversation_store.tracker_store.EncryptedSQLTrackerStore``);
where it stores (``TRACKER_STORE_URL``: SQLite or PostgreSQL) and its keys come
from :mod:`conversation_store.settings`. Rasa retrieves, saves and resumes
conversations as with its own store: only what reaches the database changes.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Query, Session

from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings

logger = logging.getLogger(__name__)


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """Every event's data sealed with Fernet; the row key an HMAC of the sender id.

    Kept in clear: the event type (Rasa finds the latest session start by it)
    and the timestamp (the same, and the retention purge). Intent and action
    names are not stored at all: nothing reads them back. ``keys()`` answers
    row keys: the sender ids themselves are not kept.
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        settings: Optional[StoreSettings] = None,
        **kwargs: Any,
    ) -> None:
        settings = settings or StoreSettings.from_env()
        kwargs.pop("host", None)  # endpoints.yml's url: the store's URL is a setting
        self._sealer = Sealer(settings.encryption_keys)
        self._sender_key = settings.sender_key
        super().__init__(domain=domain, host=settings.url, event_broker=event_broker, **kwargs)
        rows.overwrite_deleted_rows(self.engine)
        self.engine.dispose()  # connections opened while creating the tables lack the pragma
        rows.create_tables(self.engine)

    def row_key(self, sender_id: str) -> str:
        """The key this conversation is stored under."""
        return row_key(self._sender_key, sender_id)

    def _event_query(self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool) -> Query:
        return super()._event_query(session, self.row_key(sender_id), fetch_events_from_all_sessions)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            stored = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [self._sealer.unseal(row.data) for row in stored]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not stored yet, sealed; after an erasure, only those that came after it."""
        await self.stream_events(tracker)
        key = self.row_key(tracker.sender_id)
        with self.session_scope() as session:
            for event in self._events_to_store(session, key, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=key,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        data=self._sealer.seal(data),
                    )
                )
            session.commit()

    def _events_to_store(self, session: Session, key: str, tracker: DialogueStateTracker) -> Iterator[Event]:
        erased_at = rows.erased_at(session, key)
        if erased_at is None:
            return self._additional_events(session, tracker)
        # Erased while this turn ran (the account was deleted): what the tracker
        # still holds from before must not come back.
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == key).delete(synchronize_session=False)
        rows.forget_erasure(session, key)
        logger.info("conversation erased during its turn: keeping only what came after")
        return iter([event for event in tracker.events if (event.timestamp or 0) > erased_at])
