"""Helpers of the dialogue action tests: trackers from JSON fixtures, running actions, a real API.

The API is a real Mi Aval API process (launcher.services.start_api) over a
fresh SQLite database with the demo portfolio, e-mail written to an outbox
folder from which the tests read the one-time codes, as a user would.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import sqlite3
from pathlib import Path
from typing import Any, Optional

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from api_client import MiAvalClient
from bot.domain_files import domain_files, load_domain
from tests.conftest import latest_code

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOMAIN: dict[str, Any] = load_domain()

LAURA = "laura.gomez@example.com"
SOFIA = "sofia.martinez@estudiomartinez.example"


def new_identity(channel: str = "web") -> str:
    """A chat identity nobody used yet."""
    return f"{channel}:dialogue-{secrets.token_hex(6)}"


def load_tracker(
    fixture: str,
    sender: str,
    slots: Optional[dict[str, Any]] = None,
    intent: Optional[str] = None,
    text: Optional[str] = None,
    entities: Optional[list[dict[str, Any]]] = None,
    candidates: Optional[dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker from ``fixtures/<fixture>.json`` for ``sender``, with slots, latest message and slot candidates.

    ``candidates`` are slot values extracted from the latest message: they are
    appended as the trailing slot events a form's validation action reads.
    """
    data = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["sender_id"] = sender
    data["slots"].update(slots or {})
    message = data["latest_message"]
    if intent is not None:
        message["intent"] = {"name": intent, "confidence": 0.97}
    if text is not None:
        message["text"] = text
    if entities is not None:
        message["entities"] = entities
    if active_loop is not None:
        data["active_loop"] = {"name": active_loop}
    for name, value in (candidates or {}).items():
        data["slots"][name] = value
        data["events"].append({"event": "slot", "name": name, "value": value})
    return Tracker.from_dict(data)


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action as the action server would; returns its events and the messages it uttered."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the events set (the last value of each)."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def responses(messages: list[dict[str, Any]]) -> list[str]:
    """The names of the responses uttered, in order."""
    return [message.get("response") for message in messages]


def message(messages: list[dict[str, Any]], response: str) -> dict[str, Any]:
    """The (first) message that uttered ``response``."""
    found = [item for item in messages if item.get("response") == response]
    assert found, f"{response} not uttered; got {responses(messages)}"
    return found[0]


def sign_in(api_url: str, token: str, outbox: Path, identity: str, email: str) -> None:
    """Verify ``identity`` as the owner of ``email`` through the API, reading the code from the outbox."""
    client = MiAvalClient(api_url, token)
    client.start_verification(identity, email)
    code = latest_code(outbox, email)
    assert code, "no code in the outbox"
    client.confirm_verification(identity, code)


def all_responses() -> dict[str, list[dict]]:
    """Every response the assistant can say: the domain's and those declared beside the training data."""
    root = Path(__file__).resolve().parents[2]
    found: dict[str, list[dict]] = {}
    for path in [*domain_files(), *sorted((root / "bot" / "data").glob("*.yml"))]:
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


# What a customer is told about when a person answers, by the API's decision (tests/actions/test_people_actions.py
# pins each sentence to a clock; a test that asks for a person at whatever hour it runs checks it against this).
HANDOFF_WITHIN_ANSWER_TIME = "utter_handoff_within_answer_time"
HANDOFF_WHEN_THE_DESK_OPENS = {
    "utter_handoff_answer_today",
    "utter_handoff_answer_tomorrow",
    "utter_handoff_answer_monday",
    "utter_handoff_answer_tuesday",
    "utter_handoff_answer_wednesday",
    "utter_handoff_answer_thursday",
    "utter_handoff_answer_friday",
    "utter_handoff_next_business_day",
}


def api_rows(database_url: str, sql: str, *params: object) -> list[tuple]:
    """The rows ``sql`` finds in the API's SQLite database (what the API recorded)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql, params).fetchall()


def assert_told_when_a_person_answers(database_url: str, identity: str, response: str) -> None:
    """``response`` says what the API recorded for ``identity``'s last request for a person: within Aval's answer
    time when the desk was open, the day it opens otherwise (never the failure sentence, nor the other case's)."""
    rows = api_rows(
        database_url, "SELECT expected_contact FROM handoff_requests WHERE sender_id = ? ORDER BY id DESC LIMIT 1",
        identity,
    )  # fmt: skip
    assert rows, f"no request for a person was recorded for {identity}"
    (row,) = rows
    if row[0] == "within_answer_time":
        assert response == HANDOFF_WITHIN_ANSWER_TIME, response
    else:
        assert row[0] == "next_business_day" and response in HANDOFF_WHEN_THE_DESK_OPENS, (row[0], response)
