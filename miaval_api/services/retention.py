"""How long Mi Aval keeps what it keeps, and the purge that applies it (``python -m miaval_api purge``).

One place for every retention rule. Conversations and requests to talk to a
person last ``RETENTION_DAYS`` (180 by default) after they were last touched;
what only serves a technical purpose goes much sooner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from conversation_facts import retention as facts
from miaval_api import mail
from miaval_api.db import Database
from miaval_api.services import conversations
from miaval_api.settings import Settings
from models import (
    ClaimAttachment,
    CodeSend,
    FailedAttempt,
    HandoffRequest,
    LockoutNotice,
    OneTimeCode,
    OutboundMessage,
    ProcessedDelivery,
    Upload,
)

CODE_SENDS = timedelta(days=2)  # the resend limits look back one day at most
DELIVERIES = timedelta(days=7)  # channels retry a delivery for minutes, at most hours
ORPHAN_UPLOADS = timedelta(days=7)  # a photo never attached to a claim
CLOSED_HANDOFFS = timedelta(days=90)
SENT_MESSAGES = timedelta(days=90)  # what Aval sent unasked; the conversation itself keeps a copy
OUTBOX = timedelta(days=7)  # .eml files of the embedded default (one-time codes, receipts)
LIMIT_RECORDS = timedelta(days=2)  # failed codes and links count for a day at most; lockouts end at midnight


@dataclass(frozen=True)
class Purged:
    conversation_events: int
    code_sends: int
    codes: int
    deliveries: int
    uploads: int
    handoffs: int
    outbox_files: int
    limit_records: int = 0
    outbound_messages: int = 0


def purge(db: Database, settings: Settings, now: datetime) -> Purged:
    """Delete everything older than its retention as of ``now`` (a settable clock for tests)."""
    idle_before = now - timedelta(days=settings.retention_days)
    with db.session(write=True) as session:

        def gone(statement) -> int:
            return session.execute(statement).rowcount or 0

        code_sends = gone(delete(CodeSend).where(CodeSend.sent_at < now - CODE_SENDS))
        codes = gone(delete(OneTimeCode).where(OneTimeCode.expires_at < now))
        deliveries = gone(delete(ProcessedDelivery).where(ProcessedDelivery.seen_at < now - DELIVERIES))
        uploads = gone(
            delete(Upload).where(
                Upload.created_at < now - ORPHAN_UPLOADS, Upload.id.not_in(select(ClaimAttachment.upload_id))
            )
        )
        limit_records = gone(delete(FailedAttempt).where(FailedAttempt.failed_at < now - LIMIT_RECORDS)) + gone(
            delete(LockoutNotice).where(LockoutNotice.locked_until < now - LIMIT_RECORDS)
        )
        handoffs = gone(
            delete(HandoffRequest).where(
                or_(
                    HandoffRequest.created_at < idle_before,
                    (HandoffRequest.status != "open") & (HandoffRequest.created_at < now - CLOSED_HANDOFFS),
                )
            )
        )
        facts.purge(session, idle_before)  # conversation facts: no older than the conversations they come from
        outbound_messages = gone(
            delete(OutboundMessage).where(
                OutboundMessage.status != "pending", OutboundMessage.created_at < now - SENT_MESSAGES
            )
        )
    chats = conversations.purge(settings, idle_before, now) if conversations.configured(settings) else 0
    outbox_files = mail.purge_outbox(settings.outbox_dir, now - OUTBOX)
    db.compact()
    return Purged(
        chats, code_sends, codes, deliveries, uploads, handoffs, outbox_files, limit_records, outbound_messages
    )
