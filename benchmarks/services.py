"""The services a benchmark measures, started through `launcher.services` on free ports in a temp dir."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

from benchmarks.replica_start import ReplicaStart, timed_start
from bot.rasa_settings import SHARED_LOCK_STORE
from launcher.profiles import RABBITMQ_HOST, REDIS_URL, ensure_database, ensure_services, prepare_tracker_store
from launcher.secrets import HopSecrets
from launcher.services import (
    ServiceProcess,
    free_port,
    prepare_database,
    start_actions,
    start_api,
    start_gateway,
    start_rasa,
    start_rasa_replicas,
)
from launcher.settings import Settings

POSTGRES = Settings.from_env().postgres_url.rstrip("/")

# Many chat identities sign in as Laura within minutes: the API's per-address
# resend limits (60 s apart, 5 an hour) would refuse all but the first few.
API_BENCH_ENV = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
    "VERIFICATION_SENDS_PER_HOUR": "1000000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000000",
}
# One benchmark conversation writes far faster than a person: lift the gateway's per-sender limit.
# Every simulated customer comes from 127.0.0.1: the per-address limits would stop the load, not measure it.
GATEWAY_BENCH_ENV = {
    "GATEWAY_RATE_LIMIT_PER_MINUTE": "1000000",
    "WEBCHAT_SESSIONS_PER_ADDRESS_PER_MINUTE": "1000000",
    "WEBCHAT_REQUESTS_PER_ADDRESS_PER_MINUTE": "1000000",
}


@dataclass
class BenchStack:
    base: Path
    api: ServiceProcess
    actions: ServiceProcess
    rasa: ServiceProcess
    gateway: ServiceProcess
    outbox_dir: Path
    tracker_db: Path
    hops: HopSecrets
    rasa_start_s: float = 0.0  # from starting Rasa's processes until they all answered GET / (model loaded)
    more_rasa: list[ServiceProcess] = field(default_factory=list)  # replicas after the first
    databases: list[str] = field(default_factory=list)  # throw-away PostgreSQL databases (production profile)
    tracker_env: dict[str, str] = field(default_factory=dict)  # the store's URL and keys (production profile)
    rasa_start: Optional[ReplicaStart] = None  # the one replica's start to its first answer (embedded stack)

    def services(self) -> dict[str, ServiceProcess]:
        rasa = {"rasa": self.rasa} | {f"rasa-{i + 2}": replica for i, replica in enumerate(self.more_rasa)}
        return {"gateway": self.gateway, **rasa, "actions": self.actions, "api": self.api}

    def stop(self, keep_files: bool = False) -> None:
        for service in (self.gateway, self.rasa, *self.more_rasa, self.actions, self.api):
            if service is not None:
                service.stop()
        for name in self.databases:
            drop_database(name)
        if not keep_files:
            shutil.rmtree(self.base, ignore_errors=True)


def drop_database(name: str) -> None:
    """Drop a throw-away database of the production-profile benchmark."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def start_production_stack(replicas: int, action_workers: int = 2, gateway_workers: int = 2) -> BenchStack:
    """The production profile on throw-away databases: PostgreSQL, Redis lock store and shared state, RabbitMQ.

    ``replicas`` Rasa servers behind the gateway's consistent hashing, as `MIAVAL_PROFILE=production make run`.
    """
    ensure_services()
    base = Path(tempfile.mkdtemp(prefix="miaval-bench-prod-"))
    run = secrets.token_hex(4)
    databases = [f"miaval_bench_{run}", f"miaval_tracker_bench_{run}"]
    for name in databases:
        ensure_database(POSTGRES, name)
    database_url = f"{POSTGRES.replace('postgresql://', 'postgresql+psycopg://', 1)}/{databases[0]}"
    outbox, log_dir, token, hops = base / "outbox", base / "log", secrets.token_urlsafe(24), HopSecrets.generate()
    rasa_env = {
        "TRACKER_STORE_URL": f"{POSTGRES}/{databases[1]}",
        "LOCK_STORE_TYPE": SHARED_LOCK_STORE,
        "EVENT_BROKER_HOST": RABBITMQ_HOST,
        "EVENT_BROKER_QUEUE": f"miaval_bench_{run}",
        "SHARED_STATE_URL": REDIS_URL,
        "TRACKER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TRACKER_SENDER_KEY": secrets.token_urlsafe(32),
    }
    started: list[ServiceProcess] = []
    try:
        prepare_database(database_url)
        api = start_api(database_url, token, outbox, log_dir=log_dir, extra_env=API_BENCH_ENV)
        started.append(api)
        actions = start_actions(api.url, token, hops, log_dir=log_dir, workers=action_workers)
        started.append(actions)
        prepare_tracker_store(rasa_env)
        rasa_started = time.monotonic()
        servers = start_rasa_replicas(replicas, free_port(), actions.url, base / "unused.db", hops, log_dir, rasa_env)
        rasa_start_s = time.monotonic() - rasa_started
        started.extend(servers)
        gateway_env = {**GATEWAY_BENCH_ENV, "SHARED_STATE_URL": REDIS_URL}
        if replicas > 1:
            gateway_env["RASA_URLS"] = ",".join(server.url for server in servers)
        gateway = start_gateway(
            servers[0].url, api.url, token, database_url, hops, log_dir=log_dir, extra_env=gateway_env,
            workers=gateway_workers,
        )  # fmt: skip
    except BaseException:
        for service in reversed(started):
            service.stop()
        for name in databases:
            drop_database(name)
        shutil.rmtree(base, ignore_errors=True)
        raise
    return BenchStack(
        base, api, actions, servers[0], gateway, outbox, base / "unused.db", hops, rasa_start_s, servers[1:], databases,
        rasa_env,
    )  # fmt: skip


def start_stack(
    gateway_workers: int = 1,
    gateway_threads: int = 16,
    api_workers: int = 1,
    api_threads: int = 8,
    extra_env: Optional[dict[str, dict[str, str]]] = None,
) -> BenchStack:
    """A fresh SQLite demo database, its outbox, a fresh tracker store, and the four services on free ports."""
    base = Path(tempfile.mkdtemp(prefix="miaval-bench-"))
    database_url = f"sqlite:///{base / 'miaval.db'}"
    outbox = base / "outbox"
    log_dir = base / "log"
    tracker_db = base / "tracker.db"
    token = secrets.token_urlsafe(24)
    hops = HopSecrets.generate()
    extra_env = extra_env or {}
    started: list[ServiceProcess] = []
    try:
        prepare_database(database_url)
        api = start_api(
            database_url,
            token,
            outbox,
            log_dir=log_dir,
            workers=api_workers,
            threads=api_threads,
            extra_env={**API_BENCH_ENV, **extra_env.get("api", {})},
        )
        started.append(api)
        actions = start_actions(api.url, token, hops, log_dir=log_dir, extra_env=extra_env.get("actions"))
        started.append(actions)
        rasa, rasa_start = timed_start(
            lambda: start_rasa(actions.url, tracker_db, hops, log_dir=log_dir, extra_env=extra_env.get("rasa")),
            hops.rasa_channel_secret,
        )
        started.append(rasa)
        gateway = start_gateway(
            rasa.url,
            api.url,
            token,
            database_url,
            hops,
            log_dir=log_dir,
            extra_env={**GATEWAY_BENCH_ENV, **extra_env.get("gateway", {})},
            workers=gateway_workers,
            threads=gateway_threads,
        )
    except BaseException:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(base, ignore_errors=True)
        raise
    return BenchStack(
        base, api, actions, rasa, gateway, outbox, tracker_db, hops, rasa_start.health_s, rasa_start=rasa_start
    )
