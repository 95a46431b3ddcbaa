"""How long a verified chat stays signed in: counted from its last use, recorded at most hourly.

The API runs as a real process; "later" is the same database served by an API
whose clock runs ahead (MIAVAL_CLOCK_OFFSET_SECONDS), so nothing waits.
"""

from __future__ import annotations

import sqlite3

from tests.api.chat_sessions import LAURA, api_days_later, policies_of, verify
from tests.conftest import start_demo_api

HOUR = 1 / 24  # in days


def last_used(database_url: str, sender: str) -> str:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        row = connection.execute("SELECT last_used_at FROM chat_identities WHERE sender_id = ?", (sender,)).fetchone()
    assert row, "the chat identity is gone"
    return row[0]


def test_a_chat_used_within_the_limit_stays_signed_in_counting_from_its_last_use(tmp_path):
    api = start_demo_api(tmp_path, {"CHAT_SESSION_IDLE_DAYS": "30"})
    sender = "telegram:5550101"
    try:
        verify(api.url, api.token, api.outbox_dir, sender, LAURA)
    finally:
        api.process.stop()
    # Used on day 29, then again on day 58: each use moves the limit.
    for days in (29, 58):
        later = api_days_later(api, days, tmp_path / f"log-{days}")
        try:
            assert policies_of(later.url, api.token, sender).status_code == 200
        finally:
            later.stop()


def test_the_last_use_is_written_at_most_once_an_hour(tmp_path):
    api = start_demo_api(tmp_path)
    sender = "web:" + "s" * 30
    try:
        verify(api.url, api.token, api.outbox_dir, sender, LAURA)
    finally:
        api.process.stop()
    signed_in_at = last_used(api.database_url, sender)

    half_an_hour = api_days_later(api, HOUR / 2, tmp_path / "log-30min")
    try:
        assert policies_of(half_an_hour.url, api.token, sender).status_code == 200
    finally:
        half_an_hour.stop()
    assert last_used(api.database_url, sender) == signed_in_at

    two_hours = api_days_later(api, 2 * HOUR, tmp_path / "log-2h")
    try:
        assert policies_of(two_hours.url, api.token, sender).status_code == 200
    finally:
        two_hours.stop()
    assert last_used(api.database_url, sender) > signed_in_at
