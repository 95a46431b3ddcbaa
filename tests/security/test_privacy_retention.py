"""The retention purge (``python -m miaval_api purge``) with a settable clock: its ``--now``.

Records are written as they would be by then, each just older or just younger
than its retention (miaval_api/services/retention.py) as of a fixed instant in
the future; the purge, run as a real process, must take exactly the old ones.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from conversation_store import rows
from conversation_store.sealing import row_key
from launcher.paths import APP_BIN, ROOT
from launcher.secrets import tracker_secrets
from launcher.services import base_env, prepare_database
from miaval_api.db import Database
from models import CodeSend, HandoffRequest, OneTimeCode, ProcessedDelivery, Upload

NOW = datetime(2031, 3, 14, 15, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def ago(days: float) -> datetime:
    return NOW - days * DAY


def _fill_database(database_url: str) -> None:
    database = Database(database_url, 1)
    with database.session(write=True) as session:
        session.add_all(
            [
                CodeSend(sender_id="web:old-send", email_hmac="a" * 64, sent_at=ago(3)),
                CodeSend(sender_id="web:new-send", email_hmac="b" * 64, sent_at=ago(0.5)),
                OneTimeCode(sender_id="web:expired", email="x@example.com", code_hmac="c" * 64, attempts=0,
                            created_at=ago(1), expires_at=ago(0.9)),
                OneTimeCode(sender_id="web:pending", email="y@example.com", code_hmac="d" * 64, attempts=0,
                            created_at=NOW - timedelta(minutes=2), expires_at=NOW + timedelta(minutes=8)),
                ProcessedDelivery(channel="whatsapp", delivery_id="SM-old", seen_at=ago(8)),
                ProcessedDelivery(channel="whatsapp", delivery_id="SM-new", seen_at=ago(6)),
                Upload(id="old-orphan", filename="a.jpg", content_type="image/jpeg", size=1, sha256="e" * 64,
                       content=b"a", created_at=ago(8)),
                Upload(id="new-orphan", filename="b.jpg", content_type="image/jpeg", size=1, sha256="f" * 64,
                       content=b"b", created_at=ago(6)),
                HandoffRequest(sender_id="web:open-recent", reason="r", context={}, expected_contact="within_2_hours",
                               status="open", created_at=ago(100)),
                HandoffRequest(sender_id="web:closed-old", reason="r", context={}, expected_contact="within_2_hours",
                               status="closed", created_at=ago(91)),
                HandoffRequest(sender_id="web:closed-recent", reason="r", context={},
                               expected_contact="within_2_hours", status="closed", created_at=ago(89)),
                HandoffRequest(sender_id="web:open-ancient", reason="r", context={}, expected_contact="within_2_hours",
                               status="open", created_at=ago(181)),
            ]
        )  # fmt: skip
    database.engine.dispose()


def _fill_conversations(url: str, sender_key: str) -> None:
    engine = rows.make_engine(url)
    rows.create_tables(engine)

    def event(sender: str, days: float) -> dict:
        key = sender if sender.startswith("web:") else row_key(sender_key, sender)
        return {"sender_id": key, "type_name": "user", "timestamp": ago(days).timestamp(), "data": "sealed"}

    with engine.begin() as connection:
        connection.execute(
            rows.events.insert(),
            [
                event("idle", 250), event("idle", 181),  # untouched for 181 days: goes
                event("active", 300), event("active", 179),  # touched 179 days ago: stays, whole
                event("web:stored-in-clear", 1),  # written before the store was sealed: goes
            ],
        )  # fmt: skip
        connection.execute(
            rows.erasures.insert(),
            [{"sender_id": "e" * 64, "erased_at": ago(2).timestamp()}, {"sender_id": "f" * 64,
                                                                         "erased_at": ago(0.1).timestamp()}],
        )  # fmt: skip
    engine.dispose()


def test_purge_deletes_exactly_what_outlived_its_retention(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'miaval.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    sender_key = tracker_secrets()["TRACKER_SENDER_KEY"]
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    prepare_database(database_url)
    _fill_database(database_url)
    _fill_conversations(tracker_url, sender_key)
    for name, days in (("old.eml", 8), ("new.eml", 6)):
        (outbox / name).write_bytes(b"To: x@example.com\n\ncode")
        os.utime(outbox / name, (ago(days).timestamp(), ago(days).timestamp()))

    env = base_env({"DATABASE_URL": database_url, "OUTBOX_DIR": str(outbox), "TRACKER_STORE_URL": tracker_url,
                    "TRACKER_SENDER_KEY": sender_key, "RETENTION_DAYS": "180"})  # fmt: skip
    command = [str(APP_BIN / "python"), "-m", "miaval_api", "purge", "--now", NOW.isoformat()]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr

    database = sa.create_engine(database_url)
    with database.connect() as connection:
        left = {
            table: sorted(connection.execute(sa.text(f"SELECT {column} FROM {table}")).scalars())
            for table, column in (
                ("code_sends", "sender_id"),
                ("one_time_codes", "sender_id"),
                ("processed_deliveries", "delivery_id"),
                ("uploads", "id"),
                ("handoff_requests", "sender_id"),
            )
        }
    database.dispose()
    assert left == {
        "code_sends": ["web:new-send"],
        "one_time_codes": ["web:pending"],
        "processed_deliveries": ["SM-new"],
        "uploads": ["new-orphan"],
        "handoff_requests": ["web:closed-recent", "web:open-recent"],
    }
    assert sorted(path.name for path in outbox.iterdir()) == ["new.eml"]

    tracker = sa.create_engine(tracker_url)
    with tracker.connect() as connection:
        events = connection.execute(sa.select(rows.events.c.sender_id)).scalars().all()
        erasures = connection.execute(sa.select(rows.erasures.c.sender_id)).scalars().all()
    tracker.dispose()
    assert events == [row_key(sender_key, "active")] * 2
    assert erasures == ["f" * 64]
