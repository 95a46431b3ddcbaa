"""Supervisors: the staff accounts (create one) and the audit of what staff did."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from console import audit, passwords, sessions
from console.web import area, db, me
from models import Producer, StaffAuditEntry, StaffMember
from models.staff import ROLES

bp = Blueprint("staff", __name__, url_prefix="/equipo")


def create(session, *, name: str, email: str, role: str, password: str, producer_id: int | None = None) -> StaffMember:
    """A new active staff account (the caller commits); ValueError when a field is not acceptable."""
    email = email.strip().lower()
    if role not in ROLES:
        raise ValueError("role")
    if not name.strip() or "@" not in email:
        raise ValueError("name or e-mail")
    if not passwords.acceptable(password):
        raise ValueError("password")
    if role == "producer" and producer_id is None:
        raise ValueError("producer")
    member = StaffMember(
        name=name.strip(), email=email, role=role, password_hash=passwords.hash_password(password),
        producer_id=producer_id if role == "producer" else None, active=True,
    )  # fmt: skip
    session.add(member)
    session.flush()
    return member


@bp.get("/")
@area("staff")
def index() -> str:
    """Staff accounts and the form to add one."""
    with db() as reading:
        members = list(reading.scalars(select(StaffMember).order_by(StaffMember.name)))
        producers = list(reading.scalars(select(Producer).order_by(Producer.name)))
    return render_template(
        "staff.html", title="Equipo", members=members, producers=producers, roles=ROLES,
        min_length=passwords.MIN_LENGTH,
    )  # fmt: skip


@bp.post("/")
@area("staff")
def add() -> Response:
    """Create a staff account."""
    form = request.form
    producer_id = form.get("producer_id", type=int)
    try:
        with db(write=True) as writing:
            member = create(
                writing, name=form.get("name", "")[:200], email=form.get("email", "")[:254],
                role=form.get("role", ""), password=form.get("password", "")[:1000], producer_id=producer_id,
            )  # fmt: skip
            audit.record(writing, me().id, "staff_create", f"staff:{member.id}", role=member.role)
    except ValueError:
        flash(f"Revisá los datos: nombre, e-mail, rol (un productor necesita su PAS) y una contraseña de al menos "
              f"{passwords.MIN_LENGTH} caracteres.", "error")  # fmt: skip
        return redirect(url_for(".index"))
    except IntegrityError:
        flash("Ya hay una cuenta con ese e-mail.", "error")
        return redirect(url_for(".index"))
    flash("Cuenta creada.", "ok")
    return redirect(url_for(".index"))


@bp.post("/<int:member_id>/activa")
@area("staff")
def set_active(member_id: int) -> Response:
    """Turn an account off (its open sessions end at their next request) or on again; not one's own."""
    active = request.form.get("active") == "1"
    with db(write=True) as writing:
        member = writing.get(StaffMember, member_id)
        if member is None or member.id == me().id:
            flash("No podés cambiar esa cuenta.", "error")
            return redirect(url_for(".index"))
        member.active = active
        if not active:
            sessions.end_all(writing, member.id)
        audit.record(writing, me().id, "staff_activate" if active else "staff_deactivate", f"staff:{member_id}")
    flash("Cuenta activada." if active else "Cuenta desactivada.", "ok")
    return redirect(url_for(".index"))


@bp.get("/auditoria")
@area("audit")
def audit_log() -> str:
    """The latest staff actions, newest first."""
    with db() as reading:
        entries = list(reading.scalars(select(StaffAuditEntry).order_by(StaffAuditEntry.id.desc()).limit(500)))
        names = dict(reading.execute(select(StaffMember.id, StaffMember.name)).all())
    return render_template("audit.html", title="Auditoría", entries=entries, names=names)
