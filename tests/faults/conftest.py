"""The fault tests' own services (API, actions, Rasa on a fresh demo database): they stop and restart them,
so they never touch the session `stack` other tests share."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from channels.rasa import RasaClient
from launcher.secrets import TRACKER_SECRETS, HopSecrets
from launcher.services import ServiceProcess, prepare_database, start_actions, start_api, start_rasa

# Several tests sign in as Laura within a minute; the per-address resend limit would refuse them.
API_ENV = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
    "VERIFICATION_SENDS_PER_HOUR": "1000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000",
}


@dataclass
class FaultStack:
    base: Path
    database_url: str
    token: str
    outbox_dir: Path
    tracker_db: Path
    api: ServiceProcess
    actions: ServiceProcess
    rasa: ServiceProcess
    hops: HopSecrets

    def rasa_client(self) -> RasaClient:
        """A signed client of this stack's Rasa, as the gateway talks to it."""
        return RasaClient(self.rasa.url, self.hops.rasa_channel_secret, timeout=30)

    def restart_api(self, port: int | None = None) -> ServiceProcess:
        """A new API process on the same port and database (the old one must be stopped)."""
        self.api = start_api(
            self.database_url, self.token, self.outbox_dir, port=port or self.api.port,
            log_dir=self.base / "log", extra_env=API_ENV,
        )  # fmt: skip
        return self.api

    def restart_rasa(self) -> ServiceProcess:
        """Stop Rasa and start it again on the same port and the same tracker store (and keys)."""
        port = self.rasa.port
        self.rasa.stop()
        tracker_keys = {name: self.rasa.env[name] for name in TRACKER_SECRETS}  # the same keys read the same store
        self.rasa = start_rasa(self.actions.url, self.tracker_db, self.hops, port=port, log_dir=self.base / "log",
                               extra_env=tracker_keys)  # fmt: skip
        return self.rasa


@pytest.fixture(scope="package")
def fault_stack(tmp_path_factory) -> FaultStack:
    base = tmp_path_factory.mktemp("faults")
    database_url = f"sqlite:///{base / 'miaval.db'}"
    token = secrets.token_urlsafe(24)
    outbox = base / "outbox"
    hops = HopSecrets.generate()
    prepare_database(database_url)
    started: list[ServiceProcess] = []
    try:
        api = start_api(database_url, token, outbox, log_dir=base / "log", extra_env=API_ENV)
        started.append(api)
        actions = start_actions(api.url, token, hops, log_dir=base / "log")
        started.append(actions)
        rasa = start_rasa(actions.url, base / "tracker.db", hops, log_dir=base / "log")
        started.append(rasa)
    except BaseException:
        for service in reversed(started):
            service.stop()
        raise
    stack = FaultStack(base, database_url, token, outbox, base / "tracker.db", api, actions, rasa, hops)
    yield stack
    for service in (stack.rasa, stack.actions, stack.api):
        service.stop()
