"""The production profile as `MIAVAL_PROFILE=production make run` starts it (fresh databases on the real
PostgreSQL, Redis and RabbitMQ of their own: tests/production/engines.py), two Rasa replicas behind the gateway.

One launcher for the whole package (two replicas load the model in ~1-3 minutes), shared by the profile's
tests and the fault test under load.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass

import pika
import psutil
import pytest

from conversation_store.settings import StoreSettings
from launcher.paths import APP_BIN, ROOT
from launcher.secrets import tracker_secrets
from launcher.services import base_env, free_port
from tests.postgres import create_database, drop_database
from tests.production.engines import PrivateRabbitMQ, PrivateRedis, private_rabbitmq, private_redis

RATE_LIMIT = 6


def two_free_ports() -> int:
    """A port P such that P and P + 1 are both free (the replicas' ports)."""
    for _ in range(50):
        port = free_port()
        if port < 65000 and free_port_is(port + 1):
            return port
    raise RuntimeError("no two consecutive free ports")


def free_port_is(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Profile:
    process: subprocess.Popen
    output: list[str]
    gateway_url: str
    rasa_urls: list[str]
    api_port: int
    actions_port: int
    queue: str
    redis: PrivateRedis
    rabbitmq: PrivateRabbitMQ
    store: StoreSettings  # the conversation store's keys, which also seal what Rasa publishes to RabbitMQ

    @property
    def redis_url(self) -> str:
        return self.redis.url

    def services(self, module: str, port: int) -> list[psutil.Process]:
        """The launcher's descendants running ``module`` with ``--port port`` (a Rasa replica, the action server)."""
        found = []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                command = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if module in command and "--port" in command and command[command.index("--port") + 1] == str(port):
                found.append(child)
        return found

    def replica(self, url: str) -> psutil.Process:
        (process,) = self.services("launcher.rasa_main", int(url.rsplit(":", 1)[1]))
        return process


def start_profile(redis: PrivateRedis, rabbitmq: PrivateRabbitMQ) -> tuple[Profile, list[str]]:
    databases = [create_database("miaval_prod"), create_database("miaval_prod_tracker")]
    (_, database_url), (_, tracker_url) = databases
    rasa_port, gateway_port, actions_port, api_port = two_free_ports(), free_port(), free_port(), free_port()
    console_port = free_port()
    queue = f"miaval_test_events_{uuid.uuid4().hex[:8]}"
    store_keys = tracker_secrets()
    env = base_env({
        **store_keys,
        "MIAVAL_PROFILE": "production",
        "DATABASE_URL": database_url.replace("postgresql://", "postgresql+psycopg://"),
        "TRACKER_STORE_URL": tracker_url,
        "MIAVAL_API_PORT": str(api_port),
        "ACTIONS_PORT": str(actions_port),
        "RASA_PORT": str(rasa_port),
        "GATEWAY_PORT": str(gateway_port),
        "CONSOLE_PORT": str(console_port),
        "RASA_REPLICAS": "2",
        "ACTION_SERVER_WORKERS": "2",
        "GATEWAY_WORKERS": "3",
        "GATEWAY_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        # Every simulated customer comes from 127.0.0.1 (tests/security tries the per-address limits).
        "WEBCHAT_SESSIONS_PER_ADDRESS_PER_MINUTE": "100000",
        "WEBCHAT_REQUESTS_PER_ADDRESS_PER_MINUTE": "100000",
        "EVENT_BROKER_QUEUE": queue,
        "RASA_START_TIMEOUT": "600",  # two replicas loading at once on a busy 2-core machine
        # The private engines instead of the machine's (the variables win over the profile's values).
        "SHARED_STATE_URL": redis.url,
        "LOCK_STORE_PORT": str(redis.port),
        "EVENT_BROKER_PORT": str(rabbitmq.port),
    })  # fmt: skip
    process = subprocess.Popen(
        [str(APP_BIN / "python"), "-m", "launcher", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    profile = Profile(
        process, output, f"http://127.0.0.1:{gateway_port}",
        [f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{rasa_port + 1}"], api_port, actions_port, queue,
        redis, rabbitmq, StoreSettings.from_env(store_keys),
    )  # fmt: skip
    return profile, [name for name, _ in databases]


@pytest.fixture(scope="package")
def profile(tmp_path_factory):
    base = tmp_path_factory.mktemp("engines")
    redis, rabbitmq = private_redis(base), private_rabbitmq(base)
    started = None
    databases: list[str] = []
    try:
        redis.start()
        rabbitmq.start()
        started, databases = start_profile(redis, rabbitmq)
        deadline = time.monotonic() + 480
        while not any("Mi Aval is running" in line for line in started.output):
            assert started.process.poll() is None, "".join(started.output)
            assert time.monotonic() < deadline, "".join(started.output)
            time.sleep(0.5)
        yield started
    finally:
        if started is not None and started.process.poll() is None:
            os.kill(started.process.pid, signal.SIGTERM)  # the launcher stops its services
            try:
                started.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(started.process.pid, signal.SIGKILL)
        for name in databases:
            drop_database(name, wait_seconds=10)
        if started is not None and rabbitmq.ready():
            with pika.BlockingConnection(pika.URLParameters(rabbitmq.url)) as connection:
                channel = connection.channel()
                channel.queue_delete(started.queue)
                channel.queue_delete(f"{started.queue}.facts")  # the facts consumer's own (conversation_facts)
        redis.stop()
        rabbitmq.stop()
