"""Aval reaches out first: which reminders are due, written once each (``python -m miaval_api reminders``).

Three kinds, each an outbox row (``models.OutboundMessage``) that the courier delivers on the customer's
most recently used chat (by e-mail when the customer has none):

- ``renewal_reminder``: an active policy expiring in ``REMINDER_RENEWAL_DAYS`` days (30, 15, 3);
- ``claim_followup``: an open claim still without the file its type needs (the police report for a theft,
  photos for anything else) ``REMINDER_CLAIM_FOLLOWUP_DAYS`` days (2, 5) after it was reported;
- ``payment_reminder``: an instalment due in ``REMINDER_PAYMENT_DAYS`` days (3).

Respectful by design: nothing is written between 21:00 and 9:00 Buenos Aires time, on Sundays or on
national holidays (the office hours' calendar): the reminder waits for the next run in allowed hours;
at most one reminder per customer per local day (a unique ``(user_id, reminder_day)``), none after a
claim update that day; nothing for a customer who stopped news; nothing of a kind a supervisor paused.

Scheduled once: each row's key is its natural key (kind, policy or claim, the milestone, the customer),
so a re-run, a restart or two schedulers at once never write a reminder twice. A milestone missed
(quiet hours, a holiday, a full day) is still sent until the next one is due; only the latest is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.actions.formatting import day, insured_item, pesos
from bot.domain_files import load_domain
from miaval_api.db import Database
from miaval_api.services import clock
from miaval_api.services.office_hours import NATIONAL_HOLIDAYS
from miaval_api.settings import Settings
from models import (
    ChatIdentity,
    Claim,
    ClaimAttachment,
    Instalment,
    OutboundMessage,
    Policy,
    ReminderPause,
    User,
    UserClientLink,
)
from models.outbound import REMINDER_KINDS, UNASKED_KINDS

QUIET_FROM = time(21, 0)  # local time: no reminder from 21:00...
QUIET_UNTIL = time(9, 0)  # ...until 9:00, nor on Sundays and national holidays
SUNDAY = 6
OPEN_CLAIM_STATES = ("received", "under_review")
# The last claim follow-up is still sent this many days after its milestone (after quiet days), never later.
LAST_FOLLOWUP_GRACE = 3
# The intents of the buttons that get the reminder's policy or claim number (other buttons go as they are).
SUBJECT_INTENTS = ("/reminder_reply", "/add_claim_photos")
# A chat's sender id; without a chat the reminder goes by e-mail to the verified address.
EMAIL_SENDER = "email:{user_id}"


def quiet(when: datetime, settings: Settings) -> bool:
    """Whether ``when`` is no time to write to a customer unasked (night, Sunday, national holiday)."""
    local = when.astimezone(clock.local_zone(settings))
    if local.weekday() == SUNDAY or local.date() in NATIONAL_HOLIDAYS:
        return True
    return local.time() >= QUIET_FROM or local.time() < QUIET_UNTIL


@dataclass(frozen=True)
class Due:
    """One reminder for one customer, ready to be written (unless its key or the day's slot is taken)."""

    kind: str
    key: str
    user_id: int
    subject: str
    response: str
    values: dict[str, str]
    entity: tuple[str, str]  # added to each button's payload: ("policy_number", "AU-1") or ("claim_number", ...)
    urgency: date  # the sooner, the first in the day's single slot


@dataclass
class Scheduled:
    """What a run did: rows written by kind, and why the others were not."""

    written: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    quiet: bool = False

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _days(values: Iterable[str]) -> list[int]:
    return sorted({int(value) for value in values})


def _linked_verified(session: Session, client_id: int) -> list[User]:
    query = (
        select(User)
        .join(UserClientLink, UserClientLink.user_id == User.id)
        .where(UserClientLink.client_id == client_id, User.email_verified.is_(True))
        .order_by(User.id)
    )
    return list(session.scalars(query))


def _policy_values(policy: Policy) -> dict[str, str]:
    return {
        "number": policy.number,
        "insurer_name": policy.insurer.name,
        "item": insured_item(policy),
        "end_date": day(policy.end_date),
    }


def renewals(session: Session, settings: Settings, today: date) -> list[Due]:
    """Active policies whose expiry is at most the largest milestone away: the latest milestone reached."""
    milestones = _days(settings.reminder_renewal_days)
    if not milestones:
        return []
    query = (
        select(Policy)
        .options(selectinload(Policy.insurer))
        .where(Policy.status == "active", Policy.end_date > today, Policy.end_date <= today + timedelta(milestones[-1]))
    )
    due = []
    for policy in session.scalars(query):
        left = (policy.end_date - today).days
        milestone = min(m for m in milestones if left <= m)
        for user in _linked_verified(session, policy.client_id):
            due.append(Due(
                "renewal_reminder", f"renewal_reminder:{policy.id}:{policy.end_date}:{milestone}:{user.id}", user.id,
                policy.number, "utter_reminder_renewal", _policy_values(policy), ("policy_number", policy.number),
                policy.end_date,
            ))  # fmt: skip
    return due


def claim_need(claim_type: str) -> str:
    """What a claim of this type cannot go on without (the receipt's checklist): the police report, or photos."""
    return "police_report" if claim_type == "theft" else "photos"


def claim_followups(session: Session, settings: Settings, today: date) -> list[Due]:
    """Open claims without any file, reported a milestone ago (the latest reached, the last one for a few days)."""
    milestones = _days(settings.reminder_claim_days)
    if not milestones:
        return []
    zone = clock.local_zone(settings)
    oldest = datetime.combine(today - timedelta(milestones[-1] + LAST_FOLLOWUP_GRACE), time(0), zone)
    has_file = select(ClaimAttachment.id).where(ClaimAttachment.claim_id == Claim.id).exists()
    query = (
        select(Claim)
        .options(selectinload(Claim.policy).selectinload(Policy.insurer))
        .where(Claim.status.in_(OPEN_CLAIM_STATES), Claim.created_at >= oldest, ~has_file)
    )
    due = []
    for claim in session.scalars(query):
        age = (today - claim.created_at.astimezone(zone).date()).days
        reached = [m for m in milestones if age >= m]
        if not reached:
            continue
        milestone = reached[-1]
        if milestone == milestones[-1] and age > milestone + LAST_FOLLOWUP_GRACE:
            continue
        reporter = session.get(User, claim.reported_by_user_id) if claim.reported_by_user_id else None
        users = [reporter] if reporter is not None and reporter.email_verified else []
        users = users or _linked_verified(session, claim.policy.client_id)
        values = {"claim_number": claim.number, "item": insured_item(claim.policy)}
        for user in users:
            due.append(Due(
                "claim_followup", f"claim_followup:{claim.id}:{milestone}:{user.id}", user.id, claim.number,
                f"utter_reminder_claim_{claim_need(claim.type)}", values, ("claim_number", claim.number),
                claim.created_at.date(),
            ))  # fmt: skip
    return due


def payments(session: Session, settings: Settings, today: date) -> list[Due]:
    """Instalments still due within the milestone of an active policy."""
    milestones = _days(settings.reminder_payment_days)
    if not milestones:
        return []
    query = (
        select(Instalment, Policy)
        .join(Policy, Policy.id == Instalment.policy_id)
        .options(selectinload(Policy.insurer))
        .where(
            Instalment.state == "due",
            Policy.status == "active",
            Instalment.due_date >= today,
            Instalment.due_date <= today + timedelta(milestones[-1]),
        )
    )
    due = []
    for instalment, policy in session.execute(query):
        left = (instalment.due_date - today).days
        milestone = min(m for m in milestones if left <= m)
        values = {
            **_policy_values(policy),
            "instalment": str(instalment.number),
            "amount": pesos(float(instalment.amount)),
            "due_date": day(instalment.due_date),
        }
        for user in _linked_verified(session, policy.client_id):
            due.append(Due(
                "payment_reminder", f"payment_reminder:{instalment.id}:{instalment.due_date}:{milestone}:{user.id}",
                user.id, policy.number, "utter_reminder_payment", values, ("policy_number", policy.number),
                instalment.due_date,
            ))  # fmt: skip
    return due


def render(domain: dict[str, Any], due: Due) -> tuple[str, list[dict[str, str]]]:
    """The reminder's text and buttons from its domain response; each payload gets the reminder's subject."""
    response = domain["responses"][due.response][0]
    text = response["text"].format(**due.values)
    buttons = []
    for button in response.get("buttons") or []:
        payload = button["payload"]
        intent, _, raw = payload.partition("{")
        if intent in SUBJECT_INTENTS:
            entities = {**(json.loads("{" + raw) if raw else {}), due.entity[0]: due.entity[1]}
            payload = intent + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
        buttons.append({"title": button["title"], "payload": payload})
    return text, buttons


def chat_of(session: Session, user_id: int) -> str:
    """The customer's most recently used chat, or their e-mail when they have none."""
    sender_id = session.scalar(
        select(ChatIdentity.sender_id)
        .where(ChatIdentity.user_id == user_id)
        .order_by(ChatIdentity.last_used_at.desc(), ChatIdentity.id.desc())
        .limit(1)
    )
    return sender_id or EMAIL_SENDER.format(user_id=user_id)


def _unasked_today(session: Session, user_id: int, since: datetime) -> bool:
    count = session.scalar(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.user_id == user_id,
            OutboundMessage.kind.in_(UNASKED_KINDS),
            OutboundMessage.created_at >= since,
        )
    )
    return bool(count)


def schedule(db: Database, settings: Settings, now: Optional[datetime] = None) -> Scheduled:
    """Write every reminder due at ``now`` (the settable clock by default) that may go today; what was done."""
    now = now or clock.now()
    result = Scheduled()
    if quiet(now, settings):
        result.quiet = True
        return result
    zone = clock.local_zone(settings)
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, time(0), zone)
    domain = load_domain()
    with db.session(write=True) as session:
        paused = set(session.scalars(select(ReminderPause.kind)))
        candidates = [*renewals(session, settings, today), *claim_followups(session, settings, today),
                      *payments(session, settings, today)]  # fmt: skip
        for due in sorted(candidates, key=lambda item: (item.urgency, item.key)):
            if due.kind in paused:
                result.skip("paused")
                continue
            user = session.get(User, due.user_id)
            if user is None or user.news_opt_out:
                result.skip("opted_out")
                continue
            if session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == due.key)) is not None:
                result.skip("already_scheduled")
                continue
            if _unasked_today(session, due.user_id, midnight):
                result.skip("daily_cap")
                continue
            text, buttons = render(domain, due)
            row = OutboundMessage(
                key=due.key, sender_id=chat_of(session, due.user_id), user_id=due.user_id, kind=due.kind, text=text,
                buttons=buttons, subject=due.subject, reminder_day=today, status="pending", attempts=0,
                created_at=now, available_at=now,
            )  # fmt: skip
            try:
                with session.begin_nested():  # another scheduler may have written it, or this customer's day
                    session.add(row)
            except IntegrityError:
                result.skip("taken_by_another_run")
                continue
            result.written[due.kind] = result.written.get(due.kind, 0) + 1
    return result


def pause(session: Session, kind: str, staff_id: Optional[int]) -> None:
    """Stop scheduling ``kind`` (what is already in the outbox still goes). The caller commits."""
    if kind not in REMINDER_KINDS:
        raise ValueError(f"unknown reminder kind {kind!r}")
    if session.get(ReminderPause, kind) is None:
        session.add(ReminderPause(kind=kind, paused_by=staff_id, paused_at=clock.now()))


def resume(session: Session, kind: str) -> None:
    """Schedule ``kind`` again. The caller commits."""
    existing = session.get(ReminderPause, kind)
    if existing is not None:
        session.delete(existing)
