"""Proving that a chat identity owns an e-mail address with a one-time code.

A 6-digit code is e-mailed, valid ``code_ttl_seconds`` (10 minutes), at most
``code_max_attempts`` (5) tries, stored only as an HMAC-SHA256 under the
server secret. Sends are limited per identity and per address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from miaval_api.errors import (
    CodeExpired,
    InvalidEmail,
    NoPendingVerification,
    ResendLimited,
    TooManyAttempts,
    WrongCode,
)
from miaval_api.services import accounts, audit, clock
from miaval_api.services.access import linked_clients
from miaval_api.settings import Settings
from models import ClientProfile, CodeSend, OneTimeCode, User, UserClientLink

EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalise_email(raw: str) -> str:
    """Trimmed, lower-case and plausible, or InvalidEmail."""
    email = raw.strip().lower()
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
    """Create a fresh code for this identity (replacing any pending one), within the resend limits."""
    accounts.check_sender_id(sender_id)
    email = normalise_email(raw_email)
    address_key = email_key(settings, email)
    now = clock.now()
    hour_ago = now - timedelta(hours=1)
    last_send = session.scalar(select(func.max(CodeSend.sent_at)).where(CodeSend.sender_id == sender_id))
    if last_send is not None:
        last_send = last_send.replace(tzinfo=now.tzinfo) if last_send.tzinfo is None else last_send
        wait = settings.resend_interval_seconds - (now - last_send).total_seconds()
        if wait > 0:
            raise ResendLimited(retry_after=int(wait) + 1)
    for column, value in ((CodeSend.sender_id, sender_id), (CodeSend.email_hmac, address_key)):
        sends = session.scalars(
            select(CodeSend.sent_at).where(column == value, CodeSend.sent_at > hour_ago).order_by(CodeSend.sent_at)
        ).all()
        if len(sends) >= settings.sends_per_hour:
            retry_after = int((sends[0] + timedelta(hours=1) - now).total_seconds()) + 1
            raise ResendLimited("Too many codes sent in the last hour.", retry_after=max(retry_after, 1))
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


def confirm(session: Session, settings: Settings, sender_id: str, raw_code: str) -> Confirmed:
    """Check a code. Wrong codes are counted (and committed) before any answer, so parallel guesses count too."""
    accounts.check_sender_id(sender_id)
    pending = session.scalars(
        select(OneTimeCode).where(OneTimeCode.sender_id == sender_id).order_by(OneTimeCode.id.desc())
    ).first()
    if pending is None:
        raise NoPendingVerification()
    if pending.expires_at <= clock.now():
        raise CodeExpired()
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
        session.commit()
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
