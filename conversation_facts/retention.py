"""Erasing and purging conversation facts: called by the API's erasure and retention purge (one place each)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models import ConsumedEvent, ConversationTurn, ReviewItem, SatisfactionAnswer


def erase(session: Session, row_keys: Iterable[str]) -> int:
    """Delete every fact of these conversations (row keys), in the caller's transaction; rows deleted."""
    keys = sorted(set(row_keys))
    if not keys:
        return 0
    deleted = 0
    for model in (ReviewItem, SatisfactionAnswer, ConversationTurn):
        deleted += session.execute(delete(model).where(model.conversation.in_(keys))).rowcount or 0
    return deleted


def purge(session: Session, before: datetime) -> int:
    """Delete facts (and remembered event ids) older than ``before``; rows deleted."""
    deleted = 0
    for model in (ReviewItem, SatisfactionAnswer, ConversationTurn):
        deleted += session.execute(delete(model).where(model.at < before)).rowcount or 0
    deleted += session.execute(delete(ConsumedEvent).where(ConsumedEvent.consumed_at < before)).rowcount or 0
    return deleted
