"""A save that waits for the database leaves Rasa's event loop free for the other conversations.

Runs in Rasa's environment (`make test-assistant`): a real store on SQLite,
another connection holding the database's write lock, as a slow disk or a
concurrent writer would.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from conversation_store.settings import StoreSettings
from conversation_store.tracker_store import EncryptedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
SENDER = "web:save-off-the-loop-0001"


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture()
def store(database: Path) -> EncryptedSQLTrackerStore:
    settings = StoreSettings(
        url=f"sqlite:///{database}", encryption_keys=(Fernet.generate_key().decode(),), sender_key="k" * 32
    )
    store = EncryptedSQLTrackerStore(domain=Domain.load(str(ROOT / "domain")), settings=settings)
    yield store
    store.engine.dispose()


def test_the_loop_serves_others_while_a_save_waits_for_the_database(
    store: EncryptedSQLTrackerStore, database: Path
) -> None:
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hola", {"name": "greet", "confidence": 0.99}),
        ActionExecuted("utter_greet"),
        BotUttered("¡Hola!"),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events(SENDER, events, store.domain.slots)

    async def scenario() -> bool:
        writer = sqlite3.connect(database, isolation_level=None)
        writer.execute("BEGIN EXCLUSIVE")  # the save's commit must wait for this
        try:
            save = asyncio.create_task(store.save(tracker))
            # Run inline, the save would hold the loop in SQLite's busy wait and only give it back once
            # done (failed, after its 5 s timeout); off the loop, this wait ends while the save still waits.
            done, _ = await asyncio.wait({save}, timeout=0.5)
            waiting = not done
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        await save
        return waiting

    assert asyncio.run(scenario())
    stored = asyncio.run(store.retrieve(SENDER))
    # Rasa's store answers the latest session, from its session_started on.
    assert [event.as_dict() for event in stored.events] == [event.as_dict() for event in events[1:]]
