"""The handoff queue and the tasks: take a conversation, answer in it, hand it back to the assistant."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import case, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from console import audit, copy
from console.web import area, db, me, settings
from conversation_store.transcript import Line, transcript
from miaval_api.services import access as customer_access
from miaval_api.services import clock, outbound
from miaval_api.services.office_hours import from_portfolio as office_hours
from models import ClientProfile, HandoffRequest, StaffMember, User

bp = Blueprint("handoffs", __name__, url_prefix="/cola")
MAX_REPLY = 2000
TRANSCRIPT_LINES = 20


@dataclass(frozen=True)
class Customer:
    """Who is behind a conversation: their account (if verified) and the client profiles they see."""

    user: Optional[User]
    clients: list[ClientProfile]


def channel(sender_id: str) -> str:
    """The channel's name from the sender id's prefix ("telegram:123" -> "Telegram")."""
    prefix = sender_id.split(":", 1)[0]
    return copy.CHANNELS.get(prefix, prefix)


def customer(session: Session, user_id: Optional[int]) -> Customer:
    """The account behind a request and its linked clients."""
    user = session.get(User, user_id) if user_id else None
    clients = [client for client, _ in customer_access.linked_clients(session, user.id)] if user else []
    return Customer(user, clients)


def staff_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Staff names by id."""
    if not ids:
        return {}
    return dict(session.execute(select(StaffMember.id, StaffMember.name).where(StaffMember.id.in_(ids))).all())


def _listing(task_only: bool) -> dict[str, Any]:
    order = case((HandoffRequest.status == "open", 0), (HandoffRequest.status == "taken", 1), else_=2)
    query = select(HandoffRequest).order_by(order, HandoffRequest.created_at.desc()).limit(200)
    if task_only:
        query = query.where(HandoffRequest.reason != copy.TALK_TO_A_PERSON)
    hours = office_hours()
    now = clock.now()
    with db() as reading:
        requests = list(reading.scalars(query))
        customers = {item.id: customer(reading, item.user_id) for item in requests}
        names = staff_names(reading, {item.taken_by for item in requests if item.taken_by})
    return {
        "requests": requests,
        "customers": customers,
        "names": names,
        "channel": channel,
        "open_now": hours.is_open(now),
        "next_opening": hours.next_opening(now),
        "hours": hours,
        "local": lambda instant: instant.astimezone(hours.zone) if instant else None,
    }


@bp.get("/")
@area("handoffs")
def queue() -> str:
    """Every request for a person, waiting ones first."""
    return render_template("queue.html", title="Cola de atención", task_only=False, **_listing(False))


@bp.get("/tareas")
@area("tasks")
def tasks() -> str:
    """Requests the assistant could not serve (quotes, payments, policy changes...), with the conversation."""
    return render_template("queue.html", title="Tareas", task_only=True, **_listing(True))


def _conversation(sender_id: str, context: dict[str, Any]) -> tuple[list[Line], bool]:
    """The last messages from Rasa's store; when it has none, those the assistant attached to the request."""
    store = settings().store
    lines = transcript(store, sender_id, TRANSCRIPT_LINES) if store else []
    if lines:
        return lines, False
    who = {"user": "customer", "assistant": "assistant"}
    attached = [
        Line(at=None, who=who.get(item.get("from", ""), "assistant"), text=str(item.get("text", "")))
        for item in context.get("last_messages") or []
        if item.get("text")
    ]
    return attached, True


@bp.get("/<int:handoff_id>")
@area("handoffs")
def detail(handoff_id: int) -> str:
    """One request: who, why, the conversation, and what the executive can do."""
    hours = office_hours()
    with db() as reading:
        handoff = reading.get(HandoffRequest, handoff_id) or abort(404)
        who = customer(reading, handoff.user_id)
        names = staff_names(reading, {handoff.taken_by} if handoff.taken_by else set())
    lines, from_context = _conversation(handoff.sender_id, handoff.context or {})
    return render_template(
        "handoff.html",
        title=f"Pedido {handoff.id}",
        handoff=handoff,
        customer=who,
        names=names,
        lines=lines,
        from_context=from_context,
        channel=channel(handoff.sender_id),
        nonce=secrets.token_urlsafe(12),
        hours=hours,
        local=lambda instant: instant.astimezone(hours.zone) if instant else None,
    )


@bp.post("/<int:handoff_id>/tomar")
@area("handoffs")
def take(handoff_id: int) -> Response:
    """Take the conversation: the assistant goes quiet in it and the customer is told who writes."""
    staff = me()
    with db(write=True) as writing:
        handoff = writing.get(HandoffRequest, handoff_id) or abort(404)
        taken = writing.execute(
            update(HandoffRequest)
            .where(HandoffRequest.id == handoff_id, HandoffRequest.status == "open")
            .values(status="taken", taken_by=staff.id, taken_at=clock.now())
        ).rowcount
        if not taken:
            flash("Ese pedido ya lo tomó otra persona o ya se cerró.", "error")
            return redirect(url_for(".detail", handoff_id=handoff_id))
        outbound.enqueue(
            writing, key=f"takeover:{handoff_id}", sender_id=handoff.sender_id, kind="takeover",
            text=copy.takeover(), user_id=handoff.user_id, staff_id=staff.id, staff_name=staff.name,
        )  # fmt: skip
        audit.record(writing, staff.id, "handoff_take", f"handoff:{handoff_id}")
    flash("Tomaste la conversación: el asistente no responde hasta que la devuelvas.", "ok")
    return redirect(url_for(".detail", handoff_id=handoff_id))


def _mine(session: Session, handoff_id: int) -> HandoffRequest:
    handoff = session.get(HandoffRequest, handoff_id) or abort(404)
    if handoff.status != "taken" or handoff.taken_by != me().id:
        abort(409)
    return handoff


@bp.post("/<int:handoff_id>/responder")
@area("handoffs")
def reply(handoff_id: int) -> Response:
    """Write to the customer in the conversation the executive took."""
    staff = me()
    text = request.form.get("text", "").strip()
    nonce = request.form.get("nonce", "")[:40] or secrets.token_urlsafe(12)
    if not text or len(text) > MAX_REPLY:
        flash(f"Escribí un mensaje (hasta {MAX_REPLY} caracteres).", "error")
        return redirect(url_for(".detail", handoff_id=handoff_id))
    key = f"staff_reply:{handoff_id}:{nonce}"
    with db(write=True) as writing:
        handoff = _mine(writing, handoff_id)
        if outbound.queued(writing, key):
            flash(copy.ALREADY_SENT, "ok")
            return redirect(url_for(".detail", handoff_id=handoff_id))
        outbound.enqueue(
            writing, key=key, sender_id=handoff.sender_id, kind="staff_reply",
            text=text, user_id=handoff.user_id, staff_id=staff.id, staff_name=staff.name,
        )  # fmt: skip
        audit.record(writing, staff.id, "handoff_reply", f"handoff:{handoff_id}", characters=len(text))
    flash("Mensaje enviado.", "ok")
    return redirect(url_for(".detail", handoff_id=handoff_id))


@bp.post("/<int:handoff_id>/devolver")
@area("handoffs")
def hand_back(handoff_id: int) -> Response:
    """Hand the conversation back to the assistant."""
    staff = me()
    with db(write=True) as writing:
        handoff = _mine(writing, handoff_id)
        handoff.status = "closed"
        handoff.closed_at = clock.now()
        outbound.enqueue(
            writing, key=f"handback:{handoff_id}", sender_id=handoff.sender_id, kind="handback",
            text=copy.handback(), user_id=handoff.user_id, staff_id=staff.id, staff_name=staff.name,
        )  # fmt: skip
        audit.record(writing, staff.id, "handoff_handback", f"handoff:{handoff_id}")
    flash("Devolviste la conversación al asistente.", "ok")
    return redirect(url_for(".queue"))
