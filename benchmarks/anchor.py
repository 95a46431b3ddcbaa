"""`python -m benchmarks.anchor` (run by `make bench`): our stack against an anchor, Rasa's starter bot, in one run.

The anchor is what ``rasa init`` makes (Rasa's ``initial_project``: its data,
domain and default pipeline, in the same environment as ours), trained once into
``var/anchor/``, served by a bare ``rasa run`` with its REST channel and nothing
else. Ours is the full stack through the gateway's web chat: the embedded
profile (one Rasa, SQLite) and the production profile (two replicas,
PostgreSQL, Redis, RabbitMQ).

Both get the same closed loop of typed WhatsApp-style messages (``MESSAGES``,
each conversation a new sender, ``--concurrency`` at once), in windows that
alternate (anchor, ours, anchor, ours...) so that a shared machine's
neighbours weigh on both; the median of the pairs' ratios decides. Each window
reports messages answered, throughput, p50/p95 latency and CPU milliseconds per
message summed over every process of that stack (each process tree's own
counters; in the production profile PostgreSQL's, Redis' and RabbitMQ's too,
which also count whatever else uses them on this machine).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx
import psutil

from benchmarks.memory import tree_cpu_seconds
from benchmarks.services import BenchStack, start_production_stack, start_stack
from benchmarks.stats import percentile
from benchmarks.transports import GatewayWebChat, Transport, _HttpTransport
from launcher.paths import RASA_BIN, ROOT, VAR
from launcher.services import ServiceProcess, base_env, free_port, wait_until_healthy

ANCHOR_DIR = VAR / "anchor"
ANCHOR_MODEL = ANCHOR_DIR / "models" / "starter.tar.gz"
REPORT_DIR = ROOT / "reports" / "bench"
# What customers type on WhatsApp (issue 21's mix); each conversation says them in this order.
MESSAGES = ("hola", "que es mi aval?", "como vinculo un cliente?", "quiero ver mis polizas", "gracias, chau")
# The shared engines of the production profile, by process name (their CPU is charged to ours there).
ENGINES = ("postgres", "redis-server", "beam.smp")


class RestChannel(_HttpTransport):
    """Rasa's REST channel (POST /webhooks/rest/webhook {sender, message}): the anchor's only way in."""

    name = "anchor"

    def __init__(self, client: httpx.AsyncClient, rasa_url: str, timeout: float = 30.0):
        super().__init__(client, rasa_url.rstrip("/") + "/webhooks/rest/webhook", timeout)

    def request(self, sender_id: str, text: str) -> tuple[bytes, dict[str, str]]:
        return json.dumps({"sender": sender_id, "message": text}).encode(), {"Content-Type": "application/json"}


def starter_project() -> Path:
    """Rasa's ``rasa init`` project as shipped in the Rasa environment."""
    found = subprocess.run(
        [str(RASA_BIN / "python"), "-c", "import rasa.cli.scaffold as s, os; print(os.path.dirname(s.__file__))"],
        capture_output=True, text=True, check=True, env=base_env(),
    )  # fmt: skip
    return Path(found.stdout.strip()) / "initial_project"


def train_anchor() -> Path:
    """The starter bot's model, trained once (``rasa init``'s data; kept in var/anchor/)."""
    if ANCHOR_MODEL.exists():
        return ANCHOR_MODEL
    project = ANCHOR_DIR / "project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(starter_project(), project, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    print("Training the anchor (Rasa's starter bot, once) ...", flush=True)
    subprocess.run(
        [str(RASA_BIN / "rasa"), "train", "--out", str(ANCHOR_MODEL.parent), "--fixed-model-name", "starter"],
        cwd=project, env=base_env(), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return ANCHOR_MODEL


def start_anchor(log_dir: Path) -> ServiceProcess:
    """``rasa run`` on the starter model: REST channel, no action server, no HTTP API, defaults everywhere."""
    project = ANCHOR_DIR / "project"
    port = free_port()
    command = [
        str(RASA_BIN / "rasa"), "run", "--model", str(ANCHOR_MODEL), "--port", str(port),
        "--interface", "127.0.0.1", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
    ]  # fmt: skip
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "anchor.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, cwd=project, env=base_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    service = ServiceProcess("anchor", f"http://127.0.0.1:{port}", process, log_path, command=command)
    try:
        wait_until_healthy(service, "/", 600)
    except BaseException:
        service.stop()
        raise
    return service


def engine_pids() -> list[int]:
    """PostgreSQL's, Redis' and RabbitMQ's processes on this machine."""
    found = []
    for process in psutil.process_iter(["name", "pid"]):
        if process.info["name"] in ENGINES:
            found.append(process.info["pid"])
    return found


def cpu_seconds(roots: list[int], singles: list[int]) -> float:
    """CPU seconds used so far by the process trees ``roots`` and the processes ``singles``."""
    total = sum(tree_cpu_seconds(pid) for pid in roots)
    for pid in singles:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


@dataclass
class Window:
    """One measured closed-loop window on one side."""

    side: str
    messages: int
    errors: int
    seconds: float
    cpu_seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_seconds * 1000 / max(self.messages, 1)


async def closed_loop(transport: Transport, side: str, concurrency: int, seconds: float,
                      cpu: Callable[[], float]) -> Window:  # fmt: skip
    """``concurrency`` customers, each a new sender per conversation of ``MESSAGES``, no pause, for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    run = os.urandom(4).hex()

    async def customer() -> None:
        nonlocal errors
        while time.monotonic() < end:
            sender = f"web:anchor-bench-{run}-{side}-{next(counter):08d}"
            for text in MESSAGES:
                if time.monotonic() >= end:
                    return
                answer = await transport.send(sender, text)
                if answer.error and answer.error != "apology" or not answer.messages:
                    errors += 1  # a real answer is any answer for the anchor (it knows nothing of Aval)
                else:
                    latencies.append(answer.latency_ms)

    cpu_before = cpu()
    started = time.monotonic()
    end = started + seconds
    await asyncio.gather(*(customer() for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    used = cpu() - cpu_before
    latencies.sort()
    return Window(side, len(latencies), errors, elapsed, used, percentile(latencies, 0.5), percentile(latencies, 0.95))


async def warm(transport: Transport) -> None:
    """A conversation to load TensorFlow's graphs and fill the pools; not measured."""
    for text in MESSAGES:
        await transport.send(f"web:anchor-bench-warm-{os.urandom(6).hex()}", text)


async def pairs(anchor: ServiceProcess, ours: BenchStack, profile: str, args: argparse.Namespace) -> list[Window]:
    ours_roots = [service.process.pid for service in ours.services().values()]
    engines = engine_pids() if profile == "production" else []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    windows = []
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
        sides = [
            ("anchor", RestChannel(client, anchor.url), lambda: cpu_seconds([anchor.process.pid], [])),
            (profile, GatewayWebChat(client, ours.gateway.url), lambda: cpu_seconds(ours_roots, engines)),
        ]
        for _, transport, _ in sides:
            await warm(transport)
        for pair in range(args.pairs):
            for side, transport, cpu in sides if pair % 2 == 0 else reversed(sides):
                window = await closed_loop(transport, side, args.concurrency, args.duration, cpu)
                windows.append(window)
                print(f"  pair {pair + 1} {line(window)}", flush=True)
    return windows


def line(window: Window) -> str:
    return (
        f"{window.side:<10} {window.messages:5d} msgs {window.throughput:5.1f} msg/s  p50 {window.p50_ms:5.0f} ms  "
        f"p95 {window.p95_ms:5.0f} ms  CPU {window.cpu_ms_per_message:5.1f} ms/msg  errors {window.errors}"
    )


def ratios(windows: list[Window], profile: str) -> dict[str, float]:
    """Median over the pairs of ours / anchor: CPU per message, throughput, p95."""
    anchor = [w for w in windows if w.side == "anchor"]
    ours = [w for w in windows if w.side == profile]
    pairs_ = list(zip(anchor, ours, strict=True))
    return {
        "cpu per message": statistics.median(o.cpu_ms_per_message / a.cpu_ms_per_message for a, o in pairs_),
        "throughput": statistics.median(o.throughput / a.throughput for a, o in pairs_),
        "p95": statistics.median(o.p95_ms / a.p95_ms for a, o in pairs_),
    }


def markdown(results: dict[str, tuple[list[Window], dict[str, float]]], args: argparse.Namespace) -> str:
    load = os.getloadavg()
    out = [
        "# Ours against the anchor (Rasa's starter bot), same run",
        "",
        f"- {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        f"- closed loop: {args.concurrency} conversations of {' / '.join(MESSAGES)}, {args.duration:.0f} s windows, "
        f"{args.pairs} alternating pairs per profile; CPU summed over every process of each side "
        "(production: PostgreSQL, Redis and RabbitMQ included)",
        "",
        "| profile | side | pair | msgs | msg/s | p50 ms | p95 ms | CPU ms/msg | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for profile, (windows, _) in results.items():
        for index, w in enumerate(windows):
            out.append(
                f"| {profile} | {w.side} | {index // 2 + 1} | {w.messages} | {w.throughput:.1f} | {w.p50_ms:.0f} | "
                f"{w.p95_ms:.0f} | {w.cpu_ms_per_message:.1f} | {w.errors} |"
            )
    out += ["", "| profile | CPU per message, ours / anchor | throughput, ours / anchor | p95, ours / anchor |",
            "|---|---:|---:|---:|"]  # fmt: skip
    for profile, (_, r) in results.items():
        out.append(f"| {profile} | {r['cpu per message']:.2f} x | {r['throughput']:.2f} x | {r['p95']:.2f} x |")
    return "\n".join(out) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.anchor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--profiles", default="embedded,production")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of each window")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--report", type=Path, default=REPORT_DIR / "anchor-last-run.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    train_anchor()
    results: dict[str, tuple[list[Window], dict[str, float]]] = {}
    anchor = start_anchor(ANCHOR_DIR / "log")
    try:
        for profile in [p for p in args.profiles.split(",") if p]:
            print(f"\n{profile} profile against the anchor ...", flush=True)
            ours = start_production_stack(2) if profile == "production" else start_stack()
            try:
                windows = asyncio.run(pairs(anchor, ours, profile, args))
            finally:
                ours.stop()
            results[profile] = (windows, ratios(windows, profile))
            r = results[profile][1]
            print(f"  medians, ours / anchor: CPU per message {r['cpu per message']:.2f} x, "
                  f"throughput {r['throughput']:.2f} x, p95 {r['p95']:.2f} x", flush=True)  # fmt: skip
    finally:
        anchor.stop()
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(markdown(results, args))
    print(f"\nwritten to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
