"""The anchor benchmark's arithmetic: what a closed-loop window counts and how the pairs become ratios."""

from __future__ import annotations

import asyncio

from benchmarks.anchor import MESSAGES, Window, closed_loop, ratios
from benchmarks.transports import Answer, BotMessage


class Scripted:
    """A transport that answers after ``delay`` s, failing every ``fail_every``-th message."""

    name = "scripted"

    def __init__(self, delay: float, fail_every: int = 0):
        self.delay, self.fail_every, self.sent = delay, fail_every, []

    async def send(self, sender_id: str, text: str) -> Answer:
        self.sent.append((sender_id, text))
        number = len(self.sent)
        await asyncio.sleep(self.delay)
        if self.fail_every and number % self.fail_every == 0:
            return Answer([], self.delay * 1000, "timeout")
        return Answer([BotMessage("hola!")], self.delay * 1000)


def test_a_window_counts_answered_messages_their_cpu_and_the_conversations_in_order():
    transport = Scripted(0.01, fail_every=4)
    spent = iter([10.0, 10.5])  # CPU seconds before and after
    window = asyncio.run(closed_loop(transport, "ours", 3, 0.3, lambda: next(spent)))
    failed = len(transport.sent) // 4
    assert window.messages == len(transport.sent) - failed and window.errors == failed
    assert window.cpu_ms_per_message == 500 / window.messages
    by_sender: dict[str, list[str]] = {}
    for sender, text in transport.sent:
        by_sender.setdefault(sender, []).append(text)
    assert all(texts == list(MESSAGES[: len(texts)]) for texts in by_sender.values())
    assert len(by_sender) > 3  # each conversation a new sender


def test_the_ratios_are_the_medians_of_the_pairs():
    def w(side: str, cpu_ms: float, throughput: float, p95: float) -> Window:
        return Window(side, 100, 0, 100 / throughput, cpu_ms * 100 / 1000, p95 / 2, p95)

    windows = [
        w("anchor", 45, 20, 100), w("embedded", 66, 21, 110),
        w("embedded", 60, 30, 90), w("anchor", 40, 20, 100),
        w("anchor", 50, 20, 100), w("embedded", 100, 10, 300),
    ]  # fmt: skip
    found = ratios(windows, "embedded")
    assert round(found["cpu per message"], 3) == 1.5  # 66/45=1.467, 60/40=1.5, 100/50=2.0
    assert found["throughput"] == 1.05
    assert found["p95"] == 1.1
