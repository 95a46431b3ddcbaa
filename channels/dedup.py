"""Retried webhook deliveries (same Telegram update_id, same Twilio MessageSid) are handled once.

What was seen is kept in the product database (table ``processed_deliveries``,
created by ``python -m miaval_api migrate``), so a restart forgets nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from models.delivery import mark_delivery_seen

log = logging.getLogger(__name__)


def make_engine(database_url: str) -> Engine:
    """An engine for the product database; SQLite waits for concurrent writers instead of failing."""
    if database_url.startswith("sqlite"):
        return create_engine(database_url, connect_args={"timeout": 15, "check_same_thread": False})
    return create_engine(database_url, pool_pre_ping=True)


class DeliveryLog:
    """Claims each delivery id once; later claims of the same id are refused."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def first_time(self, channel: str, delivery_id: str) -> bool:
        """True (and recorded) the first time this delivery is seen, False for a retry.

        If the database cannot answer, the delivery is handled anyway: answering
        twice is better than leaving a customer without an answer.
        """
        try:
            with Session(self.engine) as session:
                first = mark_delivery_seen(session, channel, delivery_id)
                session.commit()
        except SQLAlchemyError as exc:
            log.error("delivery log unavailable (%s): handling %s delivery anyway", type(exc).__name__, channel)
            return True
        return first
