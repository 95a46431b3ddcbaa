"""Throw-away PostgreSQL databases for tests (127.0.0.1:5432, trust auth, user postgres).

Each test session or module makes its own uniquely named database, so that
suites running at the same time never see each other's data, and drops it after.
"""

from __future__ import annotations

import time
import uuid

import psycopg

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def create_database(prefix: str = "miaval_test") -> tuple[str, str]:
    """A new empty database: its name and its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str, wait_seconds: float = 0) -> None:
    """Drop it, closing its connections; waits up to ``wait_seconds`` for a restarting server."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
