"""Rasa's pika event broker, switched by a variable, that keeps each event until RabbitMQ confirms it.

endpoints.yml names it for every profile: Rasa has no "no broker" type, and
endpoints.yml's ``${VARS}`` cannot remove a section; an empty
``EVENT_BROKER_HOST`` (the embedded default) gives no broker.

Rasa's ``PikaEventBroker`` loses events around a RabbitMQ restart
(tests/event_broker/test_rabbitmq_crash.py; what it found at 500 events/s):

- a publication under way when the connection dies can wait forever for a
  write or a confirmation that never comes (no timeout): neither confirmed nor
  kept to publish again (34-187 events a crash);
- each event is published in a task of its own, also while aio_pika's robust
  connection restores the channel: one published after the exchange (not
  durable, gone with the restart) is declared again but before the queue's
  binding is back is returned as unroutable, which aio_pika
  (``on_return_raises=False``) reports as a success (11 events in one crash);
  one published before the exchange is back makes RabbitMQ close the channel
  (404), which fails the restore for another 5 s (at 2000 events/s);
- it logs a failed event, with what the customer wrote, at error level.

Here one task publishes the kept events in their order, a window at a time,
only while the connection is up (not while it is being restored), and forgets
an event only once RabbitMQ confirmed it: a return, a nack, an error or no
confirmation within ``confirm_timeout_seconds`` keeps it, and publishing
starts again from the first unconfirmed event. So each event arrives at least
once, in order; an event confirmed after one that failed, or whose
confirmation was lost with the connection, can arrive twice: the same body
with the same AMQP ``message_id`` (a consumer drops a message id it has
seen). The kept events are bounded (``max_pending_megabytes`` of message
bodies): past the bound, new events are dropped and a log line says so. Log
lines count events and never show one (they hold what customers wrote).

Each event is published sealed as the conversation store seals its rows
(:class:`conversation_store.sealing.EventSealer`, with the store's
``TRACKER_ENCRYPTION_KEYS`` and ``TRACKER_SENDER_KEY``): the body is a Fernet
token of the event with its sender id replaced by the conversation's row key,
so RabbitMQ's queues and disk hold neither what customers wrote nor their
phone numbers. A consumer opens a body with ``EventSealer.open``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from asyncio import AbstractEventLoop
from collections import deque
from dataclasses import dataclass
from typing import Any, Optional

import aio_pika
import aiormq
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

from conversation_store.sealing import SEALED_EVENT_CONTENT_TYPE, EventSealer
from conversation_store.settings import StoreSettings

log = logging.getLogger(__name__)

WINDOW = 256  # events published before waiting for their confirmations
PAUSE_AFTER_FAILURE_SECONDS = 1.0
FLUSH_ON_CLOSE_SECONDS = 5.0


@dataclass(frozen=True)
class _Kept:
    message: aio_pika.Message
    size: int


def _confirmed(publication: asyncio.Future) -> bool:
    return publication.done() and not publication.cancelled() and publication.exception() is None


class NotConfirmed(Exception):
    """RabbitMQ answered a publication with something other than an ack (it did not take the event)."""


class OptionalPikaBroker(PikaEventBroker):
    """``PikaEventBroker`` when the endpoint has a host (none otherwise), publishing at least once, in order."""

    def __init__(
        self,
        host: str,
        username: str,
        password: str,
        max_pending_megabytes: float = 64,
        confirm_timeout_seconds: float = 30,
        store_settings: Optional[StoreSettings] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, username, password, **kwargs)
        store = store_settings or StoreSettings.from_env()
        self._sealer = EventSealer(store.encryption_keys, store.sender_key)
        self._pending: deque[_Kept] = deque()
        self._pending_bytes = 0
        self._max_pending_bytes = int(max_pending_megabytes * 1024 * 1024)
        self._confirm_timeout = float(confirm_timeout_seconds)
        self._dropped = 0
        self._failed_since_confirmed = False
        self._waiting = asyncio.Event()  # set while events wait to be published
        self._all_confirmed = asyncio.Event()
        self._all_confirmed.set()
        self._sender: Optional[asyncio.Task] = None

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Optional[EndpointConfig], event_loop: Optional[AbstractEventLoop] = None
    ) -> Optional[PikaEventBroker]:
        """This broker for ``broker_config``, or None when its host (``url``) is empty."""
        if broker_config is None or not (broker_config.url or "").strip():
            return None
        return await super().from_endpoint_config(broker_config, event_loop)

    async def connect(self) -> None:
        """Connects, declares the exchange and queues as Rasa does, and starts publishing what waits."""
        self._connection = await self._connect()
        # A message RabbitMQ cannot route (the queue's binding not restored yet) fails its publication.
        channel = await self._connection.channel(on_return_raises=True)
        self._exchange = await self._set_up_exchange(channel)
        log.info("RabbitMQ connection to '%s' was established.", self.host)
        self._sender = self._loop.create_task(self._send_pending())

    def publish(self, event: dict[str, Any], headers: Optional[dict[str, str]] = None) -> None:
        """Keeps ``event`` to be published (at once if RabbitMQ is up) until RabbitMQ confirms it."""
        message = self._message(event, headers)
        message.message_id = uuid.uuid4().hex  # the same on every copy
        size = len(message.body)
        if self._pending_bytes + size > self._max_pending_bytes:
            self._dropped += 1
            if self._dropped == 1:
                log.error(
                    "RabbitMQ has not confirmed %d events (%d MB, the bound): new events are dropped until it does.",
                    len(self._pending), self._pending_bytes // (1024 * 1024),
                )  # fmt: skip
            return
        self._pending.append(_Kept(message, size))
        self._pending_bytes += size
        self._waiting.set()
        self._all_confirmed.clear()

    def _message(self, event: dict[str, Any], headers: Optional[dict[str, str]]) -> aio_pika.Message:
        """The message that publishes ``event``, sealed (Rasa's own body is the event's JSON in clear)."""
        return aio_pika.Message(
            self._sealer.seal(event), headers=headers, app_id=self.rasa_environment,
            content_type=SEALED_EVENT_CONTENT_TYPE, delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )  # fmt: skip

    async def _send_pending(self) -> None:
        while True:
            await self._waiting.wait()
            try:
                await self._connection.ready()  # not while the robust connection restores the exchange and queue
                window = list(itertools.islice(self._pending, WINDOW))
                confirmed = await self._publish_in_order(window)
                failed = confirmed < len(window)
            except Exception as error:  # noqa: BLE001 - the sender must go on; the error's text can hold an event
                log.error("Publishing events to RabbitMQ failed (%s); trying again.", type(error).__name__)
                confirmed, failed = 0, True
            for _ in range(confirmed):
                self._pending_bytes -= self._pending.popleft().size
            if failed:
                await asyncio.sleep(PAUSE_AFTER_FAILURE_SECONDS)
                continue
            self._report_recovery()
            if not self._pending:
                self._waiting.clear()
                self._all_confirmed.set()

    async def _publish_in_order(self, window: list[_Kept]) -> int:
        """Publishes ``window`` in order; returns how many of its first events RabbitMQ confirmed.

        Gives up on the rest when no confirmation at all came for ``confirm_timeout_seconds``: a busy event loop
        handles one confirmation per turn, so a window can take long while it goes on, and only a stall means
        that a publication will never end.
        """
        publications = [asyncio.ensure_future(self._publish_one(kept.message)) for kept in window]
        waiting = set(publications)
        while waiting:
            done, waiting = await asyncio.wait(waiting, timeout=self._confirm_timeout)
            if not done:
                break
        for publication in waiting:
            publication.cancel()
        confirmed = next((index for index, publication in enumerate(publications) if not _confirmed(publication)),
                         len(window))  # fmt: skip
        if confirmed < len(window):  # at most one a second, and one per reconnection while RabbitMQ is down
            failure = publications[confirmed]
            stalled = not failure.done() or failure.cancelled()
            reason = "no confirmation" if stalled else type(failure.exception()).__name__
            log.warning(
                "RabbitMQ did not confirm an event (%s): %d events are kept and published again, in order.",
                reason, len(self._pending) - confirmed,
            )  # fmt: skip
            self._failed_since_confirmed = True
        await asyncio.gather(*waiting, return_exceptions=True)  # the cancelled ones end
        for publication in publications:  # retrieved, so asyncio does not log them as forgotten
            if publication.done() and not publication.cancelled():
                publication.exception()
        return confirmed

    async def _publish_one(self, message: aio_pika.Message) -> None:
        # aiormq's channel (aio_pika replaces it on a reconnection), without waiting for each message to be written
        # (``wait=False``): waiting holds the channel's lock across a turn of the event loop per message, which
        # Rasa's predictions can hold for a tenth of a second each; the confirmation is what counts.
        answer = await self._exchange.channel.basic_publish(
            message.body, exchange=self._exchange.name, routing_key="", properties=message.properties,
            mandatory=True, wait=False,
        )  # fmt: skip
        if not isinstance(answer, aiormq.spec.Basic.Ack):
            raise NotConfirmed(type(answer).__name__)

    def _report_recovery(self) -> None:
        """After a failure or a drop, says once that a whole window went through (and what was dropped)."""
        if self._failed_since_confirmed or self._dropped:
            log.warning(
                "RabbitMQ confirms events again: %d wait to be published, %d were dropped at the bound.",
                len(self._pending), self._dropped,
            )  # fmt: skip
        self._failed_since_confirmed = False
        self._dropped = 0

    async def close(self) -> None:
        """Waits a little for the kept events to be confirmed, then closes the connection."""
        if self._sender is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._all_confirmed.wait(), FLUSH_ON_CLOSE_SECONDS)
            if self._pending:
                log.error("Closing with %d events that RabbitMQ has not confirmed: lost.", len(self._pending))
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        await super().close()
