"""A real console process (gunicorn, as `make run` starts it) over a fresh demo database, and a staff browser
made of ``requests`` that signs in and submits forms with their CSRF tokens."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

import requests

from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from launcher.secrets import new_secret
from launcher.services import ServiceProcess, prepare_console, prepare_database, start_console
from miaval_api.db import Database
from tests.postgres import create_database, drop_database

PASSWORDS = {
    "valeria.sosa@aval.example": "valeria-" + secrets.token_urlsafe(9),
    "hernan.ruiz@aval.example": "hernan-" + secrets.token_urlsafe(9),
    "roberto.diaz@pas.example": "roberto-" + secrets.token_urlsafe(9),
    "micaela.torres@aval.example": "micaela-" + secrets.token_urlsafe(9),
}
EXECUTIVE, SUPERVISOR, PRODUCER, TRAINER = PASSWORDS


@dataclass
class ConsoleStack:
    """The console's URL, its database (to arrange and check rows), and the conversation store it reads."""

    url: str
    database_url: str
    database: Database
    process: ServiceProcess
    tracker_url: str
    tracker_keys: dict[str, str]

    def session(self, write: bool = False) -> Any:
        return self.database.session(write=write)

    def write_conversation(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Store events as Rasa's sealed tracker store does (hashed sender id, Fernet-sealed data)."""
        sealer = Sealer([self.tracker_keys["TRACKER_ENCRYPTION_KEYS"]])
        key = row_key(self.tracker_keys["TRACKER_SENDER_KEY"], sender_id)
        engine = rows.make_engine(self.tracker_url)
        rows.create_tables(engine)
        with engine.begin() as connection:
            for event in events:
                connection.execute(
                    rows.events.insert().values(
                        sender_id=key, type_name=event["event"], timestamp=event.get("timestamp"),
                        data=sealer.seal(event),
                    )
                )  # fmt: skip
        engine.dispose()


def console_stack(tmp: Path, backend: str, extra_env: Optional[dict[str, str]] = None) -> Iterator[ConsoleStack]:
    """Migrate and load the demo into SQLite or a throw-away PostgreSQL database, load the demo staff, start it."""
    name = None
    if backend == "sqlite":
        database_url = f"sqlite:///{tmp / 'miaval.db'}"
    else:
        name, raw = create_database("miaval_console")
        database_url = raw.replace("postgresql://", "postgresql+psycopg://", 1)
    tracker_url = f"sqlite:///{tmp / 'tracker.db'}"
    keys = {"TRACKER_ENCRYPTION_KEYS": new_secret(), "TRACKER_SENDER_KEY": new_secret()}
    prepare_database(database_url)
    prepare_console(database_url, PASSWORDS)
    env = {"TRACKER_STORE_URL": tracker_url, **keys, **(extra_env or {})}
    process = start_console(database_url, log_dir=tmp / "log", extra_env=env)
    database = Database(database_url, 2)
    try:
        yield ConsoleStack(process.url, database_url, database, process, tracker_url, keys)
    finally:
        process.stop()
        database.engine.dispose()
        if name:
            drop_database(name, wait_seconds=5)


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')


class Staff:
    """One browser session on the console."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.token = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.url + path, allow_redirects=False, timeout=10, **kwargs)
        found = (
            TOKEN.search(response.text) if response.headers.get("Content-Type", "").startswith("text/html") else None
        )
        if found:
            self.token = found.group(1)
        return response

    def post(
        self, path: str, data: Optional[dict[str, Any]] = None, csrf: bool = True, **kwargs: Any
    ) -> requests.Response:
        if csrf and not self.token:
            self.get("/entrar")
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token
        return self.http.post(self.url + path, data=form, allow_redirects=False, timeout=10, **kwargs)

    def sign_in(self, email: str, password: Optional[str] = None) -> requests.Response:
        self.get("/entrar")
        response = self.post("/entrar", {"email": email, "password": password or PASSWORDS[email]})
        if response.status_code == 302:  # the home page holds the new session's CSRF token
            self.get(response.headers["Location"].replace(self.url, ""))
        return response

    def nonce(self, path: str) -> str:
        found = NONCE.search(self.get(path).text)
        assert found, f"no nonce on {path}"
        return found.group(1)


def signed_in(url: str, email: str) -> Staff:
    staff = Staff(url)
    response = staff.sign_in(email)
    assert response.status_code == 302, response.text
    return staff


def now() -> datetime:
    return datetime.now(timezone.utc)


def wait_for(condition: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition never held")
