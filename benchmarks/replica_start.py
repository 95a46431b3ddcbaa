"""How long a Rasa replica takes from its start until it answers a first message (issue #9: within 30 s).

A replica is ready when a customer's message gets its answer, not when GET /
answers: the time to GET / (model loaded, server listening) and the time to the
first answer are both kept, with Rasa's CPU seconds by then and the machine's
load average (a crowded machine stretches the wall time, not the CPU time).

`python -m benchmarks.replica_start [--runs N] [--env NAME=VALUE ...]` starts the
API and the action server once, then a Rasa replica N times one after the other,
as the launcher starts it, and prints each start's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.memory import tree_cpu_seconds
from benchmarks.transports import RasaAlone
from launcher.secrets import HopSecrets
from launcher.services import ServiceFailed, ServiceProcess, prepare_database, start_actions, start_api, start_rasa

TARGET_S = 30.0
FIRST_MESSAGE = "hola"


@dataclass(frozen=True)
class ReplicaStart:
    health_s: float  # from the process's start until GET / answered
    first_answer_s: float  # from the process's start until a first message got its answer
    cpu_s: float  # the replica's CPU seconds when that answer arrived
    load_average: float  # the machine's 1-minute load average then

    def line(self) -> str:
        return (
            f"{self.first_answer_s:.1f} s to the first answer (GET / after {self.health_s:.1f} s), "
            f"{self.cpu_s:.1f} CPU s, load average {self.load_average:.1f}"
        )


async def _first_answer(rasa_url: str, channel_secret: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await RasaAlone(client, rasa_url, channel_secret, timeout=120).send(
            f"replica-start-{secrets.token_hex(6)}", FIRST_MESSAGE
        )
    if answer.error:
        raise ServiceFailed(f"the replica's first answer failed: {answer.error}")


def timed_start(start: Callable[[], ServiceProcess], channel_secret: str) -> tuple[ServiceProcess, ReplicaStart]:
    """Start a replica with ``start`` (which returns once GET / answers) and send it a first message."""
    began = time.monotonic()
    rasa = start()
    health_s = time.monotonic() - began
    try:
        asyncio.run(_first_answer(rasa.url, channel_secret))
    except BaseException:
        rasa.stop()
        raise
    first_answer_s = time.monotonic() - began
    return rasa, ReplicaStart(health_s, first_answer_s, tree_cpu_seconds(rasa.process.pid), os.getloadavg()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.replica_start", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for Rasa (e.g. MIAVAL_RASA_SPEEDUPS=0)")
    args = parser.parse_args(argv)
    rasa_env = dict(item.split("=", 1) for item in args.env)
    base = Path(tempfile.mkdtemp(prefix="miaval-replica-start-"))
    database_url = f"sqlite:///{base / 'miaval.db'}"
    token, hops = secrets.token_urlsafe(24), HopSecrets.generate()
    services: list[ServiceProcess] = []
    try:
        prepare_database(database_url)
        services.append(api := start_api(database_url, token, base / "outbox", log_dir=base / "log"))
        services.append(start_actions(api.url, token, hops, log_dir=base / "log"))
        for run in range(args.runs):
            rasa, figures = timed_start(
                lambda: start_rasa(
                    services[1].url,
                    base / "tracker.db",
                    hops,
                    log_dir=base / "log",
                    extra_env=rasa_env,
                    start_timeout=600,
                ),  # fmt: skip
                hops.rasa_channel_secret,
            )
            rasa.stop()
            print(f"start {run + 1}: {figures.line()} [target {TARGET_S:.0f} s]", flush=True)
    finally:
        for service in reversed(services):
            service.stop()
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
