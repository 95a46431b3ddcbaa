"""Claiming outbox rows (channels/outbox.py) on SQLite and PostgreSQL: many couriers at once, each row once,
a conversation's rows in order, a lease that runs out frees the row."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from channels.dedup import make_engine
from channels.outbox import Outbox
from launcher.services import prepare_database
from miaval_api.services.outbound import enqueue
from tests.postgres import create_database, drop_database

LEASE = timedelta(minutes=2)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
        prepare_database(url, load_demo=False)
        yield url
        return
    name, url = create_database("miaval_outreach_outbox")
    url = url.replace("postgresql://", "postgresql+psycopg://")
    try:
        prepare_database(url, load_demo=False)
        yield url
    finally:
        drop_database(name)


def write(outbox: Outbox, sender: str, text: str) -> int:
    with Session(outbox.engine) as session:
        row = enqueue(session, key=secrets.token_hex(8), sender_id=sender, kind="handoff_reply", text=text)
        session.commit()
        return row.id


def now() -> datetime:
    return datetime.now(timezone.utc)


def test_concurrent_couriers_claim_each_row_once(database_url):
    outbox = Outbox(make_engine(database_url))
    ids = [write(outbox, f"telegram:{index}", "hola") for index in range(40)]
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def courier() -> None:
        mine = Outbox(make_engine(database_url))
        start.wait()
        while (row := mine.claim_next(now(), LEASE)) is not None:
            with lock:
                claimed.append(row.id)
            mine.delivered(row.id, now())

    threads = [threading.Thread(target=courier) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(claimed) == ids  # every row, none twice


def test_a_conversations_next_row_waits_for_the_one_before(database_url):
    outbox = Outbox(make_engine(database_url))
    first = write(outbox, "telegram:77", "uno")
    second = write(outbox, "telegram:77", "dos")
    other = write(outbox, "telegram:78", "otro")
    assert outbox.claim_next(now(), LEASE).id == first
    assert outbox.claim_next(now(), LEASE).id == other  # "dos" waits while "uno" is pending
    assert outbox.claim_next(now(), LEASE) is None
    outbox.delivered(first, now())
    assert outbox.claim_next(now(), LEASE).id == second


def test_a_lease_that_runs_out_frees_the_row_and_counts_the_attempt(database_url):
    outbox = Outbox(make_engine(database_url))
    row_id = write(outbox, "telegram:79", "hola")
    assert outbox.claim_next(now(), LEASE).attempts == 1
    assert outbox.claim_next(now() + LEASE - timedelta(seconds=1), LEASE) is None  # still leased
    again = outbox.claim_next(now() + LEASE + timedelta(seconds=1), LEASE)  # its courier died
    assert (again.id, again.attempts) == (row_id, 2)
