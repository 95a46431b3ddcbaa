"""Under a steady load of web chat customers, SIGKILL in turn an action worker, the API, Redis, RabbitMQ and
a Rasa replica of the production profile (tests/production/conftest.py).

The launcher's supervisor restarts what it started (the action server, the API,
the replicas); Redis and RabbitMQ are system services, restarted here as
systemd would (they are private instances: tests/production/engines.py). For
each fault: no customer is left in silence (an apology at worst), every
message id is answered once, the conversations go on once the service is
back, and the error window (kill to first good answer again) is printed.

Runs first in the package (its name sorts before test_profile.py) and leaves
every service up.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from typing import Callable

import pika
import psutil
import requests

from conversation_store.sealing import EventSealer, row_key
from tests.production.conftest import Profile
from tests.production.load import Answer, Load, error_window, p99_seconds

# How long Redis and RabbitMQ stay down before "systemd" starts them again.
ENGINE_OUTAGE_SECONDS = 2.0
# A fault is over when the service is back and this many messages sent after that were answered well.
GOOD_AFTER_RECOVERY = 8
PHASE_TIMEOUT = 120.0
# A replica killed under load costs its conversations at most a retry: the gateway fails over on the reset
# connection and the conversation's lock lease (bot/lock_store.py, 2 s) ends. The kill adds at most this to the
# p99 of the answers (over the steady load's p99 before any kill: a shared machine's load weighs on both).
REPLICA_KILL_ADDS_TO_P99_SECONDS = 3.0


@dataclass
class Fault:
    name: str
    kill: Callable[[Profile], float]  # kills (and restarts, if it is the test's to restart); returns when it died
    back: Callable[[Profile], bool]  # the service is up again
    back_later: bool = False  # the others carry the load meanwhile: checked at the end


def answers_2xx(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 300
    except requests.RequestException:
        return False


def launched(profile: Profile, marker: str) -> list[psutil.Process]:
    """The launcher's descendants whose command line holds ``marker``."""
    found = []
    for child in psutil.Process(profile.process.pid).children(recursive=True):
        try:
            if marker in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def sigkill(process: psutil.Process) -> float:
    killed_at = time.time()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return killed_at


def action_workers(profile: Profile) -> list[psutil.Process]:
    """The action server's Sanic worker processes (children of its main process)."""
    processes = launched(profile, "launcher.actions_main")
    pids = {process.pid for process in processes}
    return [process for process in processes if process.ppid() in pids]


def kill_action_worker(profile: Profile) -> float:
    workers = action_workers(profile)
    assert len(workers) == 2, workers
    return sigkill(workers[0])


def action_server_back(profile: Profile) -> bool:
    return len(action_workers(profile)) == 2 and answers_2xx(f"http://127.0.0.1:{profile.actions_port}/health")


def api_master(profile: Profile) -> psutil.Process | None:
    masters = [p for p in launched(profile, "miaval_api.wsgi:app") if p.ppid() == profile.process.pid]
    return masters[0] if masters else None


KILLED_API: list[int] = []


def kill_api(profile: Profile) -> float:
    master = api_master(profile)
    KILLED_API.append(master.pid)
    return sigkill(master)


def api_back(profile: Profile) -> bool:
    """A new API (the killed one's workers may answer for a moment before they notice)."""
    master = api_master(profile)
    fresh = master is not None and master.pid not in KILLED_API
    return fresh and answers_2xx(f"http://127.0.0.1:{profile.api_port}/healthz")


def kill_redis(profile: Profile) -> float:
    killed_at = profile.redis.kill()
    time.sleep(ENGINE_OUTAGE_SECONDS)
    profile.redis.start()
    return killed_at


def kill_rabbitmq(profile: Profile) -> float:
    killed_at = profile.rabbitmq.kill()
    time.sleep(ENGINE_OUTAGE_SECONDS)
    profile.rabbitmq.start()
    return killed_at


def kill_replica(profile: Profile) -> float:
    return sigkill(profile.replica(profile.rasa_urls[0]))


def replica_back(profile: Profile) -> bool:
    return answers_2xx(profile.rasa_urls[0] + "/")


FAULTS = [
    # First: a replica takes a while to load the model again; the other faults happen meanwhile.
    Fault("Rasa replica", kill_replica, replica_back, back_later=True),
    Fault("action worker", kill_action_worker, action_server_back),
    Fault("API", kill_api, api_back),
    Fault("Redis", kill_redis, lambda profile: profile.redis.ready()),
    Fault("RabbitMQ", kill_rabbitmq, lambda profile: profile.rabbitmq.ready()),
]
# A replica loads its model in ~30-90 s on a quiet machine; several minutes on a crowded one.
REPLICA_BACK_TIMEOUT = 600.0


# The steady load before the first kill: this many good answers (every customer's first turns, the slowest ones,
# among them), whose p99 is the machine's own before any fault.
STEADY_ANSWERS = 12


def wait_for_steady_answers(load: Load) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT
    while good_answers_since(load, 0) < STEADY_ANSWERS:
        assert time.monotonic() < deadline, "no steady load before the faults"
        time.sleep(0.2)


def good_answers_since(load: Load, moment: float) -> int:
    return sum(answer.kind == "good" for answer in load.since(moment))


def wait_for_recovery(profile: Profile, load: Load, fault: Fault, killed_at: float) -> float:
    """Waits until the service is back (or, for ``back_later``, the others carry the load) and enough messages
    sent after that were answered well; returns when it was back."""
    deadline = time.monotonic() + PHASE_TIMEOUT
    back_at = None
    while time.monotonic() < deadline:
        if back_at is None and fault.back_later:
            back_at = killed_at
        if back_at is None and fault.back(profile):
            back_at = time.time()
        if back_at is not None and good_answers_since(load, back_at) >= GOOD_AFTER_RECOVERY:
            return back_at
        time.sleep(0.5)
    raise AssertionError(f"{fault.name}: no recovery (back: {back_at is not None})\n" + "".join(profile.output[-30:]))


def wait_until_back(profile: Profile, load: Load, fault: Fault, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while not fault.back(profile):
        assert time.monotonic() < deadline, f"{fault.name} not back\n" + "".join(profile.output[-30:])
        time.sleep(1)
    back_at = time.time()
    while good_answers_since(load, back_at) < GOOD_AFTER_RECOVERY:
        assert time.monotonic() < deadline, f"no good answers after {fault.name} came back"
        time.sleep(0.5)
    return back_at


def summary(name: str, answers: list[Answer], killed_at: float, back_at: float) -> str:
    counts = {kind: sum(answer.kind == kind for answer in answers) for kind in ("good", "apology", "silence")}
    return (
        f"{name:14} error window {error_window(answers, killed_at):5.1f} s, back after {back_at - killed_at:5.1f} s, "
        f"answers {counts['good']} good / {counts['apology']} apologies / {counts['silence']} silent, "
        f"p99 {p99_seconds(answers):4.1f} s"
    )


def during(answers: list[Answer], killed_at: float, end: float) -> list[Answer]:
    """The answers to messages in flight at the kill or sent after it, before ``end``."""
    return [answer for answer in answers if answer.answered_at >= killed_at and answer.sent_at < end]


def user_events(profile: Profile) -> dict[tuple[str, str], set[str]]:
    """Every user message Rasa published to RabbitMQ: (conversation's row key, text) -> the message ids Rasa gave
    it. Each body must be sealed (a body in clear fails to open with the store's keys)."""
    sealer = EventSealer(profile.store.encryption_keys, profile.store.sender_key)
    seen: dict[tuple[str, str], set[str]] = {}
    with pika.BlockingConnection(pika.URLParameters(profile.rabbitmq.url)) as connection:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=1000)
        for method, _, body in channel.consume(profile.queue, inactivity_timeout=3):
            if method is None:
                break
            event = sealer.open(body)
            if event.get("event") == "user":
                seen.setdefault((event["sender_id"], event.get("text")), set()).add(event.get("message_id"))
            channel.basic_ack(method.delivery_tag)
        channel.cancel()
    return seen


def test_each_fault_under_load_costs_an_apology_at_most_and_the_conversations_resume(profile: Profile):
    for url in profile.rasa_urls:  # both replicas serving before the load starts
        assert answers_2xx(url + "/")
    load = Load(profile.gateway_url)
    load.start()
    phases = []
    try:
        wait_for_steady_answers(load)
        for fault in FAULTS:
            phase_start = time.time()
            killed_at = fault.kill(profile)
            back_at = wait_for_recovery(profile, load, fault, killed_at)
            phases.append([fault, phase_start, killed_at, back_at])
            time.sleep(1)
        for phase in phases:
            if phase[0].back_later:
                phase[3] = wait_until_back(profile, load, phase[0], REPLICA_BACK_TIMEOUT)
    finally:
        load.stop()
        ends = [start for _, start, _, _ in phases[1:]] + [float("inf")]
        report = [
            summary(fault.name, during(load.answers, killed_at, end), killed_at, back_at)
            for (fault, start, killed_at, back_at), end in zip(phases, ends)  # noqa: B905 - a failed run has fewer
        ]
        steady = p99_seconds([a for a in load.answers if phases and a.answered_at < phases[0][2]])
        print(f"\nfaults under load ({load.customers} customers, {len(load.answers)} messages; p99 {steady:.1f} s "
              "before the first kill):\n" + "\n".join(report))  # fmt: skip
    answers = load.answers
    (_, _, replica_killed_at, _), (_, next_phase, _, _) = phases[:2]
    assert p99_seconds(during(answers, replica_killed_at, next_phase)) - steady <= REPLICA_KILL_ADDS_TO_P99_SECONDS
    silent = [answer for answer in answers if answer.kind != "good" and answer.kind != "apology"]
    assert not silent, f"customers left in silence: {silent[:5]}"
    # Each message id was answered once (the load never repeats one: a repeat would get "duplicate").
    assert len({answer.message_id for answer in answers}) == len(answers)
    # Every customer that got an apology and wrote again once the fault was over got good answers.
    over = {fault.name: back_at for fault, _, _, back_at in phases}
    last_back = max(over.values())
    for sender in {answer.sender for answer in answers if answer.kind == "apology"}:
        later = [answer for answer in answers if answer.sender == sender and answer.sent_at > last_back]
        assert all(answer.kind == "good" for answer in later), later
    # No message the gateway accepted was handled twice by Rasa (a fail-over must not replay a turn), and every
    # message answered well is in the conversation (RabbitMQ's event stream: what Rasa stored).
    handled = user_events(profile)
    twice = [(key, ids) for key, ids in handled.items() if len(ids) > 1]
    assert not twice, twice[:5]
    lost = [
        answer for answer in answers
        if answer.kind == "good" and (row_key(profile.store.sender_key, answer.sender), answer.said) not in handled
    ]  # fmt: skip
    print(f"answered messages missing from RabbitMQ's event stream: {len(lost)} of {len(answers)}")
    assert not lost, lost[:5]
