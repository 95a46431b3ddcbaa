"""Rows the assistant would have written (requests for a person, chats, cancellations), for the console to show."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import select

from conversation_facts.facts import FactsWriter
from miaval_api.services import clock
from models import CancellationRequest, ChatIdentity, HandoffRequest, OutboundMessage, Policy, ReviewItem, User
from tests.conversation_facts import events as ev


def laura(session: Any) -> User:
    return session.scalars(select(User).where(User.email == "laura.gomez@example.com")).one()


def chat_of(session: Any, user: User, channel: str = "telegram") -> str:
    """A new chat identity of ``user`` on ``channel`` (the most recently used one)."""
    sender_id = (
        f"{channel}:{secrets.randbelow(10**9)}"
        if channel != "whatsapp"
        else f"whatsapp:+54911{secrets.randbelow(10**8):08d}"
    )
    session.add(ChatIdentity(sender_id=sender_id, channel=channel, user_id=user.id, last_used_at=clock.now()))
    return sender_id


def handoff(stack: Any, reason: str = "human_handoff", channel: str = "telegram", verified: bool = True,
            context: Optional[dict[str, Any]] = None) -> tuple[int, str]:  # fmt: skip
    """A request for a person from a new chat (Laura's when verified); its id and sender id."""
    with stack.session(write=True) as session:
        user = laura(session) if verified else None
        sender_id = chat_of(session, user, channel) if user else f"webchat:{secrets.token_hex(8)}"
        request = HandoffRequest(
            sender_id=sender_id, user_id=user.id if user else None, reason=reason, context=context or {},
            expected_contact="within_answer_time", status="open", created_at=clock.now(),
        )  # fmt: skip
        session.add(request)
        session.flush()
        return request.id, sender_id


def outbox(stack: Any, sender_id: str) -> list[OutboundMessage]:
    with stack.session() as session:
        return list(
            session.scalars(
                select(OutboundMessage).where(OutboundMessage.sender_id == sender_id).order_by(OutboundMessage.id)
            )
        )


def cancellation(stack: Any, policy_number: str = "AU-1048576") -> int:
    with stack.session(write=True) as session:
        user = laura(session)
        policy = session.scalars(select(Policy).where(Policy.number == policy_number)).one()
        request = CancellationRequest(
            policy_id=policy.id, user_id=user.id, sender_id="telegram:42", reason="Vendí el auto",
            status="requested", created_at=clock.now(),
        )  # fmt: skip
        session.add(request)
        session.flush()
        return request.id


def misunderstood(console: Any, texts: list[tuple[str, str, float]]) -> list[int]:
    """Customer messages the assistant fell back on, through the facts consumer's writer; their review item ids."""
    writer = FactsWriter(console.database)
    key = uuid.uuid4().hex * 2
    start = datetime.now(timezone.utc).timestamp() - 600
    for index, (text, guess, confidence) in enumerate(texts):
        writer.handle(uuid.uuid4().hex, ev.bot(key, start + 10 * index, "¿En qué te ayudo?"))
        writer.handle(uuid.uuid4().hex, ev.user(key, start + 10 * index + 1, text, "nlu_fallback", 0.4,
                                                ranking=[("nlu_fallback", 0.5), (guess, confidence)]))  # fmt: skip
    with console.session() as session:
        rows = session.scalars(select(ReviewItem.id).where(ReviewItem.conversation == key).order_by(ReviewItem.at))
        return list(rows)
