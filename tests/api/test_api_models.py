"""The small model the channel gateway uses to drop retried webhook deliveries."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from miaval_api.db import make_engine
from miaval_api.settings import database_url
from models import delivery_seen, mark_delivery_seen


def test_a_delivery_is_new_only_once(backend):
    engine = make_engine(database_url(backend.database_url), pool_size=2)
    delivery = uuid.uuid4().hex
    try:
        with Session(engine) as session:
            assert delivery_seen(session, "telegram", delivery) is False
            assert mark_delivery_seen(session, "telegram", delivery) is True
            session.commit()
        with Session(engine) as session:
            assert mark_delivery_seen(session, "telegram", delivery) is False
            # The same id on another channel is another delivery.
            assert mark_delivery_seen(session, "whatsapp", delivery) is True
            session.commit()
            assert delivery_seen(session, "telegram", delivery) is True
    finally:
        engine.dispose()
