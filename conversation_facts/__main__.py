"""``python -m conversation_facts``: the consumer that turns Rasa's events into conversation facts.

It reads RabbitMQ's event queue when ``EVENT_BROKER_HOST`` is set (the
production profile), otherwise the conversation store's rows (the embedded
default), and runs until stopped; `make run` starts it (and restarts it) with
the other services.
"""

from __future__ import annotations

import logging
import signal
import sys
import time

import pika
from pika.exceptions import AMQPError

from conversation_facts.facts import FactsWriter
from conversation_facts.settings import Settings
from conversation_facts.sources import RabbitMQSource, TrackerStoreSource
from conversation_store import rows
from conversation_store.sealing import EventSealer
from envsettings import install_redaction, secret_values
from miaval_api.db import Database

log = logging.getLogger("conversation_facts")
RECONNECT_SECONDS = 5.0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    install_redaction(secret_values(settings))
    if not settings.tracker_encryption_keys or not settings.tracker_sender_key:
        print("TRACKER_ENCRYPTION_KEYS and TRACKER_SENDER_KEY are needed to open the events", file=sys.stderr)
        return 2
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    tracker = rows.make_engine(settings.tracker_store_url)
    rows.create_tables(tracker)

    def erased_at(key: str):
        with tracker.connect() as connection:
            return rows.erased_at(connection, key)

    writer = FactsWriter(Database(settings.database_url), settings.review_below_confidence, erased_at)
    try:
        if not settings.event_broker_host:
            log.info("reading the conversation store's events")
            TrackerStoreSource(tracker, settings.tracker_encryption_keys).follow(
                writer.handle, settings.poll_seconds, lambda: bool(stopping)
            )
            return 0
        parameters = pika.ConnectionParameters(
            host=settings.event_broker_host, port=settings.event_broker_port,
            credentials=pika.PlainCredentials(settings.event_broker_username, settings.event_broker_password),
            heartbeat=30,
        )  # fmt: skip
        source = RabbitMQSource(
            parameters, settings.facts_queue,
            EventSealer(settings.tracker_encryption_keys, settings.tracker_sender_key),
        )  # fmt: skip
        log.info("consuming RabbitMQ's queue %s", settings.facts_queue)
        while not stopping:
            try:
                source.consume(writer.handle, lambda: bool(stopping))
            except AMQPError as error:
                log.warning("RabbitMQ connection lost (%s); again in %.0f s", type(error).__name__, RECONNECT_SECONDS)
                time.sleep(RECONNECT_SECONDS)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
