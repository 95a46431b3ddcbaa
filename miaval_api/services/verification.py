"""Proving that a chat identity owns an e-mail address with a one-time code.

A 6-digit code is e-mailed, valid ``code_ttl_seconds`` (10 minutes), at most
``code_max_attempts`` (5) tries, stored only as an HMAC-SHA256 under the
server secret. Sends are limited per requesting chat and per address (see
:func:`check_send`); wrong codes are capped per address per day, after which the
address is locked until the next local midnight and its owner is told.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from miaval_api.errors import (
    AddressLocked,
    CodeExpired,
    InvalidEmail,
    NoPendingVerification,
    ResendLimited,
    TooManyAttempts,
    WrongCode,
)
from miaval_api.services import accounts, audit, clock, limits
from miaval_api.services.access import linked_clients
from miaval_api.settings import Settings
from models import ChatIdentity, ClientProfile, CodeSend, OneTimeCode, User, UserClientLink

HOUR = timedelta(hours=1)
CODE_FAILURE = "code_address"  # wrong codes are counted per e-mail address

EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z"
)


def normalise_email(raw: str) -> str:
    """Lower-case and plausible (the contract's pattern, nothing around it), or InvalidEmail."""
    email = raw.lower()
    if len(email) > 254 or not EMAIL.match(email) or ".." in email:
        raise InvalidEmail()
    return email


def mask_email(email: str) -> str:
    """Safe to show in a chat: ``laura.gomez@example.com`` -> ``l***z@example.com``."""
    local, _, domain = email.partition("@")
    shown = local[0] + "***" + (local[-1] if len(local) > 2 else "")
    return f"{shown}@{domain}"


def _digest(settings: Settings, *parts: str) -> str:
    return hmac.new(settings.secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def email_key(settings: Settings, email: str) -> str:
    """How code sends name an address (a keyed hash, not the address)."""
    return _digest(settings, "email", email)


@dataclass(frozen=True)
class Started:
    email: str
    email_masked: str
    expires_in_seconds: int
    code: str  # only for the e-mail; never logged, never stored


def start(session: Session, settings: Settings, sender_id: str, raw_email: str) -> Started:
    """Create a fresh code for this identity (replacing any pending one), if :func:`check_send` allows it."""
    accounts.check_sender_id(sender_id)
    email = normalise_email(raw_email)
    address_key = email_key(settings, email)
    now = clock.now()
    check_send(session, settings, sender_id, email, address_key)
    code = f"{secrets.randbelow(10**6):06d}"
    session.execute(delete(OneTimeCode).where(OneTimeCode.sender_id == sender_id))
    session.add(
        OneTimeCode(
            sender_id=sender_id,
            email=email,
            code_hmac=_digest(settings, "code", sender_id, code),
            attempts=0,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.code_ttl_seconds),
        )
    )
    session.add(CodeSend(sender_id=sender_id, email_hmac=address_key, sent_at=now))
    return Started(email, mask_email(email), settings.code_ttl_seconds, code)


def check_send(session: Session, settings: Settings, sender_id: str, email: str, address_key: str) -> None:
    """The whole rule for sending a code, in order; ResendLimited or AddressLocked when it says no.

    1. Every chat: one code per ``resend_interval_seconds`` to the same address (a corrected
       address gets its code at once) and at most ``sends_per_hour`` an hour to any address,
       counted per requesting chat, so a stranger's asking spends only the stranger's chat.
    2. A chat already tied to the account of this address (the owner's) always gets its code: it
       stops here, whatever other chats did to the address.
    3. Any other chat: not while the address is locked after too many wrong codes today, and at
       most ``sends_per_address_per_hour`` for the address from all chats together.
    """
    now = clock.now()
    chat_sends = _sends_in_last_hour(session, CodeSend.sender_id == sender_id)
    to_address = (CodeSend.sender_id == sender_id) & (CodeSend.email_hmac == address_key)
    same_address = _sends_in_last_hour(session, to_address)
    if same_address and (wait := settings.resend_interval_seconds - (now - same_address[-1]).total_seconds()) > 0:
        raise ResendLimited(retry_after=int(wait) + 1)
    if retry_after := limits.window_retry_after(chat_sends, settings.sends_per_hour, HOUR):
        raise ResendLimited("Too many codes sent to this chat in the last hour.", retry_after=retry_after)
    if is_owner_chat(session, sender_id, email):
        return
    if locked_until := address_locked_until(session, settings, email):
        raise AddressLocked(retry_after=limits.seconds_until(locked_until))
    address_sends = _sends_in_last_hour(session, CodeSend.email_hmac == address_key)
    if retry_after := limits.window_retry_after(address_sends, settings.sends_per_address_per_hour, HOUR):
        raise ResendLimited("Too many codes sent to this address in the last hour.", retry_after=retry_after)


def _sends_in_last_hour(session: Session, condition: ColumnElement[bool]) -> list[datetime]:
    since = clock.now() - HOUR
    return list(
        session.scalars(select(CodeSend.sent_at).where(condition, CodeSend.sent_at > since).order_by(CodeSend.sent_at))
    )


def is_owner_chat(session: Session, sender_id: str, email: str) -> bool:
    """True when this chat is already tied to the verified account whose address is ``email``."""
    return (
        session.scalar(
            select(ChatIdentity.id)
            .join(User, User.id == ChatIdentity.user_id)
            .where(ChatIdentity.sender_id == sender_id, User.email == email, User.email_verified.is_(True))
        )
        is not None
    )


def address_locked_until(session: Session, settings: Settings, email: str) -> Optional[datetime]:
    """When today's lockout of ``email`` ends (the next local midnight), or None when it is not locked.

    An address is locked once ``code_max_failures_per_day`` wrong codes were entered for it today,
    from any chats.
    """
    day_start, day_end = clock.day_window(settings)
    failures = limits.count_since(session, settings, CODE_FAILURE, email, day_start)
    return day_end if failures >= settings.code_max_failures_per_day else None


def cancel(session: Session, sender_id: str) -> None:
    """Forget a code that could not be e-mailed (and its send), so the user may ask again at once."""
    session.execute(delete(OneTimeCode).where(OneTimeCode.sender_id == sender_id))
    last = select(func.max(CodeSend.id)).where(CodeSend.sender_id == sender_id).scalar_subquery()
    session.execute(delete(CodeSend).where(CodeSend.id == last))


@dataclass(frozen=True)
class Confirmed:
    user: User
    new_account: bool
    linked_clients: list[tuple[ClientProfile, str]]


def confirm(
    session: Session,
    settings: Settings,
    sender_id: str,
    raw_code: str,
    on_lockout: Callable[[str], None] = lambda email: None,
) -> Confirmed:
    """Check a code. Wrong codes are counted (and committed) before any answer, so parallel guesses count too.

    A wrong code also counts against the address; the one that reaches the day's cap locks the
    address (for every chat but the owner's) and calls ``on_lockout`` with the address, once per lockout.
    """
    accounts.check_sender_id(sender_id)
    pending = session.scalars(
        select(OneTimeCode).where(OneTimeCode.sender_id == sender_id).order_by(OneTimeCode.id.desc())
    ).first()
    if pending is None:
        raise NoPendingVerification()
    if pending.expires_at <= clock.now():
        raise CodeExpired()
    owner = is_owner_chat(session, sender_id, pending.email)
    if not owner and (locked_until := address_locked_until(session, settings, pending.email)):
        raise AddressLocked(retry_after=limits.seconds_until(locked_until))
    # Count the try atomically: only tries under the limit get compared at all.
    counted = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == pending.id, OneTimeCode.attempts < settings.code_max_attempts)
        .values(attempts=OneTimeCode.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        raise TooManyAttempts()
    code = re.sub(r"\s", "", raw_code)
    expected = pending.code_hmac
    given = _digest(settings, "code", sender_id, code)
    if not hmac.compare_digest(expected, given):
        limits.record_failure(session, settings, CODE_FAILURE, pending.email)
        session.commit()
        if not owner and (locked_until := address_locked_until(session, settings, pending.email)):
            if limits.claim_notice(session, settings, CODE_FAILURE, pending.email, locked_until):
                on_lockout(pending.email)
            raise AddressLocked(retry_after=limits.seconds_until(locked_until))
        attempts = session.scalar(select(OneTimeCode.attempts).where(OneTimeCode.id == pending.id)) or 0
        attempts_left = max(settings.code_max_attempts - attempts, 0)
        if attempts_left == 0:  # that was the last try: say so now rather than "0 tries left"
            raise TooManyAttempts()
        raise WrongCode(attempts_left=attempts_left)
    session.execute(delete(OneTimeCode).where(OneTimeCode.id == pending.id))
    return _welcome(session, sender_id, pending.email)


def _welcome(session: Session, sender_id: str, email: str) -> Confirmed:
    user = session.scalars(select(User).where(User.email == email)).first()
    new_account = user is None
    if user is None:
        user = User(email=email, role="client", email_verified=True, created_at=clock.now())
        session.add(user)
        session.flush()
    user.email_verified = True
    accounts.tie_identity(session, sender_id, user.id)
    link_by_email(session, user)
    return Confirmed(user, new_account, linked_clients(session, user.id))


def link_by_email(session: Session, user: User) -> int:
    """Link every client profile whose e-mail is the account's verified e-mail. Returns how many were new."""
    already = select(UserClientLink.client_id).where(UserClientLink.user_id == user.id)
    client_ids = session.scalars(
        select(ClientProfile.id).where(ClientProfile.email == user.email, ClientProfile.id.not_in(already))
    ).all()
    for client_id in client_ids:
        session.add(UserClientLink(user_id=user.id, client_id=client_id, linked_by="auto", created_at=clock.now()))
        audit.record(session, "link", user.id, client_id, linked_by="auto")
    session.flush()
    return len(client_ids)
