"""Reporting claims and attaching files to them.

A claim goes only on a policy that was in force on the day of the loss (it
may have expired since); ``occurred_at`` may not lie in the future; a report
more than 3 days after the loss is marked ``reported_late`` (art. 46, Ley
17.418). The Idempotency-Key makes retries safe: the pair (account, key) is
unique in the database, so concurrent retries meet the constraint and get the
first claim back.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from miaval_api.errors import (
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    InvalidClaim,
    NotFound,
    OccurredInFuture,
    PolicyNotInForce,
)
from miaval_api.services import access, audit, clock
from miaval_api.settings import Settings
from models import Claim, ClaimAttachment, Policy, Upload, User
from models.claim import claim_number

CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
FIELDS = (
    "type",
    "place",
    "latitude",
    "longitude",
    "description",
    "third_party_involved",
    "third_party",
    "injured_people",
    "police_report",
    "damaged_items",
    "driver",
    "witnesses",
    "vehicle_drivable",
)


def check_idempotency_key(key: str | None) -> str:
    """The key as sent, or IdempotencyKeyRequired."""
    if key is None or not re.fullmatch(r"[\x20-\x7e]{1,200}", key):
        raise IdempotencyKeyRequired()
    return key


def parse_occurred_at(raw: str, settings: Settings) -> datetime:
    """An ISO 8601 instant; without an offset it is Argentine local time."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidClaim("occurred_at must be an ISO 8601 date and time.", field="occurred_at") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.local_zone(settings))
    return value.astimezone(clock.now().tzinfo)


def request_hash(draft: dict[str, Any]) -> str:
    """A fingerprint of the request, to tell a retry from a different claim under the same key."""
    return hashlib.sha256(json.dumps(draft, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    claim: Claim
    replay: bool


def _existing(session: Session, user: User, key: str) -> Claim | None:
    claim_id = session.scalar(
        select(Claim.id).where(Claim.reported_by_user_id == user.id, Claim.idempotency_key == key)
    )
    if claim_id is None:
        return None
    return session.scalars(access.claims_query(user.id).where(Claim.id == claim_id)).first()


def _replay(claim: Claim | None, fingerprint: str) -> Created | None:
    if claim is None:
        return None
    if claim.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    return Created(claim, replay=True)


def content_sha256(claim: Claim, policy: Policy) -> str:
    """SHA-256 of what was reported (shown in the receipt)."""
    content = {
        "number": claim.number,
        "policy_number": policy.number,
        "client": policy.client.name,
        "occurred_at": claim.occurred_at.isoformat(),
        "created_at": claim.created_at.isoformat(),
    }
    content.update({name: getattr(claim, name) for name in FIELDS})
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def create(session: Session, settings: Settings, user: User, draft: dict[str, Any], key: str | None) -> Created:
    """Report a claim (or give back the one this key already made)."""
    key = check_idempotency_key(key)
    fingerprint = request_hash(draft)
    replay = _replay(_existing(session, user, key), fingerprint)
    if replay:
        return replay
    policy = access.visible_policy(session, user.id, draft["policy_number"])
    now = clock.now()
    occurred_at = parse_occurred_at(draft["occurred_at"], settings)
    if occurred_at > now + CLOCK_SKEW:
        raise OccurredInFuture()
    # The day of the loss decides: a policy that has expired since still covered it (insurance_rules.covered_on).
    if not policy.covered_on(occurred_at.astimezone(clock.local_zone(settings)).date()):
        raise PolicyNotInForce(policy_number=policy.number)
    upload_ids = list(dict.fromkeys(draft.get("upload_ids") or []))
    uploads = session.scalars(select(Upload).where(Upload.id.in_(upload_ids), Upload.user_id == user.id)).all()
    if len(uploads) != len(upload_ids):
        raise InvalidClaim("Some upload_ids are unknown.", field="upload_ids")

    for _ in range(20):  # another claim may take the next number at the same moment: take the following one
        seq = (session.scalar(select(func.max(Claim.seq))) or 0) + 1
        claim = Claim(
            seq=seq,
            number=claim_number(seq),
            policy_id=policy.id,
            status="received",
            occurred_at=occurred_at,
            created_at=now,
            reported_late=now - occurred_at > timedelta(days=settings.late_report_days),
            reported_by_user_id=user.id,
            occurred_time_known=draft.get("occurred_time_known", True) is not False,
            idempotency_key=key,
            request_hash=fingerprint,
            **{name: draft.get(name) for name in FIELDS},
        )
        claim.receipt_sha256 = content_sha256(claim, policy)
        try:
            with session.begin_nested():
                session.add(claim)
                session.flush()
                for upload in uploads:
                    session.add(ClaimAttachment(claim_id=claim.id, upload_id=upload.id, created_at=now))
                session.flush()
        except IntegrityError:
            session.expunge(claim) if claim in session else None
            replay = _replay(_existing(session, user, key), fingerprint)
            if replay:
                return replay
            continue
        audit.record(session, "claim", user.id, policy.client_id, claim=claim.number, reported_late=claim.reported_late)
        session.flush()
        fresh = session.scalars(access.claims_query(user.id).where(Claim.id == claim.id)).first()
        assert fresh is not None
        return Created(fresh, replay=False)
    raise RuntimeError("could not allot a claim number")


def attach(session: Session, user: User, number: str, upload_id: str) -> tuple[ClaimAttachment, bool]:
    """Attach an upload of the user's to one of their claims; attaching twice returns the first attachment."""
    claim = access.visible_claim(session, user.id, number)
    upload = session.scalars(select(Upload).where(Upload.id == upload_id, Upload.user_id == user.id)).first()
    if upload is None:
        raise NotFound("No such upload.")
    for existing in claim.attachments:
        if existing.upload_id == upload.id:
            return existing, False
    attachment = ClaimAttachment(claim_id=claim.id, upload_id=upload.id, created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(attachment)
            session.flush()
    except IntegrityError:
        found = session.scalars(
            select(ClaimAttachment).where(ClaimAttachment.claim_id == claim.id, ClaimAttachment.upload_id == upload.id)
        ).one()
        found.upload = upload
        return found, False
    attachment.upload = upload
    return attachment, True
