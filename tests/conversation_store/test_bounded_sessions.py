"""The sealed store keeps a long session bounded without losing what the conversation needs.

Runs in Rasa's environment (`make test-assistant`): a real store on SQLite with
the project's domain, driven turn by turn as Rasa's processor does (retrieve,
add the turn's events, save). A reference tracker holds the same turns without
ever being stored, to compare with.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from conversation_store import compaction, rows
from conversation_store.sealing import row_key
from conversation_store.settings import StoreSettings
from conversation_store.tracker_store import EncryptedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
SENDER = "whatsapp:+5491155550101"
DESCRIPTION = "me chocaron de atras en el semaforo de Rivadavia y Acoyte"
PLACE = "Av. Rivadavia 5000, CABA"
MAX_HISTORY = 5  # config.yml's policies


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture()
def store(tmp_path, domain) -> EncryptedSQLTrackerStore:
    settings = StoreSettings(
        url=f"sqlite:///{tmp_path / 'tracker.db'}",
        encryption_keys=(Fernet.generate_key().decode(),),
        sender_key="k" * 32,
    )
    store = EncryptedSQLTrackerStore(domain=domain, settings=settings)
    yield store
    store.engine.dispose()


def faq_turn(n: int) -> list[Event]:
    """One question answered by a response: the turn most of a long chat is made of."""
    return [
        UserUttered(f"pregunta numero {n}", {"name": "faq", "confidence": 0.9}),
        ActionExecuted("utter_faq"),
        BotUttered(f"respuesta {n}"),
        ActionExecuted("action_listen"),
    ]


def form_turn(slot: str, value: str, next_slot: str) -> list[Event]:
    """One answer to the claim form: the slot filled, the form asking the next question."""
    return [
        UserUttered(value, {"name": "inform", "confidence": 0.9}),
        SlotSet(slot, value),
        ActionExecuted("claim_form"),
        SlotSet("requested_slot", next_slot),
        BotUttered("¿Qué pasó?"),
        ActionExecuted("action_listen"),
    ]


def session_opening() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def claim_opening() -> list[Event]:
    return [
        UserUttered("me chocaron el auto", {"name": "report_claim", "confidence": 0.95}),
        ActionExecuted("claim_form"),
        ActiveLoop("claim_form"),
        SlotSet("claim_policy", "AU-1048576"),
        SlotSet("requested_slot", "claim_place"),
        BotUttered("¿Dónde fue?"),
        ActionExecuted("action_listen"),
    ]


def run(coroutine):
    return asyncio.run(coroutine)


def play(store: EncryptedSQLTrackerStore, domain: Domain, turns: list[list[Event]]) -> DialogueStateTracker:
    """Each turn as Rasa runs it: retrieve (or create), apply the turn's events, save. The reference is returned."""
    reference = DialogueStateTracker(SENDER, domain.slots)
    for turn in turns:
        tracker = run(store.retrieve(SENDER)) or DialogueStateTracker(SENDER, domain.slots)
        for event in turn:
            # Each event gets its own time, as in a real turn.
            event.timestamp = time.time()
            tracker.update(event)
            reference.update(event)
        run(store.save(tracker))
    return reference


def long_claim_conversation(faq_turns_before: int = 30, faq_turns_during: int = 40) -> list[list[Event]]:
    """Many questions, a claim form half filled, many more questions in the middle of the form."""
    turns = [session_opening()]
    turns += [faq_turn(n) for n in range(faq_turns_before)]
    turns.append(claim_opening())
    turns.append(form_turn("claim_place", PLACE, "claim_description"))
    turns.append(form_turn("claim_description", DESCRIPTION, "claim_photos_done"))
    turns += [faq_turn(1000 + n) for n in range(faq_turns_during)]
    return turns


def test_a_long_conversation_stays_bounded_and_keeps_its_half_filled_claim(store, domain):
    reference = play(store, domain, long_claim_conversation())

    retrieved = run(store.retrieve(SENDER))

    assert compaction.user_turns(reference.events) == 73
    assert compaction.user_turns(retrieved.events) <= compaction.COMPACT_ABOVE_TURNS
    assert len(retrieved.events) < len(reference.events) / 3
    # The form, its answers so far and what it asks next survived 40 questions in between.
    assert retrieved.active_loop_name == "claim_form"
    assert retrieved.get_slot("claim_policy") == "AU-1048576"
    assert retrieved.get_slot("claim_place") == PLACE
    assert retrieved.get_slot("claim_description") == DESCRIPTION
    assert retrieved.get_slot("requested_slot") == "claim_photos_done"
    assert retrieved.current_slot_values() == reference.current_slot_values()
    assert compaction.same_state(retrieved, reference)


def test_the_policies_see_the_same_recent_history(store, domain):
    reference = play(store, domain, long_claim_conversation(faq_turns_during=20))

    retrieved = run(store.retrieve(SENDER))

    assert len(retrieved.events) < len(reference.events)
    assert retrieved.past_states(domain)[-MAX_HISTORY:] == reference.past_states(domain)[-MAX_HISTORY:]
    # The last turns themselves are kept event for event.
    tail = [event.as_dict() for event in list(reference.events)[-4 * compaction.KEEP_TURNS :]]
    assert [event.as_dict() for event in list(retrieved.events)[-len(tail) :]] == tail


def test_no_turn_is_lost_or_stored_twice_across_compactions(store, domain):
    turns = long_claim_conversation(faq_turns_before=25, faq_turns_during=25)
    play(store, domain, turns)

    retrieved = run(store.retrieve(SENDER))
    texts = [event.text for event in retrieved.events if isinstance(event, UserUttered)]

    expected = [event.text for turn in turns for event in turn if isinstance(event, UserUttered)]
    assert texts == expected[-len(texts) :]
    assert len(texts) == len(set(texts))


def test_a_short_conversation_is_stored_as_it_came(store, domain):
    reference = play(store, domain, [session_opening()] + [faq_turn(n) for n in range(compaction.COMPACT_ABOVE_TURNS)])

    retrieved = run(store.retrieve(SENDER))

    assert [e.as_dict() for e in retrieved.events] == [e.as_dict() for e in list(reference.events)[1:]]


def test_erasure_removes_a_compacted_conversation(store, domain):
    play(store, domain, long_claim_conversation())
    key = row_key("k" * 32, SENDER)

    with store.engine.begin() as connection:
        deleted = rows.erase(connection, [key], time.time())

    assert deleted > 0
    assert run(store.retrieve(SENDER)) is None
    with store.engine.connect() as connection:
        left = connection.execute(sa.select(sa.func.count()).where(rows.events.c.sender_id == key)).scalar()
    assert left == 0


def test_a_turn_running_while_erased_stores_only_what_came_after(store, domain):
    play(store, domain, long_claim_conversation(faq_turns_during=5))
    tracker = run(store.retrieve(SENDER))
    key = row_key("k" * 32, SENDER)
    with store.engine.begin() as connection:
        rows.erase(connection, [key], time.time())
    time.sleep(0.01)  # the turn's events must come strictly after the erasure's time
    for event in faq_turn(9999):
        event.timestamp = time.time()
        tracker.update(event)

    run(store.save(tracker))

    texts = [e.text for e in run(store.retrieve(SENDER)).events if isinstance(e, UserUttered)]
    assert texts == ["pregunta numero 9999"]


def test_the_compacted_store_holds_no_plaintext(store, domain, tmp_path):
    play(store, domain, long_claim_conversation())
    store.engine.dispose()

    raw = (tmp_path / "tracker.db").read_bytes()

    for needle in (DESCRIPTION, PLACE, "AU-1048576", "pregunta numero", "claim_form", SENDER, "5491155550101"):
        assert needle.encode() not in raw
