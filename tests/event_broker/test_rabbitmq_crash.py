"""Every event Rasa hands the broker reaches RabbitMQ's queue, though RabbitMQ is SIGKILLed in the middle.

Runs in Rasa's environment (`make test-assistant`): the project's broker
(``bot.event_broker``, as endpoints.yml configures it) publishes a steady
stream of conversation events, as Rasa's tracker store does after each turn,
to a private RabbitMQ (tests/production/engines.py) that is killed and, two
seconds later, started again on its data, as systemd would. The queue is read
only at the end: it must hold each event, its copies (an event published
again because its confirmation was lost with the connection) identical and
with the same message id, and the events in the order they were published.
While RabbitMQ is down the broker keeps events up to its bound, drops the
newer ones and says how many, and no log line shows what a customer wrote.
What reaches RabbitMQ is sealed: no message shows what a customer wrote or
who wrote it, and the store's keys open each one into the event as it was
published, its sender id replaced by the conversation's row key.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid

import aio_pika
import pytest
from cryptography.fernet import Fernet
from rasa.utils.endpoints import EndpointConfig

from bot.event_broker import OptionalPikaBroker
from conversation_store.sealing import SEALED_EVENT_CONTENT_TYPE, EventSealer, row_key
from conversation_store.settings import StoreSettings
from launcher.services import HOST
from tests.production.engines import PrivateRabbitMQ, private_rabbitmq

EVENTS_PER_SECOND = 200  # about what one replica publishes under the fault test's load
STEADY_SECONDS = 1.0  # before the kill, and again once RabbitMQ answers
OUTAGE_SECONDS = 2.0
ARRIVAL_TIMEOUT = 60.0  # the broker reconnects every few seconds
EVENTS_PAST_THE_BOUND = 100
BOUND_MEGABYTES = 0.01  # about 20 of those events, sealed
STORE = StoreSettings(url="", encryption_keys=(Fernet.generate_key().decode(),), sender_key="test-sender-key")
SEALER = EventSealer(STORE.encryption_keys, STORE.sender_key)


@pytest.fixture()
def rabbitmq(tmp_path) -> PrivateRabbitMQ:
    engine = private_rabbitmq(tmp_path)
    engine.start()
    yield engine
    engine.stop()


def user_event(number: int) -> dict:
    """An event as Rasa's tracker store publishes it (what a customer said, with its parse data)."""
    text = f"mensaje {number}"
    return {
        "sender_id": f"web:{number % 7}",
        "event": "user",
        "timestamp": 1_780_000_000 + number / 1000,
        "text": text,
        "message_id": uuid.uuid4().hex,
        "parse_data": {"intent": {"name": "faq", "confidence": 0.9}, "entities": [], "text": text},
        "input_channel": "gateway",
        "number": number,
    }


def endpoint(rabbitmq: PrivateRabbitMQ, queue_name: str, **settings: float) -> EndpointConfig:
    """endpoints.yml's ``event_broker`` section for the private RabbitMQ."""
    return EndpointConfig(url=HOST, port=rabbitmq.port, username="guest", password="guest", queues=[queue_name],
                          retry_delay_in_seconds=1, store_settings=STORE, **settings)  # fmt: skip


def number(message: aio_pika.abc.AbstractIncomingMessage) -> int:
    """The number of the event a message publishes, opened with the store's keys."""
    return SEALER.open(message.body)["number"]


def customer_text_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if "mensaje" in record.getMessage()]


async def logged_record(caplog: pytest.LogCaptureFixture, start: str) -> logging.LogRecord:
    """The broker's first log record that starts with ``start``, once it is there."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.name == "bot.event_broker" and record.getMessage().startswith(start):
                return record
        await asyncio.sleep(0.1)
    raise AssertionError(f"the broker never logged {start!r}")


async def declared_long_ago(rabbitmq: PrivateRabbitMQ, queue_name: str) -> None:
    """The durable queue, declared and then through a clean restart of RabbitMQ: on disk, as a production queue
    declared long before a crash is (RabbitMQ SIGKILLed within a second or two of the declaration can come back
    without the queue, and so without the events it had confirmed: seen here, 199 of them once)."""
    async with await aio_pika.connect(rabbitmq.url) as connection:
        channel = await connection.channel()
        await channel.declare_queue(queue_name, durable=True)
    await asyncio.to_thread(rabbitmq.restart)


async def publish_through_a_crash(broker: OptionalPikaBroker, rabbitmq: PrivateRabbitMQ) -> int:
    """Publishes steadily while RabbitMQ is killed, down, booting and back; returns how many were published."""
    published = 0
    stop = asyncio.Event()

    async def steady_stream() -> None:
        nonlocal published
        started = time.monotonic()
        while not stop.is_set():
            due = int((time.monotonic() - started) * EVENTS_PER_SECOND)
            while published < due:
                broker.publish(user_event(published))
                published += 1
            await asyncio.sleep(1 / EVENTS_PER_SECOND)

    stream = asyncio.create_task(steady_stream())
    await asyncio.sleep(STEADY_SECONDS)
    await asyncio.to_thread(rabbitmq.kill)
    await asyncio.sleep(OUTAGE_SECONDS)
    await asyncio.to_thread(rabbitmq.start)
    await asyncio.sleep(STEADY_SECONDS)
    stop.set()
    await stream
    return published


async def read_queue(url: str, queue_name: str, expected: int) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """The queue's messages, read until ``expected`` distinct events came or ARRIVAL_TIMEOUT passed."""
    messages: list[aio_pika.abc.AbstractIncomingMessage] = []
    numbers: set[int] = set()
    all_came = asyncio.Event()

    async def take(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        messages.append(message)
        numbers.add(number(message))
        if len(numbers) == expected:
            all_came.set()

    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=1000)
        queue = await channel.declare_queue(queue_name, durable=True)  # as the broker declares it, maybe later
        await queue.consume(take, no_ack=True)
        with contextlib.suppress(asyncio.TimeoutError):  # the broker may still be publishing what it kept
            await asyncio.wait_for(all_came.wait(), ARRIVAL_TIMEOUT)
    return messages


def test_every_event_published_around_a_rabbitmq_crash_reaches_the_queue_once_confirmed(rabbitmq, caplog):
    queue_name = f"miaval_test_events_{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[int, list[aio_pika.abc.AbstractIncomingMessage]]:
        await declared_long_ago(rabbitmq, queue_name)
        broker = await OptionalPikaBroker.from_endpoint_config(endpoint(rabbitmq, queue_name))
        try:
            published = await publish_through_a_crash(broker, rabbitmq)
            return published, await read_queue(rabbitmq.url, queue_name, published)
        finally:
            await broker.close()

    published, messages = asyncio.run(scenario())

    numbers = [number(message) for message in messages]
    missing = sorted(set(range(published)) - set(numbers))
    assert not missing, f"{len(missing)} of {published} events never reached the queue: {missing[:20]}"
    copies: dict[str, set[bytes]] = {}
    for message in messages:
        copies.setdefault(message.message_id, set()).add(message.body)
    assert len(copies) == published, "a copy of an event must carry the event's message id"
    assert all(len(bodies) == 1 for bodies in copies.values()), "copies with one message id must be identical"
    last_copies = list(dict.fromkeys(reversed(numbers)))[::-1]
    assert last_copies == sorted(last_copies), "events out of the order they were published in"
    assert not customer_text_logged(caplog)


def test_past_its_bound_the_broker_drops_new_events_and_says_how_many(rabbitmq, caplog):
    queue_name = f"miaval_test_events_{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[int, list[aio_pika.abc.AbstractIncomingMessage]]:
        config = endpoint(rabbitmq, queue_name, max_pending_megabytes=BOUND_MEGABYTES)
        broker = await OptionalPikaBroker.from_endpoint_config(config)
        try:
            await asyncio.to_thread(rabbitmq.kill)
            for number in range(EVENTS_PAST_THE_BOUND):
                broker.publish(user_event(number))
            await asyncio.to_thread(rabbitmq.start)
            recovered = await logged_record(caplog, "RabbitMQ confirms events again")
            dropped = recovered.args[1]
            return dropped, await read_queue(rabbitmq.url, queue_name, EVENTS_PAST_THE_BOUND - dropped)
        finally:
            await broker.close()

    dropped, messages = asyncio.run(scenario())

    assert 0 < dropped < EVENTS_PAST_THE_BOUND
    assert [number(message) for message in messages] == list(range(EVENTS_PAST_THE_BOUND - dropped))
    bound_hit = [
        record for record in caplog.records if record.levelno == logging.ERROR and "the bound" in record.getMessage()
    ]
    assert len(bound_hit) == 1, bound_hit
    assert not customer_text_logged(caplog)


def test_what_reaches_rabbitmq_shows_neither_what_was_said_nor_who_said_it(rabbitmq):
    queue_name = f"miaval_test_events_{uuid.uuid4().hex[:8]}"
    events = [user_event(number) for number in range(5)]

    async def scenario() -> list[aio_pika.abc.AbstractIncomingMessage]:
        await declared_long_ago(rabbitmq, queue_name)
        broker = await OptionalPikaBroker.from_endpoint_config(endpoint(rabbitmq, queue_name))
        try:
            for event in events:
                broker.publish(event)
            return await read_queue(rabbitmq.url, queue_name, len(events))
        finally:
            await broker.close()

    messages = asyncio.run(scenario())

    assert [message.content_type for message in messages] == [SEALED_EVENT_CONTENT_TYPE] * len(events)
    for message, event in zip(messages, events, strict=True):
        assert b"mensaje" not in message.body and b"web:" not in message.body
        with pytest.raises(ValueError):
            json.loads(message.body)
        assert SEALER.open(message.body) == {**event, "sender_id": row_key(STORE.sender_key, event["sender_id"])}
