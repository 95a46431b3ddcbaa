"""The production profile as `MIAVAL_PROFILE=production make run` starts it (tests/production/conftest.py):
PostgreSQL, Redis, RabbitMQ, two Rasa replicas behind the gateway. The tests that kill a service come last.
"""

from __future__ import annotations

import re
import signal
import threading
import time

import pika
import psutil
import redis
import requests

from channels import copy
from channels.routing import replica_order
from conversation_store.sealing import SEALED_EVENT_CONTENT_TYPE, EventSealer, row_key
from tests.production.conftest import RATE_LIMIT, Profile

ASK_EMAIL = "¿Cuál es tu e-mail?"
CODE_SENT = "Te mandé un código de 6 dígitos"


def new_sender(profile: Profile) -> str:
    response = requests.post(profile.gateway_url + "/webchat/sessions", timeout=10)
    assert response.status_code == 201
    return response.json()["sender"]


def sender_at_home_on(profile: Profile, index: int) -> str:
    """A new web chat sender whose home replica is ``rasa_urls[index]``."""
    for _ in range(100):
        sender = new_sender(profile)
        if replica_order(sender, profile.rasa_urls)[0] == profile.rasa_urls[index]:
            return sender
    raise AssertionError("no sender for that replica")


def say(profile: Profile, sender: str, message: str) -> list[str]:
    response = requests.post(
        profile.gateway_url + "/webchat/messages", json={"sender": sender, "message": message}, timeout=60
    )
    assert response.status_code == 200, response.text
    return [item["text"] for item in response.json()["messages"]]


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def test_the_staff_console_runs_and_the_printed_demo_sign_in_works(profile):
    """`make run` prints the console's address and the demo staff's passwords; they work on PostgreSQL."""
    output = "".join(profile.output)
    console_url = re.search(r"Staff console\s+(http://127\.0\.0\.1:\d+)", output).group(1)
    password = re.search(r"valeria\.sosa@aval\.example\s+(\S+)", output).group(1)
    http = requests.Session()
    page = http.get(console_url + "/entrar", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = http.post(console_url + "/entrar", data={
        "email": "valeria.sosa@aval.example", "password": password, "csrf_token": token,
    }, timeout=10)  # fmt: skip
    assert signed.status_code == 200 and "Cola de atención" in signed.text


def test_a_conversation_through_the_gateway_works(profile):
    sender = new_sender(profile)
    assert any("Mi Aval" in text for text in say(profile, sender, "hola"))
    assert any(ASK_EMAIL in text for text in say(profile, sender, "quiero ingresar a mi cuenta"))


def answered(events: list[dict]) -> bool:
    """Whether a ``bot`` event follows a ``user`` event."""
    kinds = [event.get("event") for event in events]
    return "user" in kinds and "bot" in kinds[kinds.index("user") :]


def test_every_event_is_published_to_rabbitmq_sealed(profile):
    """Each event reaches Rasa's exchange as a Fernet token that the conversation store's keys open (a body in
    clear fails to open), under the conversation's row key instead of the sender id."""
    sealer = EventSealer(profile.store.encryption_keys, profile.store.sender_key)
    with pika.BlockingConnection(pika.URLParameters(profile.rabbitmq.url)) as connection:
        channel = connection.channel()
        ours = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(ours, "rasa-exchange")  # Rasa's fanout exchange
        sender = new_sender(profile)
        say(profile, sender, "hola")
        events = []
        deadline = time.monotonic() + 20
        # The session start says hello before the message is logged: wait for an answer after the message.
        while time.monotonic() < deadline and not answered(events):
            method, properties, body = channel.basic_get(ours, auto_ack=True)
            if method is None:
                time.sleep(0.2)
                continue
            assert properties.content_type == SEALED_EVENT_CONTENT_TYPE
            event = sealer.open(body)
            if event.get("sender_id") == row_key(profile.store.sender_key, sender):
                events.append(event)
    kinds = [event["event"] for event in events]
    assert "user" in kinds and "bot" in kinds, kinds
    assert any(event.get("text") == "hola" for event in events if event["event"] == "user")


def test_the_lock_store_is_redis(profile):
    client = redis.Redis.from_url(profile.redis_url, decode_responses=True)
    sender = new_sender(profile)
    seen: list[str] = []

    def watch() -> None:
        with client.monitor() as monitor:
            for command in monitor.listen():
                seen.append(command["command"])
                if f"lock:{sender}" in command["command"]:
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    time.sleep(0.5)  # MONITOR is on before the turn starts
    say(profile, sender, "hola")
    watcher.join(timeout=10)
    assert any(f"lock:{sender}" in command for command in seen), seen[-20:]


def test_the_gateway_rate_limit_lives_in_redis(profile):
    sender = new_sender(profile)
    replies = [say(profile, sender, "hola") for _ in range(RATE_LIMIT + 1)]
    assert all(copy.RATE_LIMITED not in reply for reply in replies[:RATE_LIMIT])
    assert replies[RATE_LIMIT] == [copy.RATE_LIMITED]
    # Counted where every gateway worker sees it (tests/shared_state: two clients share one window).
    assert redis.Redis.from_url(profile.redis_url).zcard(f"miaval:rate:{sender}") == RATE_LIMIT


def test_a_sender_always_lands_on_its_own_replica(profile):
    replicas = [profile.replica(url) for url in profile.rasa_urls]
    for index in (0, 1, 0):
        sender = sender_at_home_on(profile, index)
        before = [cpu_seconds(replica) for replica in replicas]
        for message in ("hola", "que es mi aval?", "gracias, chau"):
            say(profile, sender, message)
        used = [cpu_seconds(replica) - start for replica, start in zip(replicas, before, strict=True)]
        # Three turns cost ~90 ms of CPU since the speed-ups (30 ms each, counted in 10 ms ticks): 0.1 s failed once.
        assert used[index] > 0.04 and used[1 - index] < used[index] / 4, used


def test_when_its_replica_is_killed_the_other_one_carries_on_with_the_conversation(profile):
    sender = sender_at_home_on(profile, 0)
    assert any(ASK_EMAIL in text for text in say(profile, sender, "quiero ingresar a mi cuenta"))
    home, other = (profile.replica(url) for url in profile.rasa_urls)
    home.send_signal(signal.SIGKILL)
    home.wait(timeout=10)
    before = cpu_seconds(other)
    # Mid-form: only a replica that reads the stored conversation knows an e-mail is what was asked.
    assert any(CODE_SENT in text for text in say(profile, sender, "laura@example.com"))
    assert cpu_seconds(other) - before > 0.02  # the turn ran there (one turn: ~50 ms of CPU)


def action_server(profile: Profile) -> psutil.Process | None:
    """The action server's main process (its Sanic workers are its children)."""
    mains = [
        process for process in profile.services("launcher.actions_main", profile.actions_port)
        if "launcher.actions_main" not in " ".join(process.parent().cmdline())
    ]  # fmt: skip
    return mains[0] if mains else None


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_a_killed_action_server_is_restarted_and_serves_again(profile):
    killed = action_server(profile)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    deadline = time.monotonic() + 120
    while True:
        restarted = action_server(profile)
        if restarted and restarted.pid != killed.pid and answers(f"http://127.0.0.1:{profile.actions_port}/health"):
            break
        assert time.monotonic() < deadline, "the action server did not come back:\n" + "".join(profile.output[-20:])
        time.sleep(0.5)
    assert any("actions stopped unexpectedly" in line for line in profile.output)
    # An action that calls the API answers again (the sign-in code is sent).
    sender = sender_at_home_on(profile, 1)
    assert any(ASK_EMAIL in text for text in say(profile, sender, "quiero ingresar a mi cuenta"))
    assert any(CODE_SENT in text for text in say(profile, sender, "laura@example.com"))
