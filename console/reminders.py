"""Reminders Aval sends first: each one with its customer, channel and state; supervisors pause a kind of them.

The scheduler (``python -m miaval_api reminders``, miaval_api/services/reminders.py) writes them to the outbox
and the courier delivers them; a paused kind is not written until it is resumed (what is already in the
outbox still goes).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from console import audit
from console.web import area, db, me
from miaval_api.services import office_hours, reminders
from models import OutboundMessage, ReminderPause, User
from models.outbound import REMINDER_KINDS

bp = Blueprint("reminders", __name__, url_prefix="/recordatorios")
SHOWN = 300  # the newest reminders listed


@bp.get("/")
@area("reminders")
def index() -> str:
    """The newest reminders (kind, about what, customer, channel, state) and which kinds are paused."""
    with db() as reading:
        rows = reading.execute(
            select(OutboundMessage, User)
            .outerjoin(User, User.id == OutboundMessage.user_id)
            .where(OutboundMessage.kind.in_(REMINDER_KINDS))
            .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
            .limit(SHOWN)
        ).all()
        paused = {pause.kind: pause for pause in reading.scalars(select(ReminderPause))}
    zone = office_hours.from_portfolio().zone
    return render_template(
        "reminders.html", title="Recordatorios", rows=rows, paused=paused, kinds=REMINDER_KINDS,
        local=lambda instant: instant.astimezone(zone) if instant else None,
    )  # fmt: skip


@bp.post("/<kind>/pausa")
@area("reminder_pauses")
def pause(kind: str) -> Response:
    """Stop writing reminders of ``kind``."""
    if kind not in REMINDER_KINDS:
        abort(404)
    with db(write=True) as writing:
        reminders.pause(writing, kind, me().id)
        audit.record(writing, me().id, "reminder_pause", kind)
    flash("Listo: no se escriben más recordatorios de este tipo hasta que los reanudes.", "ok")
    return redirect(url_for(".index"))


@bp.post("/<kind>/reanudar")
@area("reminder_pauses")
def resume(kind: str) -> Response:
    """Write reminders of ``kind`` again."""
    if kind not in REMINDER_KINDS:
        abort(404)
    with db(write=True) as writing:
        reminders.resume(writing, kind)
        audit.record(writing, me().id, "reminder_resume", kind)
    flash("Listo: los recordatorios de este tipo se vuelven a escribir en la próxima pasada.", "ok")
    return redirect(url_for(".index"))
