"""The services a benchmark measures, started through `launcher.services` on free ports in a temp dir."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from launcher.secrets import HopSecrets
from launcher.services import ServiceProcess, prepare_database, start_actions, start_api, start_gateway, start_rasa

# Many chat identities sign in as Laura within minutes: the API's per-address
# resend limits (60 s apart, 5 an hour) would refuse all but the first few.
API_BENCH_ENV = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "0",
    "VERIFICATION_SENDS_PER_HOUR": "1000000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000000",
}
# One benchmark conversation writes far faster than a person: lift the gateway's per-sender limit.
GATEWAY_BENCH_ENV = {"GATEWAY_RATE_LIMIT_PER_MINUTE": "1000000"}


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

    def services(self) -> dict[str, ServiceProcess]:
        return {"gateway": self.gateway, "rasa": self.rasa, "actions": self.actions, "api": self.api}

    def stop(self, keep_files: bool = False) -> None:
        for service in (self.gateway, self.rasa, self.actions, self.api):
            if service is not None:
                service.stop()
        if not keep_files:
            shutil.rmtree(self.base, ignore_errors=True)


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
        rasa = start_rasa(actions.url, tracker_db, hops, log_dir=log_dir, extra_env=extra_env.get("rasa"))
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
    return BenchStack(base, api, actions, rasa, gateway, outbox, tracker_db, hops)
