"""``EncryptedSQLTrackerStore``: Rasa's SQL tracker store with sealed events and hashed sender ids.

endpoints.yml names it (``type: conversation_store.tracker_store.EncryptedSQLTrackerStore``);
where it stores (``TRACKER_STORE_URL``: SQLite or PostgreSQL) and its keys come
from :mod:`conversation_store.settings`. Rasa retrieves, saves and resumes
conversations as with its own store: only what reaches the database changes.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any, Iterator, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Query, Session

from conversation_store import compaction, rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings

logger = logging.getLogger(__name__)

# How many of a tracker object's events are in the store: set when this store
# retrieves or saves it, so that a save neither counts the stored rows again nor
# (with an event broker) retrieves the whole session again to find what is new.
STORED_EVENTS = "_miaval_stored_events"


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
            # The sealed data only, as plain rows: ORM objects for rows read once cost more than the query.
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [self._sealer.unseal(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _new_events(self, tracker: DialogueStateTracker) -> Optional[list[Event]]:
        """The events of ``tracker`` not stored yet, if this store knows (None: count the stored rows)."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None or stored > len(tracker.events) or tracker.events.maxlen is not None:
            return None
        return list(itertools.islice(tracker.events, stored, None))

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the new events, known without retrieving the session again (Rasa's own retrieves it)."""
        new_events = self._new_events(tracker)
        if self.event_broker is None or new_events is None:
            await super().stream_events(tracker)
            return
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not stored yet, sealed; after an erasure, only those that came after it.

        A session that grew long is then rewritten bounded (:mod:`conversation_store.compaction`).
        """
        await self.stream_events(tracker)
        # In a thread: the commit waits for the disk (SQLite syncs it), and Rasa's one event loop
        # would wait with it instead of serving other conversations (about a tenth of the Rasa
        # server's time under load, profiled with py-spy). This conversation's lock is held until
        # the save is done, so nothing else touches the tracker meanwhile. (An in-memory SQLite
        # database is one per thread: that one is written here.)
        if self.engine.url.database in (None, "", ":memory:"):
            self._store(tracker)
        else:
            await asyncio.to_thread(self._store, tracker)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _store(self, tracker: DialogueStateTracker) -> None:
        key = self.row_key(tracker.sender_id)
        with self.session_scope() as session:
            erased = rows.erased_at(session, key) is not None
            for event in self._events_to_store(session, key, tracker, erased):
                session.add(self._row(key, event))
            session.flush()
            if not erased and compaction.user_turns(tracker.events) > compaction.COMPACT_ABOVE_TURNS:
                self._compact(session, tracker)
            session.commit()

    def _row(self, key: str, event: Event, row_timestamp: Optional[float] = None) -> Any:
        data = event.as_dict()
        timestamp = data.get("timestamp") if row_timestamp is None else row_timestamp
        sealed = self._sealer.seal(data)
        return self.SQLEvent(sender_id=key, type_name=event.type_name, timestamp=timestamp, data=sealed)

    def _compact(self, session: Session, tracker: DialogueStateTracker) -> None:
        """Rewrite the latest session bounded when it grew past the limit (in the caller's transaction).

        A tracker this store retrieved holds exactly the session's rows, in order: its events
        are used as they are (nothing unsealed again) unless the rows say otherwise.
        """
        if self.domain is None:
            return
        rows_query = self._event_query(session, tracker.sender_id, False)
        stored = rows_query.with_entities(self.SQLEvent.id, self.SQLEvent.timestamp).all()
        current: Optional[DialogueStateTracker] = None
        if getattr(tracker, STORED_EVENTS, None) is not None and len(stored) == len(tracker.events):
            events: list[Event] = list(tracker.events)
            current = tracker
        else:
            events = [Event.from_parameters(self._sealer.unseal(row.data)) for row in rows_query.all()]
        compacted = compaction.compact(tracker.sender_id, events, self.domain.slots, current)
        if compacted is None:
            return
        # Rows keep the session's order by id; their timestamp column never goes below the
        # session start's, so that Rasa's query still finds them all in the latest session.
        floor = stored[0].timestamp or 0.0
        session.query(self.SQLEvent).filter(self.SQLEvent.id.in_([row.id for row in stored])).delete(
            synchronize_session=False
        )
        key = self.row_key(tracker.sender_id)
        for event in compacted:
            floor = max(floor, event.timestamp or 0.0)
            session.add(self._row(key, event, floor))
        logger.debug("session compacted from %d to %d events", len(stored), len(compacted))

    def _events_to_store(
        self, session: Session, key: str, tracker: DialogueStateTracker, erased: bool
    ) -> Iterator[Event]:
        if not erased:
            new_events = self._new_events(tracker)
            return iter(new_events) if new_events is not None else self._additional_events(session, tracker)
        erased_at = rows.erased_at(session, key) or 0.0
        # Erased while this turn ran (the account was deleted): what the tracker
        # still holds from before must not come back.
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == key).delete(synchronize_session=False)
        rows.forget_erasure(session, key)
        logger.info("conversation erased during its turn: keeping only what came after")
        return iter([event for event in tracker.events if (event.timestamp or 0) > erased_at])
