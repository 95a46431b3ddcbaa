"""Shared fixtures: real services on free ports, with a fresh demo database.

Standard library and `launcher` only: this file is loaded by both test
environments (the app's Python 3.11 and Rasa's Python 3.10).

- `demo_api`: the Mi Aval API over a fresh SQLite database holding the demo
  portfolio, e-mail written to an outbox folder.
- `stack`: `demo_api` plus the action server and the Rasa server with the
  trained model (`make train` first), with their own hop secrets (`stack.hops`:
  the gateway channel's HMAC key, the action server's bearer token).

Tests that change the demo people's data in a way others would notice
(deleting Laura's account, say) start their own API instead.

Under pytest-xdist (`make test-python`: ``-n 2``) each worker
starts its own session services; a test module runs whole on one worker (its
module's services start once), and so does each package of
``WHOLE_PACKAGES``, whose services start once for the package. Those packages,
the longest, are handed out first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from launcher.outbox import latest_code  # noqa: F401 - tests import it from here
from launcher.secrets import HopSecrets, tracker_secrets
from launcher.services import ServiceProcess, prepare_database, start_actions, start_api, start_rasa

TESTS = Path(__file__).resolve().parent
# Longest first: the production profile (two replicas, ~10 min on a busy machine), then the fault tests.
WHOLE_PACKAGES = ("production", "faults")

# Many tests sign in as the same demo people from different chats; the limits on
# code resends and wrong codes are tested on their own (tests/api) and relaxed here so that
# tests do not wait for each other.
SHARED_API_LIMITS = {
    "VERIFICATION_RESEND_INTERVAL_SECONDS": "1",
    "VERIFICATION_SENDS_PER_HOUR": "1000",
    "VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR": "1000",
    "VERIFICATION_MAX_FAILURES_PER_DAY": "1000",
}


@dataclass
class DemoApi:
    url: str
    token: str
    database_url: str
    outbox_dir: Path
    process: ServiceProcess
    # The conversation store Rasa will use beside this API (the API erases from it): URL and keys.
    tracker_db: Path
    tracker_env: dict[str, str]


@dataclass
class Stack:
    api: DemoApi
    actions: ServiceProcess
    rasa: ServiceProcess
    hops: HopSecrets

    @property
    def tracker_db(self) -> Path:
        return self.api.tracker_db

    @property
    def tracker_env(self) -> dict[str, str]:
        return self.api.tracker_env

    @property
    def api_url(self) -> str:
        return self.api.url

    @property
    def api_token(self) -> str:
        return self.api.token

    @property
    def database_url(self) -> str:
        return self.api.database_url

    @property
    def outbox_dir(self) -> Path:
        return self.api.outbox_dir

    @property
    def actions_url(self) -> str:
        return self.actions.url

    @property
    def rasa_url(self) -> str:
        return self.rasa.url


def start_demo_api(base: Path, extra_env: Optional[dict[str, str]] = None) -> DemoApi:
    """A Mi Aval API over a fresh SQLite database with the demo portfolio, under ``base``.

    It erases conversations from a SQLite conversation store under ``base`` too
    (``tracker_env``: what Rasa needs to use that store).
    """
    database_url = f"sqlite:///{base / 'miaval.db'}"
    outbox = base / "outbox"
    token = secrets.token_urlsafe(24)
    tracker_db = base / "tracker.db"
    tracker_env = {"TRACKER_STORE_URL": f"sqlite:///{tracker_db}", **tracker_secrets()}
    env = {name: tracker_env[name] for name in ("TRACKER_STORE_URL", "TRACKER_SENDER_KEY")}
    env.update(extra_env or {})
    prepare_database(database_url)
    process = start_api(database_url, token, outbox, log_dir=base / "log", extra_env=env)
    return DemoApi(process.url, token, database_url, outbox, process, tracker_db, tracker_env)


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory) -> DemoApi:
    api = start_demo_api(tmp_path_factory.mktemp("demo-api"), SHARED_API_LIMITS)
    yield api
    api.process.stop()


@pytest.fixture(scope="session")
def stack(demo_api, tmp_path_factory) -> Stack:
    base = tmp_path_factory.mktemp("stack")
    hops = HopSecrets.generate()
    actions = start_actions(demo_api.url, demo_api.token, hops, log_dir=base / "log")
    try:
        rasa = start_rasa(
            actions.url, demo_api.tracker_db, hops, log_dir=base / "log", extra_env=demo_api.tracker_env
        )
    except Exception:
        actions.stop()
        raise
    yield Stack(api=demo_api, actions=actions, rasa=rasa, hops=hops)
    rasa.stop()
    actions.stop()


def xdist_group(nodeid: str) -> str:
    """Which tests run together on one worker: a package of ``WHOLE_PACKAGES``, else a test file."""
    path = nodeid.split("::", 1)[0]
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "tests" and parts[1] in WHOLE_PACKAGES else path


@pytest.hookimpl(optionalhook=True)  # Rasa's environment has no xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's load-by-scope scheduling with ``xdist_group``'s groups (xdist's own ``loadgroup`` cannot rename
    pytest 9's node ids)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByFileAndWholePackages(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return ByFileAndWholePackages(config, log)


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixtures
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The packages of ``WHOLE_PACKAGES`` first, in that order (xdist hands groups out in collection order)."""
    first = {name: rank for rank, name in enumerate(WHOLE_PACKAGES)}
    items.sort(key=lambda item: first.get(xdist_group(item.nodeid), len(first)))  # stable: the rest keep their order
