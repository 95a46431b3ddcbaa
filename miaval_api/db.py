"""Engine and per-request sessions."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """An engine that survives database restarts (pool_pre_ping) and behaves on SQLite under threads."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, future=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # A SQLite file cannot go away under us: no ping before each checkout.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); WAL lets readers run beside the writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten, not left in free pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction takes the write lock up front: otherwise two
        # transactions that both read, then write, deadlock and one fails at once.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engine of one process and the sessions opened on it."""

    def __init__(self, url: str, pool_size: int = 10):
        self.engine = make_engine(url, pool_size)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._readers = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._writers = sessionmaker(bind=writer, expire_on_commit=False)

    def compact(self) -> None:
        """After an erasure: fold SQLite's write-ahead log into the database and empty it.

        The log still holds the pages as they were before the deletion; PostgreSQL
        reclaims its dead rows with (auto)vacuum instead.
        """
        if self.is_sqlite:
            connection = self.engine.raw_connection()  # outside any transaction, or the log cannot be emptied
            try:
                connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                connection.close()

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session for one unit of work: committed when the block ends, rolled back if it raises."""
        factory = self._writers if write else self._readers
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
