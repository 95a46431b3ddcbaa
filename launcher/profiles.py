"""What `make run` starts: the embedded default, or the production profile (``MIAVAL_PROFILE=production``).

Embedded: SQLite, one process of each, state in memory. Production: the API
and the gateway's delivery log on PostgreSQL (database ``miaval``), Rasa's
sealed tracker store on PostgreSQL (``miaval_tracker``), Rasa's Redis lock
store, Rasa's pika broker publishing every event to RabbitMQ, the replay
nonces, rate limits, offered choices and callback keys in Redis, N Rasa
replicas, several action server and gateway workers. Any service variable set
in the environment (``SHARED_STATE_URL``, ``LOCK_STORE_HOST``...) wins over the
profile's value.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from bot.rasa_settings import SHARED_LOCK_STORE
from envsettings import environment, explicitly_set
from launcher import private_files
from launcher.paths import ROOT, VAR
from launcher.services import service_env, tracker_store_command
from launcher.settings import SERVICE_SETTINGS, Settings

PROFILES = ("embedded", "production")
REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_HOST = "127.0.0.1"
DATABASE = "miaval"
TRACKER_DATABASE = "miaval_tracker"


class UnknownProfile(ValueError):
    """MIAVAL_PROFILE names no profile."""


@dataclass(frozen=True)
class Profile:
    """Where each service keeps its data, how many of each run, and what else each service is told."""

    name: str
    database_url: str
    tracker_url: str
    rasa_replicas: int = 1
    action_workers: int = 2
    gateway_workers: int = 1
    api_workers: int = 1
    rasa_env: dict[str, str] = field(default_factory=dict)
    gateway_env: dict[str, str] = field(default_factory=dict)
    facts_env: dict[str, str] = field(default_factory=dict)


def unless_set(service: str, **values: object) -> dict[str, str]:
    """The variables of ``service`` for these attributes, leaving out those set in the environment."""
    cls = SERVICE_SETTINGS[service]
    return environment(cls, **{name: value for name, value in values.items() if not explicitly_set(cls, name)})


def ensure_database(server_url: str, name: str) -> None:
    """Create database ``name`` on the PostgreSQL server at ``server_url`` unless it exists."""
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_services() -> None:
    """PostgreSQL, Redis and RabbitMQ up (started or installed: scripts/ensure_test_services.sh)."""
    script = ROOT / "scripts" / "ensure_test_services.sh"
    subprocess.run([str(script), "postgresql", "redis", "rabbitmq"], cwd=ROOT, check=True)


def embedded(settings: Settings) -> Profile:
    """SQLite under var/, one process of each, state in memory."""
    return Profile(
        name="embedded",
        database_url=settings.database_url or f"sqlite:///{VAR / 'miaval.db'}",
        tracker_url=settings.tracker_store_url or f"sqlite:///{VAR / 'rasa' / 'tracker.db'}",
    )


def production(settings: Settings) -> Profile:
    """PostgreSQL, Redis and RabbitMQ on this machine (started if needed), replicas and workers."""
    ensure_services()
    server = settings.postgres_url.rstrip("/")
    if not settings.database_url:
        ensure_database(server, DATABASE)
    if not settings.tracker_store_url:
        ensure_database(server, TRACKER_DATABASE)
    app_server = server.replace("postgresql://", "postgresql+psycopg://", 1)  # the app's driver is psycopg 3
    return Profile(
        name="production",
        database_url=settings.database_url or f"{app_server}/{DATABASE}",
        tracker_url=settings.tracker_store_url or f"{server}/{TRACKER_DATABASE}",
        rasa_replicas=settings.rasa_replicas,
        action_workers=settings.action_workers,
        gateway_workers=settings.gateway_workers,
        api_workers=SERVICE_SETTINGS["api"].from_env().serve_workers,
        rasa_env=unless_set(
            "rasa", lock_store_type=SHARED_LOCK_STORE, event_broker_host=RABBITMQ_HOST, shared_state_url=REDIS_URL,
        ),
        gateway_env=unless_set("gateway", shared_state_url=REDIS_URL),
        facts_env=unless_set("facts", event_broker_host=RABBITMQ_HOST),
    )


def profile_for(settings: Settings) -> Profile:
    """The profile MIAVAL_PROFILE names (UnknownProfile otherwise)."""
    if settings.profile == "embedded":
        return embedded(settings)
    if settings.profile == "production":
        return production(settings)
    raise UnknownProfile(f"MIAVAL_PROFILE must be one of {', '.join(PROFILES)}, not {settings.profile!r}")


def rasa_urls(settings: Settings) -> list[str]:
    """The Rasa servers `make run` starts with these settings (RASA_URL, if set, names the one to use)."""
    if settings.rasa_url:
        return [settings.rasa_url]
    count = settings.rasa_replicas if settings.profile == "production" else 1
    return [f"http://127.0.0.1:{settings.rasa_port + index}" for index in range(count)]


def prepare_tracker_store(rasa_env: dict[str, str]) -> None:
    """Create the conversation store's tables once, before the replicas start together.

    (``python -m conversation_store`` in Rasa's environment.)
    """
    subprocess.run(
        tracker_store_command(), cwd=ROOT, env=service_env("rasa", rasa_env), check=True, umask=private_files.UMASK
    )


__all__ = ["Profile", "profile_for", "prepare_tracker_store", "rasa_urls"]
