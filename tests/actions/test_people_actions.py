"""The people behind the bot, from the assistant's side, against a real API: cancellation requests,
news opt-out, and asking for a person (why and when, without a copy of the conversation)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from api_client import Handoff
from bot.actions import backend
from bot.actions.cancellations import ActionRequestCancellation
from bot.actions.choices import MAX_PAYLOAD_BYTES
from bot.actions.core import ActionHumanHandoff, handoff_context, handoff_response
from bot.actions.formatting import duration
from bot.actions.news import ActionResumeNews, ActionStopNews
from tests.actions.dialogue_support import (
    ROOT,
    api_rows,
    load_tracker,
    message,
    new_identity,
    responses,
    run,
    sign_in,
    slots_of,
)
from tests.conftest import start_demo_api

LAURA = "laura.gomez@example.com"


def query(api_env, sql: str, *params):
    return api_rows(api_env.database_url, sql, *params)


@pytest.fixture(scope="module")
def laura_chat(dialogue_api) -> str:
    identity = new_identity("whatsapp")
    sign_in(dialogue_api.url, dialogue_api.token, dialogue_api.outbox_dir, identity, LAURA)
    return identity


def cancel(identity: str, **slots):
    return run(ActionRequestCancellation(), load_tracker("request", identity, intent="cancel_policy", slots=slots))


def test_the_policy_is_chosen_among_the_users_own_in_force(api_env, laura_chat):
    events, messages = cancel(laura_chat)
    assert responses(messages) == ["utter_cancel_choose_policy"]
    payloads = [button["payload"] for button in message(messages, "utter_cancel_choose_policy")["buttons"]]
    numbers = [json.loads(payload.removeprefix("/cancel_policy"))["policy_number"] for payload in payloads]
    # Laura's and her son Martín's policies in force; not the expired one, not another client's.
    assert "HOG-778899" in numbers and "AU-1048576" in numbers
    assert "AU-0524288" not in numbers and "COM-440021" not in numbers
    assert query(api_env, "select count(*) from cancellation_requests") == [(0,)]


def test_a_chosen_policy_asks_why_then_records_once(api_env, laura_chat):
    _, messages = cancel(laura_chat, policy_number="HOG-778899")
    assert responses(messages) == ["utter_cancel_ask_reason"]
    buttons = message(messages, "utter_cancel_ask_reason")["buttons"]
    assert all(len(b["payload"].encode()) <= MAX_PAYLOAD_BYTES for b in buttons)
    assert [json.loads(b["payload"].removeprefix("/cancel_policy")).get("why") for b in buttons] == [
        "moved",
        "price",
        "unneeded",
        "other",
        "skip",
    ]
    assert query(api_env, "select count(*) from cancellation_requests") == [(0,)]

    events, messages = cancel(laura_chat, policy_number="HOG-778899", cancel_reason="moved")
    assert responses(messages) == ["utter_cancel_requested"]
    assert message(messages, "utter_cancel_requested")["policy_number"] == "HOG-778899"
    assert slots_of(events)["policy_number"] is None and slots_of(events)["cancel_reason"] is None

    _, messages = cancel(laura_chat, policy_number="hog 778899", cancel_reason="skip")
    assert responses(messages) == ["utter_cancel_already_requested"]
    assert query(
        api_env,
        "select r.reason, r.sender_id, r.status from cancellation_requests r join policies p on p.id = r.policy_id"
        " where p.number = 'HOG-778899'",
    ) == [("moved_or_sold", laura_chat, "requested")]


def test_prefer_not_to_say_records_without_a_reason(api_env, laura_chat):
    _, messages = cancel(laura_chat, policy_number="AU-1048576", cancel_reason="skip")
    assert responses(messages) == ["utter_cancel_requested"]
    rows = query(
        api_env,
        "select r.reason from cancellation_requests r join policies p on p.id = r.policy_id"
        " where p.number = 'AU-1048576'",
    )
    assert rows == [(None,)]


def test_another_clients_policy_is_not_found_and_nothing_is_recorded(api_env, laura_chat):
    before = query(api_env, "select count(*) from cancellation_requests")
    _, messages = cancel(laura_chat, policy_number="COM-440021", cancel_reason="price")
    assert responses(messages) == ["utter_policy_not_found", "utter_cancel_choose_policy"]
    assert query(api_env, "select count(*) from cancellation_requests") == before


def test_an_expired_policy_needs_no_cancelling(api_env, laura_chat):
    _, messages = cancel(laura_chat, policy_number="AU-0524288", cancel_reason="price")
    assert responses(messages) == ["utter_cancel_not_active"]


def test_news_stop_and_resume(api_env, laura_chat):
    _, messages = run(ActionStopNews(), load_tracker("request", laura_chat, intent="stop_news"))
    assert responses(messages) == ["utter_news_stopped"]
    assert query(api_env, "select news_opt_out from users where email = ?", LAURA) == [(1,)]
    _, messages = run(ActionResumeNews(), load_tracker("request", laura_chat, intent="resume_news"))
    assert responses(messages) == ["utter_news_resumed"]
    assert query(api_env, "select news_opt_out from users where email = ?", LAURA) == [(0,)]


def test_news_need_a_signed_in_chat(api_env):
    _, messages = run(ActionStopNews(), load_tracker("request", new_identity(), intent="stop_news"))
    assert "utter_news_stopped" not in responses(messages)


def test_the_handoff_carries_why_and_the_channel_but_no_copy_of_the_conversation(api_env):
    tracker = load_tracker("in_form", new_identity("telegram"), intent="human_handoff")
    tracker.events.append(
        {"event": "user", "text": "mi dni es 31245877", "parse_data": {"intent": {"name": "inform"}, "entities": []}}
    )
    tracker.events.append({"event": "bot", "text": "Gracias, Laura Gómez"})
    context = handoff_context(tracker)
    assert set(context) == {"reason", "channel", "intent", "active_form", "requested_slot"}
    assert context["channel"] == "telegram" and context["active_form"] == "sign_in_form"
    assert "31245877" not in json.dumps(context) and "Laura" not in json.dumps(context)
    _, messages = run(ActionHumanHandoff(), tracker)
    stored = query(api_env, "select context from handoff_requests where sender_id = ?", tracker.sender_id)
    assert len(stored) == 1 and "31245877" not in stored[0][0]
    assert json.loads(stored[0][0])["channel"] == "telegram"


BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")


@pytest.mark.parametrize(
    ("days", "opening", "response"),
    [
        (0, datetime(2027, 3, 10, 9, tzinfo=BUENOS_AIRES), "utter_handoff_answer_today"),
        (1, datetime(2027, 3, 10, 9, tzinfo=BUENOS_AIRES), "utter_handoff_answer_tomorrow"),
        (2, datetime(2027, 3, 8, 9, tzinfo=BUENOS_AIRES), "utter_handoff_answer_monday"),
        (2, datetime(2027, 3, 25, 9, tzinfo=BUENOS_AIRES), "utter_handoff_answer_thursday"),
        (9, datetime(2027, 3, 25, 9, tzinfo=BUENOS_AIRES), "utter_handoff_next_business_day"),
    ],
)
def test_when_the_desk_opens_is_said_in_words(days, opening, response):
    handoff = Handoff(1, "next_business_day", office_open=False, answer_from=opening, answer_in_days=days)
    assert handoff_response(handoff) == response


def test_within_the_answer_time_it_is_said_as_avals_setting_and_nothing_is_promised_without_it():
    assert handoff_response(Handoff(1, "within_answer_time", answer_within_minutes=45)) == (
        "utter_handoff_within_answer_time"
    )
    assert handoff_response(Handoff(1, "within_answer_time")) == "utter_handoff_requested"


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(45, "45 minutos"), (1, "1 minuto"), (60, "1 hora"), (120, "2 horas"), (90, "1 hora y 30 minutos")],
)
def test_the_answer_time_in_words(minutes, words):
    assert duration(minutes) == words


def test_while_the_desk_is_open_the_customer_is_told_avals_answer_time(tmp_path, monkeypatch):
    tuesday = datetime(2027, 3, 9, 11, 0, tzinfo=BUENOS_AIRES)
    offset = int((tuesday - datetime.now(timezone.utc)).total_seconds())
    open_api = start_demo_api(tmp_path, {"MIAVAL_CLOCK_OFFSET_SECONDS": str(offset)})
    try:
        monkeypatch.setenv("MIAVAL_API_URL", open_api.url)
        monkeypatch.setenv("MIAVAL_API_TOKEN", open_api.token)
        backend.reset_api()
        _, messages = run(ActionHumanHandoff(), load_tracker("request", new_identity(), intent="human_handoff"))
    finally:
        backend.reset_api()
        open_api.process.stop()
    minutes = yaml.safe_load((ROOT / "demo" / "portfolio.yml").read_text(encoding="utf-8"))["broker"]["office_hours"][
        "answer_within_minutes"
    ]
    assert responses(messages) == ["utter_handoff_within_answer_time"]
    assert messages[0]["answer_within"] == duration(minutes)


def test_on_a_saturday_the_customer_is_told_monday(tmp_path, monkeypatch):
    saturday = datetime(2027, 3, 6, 11, 0, tzinfo=BUENOS_AIRES)
    offset = int((saturday - datetime.now(timezone.utc)).total_seconds())
    weekend_api = start_demo_api(tmp_path, {"MIAVAL_CLOCK_OFFSET_SECONDS": str(offset)})
    try:
        monkeypatch.setenv("MIAVAL_API_URL", weekend_api.url)
        monkeypatch.setenv("MIAVAL_API_TOKEN", weekend_api.token)
        backend.reset_api()
        _, messages = run(ActionHumanHandoff(), load_tracker("request", new_identity(), intent="human_handoff"))
    finally:
        backend.reset_api()
        weekend_api.process.stop()
    assert responses(messages) == ["utter_handoff_answer_monday"]
