"""The conversation facts consumer: each event counted once, the review queue masked, erasure and retention.

Real parts: the migrated database (SQLite, PostgreSQL for the RabbitMQ run), a
sealed conversation store, RabbitMQ on 127.0.0.1:5672 and the consumer as a
process (``python -m conversation_facts``).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import pika
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from conversation_facts import retention
from conversation_facts.facts import FactsWriter
from conversation_facts.sources import TrackerStoreSource
from conversation_store import rows
from conversation_store.sealing import EventSealer, Sealer, row_key
from launcher.paths import APP_BIN, ROOT
from launcher.secrets import tracker_secrets
from launcher.services import base_env, prepare_database
from miaval_api.app import create_app
from miaval_api.db import Database
from miaval_api.services import accounts, erasure
from miaval_api.settings import Settings as ApiSettings
from models import ConsumedEvent, ConversationTurn, ReviewItem, SatisfactionAnswer, User
from tests.conversation_facts import events as ev

T0 = datetime(2026, 11, 20, 13, 0, tzinfo=timezone.utc).timestamp()


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def store_rows(engine: sa.engine.Engine, sealer: Sealer, key: str, events: list[dict]) -> None:
    """Rows as the conversation store writes them: row key, type, timestamp, the event sealed."""
    with engine.begin() as connection:
        connection.execute(rows.events.insert(), [
            {"sender_id": key, "type_name": event["event"], "timestamp": event["timestamp"],
             "data": sealer.seal({k: v for k, v in event.items() if k != "sender_id"})}
            for event in events
        ])  # fmt: skip


def test_rows_written_again_by_a_compaction_are_counted_once(facts_db, tmp_path):
    keys = tracker_secrets()
    sealer = Sealer(keys["TRACKER_ENCRYPTION_KEYS"].split(","))
    engine = rows.make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    rows.create_tables(engine)
    key = row_key(keys["TRACKER_SENDER_KEY"], "whatsapp:+5491155550101")
    turn = [
        ev.user(key, T0, "quiero ver mis pólizas", "list_policies", 0.97),
        ev.action(key, T0 + 1, "action_list_policies"),
        ev.bot(key, T0 + 1, "Tenés 2 pólizas."),
    ]
    store_rows(engine, sealer, key, turn)
    source = TrackerStoreSource(engine, tuple(keys["TRACKER_ENCRYPTION_KEYS"].split(",")))
    writer = FactsWriter(facts_db)
    assert [writer.handle(*item) for item in source.read()] == [True, True, True]

    # A compaction deletes the session's rows and writes its kept events again, under new row ids.
    with engine.begin() as connection:
        connection.execute(sa.delete(rows.events))
    store_rows(engine, sealer, key, [*turn, ev.slot(key, T0 + 1, "requested_slot", None)])
    store_rows(engine, sealer, key, [ev.user(key, T0 + 60, "gracias", "thank", 0.99)])
    # A new source (the consumer restarted) reads them all again: only the new ones write anything.
    fresh = TrackerStoreSource(engine, tuple(keys["TRACKER_ENCRYPTION_KEYS"].split(",")))
    assert [writer.handle(*item) for item in fresh.read()] == [False, False, False, True, True]
    store_rows(engine, sealer, key, [ev.bot(key, T0 + 61, "¡De nada!")])
    # The first source finds the slot and the thanks too (handled already) and the new answer.
    assert [writer.handle(*item) for item in source.read()] == [False, False, True]
    assert list(source.read()) == []

    with facts_db.session() as session:
        turns = session.scalars(select(ConversationTurn).order_by(ConversationTurn.at)).all()
    assert [(t.intent, t.channel, t.actions, t.outcome) for t in turns] == [
        ("list_policies", "whatsapp", ["action_list_policies"], "policies_shown"),
        ("thank", "whatsapp", [], None),
    ]
    engine.dispose()


def test_misunderstood_messages_reach_the_review_queue_masked_with_their_context(facts_db):
    key = "a" * 64
    writer = FactsWriter(facts_db, low_confidence=0.6)
    stream = [
        ev.bot(key, T0, "Hola, soy Aval. ¿En qué te ayudo?"),
        ev.user(
            key,
            T0 + 1,
            "me chocaron el auto patente AB123CD, soy Laura Gómez",
            "nlu_fallback",
            0.41,
            ranking=[("nlu_fallback", 0.5), ("report_claim", 0.41)],
        ),
        ev.action(key, T0 + 2, "action_default_fallback"),
        ev.bot(key, T0 + 2, "Perdón, no te entendí."),
        ev.user(key, T0 + 10, "mi mail es laura.gomez@example.com y el tel 11 5555-0101", "inform", 0.52),
        ev.bot(key, T0 + 11, "¿Me lo decís de otra forma?"),
        ev.user(key, T0 + 20, "necesito el papel del seguro para la VTV", "ask_certificate", 0.93),
        ev.bot(key, T0 + 21, "¿De qué póliza?"),
        ev.user(key, T0 + 30, "/human_handoff", "human_handoff", 1.0),
        ev.action(key, T0 + 31, "action_human_handoff"),
    ]
    for event in stream:
        assert writer.handle(uuid.uuid4().hex, event)
    with facts_db.session() as session:
        items = session.scalars(select(ReviewItem).order_by(ReviewItem.at)).all()
        turns = session.scalars(select(ConversationTurn).order_by(ConversationTurn.at)).all()
    assert [(i.reason, i.text, i.predicted_intent) for i in items] == [
        ("fallback", "me chocaron el auto patente [patente], soy [nombre]", "report_claim"),
        ("low_confidence", "mi mail es [email] y el tel [telefono]", "inform"),
        ("before_handoff", "necesito el papel del seguro para la VTV", "ask_certificate"),
    ]
    assert (items[0].before, items[0].after) == ("Hola, soy Aval. ¿En qué te ayudo?", "Perdón, no te entendí.")
    assert items[1].before == "Perdón, no te entendí."
    assert [t.fallback for t in turns] == [True, False, False, False]
    assert turns[-1].outcome == "handoff"


def test_a_satisfaction_answer_is_recorded_with_its_flow(facts_db):
    key = "b" * 64
    writer = FactsWriter(facts_db)
    helpful = [{"entity": "helpful", "value": "no"}]
    for event in (ev.slot(key, T0, "satisfaction_flow", "claim"),
                  ev.user(key, T0 + 5, "2", "rate_help", 0.99, channel="telegram", entities=helpful),
                  ev.user(key, T0 + 9, "2", "rate_help", 0.99, channel="telegram", entities=helpful)):  # fmt: skip
        writer.handle(uuid.uuid4().hex, event)
    with facts_db.session() as session:
        answers = session.scalars(select(SatisfactionAnswer)).all()
    # Once per question: the second "2" came after the answer was taken.
    assert [(a.flow, a.helpful, a.channel) for a in answers] == [("claim", False, "telegram")]


def test_events_of_an_erased_conversation_write_nothing_tied_to_it(facts_db, tmp_path):
    engine = rows.make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    rows.create_tables(engine)
    key = "c" * 64
    with engine.begin() as connection:
        rows.erase(connection, [key], T0 + 100)

    def erased_at(conversation):
        with engine.connect() as connection:
            return rows.erased_at(connection, conversation)

    writer = FactsWriter(facts_db, erased_at=erased_at)
    assert writer.handle("late", ev.user(key, T0 + 50, "mi dni es 30123456", "inform", 0.3))
    assert writer.handle("after", ev.user(key, T0 + 150, "chau", "goodbye", 0.99))
    with facts_db.session() as session:
        assert session.scalars(select(ConversationTurn.intent)).all() == ["goodbye"]
        assert session.scalar(select(func.count()).select_from(ReviewItem)) == 0
        assert session.get(ConsumedEvent, "late") is not None  # seen: a copy arriving later is dropped too
    engine.dispose()


def test_erasing_an_account_deletes_the_facts_of_its_conversations(tmp_path, smtp_free_settings):
    database_url = f"sqlite:///{tmp_path / 'miaval.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    prepare_database(database_url)
    keys = tracker_secrets()
    app = create_app(
        ApiSettings(
            database_url=database_url,
            tracker_store_url=tracker_url,
            tracker_sender_key=keys["TRACKER_SENDER_KEY"],
            **smtp_free_settings(tmp_path),
        )
    )
    context = app.extensions["miaval"]
    with context.db.session(write=True) as session:
        laura = session.scalars(select(User).where(User.email == "laura.gomez@example.com")).one()
        accounts.tie_identity(session, "telegram:4242", laura.id)
        accounts.tie_identity(session, "whatsapp:+5491155550101", laura.id)
    hers = [row_key(keys["TRACKER_SENDER_KEY"], sender) for sender in ("telegram:4242", "whatsapp:+5491155550101")]
    someone_else = row_key(keys["TRACKER_SENDER_KEY"], "web:someone-else")
    writer = FactsWriter(context.db)
    for index, key in enumerate([*hers, someone_else]):
        writer.handle(f"u{index}", ev.user(key, T0 + index, "no entiendo nada Laura", "nlu_fallback", 0.2))
        writer.handle(f"s{index}", ev.slot(key, T0 + index, "satisfaction_flow", "claim"))
        writer.handle(f"r{index}", ev.user(key, T0 + index + 1, "1", "rate_help", 0.99,
                                           entities=[{"entity": "helpful", "value": "yes"}]))  # fmt: skip

    erasure.erase_account(context, "telegram:4242")

    with context.db.session() as session:
        for model in (ConversationTurn, ReviewItem, SatisfactionAnswer):
            assert set(session.scalars(select(model.conversation))) == {someone_else}, model.__name__
    context.db.engine.dispose()


@pytest.fixture
def smtp_free_settings():
    def settings(tmp_path):
        return {"api_token": "t" * 32, "secret_key": "k" * 32, "outbox_dir": str(tmp_path / "outbox")}

    return settings


def test_the_retention_purge_takes_facts_older_than_the_conversations_kept(facts_db):
    now = datetime(2027, 6, 1, tzinfo=timezone.utc)
    with facts_db.session(write=True) as session:
        for days, intent in ((181, "old"), (179, "kept")):
            session.add(ConversationTurn(conversation="d" * 64, at=now - timedelta(days=days), channel="web",
                                         intent=intent, actions=[], fallback=False))  # fmt: skip
        session.add(ConsumedEvent(event_id="old", consumed_at=now - timedelta(days=181)))
        session.add(ConsumedEvent(event_id="kept", consumed_at=now - timedelta(days=1)))
    with facts_db.session(write=True) as session:
        retention.purge(session, now - timedelta(days=180))
    with facts_db.session() as session:
        assert session.scalars(select(ConversationTurn.intent)).all() == ["kept"]
        assert session.scalars(select(ConsumedEvent.event_id)).all() == ["kept"]


def test_the_consumer_counts_an_event_rabbitmq_delivers_twice_once(postgres_facts_db, tmp_path):
    keys = tracker_secrets()
    queue = f"miaval_facts_test_{uuid.uuid4().hex[:8]}"
    sealer = EventSealer(keys["TRACKER_ENCRYPTION_KEYS"].split(","), keys["TRACKER_SENDER_KEY"])
    env = base_env({
        "DATABASE_URL": postgres_facts_db.engine.url.render_as_string(hide_password=False),
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}", **keys,
        "EVENT_BROKER_HOST": "127.0.0.1", "FACTS_QUEUE": queue,
    })  # fmt: skip
    consumer = subprocess.Popen([str(APP_BIN / "python"), "-m", "conversation_facts"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    connection = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1"))
    channel = connection.channel()
    channel.queue_declare(queue, durable=True)  # the consumer binds it too; declared here so nothing is lost
    try:
        sender = "whatsapp:+5491155550101"
        first = ev.user(sender, T0, "quiero denunciar un choque", "report_claim", 0.95)
        second = ev.user(sender, T0 + 30, "gracias", "thank", 0.99)
        for message_id, event in (("e-1", first), ("e-1", first), ("e-2", second), ("e-1", first)):
            channel.basic_publish("", queue, sealer.seal(event), pika.BasicProperties(message_id=message_id))
        channel.basic_publish("", queue, b"not sealed", pika.BasicProperties(message_id="e-3"))
        last = ev.bot(sender, T0 + 31, "¡De nada!")
        channel.basic_publish("", queue, sealer.seal(last), pika.BasicProperties(message_id="e-4"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and count(postgres_facts_db, ConsumedEvent) < 3:  # one consumer, in order
            assert consumer.poll() is None
            time.sleep(0.3)
        with postgres_facts_db.session() as session:
            turns = session.execute(select(ConversationTurn.conversation, ConversationTurn.intent)
                                    .order_by(ConversationTurn.at)).all()  # fmt: skip
            seen = session.scalars(select(ConsumedEvent.event_id).order_by(ConsumedEvent.event_id)).all()
        key = row_key(keys["TRACKER_SENDER_KEY"], sender)
        assert turns == [(key, "report_claim"), (key, "thank")]
        assert seen == ["e-1", "e-2", "e-4"]
    finally:
        consumer.terminate()
        output, _ = consumer.communicate(timeout=30)
        channel.queue_delete(queue)
        connection.close()
    assert consumer.returncode == 0, output
    assert "could not be opened" in output and "+549" not in output
