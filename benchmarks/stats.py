"""Latency percentiles and throughput of one measured load."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (NaN when there are none)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Recorder:
    """What one load measured: each message's latency, failures by kind, the wall-clock window."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    conversations_completed: int = 0
    conversations_incomplete: int = 0
    conversations_cut: int = 0
    failed_transcripts: list[list[tuple[str, str]]] = field(default_factory=list)
    # How late the open loop sent its messages compared to its schedule (the generator's own lag).
    send_lag_ms: list[float] = field(default_factory=list)

    # Latencies per step of the script (greeting, code, claim_confirm...), to see which turns are slow.
    by_step: dict[str, list[float]] = field(default_factory=dict)
    # What each conversation (sender id) sent, in order, and whether it got an answer (checked against the store).
    said: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    def ok(self, latency_ms: float, step: str = "") -> None:
        self.latencies_ms.append(latency_ms)
        if step:
            self.by_step.setdefault(step, []).append(latency_ms)

    def step_summary(self) -> dict[str, tuple[int, float, float]]:
        """Per step: count, p50 and p95 in ms."""
        result = {}
        for step, values in self.by_step.items():
            ordered = sorted(values)
            result[step] = (len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.95))
        return result

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> Summary:
        ordered = sorted(self.latencies_ms)
        duration = max(self.finished - self.started, 1e-9)
        lag = sorted(self.send_lag_ms)
        return Summary(
            messages=len(ordered),
            errors=self.error_count,
            error_kinds=dict(self.errors),
            p50=percentile(ordered, 0.50),
            p95=percentile(ordered, 0.95),
            p99=percentile(ordered, 0.99),
            max=ordered[-1] if ordered else math.nan,
            duration_s=duration,
            throughput=len(ordered) / duration,
            conversations_completed=self.conversations_completed,
            conversations_incomplete=self.conversations_incomplete,
            conversations_cut=self.conversations_cut,
            send_lag_p95=percentile(lag, 0.95) if lag else None,
        )


@dataclass(frozen=True)
class Summary:
    messages: int
    errors: int
    error_kinds: dict[str, int]
    p50: float
    p95: float
    p99: float
    max: float
    duration_s: float
    throughput: float
    conversations_completed: int
    conversations_incomplete: int
    conversations_cut: int
    send_lag_p95: float | None = None
