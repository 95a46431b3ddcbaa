"""`python -m benchmarks.run [--soak]`: start the stack on free ports, drive the loads, print and save the figures.

Loads (each on the full stack through the gateway's web chat API, then the same
script straight into Rasa's gateway channel, signed):
  sequential       one conversation at a time
  open loop        `--rate` messages/s offered (rate x interval conversations, each writing every `--interval` s)
  closed loop      `--concurrency` conversations with no pause between messages
  free-sequential  one conversation at a time, every message typed (benchmarks/free_text.py)
  free-closed      `--concurrency` typed conversations with no pause
  long             `--long-conversations` chats of 150 typed messages: messages 131-150 against 1-20
  claims           the claim scenarios (benchmarks/claim_scenarios.py) in one signed-in web chat: the user messages
                   each needed after sign-in against its budget
`--soak` instead sends the open loop to the full stack for `--soak-duration` s and reports RSS at start and end.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
import uuid
from pathlib import Path

import httpx
import psutil

from benchmarks import claim_scenarios, loads
from benchmarks.conversation import Outbox
from benchmarks.free_text import EARLY, LATE, LONG_MESSAGES, FreeTextConversation
from benchmarks.memory import MB, MemorySampler
from benchmarks.ordering import out_of_order
from benchmarks.replica_start import TARGET_S as REPLICA_START_TARGET_S
from benchmarks.report import RSS_BUDGET_MB, LoadResult, RunReport, Verdict, markdown
from benchmarks.services import API_BENCH_ENV, GATEWAY_BENCH_ENV, BenchStack, start_production_stack, start_stack
from benchmarks.stats import Recorder, percentile
from benchmarks.transports import GatewayWebChat, RasaAlone, Transport
from launcher.paths import ROOT

REPORT_DIR = ROOT / "reports" / "bench"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--soak", action="store_true", help="10 minutes of steady traffic instead of the three loads")
    parser.add_argument("--sequential", type=int, default=8, help="conversations in the one-at-a-time load")
    parser.add_argument("--rate", type=float, default=10.0, help="messages/s offered in the open loop")
    # 30 conversations writing every 3 s offer 10 msg/s and finish their ~14-message script within the load,
    # so the open loop covers whole conversations (sign-in, policies, the claim form), not just their openings.
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one conversation's messages")
    parser.add_argument("--open-duration", type=float, default=75.0)
    parser.add_argument("--concurrency", type=int, default=20, help="conversations in the closed loop")
    parser.add_argument("--closed-duration", type=float, default=60.0)
    parser.add_argument("--soak-duration", type=float, default=600.0)
    parser.add_argument("--paths", default="full-stack,rasa-alone", help="which paths to drive")
    parser.add_argument(
        "--loads", default="sequential,open,closed,free-sequential,free-closed,long,claims", help="which loads to run"
    )
    parser.add_argument("--long-conversations", type=int, default=1, help="150-message chats in the long load")
    parser.add_argument(
        "--production",
        default="1,2",
        help="Rasa replica counts of the production profile to drive side by side (typed closed loop); empty: none",
    )
    parser.add_argument("--production-duration", type=float, default=45.0)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--gateway-threads", type=int, default=16)
    parser.add_argument("--api-workers", type=int, default=1)
    parser.add_argument("--api-threads", type=int, default=8)
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="SERVICE:NAME=VALUE",
        help="extra environment for one service (api, actions, rasa, gateway), for experiments; repeatable",
    )
    parser.add_argument("--report", type=Path, default=None, help="markdown file to write (default reports/bench/)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases) and print it")
    return parser.parse_args(argv)


def _line(result: LoadResult) -> str:
    s = result.summary
    kinds = ", ".join(f"{k}={v}" for k, v in sorted(s.error_kinds.items()))
    rss = " ".join(
        f"{name}={result.memory.peak.get(name, 0) / MB:.0f}" for name in ("gateway", "rasa", "actions", "api")
    )
    wall = max(result.memory.wall, 1e-9)
    cpu = " ".join(f"{name}={used / wall:.2f}" for name, used in result.memory.cpu.items())
    return (
        f"  {result.path:<11} msgs={s.messages:<5} p50={s.p50:6.0f} ms  p95={s.p95:6.0f} ms  p99={s.p99:6.0f} ms  "
        f"{s.throughput:5.1f} msg/s  errors={s.errors}{f' ({kinds})' if kinds else ''}  "
        f"convs ok/failed/cut={s.conversations_completed}/{s.conversations_incomplete}/{s.conversations_cut}\n"
        f"  {'':<11} peak RSS MB: {rss}  all={result.memory.peak_total / MB:.0f}\n"
        f"  {'':<11} cores busy: {cpu}, machine {result.memory.cpu_machine / wall:.2f} of {os.cpu_count()}"
    )


async def _measure(
    report: RunReport, sampler: MemorySampler, load: str, description: str, transport: Transport, coroutine
) -> LoadResult:
    sampler.open_window()
    recorder: Recorder = await coroutine
    window = sampler.close_window()
    result = LoadResult(load, description, transport.name, recorder.summary(), window, recorder.step_summary())
    report.results.append(result)
    print(_line(result), flush=True)
    per_message = ", ".join(
        f"{name} {used * 1000 / max(result.summary.messages, 1):.0f}" for name, used in result.memory.cpu.items()
    )
    print(f"  CPU ms per message: {per_message}; {result.per_core:.1f} messages per CPU-second", flush=True)
    steps = sorted(result.steps.items(), key=lambda item: -item[1][1])
    print("  slowest steps (p50/p95 ms): " + ", ".join(f"{k} {v[1]:.0f}/{v[2]:.0f}" for k, v in steps[:6]), flush=True)
    for transcript in recorder.failed_transcripts[:2]:
        print("    a failed conversation ended with:", flush=True)
        for said, answered in transcript:
            print(f"      > {said[:80]!r}\n      < {answered[:160]!r}", flush=True)
    return result


async def drive(args: argparse.Namespace, stack: BenchStack, sampler: MemorySampler, report: RunReport) -> None:
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
        transports: list[Transport] = []
        paths = args.paths.split(",")
        if "full-stack" in paths:
            transports.append(GatewayWebChat(client, stack.gateway.url))
        if "rasa-alone" in paths:
            transports.append(RasaAlone(client, stack.rasa.url, stack.hops.rasa_channel_secret))
        outbox = Outbox(stack.outbox_dir)
        run_id = uuid.uuid4().hex[:6]
        # Warm-up: the first messages load TensorFlow graphs and fill connection pools; not measured.
        for transport in transports:
            warm = await loads.sequential(transport, outbox, run_id, 1)
            if warm.conversations_completed != 1:
                print(
                    f"warning: the warm-up conversation on {transport.name} did not complete: {warm.errors}", flush=True
                )
                for transcript in warm.failed_transcripts:
                    for said, answered in transcript:
                        print(f"      > {said[:80]!r}\n      < {answered[:200]!r}", flush=True)
        if args.soak:
            description = f"open loop, {args.rate:g} msg/s offered for {args.soak_duration:.0f} s"
            print(f"\nSoak: {description}", flush=True)
            soak_start = sampler.elapsed()
            result = await _measure(
                report,
                sampler,
                "soak",
                description,
                transports[0],
                loads.open_loop(transports[0], outbox, run_id, args.rate, args.interval, args.soak_duration),
            )
            _soak_memory(report, sampler, soak_start, result)
            return
        wanted = args.loads.split(",")
        if "sequential" in wanted:
            description = f"one conversation at a time ({args.sequential} conversations)"
            print(f"\nLoad 1: {description}", flush=True)
            for transport in transports:
                await _measure(
                    report,
                    sampler,
                    "sequential",
                    description,
                    transport,
                    loads.sequential(transport, outbox, run_id, args.sequential),
                )
        if "open" in wanted:
            slots = max(1, round(args.rate * args.interval))
            description = (
                f"open loop: {args.rate:g} msg/s offered ({slots} conversations each writing every "
                f"{args.interval:g} s) for {args.open_duration:.0f} s"
            )
            print(f"\nLoad 2: {description}", flush=True)
            for transport in transports:
                await _measure(
                    report,
                    sampler,
                    "open",
                    description,
                    transport,
                    loads.open_loop(transport, outbox, run_id, args.rate, args.interval, args.open_duration),
                )
        if "closed" in wanted:
            description = f"closed loop: {args.concurrency} conversations, no pause, for {args.closed_duration:.0f} s"
            print(f"\nLoad 3: {description}", flush=True)
            for transport in transports:
                await _measure(
                    report,
                    sampler,
                    "closed",
                    description,
                    transport,
                    loads.closed_loop(transport, outbox, run_id, args.concurrency, args.closed_duration),
                )
        await _free_text(args, report, sampler, transports, outbox, run_id, stack.rasa.process.pid)
        if "claims" in wanted:
            print("\nClaims: user messages each claim scenario needed after sign-in (issue 17's budget)", flush=True)
            await asyncio.to_thread(claim_budgets, report, stack.gateway.url, outbox)


def claim_budgets(report: RunReport, gateway_url: str, outbox: Outbox) -> None:
    """Play every claim scenario (benchmarks/claim_scenarios.py) in one signed-in web chat; report the counts."""
    chat = claim_scenarios.WebChat(gateway_url)

    def new_code() -> str:
        deadline = time.monotonic() + 70
        while time.monotonic() < deadline:
            code = outbox.new_code(claim_scenarios.LAURA)
            if code:
                return code
            time.sleep(0.1)
        raise AssertionError("no code e-mailed")

    try:
        claim_scenarios.sign_in(chat, claim_scenarios.LAURA, new_code)
        for scenario in claim_scenarios.SCENARIOS:
            try:
                played = claim_scenarios.file_claim(chat.send, scenario)
            except AssertionError as error:
                played = claim_scenarios.ScenarioRun(scenario, transcript=[str(error)])
            filed = played.claim_number or "not filed"
            line = f"{played.messages} messages (budget {scenario.budget}), {filed}"
            print(f"  {scenario.name}: {line}", flush=True)
            report.verdicts.append(Verdict(f"claim {scenario.name}: <= {scenario.budget} messages", line,
                                           played.within_budget))
            if not played.within_budget:
                for said in played.transcript[-6:]:
                    print(f"      {said[:160]!r}", flush=True)
    finally:
        chat.close()


async def _long(
    report: RunReport,
    sampler: MemorySampler,
    transport: Transport,
    outbox: Outbox,
    run_id: str,
    conversations: int,
    rasa_pid: int,
) -> None:
    by_number: dict[int, list[float]] = {}
    cpu_by_number: dict[int, list[float]] = {}
    rasa = psutil.Process(rasa_pid)

    def rasa_cpu() -> float:
        times = rasa.cpu_times()
        return times.user + times.system

    async def play() -> Recorder:
        recorder, numbers, cpu = await loads.long_conversations(transport, outbox, run_id, conversations, rasa_cpu)
        by_number.update(numbers)
        cpu_by_number.update(cpu)
        return recorder

    description = (
        f"{conversations} chat(s) of {LONG_MESSAGES} typed messages, one message at a time; messages 131-150 "
        "alternate with messages 1-20 of a fresh chat"
    )
    result = await _measure(report, sampler, "long", description, transport, play())

    def p50(table: dict[int, list[float]], numbers: range) -> float:
        return percentile(sorted(v for n in numbers for v in table.get(n, [])), 0.5)

    result.windows = {
        "1-20": p50(by_number, EARLY),
        "131-150": p50(by_number, LATE),
        "cpu 1-20": p50(cpu_by_number, EARLY),
        "cpu 131-150": p50(cpu_by_number, LATE),
    }
    w = result.windows
    print(
        f"  p50 of messages 1-20: {w['1-20']:.0f} ms, 131-150: {w['131-150']:.0f} ms; "
        f"Rasa CPU per message p50: {w['cpu 1-20']:.0f} ms, {w['cpu 131-150']:.0f} ms"
    )


async def drive_production(
    args: argparse.Namespace, stack: BenchStack, sampler: MemorySampler, report: RunReport, replicas: int
) -> None:
    """The typed closed loop through the gateway on the production profile; then the store's order check."""
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
        transport = GatewayWebChat(client, stack.gateway.url)
        outbox = Outbox(stack.outbox_dir)
        run_id = uuid.uuid4().hex[:6]
        await loads.sequential(transport, outbox, run_id, 1, FreeTextConversation)  # warm-up, not measured
        description = (
            f"production profile, {replicas} Rasa replica{'s' if replicas > 1 else ''}: typed closed loop, "
            f"{args.concurrency} conversations, {args.production_duration:.0f} s"
        )
        print(f"\n{description}", flush=True)
        said: dict[str, list[tuple[str, bool]]] = {}

        async def play() -> Recorder:
            recorder = await loads.closed_loop(
                transport, outbox, run_id, args.concurrency, args.production_duration, FreeTextConversation
            )
            said.update(recorder.said)
            return recorder

        result = await _measure(report, sampler, f"production-{replicas}", description, transport, play())
        checked, wrong = out_of_order(stack.tracker_env, said)
        result.out_of_order = wrong
        print(f"  conversations whose stored messages are out of order, lost or doubled: {wrong} of {checked}")


def _production(args: argparse.Namespace, report: RunReport) -> None:
    for replicas in [int(count) for count in args.production.split(",") if count.strip()]:
        print(f"\nStarting the production profile with {replicas} Rasa replica(s) ...", flush=True)
        stack = start_production_stack(replicas)
        print(f"{replicas} Rasa replica(s) answered {stack.rasa_start_s:.0f} s after their start", flush=True)
        sampler = MemorySampler({name: service.process.pid for name, service in stack.services().items()}).start()
        try:
            asyncio.run(drive_production(args, stack, sampler, report, replicas))
        finally:
            sampler.stop()
            stack.stop()


def _soak_memory(report: RunReport, sampler: MemorySampler, soak_start: float, result: LoadResult) -> None:
    """Start (after a minute of traffic, once caches are warm) and end RSS of each service; flat = grew <= 10%."""
    warm = sampler.at(soak_start + 60)
    start = sampler.at(soak_start)
    end = sampler.timeline[-1][1] if sampler.timeline else {}
    report.notes.append("RSS in MB at the soak's start / after its first minute / at its end:")
    flat = True
    for name in ("gateway", "rasa", "actions", "api"):
        growth = (end.get(name, 0) - warm.get(name, 0)) / max(warm.get(name, 1), 1)
        flat = flat and growth <= 0.10
        report.notes.append(
            f"{name}: {start.get(name, 0) / MB:.0f} / {warm.get(name, 0) / MB:.0f} / {end.get(name, 0) / MB:.0f} "
            f"({growth * 100:+.1f}% after the first minute)"
        )
        print(
            f"  {name:<8} RSS start {start.get(name, 0) / MB:6.0f} MB, after 1 min {warm.get(name, 0) / MB:6.0f} MB,"
            f" end {end.get(name, 0) / MB:6.0f} MB ({growth * 100:+.1f}%)",
            flush=True,
        )
    s = result.summary
    report.verdicts.append(Verdict("soak: no errors", f"{s.errors} errors in {s.messages} messages", s.errors == 0))
    report.verdicts.append(
        Verdict("soak: memory flat (each service grows <= 10% after the first minute)", "see notes", flat)
    )


async def _free_text(
    args: argparse.Namespace,
    report: RunReport,
    sampler: MemorySampler,
    transports: list[Transport],
    outbox: Outbox,
    run_id: str,
    rasa_pid: int,
) -> None:
    wanted = args.loads.split(",")
    if "free-sequential" in wanted:
        description = f"typed, one conversation at a time ({args.sequential} conversations)"
        print(f"\nLoad 4: {description}", flush=True)
        for transport in transports:
            load = loads.sequential(transport, outbox, run_id, args.sequential, FreeTextConversation)
            await _measure(report, sampler, "free-sequential", description, transport, load)
    if "free-closed" in wanted:
        description = f"typed, closed loop: {args.concurrency} conversations, no pause, {args.closed_duration:.0f} s"
        print(f"\nLoad 5: {description}", flush=True)
        for transport in transports:
            load = loads.closed_loop(
                transport, outbox, run_id, args.concurrency, args.closed_duration, FreeTextConversation
            )
            await _measure(report, sampler, "free-closed", description, transport, load)
    if "long" in wanted:
        print(f"\nLoad 6: long conversations ({LONG_MESSAGES} typed messages each)", flush=True)
        for transport in transports:
            await _long(report, sampler, transport, outbox, run_id, args.long_conversations, rasa_pid)


def judge(report: RunReport) -> None:
    """The issue's targets against what was measured."""
    seq = report.find("sequential", "full-stack")
    seq_rasa = report.find("sequential", "rasa-alone")
    open_ = report.find("open", "full-stack")
    closed = report.find("closed", "full-stack")
    v = report.verdicts
    if seq:
        v.append(
            Verdict("one at a time: full-stack p50 <= 100 ms", f"{seq.summary.p50:.0f} ms", seq.summary.p50 <= 100)
        )
        v.append(
            Verdict("one at a time: full-stack p95 <= 200 ms", f"{seq.summary.p95:.0f} ms", seq.summary.p95 <= 200)
        )
    if seq and seq_rasa and not math.isnan(seq_rasa.summary.p50):
        ratio = seq.summary.p50 / seq_rasa.summary.p50
        v.append(
            Verdict(
                "gateway overhead: full-stack p50 <= 1.15 x Rasa alone (one at a time)",
                f"{ratio:.2f} x ({seq.summary.p50:.0f} / {seq_rasa.summary.p50:.0f} ms)",
                ratio <= 1.15,
            )
        )
    if open_:
        s = open_.summary
        v.append(Verdict("open loop 10 msg/s: full-stack p95 <= 300 ms", f"{s.p95:.0f} ms", s.p95 <= 300))
        v.append(Verdict("open loop 10 msg/s: 0 errors", str(s.errors), s.errors == 0))
    if closed:
        s = closed.summary
        v.append(
            Verdict(
                "closed loop 20 conversations: >= 20 msg/s with 0 errors",
                f"{s.throughput:.1f} msg/s, {s.errors} errors",
                s.throughput >= 20 and s.errors == 0,
            )
        )
    free = report.find("free-sequential", "full-stack")
    if free:
        s = free.summary
        v.append(Verdict("typed, one at a time: full-stack p50 <= 100 ms", f"{s.p50:.0f} ms", s.p50 <= 100))
        v.append(Verdict("typed, one at a time: full-stack p95 <= 200 ms", f"{s.p95:.0f} ms", s.p95 <= 200))
    free_closed = report.find("free-closed", "full-stack")
    if free_closed:
        s = free_closed.summary
        v.append(
            Verdict(
                "typed, closed loop 20 conversations: >= 15 msg/s with 0 errors",
                f"{s.throughput:.1f} msg/s ({free_closed.per_core:.1f} per CPU-second), {s.errors} errors",
                s.throughput >= 15 and s.errors == 0,
            )
        )
    for path in ("full-stack", "rasa-alone"):
        long = report.find("long", path)
        if long and long.windows:
            early, late = long.windows["1-20"], long.windows["131-150"]
            ratio = late / early if early else math.nan
            cpu_early, cpu_late = long.windows["cpu 1-20"], long.windows["cpu 131-150"]
            v.append(
                Verdict(
                    f"long chats ({path}): p50 of messages 131-150 <= 1.25 x messages 1-20",
                    f"{ratio:.2f} x ({late:.0f} / {early:.0f} ms), {long.summary.errors} errors; Rasa CPU per "
                    f"message p50 {cpu_late / cpu_early if cpu_early else math.nan:.2f} x "
                    f"({cpu_late:.0f} / {cpu_early:.0f} ms)",
                    ratio <= 1.25 and long.summary.errors == 0,
                )
            )
    for result in report.results:
        if result.load.startswith("production-"):
            s = result.summary
            v.append(
                Verdict(
                    f"{result.description}: 0 errors, 0 out of order",
                    f"{s.throughput:.1f} msg/s ({result.per_core:.1f} per CPU-second), {s.errors} errors, "
                    f"{result.out_of_order} out of order",
                    s.errors == 0 and result.out_of_order == 0,
                )
            )
    if report.rasa_start:
        v.append(
            Verdict(
                f"replica start to first answer <= {REPLICA_START_TARGET_S:.0f} s",
                report.rasa_start.line(),
                report.rasa_start.first_answer_s <= REPLICA_START_TARGET_S,
            )
        )
    if report.memory_overall:
        total = report.memory_overall.peak_total / MB
        v.append(Verdict("all services together <= 2.5 GB RSS", f"{total:.0f} MB peak", total <= RSS_BUDGET_MB))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    print("Starting the stack on free ports (fresh SQLite demo database, fresh tracker store) ...", flush=True)
    extra_env: dict[str, dict[str, str]] = {}
    for item in args.env:
        service, _, assignment = item.partition(":")
        name, _, value = assignment.partition("=")
        extra_env.setdefault(service, {})[name] = value
    stack = start_stack(args.gateway_workers, args.gateway_threads, args.api_workers, args.api_threads, extra_env)
    sampler = MemorySampler({name: service.process.pid for name, service in stack.services().items()}).start()
    print(f"Rasa: {stack.rasa_start.line()}", flush=True)
    settings = [
        f"machine: {_machine()}",
        f"Rasa from its start: {stack.rasa_start.line()}",
        f"gateway {stack.gateway.url} (gunicorn {args.gateway_workers} worker x {args.gateway_threads} threads), "
        f"Rasa {stack.rasa.url}, actions {stack.actions.url}, API {stack.api.url} "
        f"(gunicorn {args.api_workers} worker x {args.api_threads} threads), SQLite",
        "conversation: greeting, sign-in as Laura with the e-mailed code (each conversation a new web: sender id), "
        "list policies, report a car crash answering the claim form",
        "latency: from sending a message until its whole answer arrived (client side, httpx, loopback)",
        f"API settings lifted for the benchmark: {API_BENCH_ENV} (many identities sign in as Laura)",
        f"gateway settings lifted for the benchmark: {GATEWAY_BENCH_ENV} (a generator writes faster than a person)",
    ]
    if extra_env:
        settings.append(f"extra environment for this run: {extra_env}")
    for line in settings:
        print(line, flush=True)
    report = RunReport(
        title="Mi Aval: soak" if args.soak else "Mi Aval: latency, throughput and memory", settings=settings
    )
    report.rasa_start = stack.rasa_start
    try:
        asyncio.run(drive(args, stack, sampler, report))
    finally:
        sampler.stop()
        report.memory_overall = sampler.overall
        if args.keep:
            print(f"logs and databases kept in {stack.base}")
        stack.stop(keep_files=args.keep)
    if not args.soak and args.production.strip():
        _production(args, report)
    if not args.soak:
        judge(report)
    else:
        total = sampler.overall.peak_total / MB
        report.verdicts.append(
            Verdict("all services together <= 2.5 GB RSS", f"{total:.0f} MB peak", total <= RSS_BUDGET_MB)
        )
    print(
        "\nPeak RSS over the whole run (MB): "
        + ", ".join(
            f"{name} {sampler.overall.peak.get(name, 0) / MB:.0f}" for name in ("gateway", "rasa", "actions", "api")
        )
        + f", all together {sampler.overall.peak_total / MB:.0f}"
    )
    print("\nTargets:")
    for verdict in report.verdicts:
        print(f"  [{'ok' if verdict.ok else 'MISS'}] {verdict.target}: {verdict.measured}")
    path = args.report or REPORT_DIR / ("last-soak.md" if args.soak else "last-run.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    report.notes.append(f"wall-clock time of the run: {time.monotonic() - began:.0f} s")
    path.write_text(markdown(report))
    print(f"\nFigures written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


def _machine() -> str:
    import platform

    import psutil

    return f"{os.cpu_count()} CPUs, {psutil.virtual_memory().total / MB / 1024:.0f} GB RAM, {platform.platform()}"


if __name__ == "__main__":
    sys.exit(main())
