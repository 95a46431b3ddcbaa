"""The conversation store's tables, and erasing and purging conversations without reading them.

Written for SQLAlchemy Core as both environments have it (1.4 under Rasa, 2.x
in the Mi Aval API), on SQLite and PostgreSQL.

- ``events`` is Rasa's own table (``SQLTrackerStore.SQLEvent``), declared again
  here with the same columns so that the API can erase rows even before Rasa
  ever ran; our store keeps ``sender_id`` as a keyed hash and ``data`` sealed.
- ``tracker_erasures`` holds one row per erased conversation (its hash and
  when): a turn that was running while its conversation was erased must not
  write the old events back (see ``tracker_store.EncryptedSQLTrackerStore.save``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import sqlalchemy as sa

# How long an erasure row is needed: longer than any turn can run.
ERASURE_MEMORY_SECONDS = 24 * 3600

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

erasures = sa.Table(
    "tracker_erasures",
    metadata,
    sa.Column("sender_id", sa.String(64), primary_key=True),
    sa.Column("erased_at", sa.Float, nullable=False),
)


def make_engine(url: Any) -> sa.engine.Engine:
    """An engine on the store; on SQLite deleted rows are overwritten (secure_delete), not left in free pages."""
    database = sa.engine.make_url(url).database
    if str(url).startswith("sqlite") and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/rasa/ yet
    engine = sa.create_engine(url)
    overwrite_deleted_rows(engine)
    return engine


def overwrite_deleted_rows(engine: sa.engine.Engine) -> None:
    """Make SQLite overwrite deleted content with zeros on every connection of ``engine``."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _secure_delete(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def create_tables(engine: sa.engine.Engine) -> None:
    """Create what is missing (Rasa creates ``events`` too, the same way)."""
    metadata.create_all(engine, checkfirst=True)


def erase(connection: sa.engine.Connection, row_keys: Iterable[str], at: float) -> int:
    """Delete these conversations and remember when (in the caller's transaction); rows deleted."""
    keys = sorted(set(row_keys))
    if not keys:
        return 0
    deleted = connection.execute(sa.delete(events).where(events.c.sender_id.in_(keys))).rowcount
    connection.execute(sa.delete(erasures).where(erasures.c.sender_id.in_(keys)))
    connection.execute(sa.insert(erasures), [{"sender_id": key, "erased_at": at} for key in keys])
    return deleted


def erased_at(connection: Any, row_key: str) -> Optional[float]:
    """When this conversation was last erased, if it was (an ORM session or a connection)."""
    return connection.execute(sa.select(erasures.c.erased_at).where(erasures.c.sender_id == row_key)).scalar()


def forget_erasure(connection: Any, row_key: str) -> None:
    """The erasure has been honoured: the conversation may be stored again as usual."""
    connection.execute(sa.delete(erasures).where(erasures.c.sender_id == row_key))


def purge(connection: sa.engine.Connection, idle_before: float, now: float) -> int:
    """Delete conversations whose newest event is older than ``idle_before`` (epoch seconds); rows deleted.

    Rows stored before the store was sealed (a plain sender id, which always
    holds a colon) go too, and erasure rows nobody needs any more.
    """
    idle = (
        sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < idle_before)
    )
    deleted = connection.execute(sa.delete(events).where(events.c.sender_id.in_(idle))).rowcount
    deleted += connection.execute(sa.delete(events).where(events.c.sender_id.like("%:%"))).rowcount
    connection.execute(sa.delete(erasures).where(erasures.c.erased_at < now - ERASURE_MEMORY_SECONDS))
    return deleted
