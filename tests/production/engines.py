"""Private Redis and RabbitMQ servers for the production profile's tests, on ports of their own.

The machine's Redis (6379) and RabbitMQ (5672) are system services shared with
every other test run and developer on it: the fault tests SIGKILL and restart
the engines, so they get their own instances of the same Debian binaries
(``redis-server``, RabbitMQ's ``rabbitmq-server``) and point the profile at
them, leaving the system services untouched. Each instance keeps its data
directory across a kill, as a system service restarted by systemd would.

Loaded by both test environments (the event broker's test runs in Rasa's,
which has no ``pika``): RabbitMQ is reached by its URL, and its readiness is
checked with the protocol's own greeting.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis

from launcher.services import HOST, free_port

REDIS_SERVER = "/usr/bin/redis-server"
# The Debian wrapper /usr/sbin/rabbitmq-server switches to the rabbitmq user; this one runs as us.
RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


class EngineFailed(RuntimeError):
    """A private engine did not start."""


# AMQP 0-9-1: a client opens with this header; a broker ready to serve answers with a Connection.Start method
# frame (frame type 1 on channel 0). RabbitMQ opens its listener only once it has booted.
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
CONNECTION_START = b"\x01\x00\x00"


def _greets_in_amqp(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=2) as sock:
            sock.sendall(AMQP_HEADER)
            return sock.recv(len(CONNECTION_START)) == CONNECTION_START
    except OSError:
        return False


@dataclass
class Engine:
    """One private server process (its own process group), restartable with the same data."""

    name: str
    base: Path
    port: int
    process: subprocess.Popen | None = None
    kills: int = field(default=0)

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until it answers (EngineFailed otherwise)."""
        self.base.mkdir(parents=True, exist_ok=True)
        with open(self.base / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.base, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineFailed(f"{self.name} exited:\n{self.log_tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        self.kill()
        raise EngineFailed(f"{self.name} did not answer on {self.port} within {timeout:.0f} s:\n{self.log_tail()}")

    def kill(self) -> float:
        """SIGKILL the server's whole process group; returns when (time.time()) it was killed."""
        killed_at = time.time()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1
        return killed_at

    def restart(self, timeout: float = 60.0) -> None:
        """Stop the server as its service manager would (SIGTERM: it writes down what it holds), then start it again."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        self.start(timeout)

    def stop(self) -> None:
        """Gone for good, data and all."""
        self.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join((self.base / "server.log").read_text(errors="replace").splitlines()[-lines:])
        return ""


@dataclass
class PrivateRedis(Engine):
    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def command(self) -> list[str]:
        # No snapshots: rate limits, nonces and locks are short-lived (what a crash costs: see the README).
        return [REDIS_SERVER, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", str(self.base)]  # fmt: skip

    def ready(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False


@dataclass
class PrivateRabbitMQ(Engine):
    node: str = field(default_factory=lambda: f"miaval_tests_{uuid.uuid4().hex[:8]}@localhost")
    dist_port: int = field(default_factory=free_port)

    def command(self) -> list[str]:
        return [RABBITMQ_SERVER]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "HOME": str(self.base),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": HOST,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "none"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "plugins"),
            "RABBITMQ_ENABLED_PLUGINS": "",
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
        })  # fmt: skip
        return env

    @property
    def url(self) -> str:
        """AMQP URL with the default guest account (for ``pika.URLParameters`` or ``aio_pika.connect``)."""
        return f"amqp://guest:guest@{HOST}:{self.port}/%2F?connection_attempts=1&socket_timeout=2"

    def ready(self) -> bool:
        return _greets_in_amqp(self.port)


def private_redis(base: Path) -> PrivateRedis:
    return PrivateRedis("redis", base / "redis", free_port())


def private_rabbitmq(base: Path) -> PrivateRabbitMQ:
    return PrivateRabbitMQ("rabbitmq", base / "rabbitmq", free_port())
