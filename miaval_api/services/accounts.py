"""Accounts and chat identities: resolving who is calling, signing out, deleting an account."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator, Optional

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from miaval_api.errors import InvalidRequest, NotVerified
from miaval_api.services import audit, clock, verification
from miaval_api.settings import Settings
from models import (
    CancellationRequest,
    ChatIdentity,
    ClaimAttachment,
    CodeSend,
    HandoffRequest,
    OneTimeCode,
    OutboundMessage,
    ProcessedDelivery,
    Upload,
    User,
    UserClientLink,
)

log = logging.getLogger(__name__)

# How often a chat's last use is written: idle time is counted in days, so every turn need not be a write.
TOUCH_EVERY = timedelta(hours=1)

# "telegram:123", "whatsapp:+5491155550101", "web:3f9a...": a channel, a colon, an id of printable characters.
SENDER_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}:[\x21-\x7e]{1,160}\Z")


def check_sender_id(sender_id: Optional[str]) -> str:
    """A well-formed chat identity or InvalidRequest."""
    if not isinstance(sender_id, str) or not SENDER_ID.match(sender_id):
        raise InvalidRequest("chat_identity must look like <channel>:<id>, e.g. telegram:123.")
    return sender_id


def channel_of(sender_id: str) -> str:
    return sender_id.split(":", 1)[0]


def find_user(session: Session, settings: Settings, sender_id: Optional[str]) -> Optional[User]:
    """The verified account behind a chat identity, or None.

    The one place where a chat's session ends by inactivity: an identity idle for
    ``CHAT_SESSION_IDLE_DAYS`` is not verified any more and is forgotten (a sign-out).
    A used identity records when, at most once per ``TOUCH_EVERY``.
    """
    if not sender_id or not SENDER_ID.match(sender_id):
        return None
    found = session.execute(
        select(User, ChatIdentity)
        .join(ChatIdentity, ChatIdentity.user_id == User.id)
        .where(ChatIdentity.sender_id == sender_id, User.email_verified.is_(True))
    ).first()
    if found is None:
        return None
    user, identity = found
    now = clock.now()
    if idle(settings, identity.last_used_at, now):
        with _bookkeeping(session):
            forget_identity(session, sender_id, reason="idle")
        return None
    if identity.last_used_at <= now - TOUCH_EVERY:
        with _bookkeeping(session):
            identity.last_used_at = now
    return user


def idle(settings: Settings, last_used_at: datetime, now: datetime) -> bool:
    """Whether a chat last used at ``last_used_at`` has been idle too long to stay signed in."""
    return last_used_at <= now - timedelta(days=settings.chat_session_idle_days)


@contextmanager
def _bookkeeping(session: Session) -> Iterator[None]:
    """Write the block's changes in a savepoint; if the database is busy they are left for the next call.

    Most callers read in a reading transaction; on SQLite another writer may have
    moved on meanwhile. The rule itself does not depend on the write: an idle
    identity is refused whether or not it could be removed yet.
    """
    try:
        with session.begin_nested():
            yield
            session.flush()
    except OperationalError as error:
        log.info("chat identity bookkeeping deferred: %s", type(error.orig).__name__)


def resolve_user(session: Session, settings: Settings, sender_id: Optional[str]) -> User:
    """The verified account behind a chat identity; NotVerified when there is none."""
    user = find_user(session, settings, sender_id)
    if user is None:
        raise NotVerified()
    return user


def tie_identity(session: Session, sender_id: str, user_id: int) -> None:
    """Tie a chat identity to an account, moving it if it was tied to another one."""
    existing = session.scalars(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id)).first()
    now = clock.now()
    if existing is None:
        session.add(
            ChatIdentity(
                sender_id=sender_id, channel=channel_of(sender_id), user_id=user_id, created_at=now, last_used_at=now
            )
        )
    else:
        existing.user_id = user_id
        existing.last_used_at = now


def forget_identity(session: Session, sender_id: str, reason: str = "sign_out") -> bool:
    """Untie a chat identity (signed out, or ``reason="idle"``) and drop its pending codes. True when it was tied."""
    identity = session.scalars(select(ChatIdentity).where(ChatIdentity.sender_id == sender_id)).first()
    session.execute(delete(OneTimeCode).where(OneTimeCode.sender_id == sender_id))
    if identity is None:
        return False
    audit.record(session, "forget_identity", identity.user_id, channel=identity.channel, reason=reason)
    session.delete(identity)
    return True


@dataclass(frozen=True)
class Deletion:
    unlinked_clients: int
    forgotten_identities: int
    email: str
    sender_ids: tuple[str, ...]


def delete_account(session: Session, settings: Settings, user: User) -> Deletion:
    """Delete an account and what the database holds about the person (Ley 25.326).

    Its links, chat identities, codes and code sends (by identity and by address),
    loose uploads, requests to talk to a person and the web chat's delivery
    records go. Client data, policies and claims stay: they are Aval's records.
    The audit keeps the fact (ids and counts, no personal data). Conversations
    and e-mails are erased by ``erasure.erase_account``, which calls this.
    """
    links = session.scalar(select(func.count()).select_from(UserClientLink).where(UserClientLink.user_id == user.id))
    senders = tuple(session.scalars(select(ChatIdentity.sender_id).where(ChatIdentity.user_id == user.id)))
    session.execute(delete(UserClientLink).where(UserClientLink.user_id == user.id))
    session.execute(delete(ChatIdentity).where(ChatIdentity.user_id == user.id))
    session.execute(delete(OneTimeCode).where(or_(OneTimeCode.sender_id.in_(senders), OneTimeCode.email == user.email)))
    email_key = verification.email_key(settings, user.email)
    session.execute(delete(CodeSend).where(or_(CodeSend.sender_id.in_(senders), CodeSend.email_hmac == email_key)))
    session.execute(
        delete(HandoffRequest).where(or_(HandoffRequest.user_id == user.id, HandoffRequest.sender_id.in_(senders)))
    )
    # A cancellation request is Aval's record about a policy: it stays, without the chat that asked.
    session.execute(
        update(CancellationRequest)
        .where(or_(CancellationRequest.user_id == user.id, CancellationRequest.sender_id.in_(senders)))
        .values(sender_id=None)
    )
    session.execute(
        delete(OutboundMessage).where(or_(OutboundMessage.user_id == user.id, OutboundMessage.sender_id.in_(senders)))
    )
    for sender in senders:  # the web chat's delivery ids start with the sender; Telegram's and Twilio's hold no one
        of_sender = ProcessedDelivery.delivery_id.startswith(f"{sender}:", autoescape=True)
        session.execute(delete(ProcessedDelivery).where(ProcessedDelivery.channel == "web", of_sender))
    attached = select(ClaimAttachment.upload_id)
    session.execute(delete(Upload).where(Upload.user_id == user.id, Upload.id.not_in(attached)))
    session.execute(update(Upload).where(Upload.user_id == user.id).values(user_id=None))
    audit.record(session, "delete_account", user.id, unlinked_clients=links or 0, forgotten_identities=len(senders))
    email = user.email
    session.delete(user)
    return Deletion(unlinked_clients=links or 0, forgotten_identities=len(senders), email=email, sender_ids=senders)
