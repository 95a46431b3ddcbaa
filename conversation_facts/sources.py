"""Where the consumer reads Rasa's events: RabbitMQ's queue (production) or the conversation store (embedded).

Both hand the facts writer ``(event id, event)`` with ``sender_id`` the
conversation's row key, and an id that is the same every time the same event
comes again:

- RabbitMQ: the AMQP ``message_id`` the event broker gives each event (the same
  on every copy it publishes again: bot/event_broker.py); the body is opened with
  the conversation store's keys. A message is acknowledged once its facts are
  written, so a consumer that dies before that gets it again (and drops it if
  it was written after all).
- The conversation store: its rows in the order of their events, the id a hash of
  the row key and the sealed event's content (a compacted session writes kept
  events again under new rows: same content, same id).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any, Callable, Iterator, Optional

import pika
import sqlalchemy as sa
from cryptography.fernet import InvalidToken

from conversation_store import rows
from conversation_store.sealing import EventSealer, Sealer

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], bool]
EXCHANGE = "rasa-exchange"  # Rasa's pika broker's fanout exchange


def stored_event_id(row_key: str, event: dict[str, Any]) -> str:
    """The id of an event read from the conversation store: the same for the same event in any row."""
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{row_key}\n{canonical}".encode()).hexdigest()


class TrackerStoreSource:
    """The conversation store's events written since the last read, oldest first.

    Row ids are no cursor: SQLite gives a deleted (compacted) session's ids again, and PostgreSQL's
    concurrent turns commit ids out of order. Each read takes the rows whose timestamp is at most
    ``lookback_seconds`` before the newest event seen (a turn is saved after its events were made), and
    the ids already handled in that window are skipped here; older ones are dropped by the facts writer.
    """

    def __init__(self, engine: sa.engine.Engine, encryption_keys: tuple[str, ...], lookback_seconds: float = 300):
        self.engine = engine
        self._sealer = Sealer(encryption_keys)
        self._lookback = lookback_seconds
        self._newest: Optional[float] = None
        self._recent: dict[str, float] = {}  # ids handled within the window → their timestamp

    def read(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The events written since the last read, with their ids."""
        rows.create_tables(self.engine)  # Rasa may not have started yet
        query = sa.select(rows.events.c.sender_id, rows.events.c.timestamp, rows.events.c.data).order_by(
            rows.events.c.timestamp, rows.events.c.id
        )
        since = None if self._newest is None else self._newest - self._lookback
        if since is not None:
            query = query.where(rows.events.c.timestamp >= since)
            self._recent = {key: at for key, at in self._recent.items() if at >= since}
        with self.engine.connect() as connection:
            found = connection.execution_options(stream_results=True).execute(query)
            for key, stamp, data in found:
                try:
                    event = self._sealer.unseal(data)
                except (InvalidToken, ValueError):
                    log.warning("a conversation store row could not be opened; skipped")
                    continue
                event_id = stored_event_id(key, event)
                if event_id in self._recent:
                    continue
                stamp = stamp or 0.0
                self._recent[event_id] = stamp
                self._newest = stamp if self._newest is None else max(self._newest, stamp)
                yield event_id, {**event, "sender_id": key}

    def follow(self, handle: Handler, poll_seconds: float, stop: Callable[[], bool] = lambda: False) -> None:
        """Hand every new event to ``handle``, polling every ``poll_seconds``, until ``stop()``."""
        while not stop():
            for event_id, event in list(self.read()):
                handle(event_id, event)
            time.sleep(poll_seconds)


class RabbitMQSource:
    """The event broker's queue on RabbitMQ, each message acknowledged after its facts are written."""

    def __init__(
        self, parameters: pika.ConnectionParameters, queue: str, sealer: EventSealer, prefetch: int = 100
    ) -> None:
        self.parameters = parameters
        self.queue = queue
        self._sealer = sealer
        self._prefetch = prefetch
        self.unreadable = 0

    def open(self, body: bytes, message_id: Optional[str]) -> Optional[tuple[str, dict[str, Any]]]:
        """The event and its id from a message (None if no key opens it)."""
        try:
            event = self._sealer.open(body)
        except (InvalidToken, ValueError, UnicodeDecodeError):
            self.unreadable += 1
            if self.unreadable == 1 or self.unreadable % 100 == 0:
                log.warning("%d event messages could not be opened with the store's keys; dropped", self.unreadable)
            return None
        return message_id or hashlib.sha256(body).hexdigest(), event

    def consume(self, handle: Handler, stop: Callable[[], bool] = lambda: False, idle_seconds: float = 1.0) -> None:
        """Consume until ``stop()`` (checked at least every ``idle_seconds``); raises when the connection fails."""
        connection = pika.BlockingConnection(self.parameters)
        try:
            channel = connection.channel()
            channel.exchange_declare(EXCHANGE, exchange_type="fanout")  # as Rasa declares them
            channel.queue_declare(self.queue, durable=True)
            channel.queue_bind(self.queue, EXCHANGE, routing_key="")
            channel.basic_qos(prefetch_count=self._prefetch)
            for method, properties, body in channel.consume(self.queue, inactivity_timeout=idle_seconds):
                if stop():
                    break
                if method is None:
                    continue
                opened = self.open(body, properties.message_id)
                if opened is not None:
                    handle(*opened)
                channel.basic_ack(method.delivery_tag)
            channel.cancel()
        finally:
            if connection.is_open:
                connection.close()
