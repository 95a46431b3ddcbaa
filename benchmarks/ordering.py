"""Whether each conversation's messages reached Rasa once each, in the order they were sent.

Read back from the conversation store (sealed; opened with the stack's keys):
a conversation's stored user messages must be the last ones it sent, in order,
none twice, none that was answered missing (one that failed, e.g. the gateway
apologised after its timeout, may or may not have reached Rasa). Long
conversations are stored compacted (conversation_store/compaction.py), hence
"the last ones".
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings


def in_order(stored: list[str], sent: list[tuple[str, bool]]) -> bool:
    """Whether ``stored`` is the tail of ``sent`` (text, answered) without answered gaps, doubles or swaps."""
    index = len(sent) - 1
    for text in reversed(stored):
        while index >= 0 and sent[index][0] != text:
            if sent[index][1]:
                return False  # answered, yet not stored where it belongs
            index -= 1
        if index < 0:
            return False  # stored, yet not sent there (twice, or out of order)
        index -= 1
    return bool(stored)


def out_of_order(tracker_env: Mapping[str, str], said: Mapping[str, list[tuple[str, bool]]]) -> tuple[int, int]:
    """(conversations checked, conversations whose stored user messages are not the tail of what was sent)."""
    settings = StoreSettings.from_env(tracker_env)
    sealer = Sealer(settings.encryption_keys)
    url = settings.url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    wrong = 0
    try:
        with engine.connect() as connection:
            for sender, sent in said.items():
                query = (
                    sa.select(rows.events.c.data)
                    .where(rows.events.c.sender_id == row_key(settings.sender_key, sender))
                    .where(rows.events.c.type_name == "user")
                    .order_by(rows.events.c.id)
                )
                stored = [sealer.unseal(data).get("text") or "" for (data,) in connection.execute(query)]
                if not in_order(stored, sent):
                    wrong += 1
    finally:
        engine.dispose()
    return len(said), wrong
