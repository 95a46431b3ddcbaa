"""What the assistant learns from its conversations: per-turn facts, the review queue, satisfaction answers.

Written by the conversation facts consumer (``python -m conversation_facts``) from Rasa's event stream; no
personal data: a conversation is named by its row key (the keyed hash the conversation store uses), and a
message kept for review is kept masked (``conversation_facts.masking``). Erasing an account deletes its rows
(miaval_api/services/erasure.py); everything goes after ``RETENTION_DAYS`` (miaval_api/services/retention.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# Why a message is in the review queue.
REVIEW_REASONS = ("fallback", "low_confidence", "before_handoff")
# open → annotated (an intent given) or noise; annotated → exported (written to bot/data/nlu/reviewed.yml).
REVIEW_STATUSES = ("open", "annotated", "noise", "exported")


class ConsumedEvent(Base):
    """An event the consumer has handled, by its stable id: a republished or replayed event is counted once."""

    __tablename__ = "consumed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    consumed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ConversationTurn(Base):
    """One customer message and what the assistant did with it."""

    __tablename__ = "conversation_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[str] = mapped_column(String(64), index=True)  # the conversation store's row key
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    intent: Mapped[Optional[str]] = mapped_column(String(80))
    confidence: Mapped[Optional[float]] = mapped_column(Float)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    form: Mapped[Optional[str]] = mapped_column(String(60))  # the form active when the message came
    step: Mapped[Optional[str]] = mapped_column(String(60))  # the slot the form was asking for
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)  # the assistant's actions after it, in order
    # What the turn ended: handoff, claim_filed, certificate_sent, form_left... (conversation_facts.facts.OUTCOMES)
    outcome: Mapped[Optional[str]] = mapped_column(String(40), index=True)
    detail: Mapped[Optional[str]] = mapped_column(String(40))  # what the outcome was about: a claim's type
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # the assistant's last reply to it


class ReviewItem(Base):
    """A message the assistant did not understand well, masked, waiting for a person to say what it meant."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[Optional[int]] = mapped_column(ForeignKey("conversation_turns.id", ondelete="SET NULL"))
    conversation: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)  # masked
    # The assistant's message before it and its answer to it, masked.
    before: Mapped[Optional[str]] = mapped_column(Text)
    after: Mapped[Optional[str]] = mapped_column(Text)
    predicted_intent: Mapped[Optional[str]] = mapped_column(String(80))
    confidence: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    intent: Mapped[Optional[str]] = mapped_column(String(80))  # the intent a person gave it
    example: Mapped[Optional[str]] = mapped_column(Text)  # the training example, Rasa's entity annotation syntax
    reviewed_by: Mapped[Optional[int]] = mapped_column(Integer)  # staff id (plain: the audit outlives rows)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    exported_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    held_out: Mapped[bool] = mapped_column(Boolean, default=False)  # exported to the held-out set, not training


class SatisfactionAnswer(Base):
    """A customer's answer to "¿Te sirvió?" after a flow ended."""

    __tablename__ = "satisfaction_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    flow: Mapped[str] = mapped_column(String(40))
    helpful: Mapped[bool] = mapped_column(Boolean)
