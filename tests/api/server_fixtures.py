"""Real parts for the API tests: a gunicorn-served API on a free port, SQLite or PostgreSQL, and an SMTP sink.

Imported by tests/api/conftest.py and tests/api_client/conftest.py.
"""

from __future__ import annotations

import email
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import requests
from aiosmtpd.controller import Controller

from tests.api.contract import Contract
from tests.postgres import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-service-token-" + uuid.uuid4().hex
SECRET_KEY = "test-secret-key-" + uuid.uuid4().hex  # the API's own key, unrelated to the token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- SMTP ------------------------------------------------------------------


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        with self.sink.lock:
            self.sink.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@dataclass
class SmtpSink:
    """An SMTP server on loopback that keeps every message it receives."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [message for rcpt, message in self.messages if address in rcpt]

    def wait_for_subject(self, address: str, text: str, after: int = 0, timeout: float = 10.0) -> Message:
        """Wait for a message to ``address`` (after the first ``after`` ones) whose subject holds ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.to(address)[after:]:
                if text in (message["Subject"] or ""):
                    return message
            time.sleep(0.02)
        raise AssertionError(f"no e-mail about {text} arrived")

    def wait_for(self, address: str, count: int, timeout: float = 10.0) -> Message:
        """Wait until ``address`` received at least ``count`` messages; return the newest."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.to(address)
            if len(received) >= count:
                return received[-1]
            time.sleep(0.02)
        raise AssertionError(f"no e-mail #{count} arrived")


def body_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def code_in(message: Message) -> str:
    found = re.search(r"\b(\d{6})\b", body_text(message))
    assert found, "the e-mail holds no 6-digit code"
    return found.group(1)


# -- databases --------------------------------------------------------------


# -- the API process ---------------------------------------------------------


class ApiServer:
    """``gunicorn miaval_api.wsgi:app`` on a free port with the given environment."""

    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 4):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(env["OUTBOX_DIR"]).parent / f"api-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - open for the life of the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "miaval_api.wsgi:app",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--graceful-timeout",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the API exited at start:\n" + self.log_path.read_text())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the API did not become healthy")

    def logs(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def base_env(database_url: str, smtp_port: int, workdir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("SMTP_USER", "SMTP_PASSWORD", "MIAVAL_SECRET_KEY"):
        env.pop(name, None)
    env.update(
        PYTHONPATH=str(ROOT),
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        DATABASE_URL=database_url,
        MIAVAL_API_TOKEN=TOKEN,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_STARTTLS="0",  # the loopback sink speaks plain SMTP
        MIAVAL_SECRET_KEY=SECRET_KEY,
        MAIL_FROM="Mi Aval <no-responder@miaval.example>",
        OUTBOX_DIR=str(workdir / "outbox"),
    )
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "miaval_api", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result


# -- the HTTP helper tests use ------------------------------------------------


class Api:
    """Talks to the API like the real client does, checking every answer against the contract."""

    def __init__(self, server: Backend, contract: Contract):
        self.server = server
        self.url = server.url
        self.contract = contract
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {TOKEN}"

    def call(
        self, method: str, path: str, identity: Optional[str] = None, check: bool = True, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if identity is not None:
            headers["X-Chat-Identity"] = identity
        response = self.http.request(method, self.url + path, headers=headers, timeout=30, **kwargs)
        if check:
            self.contract.check(response)
        return response

    def get(self, path: str, identity: Optional[str] = None, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, identity, **kwargs)

    def post(self, path: str, identity: Optional[str] = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, identity, **kwargs)

    def delete(self, path: str, identity: Optional[str] = None, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, identity, **kwargs)

    def verify(self, email_address: str, sender: Optional[str] = None) -> tuple[str, dict[str, Any]]:
        """Verify a new chat identity for ``email_address`` through the e-mailed code."""
        sender = sender or f"telegram:{uuid.uuid4().int % 10**12}"
        before = len(self.server.smtp.to(email_address))
        started = self.post("/v1/verifications", json={"chat_identity": sender, "email": email_address})
        assert started.status_code == 202, started.text
        code = code_in(self.server.smtp.wait_for(email_address, before + 1))
        confirmed = self.post("/v1/verifications/confirm", json={"chat_identity": sender, "code": code})
        assert confirmed.status_code == 200, confirmed.text
        return sender, confirmed.json()

    def new_user(self) -> str:
        """A chat identity of a brand-new verified account with no clients."""
        sender, _ = self.verify(f"user-{uuid.uuid4().hex[:10]}@example.net")
        return sender


@dataclass
class Backend:
    """A running API on one database, with its SMTP sink."""

    name: str
    url: str
    database_url: str
    env: dict[str, str]
    smtp: SmtpSink
    workdir: Path
    server: ApiServer

    def variant(self, **extra: str) -> ApiServer:
        """Another API process on the same database with different settings."""
        env = dict(self.env, **extra)
        return ApiServer(env, workers=1, threads=2)


# -- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract.load()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, smtp: SmtpSink, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """The API served by gunicorn over a migrated database holding the demo portfolio."""
    workdir = tmp_path_factory.mktemp(f"api-{request.param}")
    pg_name = None
    if request.param == "sqlite":
        database_url = f"sqlite:///{workdir / 'miaval.db'}"
    else:
        pg_name, database_url = create_database()
    env = base_env(database_url, smtp.port, workdir)
    server = None
    try:
        run_cli(env, "migrate")
        run_cli(env, "load-demo")
        server = ApiServer(env)
        yield Backend(request.param, server.url, database_url, env, smtp, workdir, server)
    finally:
        if server is not None:
            server.stop()
        if pg_name:
            drop_database(pg_name)


@pytest.fixture(scope="session")
def laura_session(backend: Backend, contract: Contract) -> dict[str, Any]:
    """Laura verified once per backend (her e-mail has a send limit per hour)."""
    api = Api(backend, contract)
    sender, confirmed = api.verify("laura.gomez@example.com")
    return {"sender": sender, "confirmed": confirmed}


@pytest.fixture
def api(backend: Backend, contract: Contract) -> Api:
    return Api(backend, contract)


@pytest.fixture
def laura(laura_session: dict[str, Any]) -> str:
    return laura_session["sender"]
