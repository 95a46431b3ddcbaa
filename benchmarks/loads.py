"""The three loads (and the soak): who sends what when, all through one `Conversation` script."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.conversation import Conversation, Outbox
from benchmarks.free_text import EARLY, LONG_MESSAGES, LongConversation
from benchmarks.stats import Recorder
from benchmarks.transports import Transport


@dataclass(frozen=True)
class LoadSpec:
    name: str
    description: str


_ids = itertools.count(1)


def new_sender(transport: Transport, run_id: str) -> str:
    """A fresh web chat identity per conversation (each is a separate chat identity signing in as Laura)."""
    prefix = "gw" if transport.name == "full-stack" else "rs"
    # The gateway accepts web:<22-64 url-safe characters> only.
    return f"web:bench-{run_id}-{prefix}-{next(_ids):08d}"


async def sequential(
    transport: Transport, outbox: Outbox, run_id: str, conversations: int, script: type[Conversation] = Conversation
) -> Recorder:
    """One conversation at a time, each message sent as soon as the previous answer arrives."""
    recorder = Recorder(started=time.monotonic())
    for _ in range(conversations):
        await script(transport, new_sender(transport, run_id), recorder, outbox).run()
    recorder.finished = time.monotonic()
    return recorder


async def open_loop(
    transport: Transport, outbox: Outbox, run_id: str, rate: float, interval: float, duration: float
) -> Recorder:
    """`rate` messages/s offered: rate*interval conversation slots, each writing every `interval` seconds.

    Slot k sends at start + k/rate + j*interval whatever the answers before took
    (except that a conversation waits for its own previous answer). A slot whose
    conversation ends starts a new one on its next tick, until `duration` ends.
    """
    slots = max(1, round(rate * interval))
    recorder = Recorder()
    start = time.monotonic() + 0.5
    end = start + duration
    recorder.started = start

    async def slot(k: int) -> None:
        tick = itertools.count()

        async def pace() -> None:
            scheduled = start + k / rate + next(tick) * interval
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                recorder.send_lag_ms.append(-delay * 1000)

        while time.monotonic() < end:
            conversation = Conversation(transport, new_sender(transport, run_id), recorder, outbox, pace, stop_at=end)
            await conversation.run()

    await asyncio.gather(*(slot(k) for k in range(slots)))
    recorder.finished = min(time.monotonic(), end)
    return recorder


async def closed_loop(
    transport: Transport,
    outbox: Outbox,
    run_id: str,
    concurrency: int,
    duration: float,
    script: type[Conversation] = Conversation,
) -> Recorder:
    """`concurrency` conversations with no pause: each sends its next message as soon as it has an answer."""
    recorder = Recorder(started=time.monotonic())
    end = recorder.started + duration

    async def worker() -> None:
        while time.monotonic() < end:
            await script(transport, new_sender(transport, run_id), recorder, outbox, stop_at=end).run()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    recorder.finished = end
    return recorder


async def long_conversations(
    transport: Transport, outbox: Outbox, run_id: str, conversations: int, rasa_cpu: Callable[[], float] | None = None
) -> tuple[Recorder, dict[int, list[float]], dict[int, list[float]]]:
    """``conversations`` long chats; each one's messages 131-150 alternate with messages 1-20 of a fresh chat.

    Returned with the recorder: latencies and Rasa CPU ms by message number, the
    numbers 1-20 from the fresh chats (measured side by side with 131-150).
    """
    recorder = Recorder(started=time.monotonic())
    by_number: dict[int, list[float]] = {}
    cpu_by_number: dict[int, list[float]] = {}

    def chat() -> LongConversation:
        return LongConversation(transport, new_sender(transport, run_id), recorder, outbox, rasa_cpu=rasa_cpu)

    for _ in range(conversations):
        old, fresh = chat(), chat()
        side_by_side = len(EARLY)
        ok = all([await old.step(number) for number in range(1, LONG_MESSAGES - side_by_side + 1)])
        for number in range(1, side_by_side + 1):
            ok = await old.step(LONG_MESSAGES - side_by_side + number) and ok
            ok = await fresh.step(number) and ok
        recorder.conversations_completed += ok
        recorder.conversations_incomplete += not ok
        for number, latency in {**old.by_number, **fresh.by_number}.items():
            by_number.setdefault(number, []).append(latency)
        for number, used in {**old.cpu_by_number, **fresh.cpu_by_number}.items():
            cpu_by_number.setdefault(number, []).append(used)
    recorder.finished = time.monotonic()
    return recorder, by_number, cpu_by_number
