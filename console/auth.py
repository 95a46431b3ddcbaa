"""Signing staff in and out; every request knows who is signed in (``g.staff``)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Optional

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from console import access, audit, copy, passwords, sessions, signin_limits
from console.web import db, settings
from models import StaffAuditEntry, StaffMember

bp = Blueprint("auth", __name__)
PUBLIC = {"auth.sign_in", "healthz", "static"}


def load_staff() -> Response | None:
    """Before each request: the signed-in, active staff member in ``g.staff``; otherwise to the sign-in page."""
    g.staff = None
    token = session.get("token")
    if token is not None:
        with db(write=True) as writing:
            g.staff = sessions.staff_of(writing, settings(), token)
            if g.staff is not None:
                writing.expunge(g.staff)
        if g.staff is None:
            session.clear()
    if g.staff is None and request.endpoint not in PUBLIC:
        return redirect(url_for("auth.sign_in"))
    return None


@bp.route("/entrar", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    """The sign-in form; wrong passwords are limited per account and per address."""
    if request.method == "GET":
        if g.staff is not None:
            return redirect(url_for(access.home(g.staff)))
        return render_template("sign_in.html", email="")
    email = request.form.get("email", "").strip().lower()[:254]
    password = request.form.get("password", "")[:1000]
    address = request.remote_addr or "unknown"
    config = settings()
    with db(write=True) as writing:
        wait = signin_limits.retry_after(writing, config, email, address)
        if wait is not None:
            minutes = max(1, math.ceil(wait / 60))
            message = f"Hubo demasiados intentos. Probá de nuevo en {minutes} minutos."
            return render_template("sign_in.html", email=email, error=message), 429
        staff = writing.scalars(select(StaffMember).where(StaffMember.email == email)).first()
        if not passwords.verify(staff.password_hash if staff else None, password) or not staff or not staff.active:
            signin_limits.record_failure(writing, config, email, address)
            audit.record(writing, staff.id if staff else None, "sign_in_failed")
            error = "El e-mail o la contraseña no son correctos."
            return render_template("sign_in.html", email=email, error=error), 401
        if passwords.needs_rehash(staff.password_hash):
            staff.password_hash = passwords.hash_password(password)
        wrong = signin_limits.failures_for(writing, config, email, _last_sign_in(writing, staff.id))
        audit.record(writing, staff.id, "sign_in")
        token, home = sessions.start(writing, staff.id), access.home(staff)
    session.clear()  # a fresh session (and CSRF token) for the signed-in staff member
    session.permanent = True
    session["token"] = token
    if wrong:
        flash(copy.wrong_passwords_notice(wrong), "error")
    return redirect(url_for(home))


def _last_sign_in(session: Session, staff_id: int) -> Optional[datetime]:
    return session.scalar(
        select(func.max(StaffAuditEntry.at)).where(
            StaffAuditEntry.staff_id == staff_id, StaffAuditEntry.action == "sign_in"
        )
    )


@bp.post("/salir")
def sign_out() -> Response:
    """Sign out (a form with the CSRF token)."""
    if g.staff is not None:
        with db(write=True) as writing:
            sessions.end(writing, session.get("token"))
            audit.record(writing, g.staff.id, "sign_out")
    session.clear()
    return redirect(url_for("auth.sign_in"))


@bp.get("/")
def index() -> Response:
    """The staff member's home page."""
    return redirect(url_for(access.home(g.staff)))
