"""The figures of one run, as text for the terminal and as markdown for reports/bench/."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

from benchmarks.memory import MB, Window
from benchmarks.replica_start import ReplicaStart
from benchmarks.stats import Summary

RSS_BUDGET_MB = 2.5 * 1024


@dataclass
class LoadResult:
    load: str
    description: str
    path: str  # full-stack | rasa-alone
    summary: Summary
    memory: Window
    steps: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    windows: dict[str, float] = field(default_factory=dict)  # p50 ms by message-number window (long load)
    out_of_order: int = 0  # conversations whose stored messages are not what they sent, in order (production)

    @property
    def per_core(self) -> float:
        """Messages per CPU-second of all the services together (messages/s per busy core)."""
        services = sum(used for name, used in self.memory.cpu.items() if name != "load generator")
        return self.summary.messages / max(services, 1e-9)


@dataclass
class Verdict:
    target: str
    measured: str
    ok: bool


@dataclass
class RunReport:
    title: str
    settings: list[str]
    results: list[LoadResult] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    memory_overall: Window | None = None
    notes: list[str] = field(default_factory=list)
    rasa_start: ReplicaStart | None = None

    def find(self, load: str, path: str) -> LoadResult | None:
        return next((r for r in self.results if r.load == load and r.path == path), None)


def _ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.0f}"


def _mb(value: int) -> str:
    return f"{value / MB:.0f}"


_FIRST_STEPS = ("greeting", "sign_in", "email", "code", "list_policies", "report_claim")


def _step_order(step: str) -> tuple[int, str]:
    return (_FIRST_STEPS.index(step), "") if step in _FIRST_STEPS else (len(_FIRST_STEPS), step)


def markdown(report: RunReport) -> str:
    lines = [f"# {report.title}", ""]
    lines += [f"- {item}" for item in report.settings]
    lines += ["", "## Latency and throughput", ""]
    lines.append(
        "| load | path | msgs | p50 ms | p95 ms | p99 ms | max ms | msg/s | errors | conversations ok / failed / cut |"
    )
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in report.results:
        s = r.summary
        errors = str(s.errors) + (
            f" ({', '.join(f'{k}: {v}' for k, v in sorted(s.error_kinds.items()))})" if s.errors else ""
        )
        lines.append(
            f"| {r.load} | {r.path} | {s.messages} | {_ms(s.p50)} | {_ms(s.p95)} | {_ms(s.p99)} | {_ms(s.max)} "
            f"| {s.throughput:.1f} | {errors} | {s.conversations_completed} / {s.conversations_incomplete} / "
            f"{s.conversations_cut} |"
        )
    lag = [r for r in report.results if r.summary.send_lag_p95 is not None]
    for r in lag:
        lines.append("")
        lines.append(
            f"{r.load} / {r.path}: some messages left later than scheduled (a conversation waits for its "
            f"previous answer); p95 of that lateness {r.summary.send_lag_p95:.0f} ms."
        )
    stepped = [r for r in report.results if r.steps]
    if stepped:
        lines += ["", "## p50 / p95 ms by step of the conversation", ""]
        steps = sorted({step for r in stepped for step in r.steps}, key=_step_order)
        lines.append("| load | path | " + " | ".join(steps) + " |")
        lines.append("|---|---|" + "---:|" * len(steps))
        for r in stepped:
            cells = [f"{_ms(r.steps[s][1])} / {_ms(r.steps[s][2])}" if s in r.steps else "-" for s in steps]
            lines.append(f"| {r.load} | {r.path} | " + " | ".join(cells) + " |")
    lines += ["", "## Peak memory (RSS of each service's process tree, MB)", ""]
    names = ["gateway", "rasa", "actions", "api"]
    lines.append("| load | path | " + " | ".join(names) + " | all together |")
    lines.append("|---|---|" + "---:|" * (len(names) + 1))
    for r in report.results:
        row = " | ".join(_mb(r.memory.peak.get(name, 0)) for name in names)
        lines.append(f"| {r.load} | {r.path} | {row} | {_mb(r.memory.peak_total)} |")
    if report.memory_overall:
        overall = report.memory_overall
        row = " | ".join(_mb(overall.peak.get(name, 0)) for name in names)
        lines.append(f"| whole run | both | {row} | {_mb(overall.peak_total)} |")
    lines += ["", f"## CPU used during each load (cores busy on average; this machine has {os.cpu_count()})", ""]
    cpu_names = [*names, "load generator"]
    lines.append("| load | path | " + " | ".join(cpu_names) + " | other processes | machine |")
    lines.append("|---|---|" + "---:|" * (len(cpu_names) + 2))
    for r in report.results:
        wall = max(r.memory.wall, 1e-9)
        ours = sum(r.memory.cpu.get(name, 0.0) for name in cpu_names)
        row = " | ".join(f"{r.memory.cpu.get(name, 0.0) / wall:.2f}" for name in cpu_names)
        other = max(0.0, r.memory.cpu_machine - ours) / wall
        lines.append(f"| {r.load} | {r.path} | {row} | {other:.2f} | {r.memory.cpu_machine / wall:.2f} |")
    lines += ["", "## CPU milliseconds per message (what each message costs, whatever else runs)", ""]
    lines.append("| load | path | " + " | ".join(cpu_names) + " |")
    lines.append("|---|---|" + "---:|" * len(cpu_names))
    for r in report.results:
        count = max(r.summary.messages, 1)
        row = " | ".join(f"{r.memory.cpu.get(name, 0.0) * 1000 / count:.0f}" for name in cpu_names)
        lines.append(f"| {r.load} | {r.path} | {row} |")
    if report.verdicts:
        lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {v.target} | {v.measured} | {'yes' if v.ok else '**no**'} |" for v in report.verdicts]
    if report.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in report.notes]
    return "\n".join(lines) + "\n"
