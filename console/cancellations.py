"""Cancellation requests: the insured's written confirmation is uploaded before the cancellation is done."""

from __future__ import annotations

from email import policy as email_policy
from email.parser import BytesParser
from typing import Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response

from console import audit
from console.claims import _download
from console.web import area, db, me, settings
from miaval_api.services import clock, uploads
from models import CancellationRequest, ClientProfile, Insurer, Policy, User

bp = Blueprint("cancellations", __name__, url_prefix="/bajas")
EMAIL = "message/rfc822"
CONFIRMATION_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", EMAIL: ".eml"}


def confirmation_type(content: bytes, insured_email: Optional[str]) -> Optional[str]:
    """What a written confirmation is: a PDF that parses, a JPG or PNG that decodes (uploads.judge), or an
    e-mail file sent from the insured's own address on file; None for anything else."""
    judged = uploads.judge(content)
    if judged in CONFIRMATION_EXTENSIONS:
        return judged
    if judged is not None or not insured_email or uploads.sniff(content) is not None:
        return None
    try:
        message = BytesParser(policy=email_policy.default).parsebytes(content)
        senders = [address.addr_spec.lower() for address in message["From"].addresses] if message["From"] else []
    except Exception:  # not an e-mail, or one whose headers do not parse
        return None
    if senders != [insured_email.lower()] or not message.get_body(preferencelist=("plain", "html")):
        return None
    return EMAIL


def _rows(session, cancellation_id: int | None = None):
    query = (
        select(CancellationRequest, Policy, ClientProfile, Insurer, User)
        .join(Policy, Policy.id == CancellationRequest.policy_id)
        .join(ClientProfile, ClientProfile.id == Policy.client_id)
        .join(Insurer, Insurer.id == Policy.insurer_id)
        .outerjoin(User, User.id == CancellationRequest.user_id)
        .order_by(CancellationRequest.created_at.desc(), CancellationRequest.id.desc())
    )
    if cancellation_id is not None:
        query = query.where(CancellationRequest.id == cancellation_id)
    return session.execute(query.limit(300)).all()


@bp.get("/")
@area("cancellations")
def index() -> str:
    """Every cancellation request, newest first."""
    with db() as reading:
        rows = _rows(reading)
    return render_template("cancellations.html", title="Pedidos de baja", rows=rows)


@bp.get("/<int:cancellation_id>")
@area("cancellations")
def detail(cancellation_id: int) -> str:
    """One request: who asked, for which policy, the confirmation and what can be done next."""
    with db() as reading:
        rows = _rows(reading, cancellation_id)
    if not rows:
        abort(404)
    return render_template(
        "cancellation.html", title=f"Pedido de baja {cancellation_id}", row=rows[0],
        max_mb=settings().max_upload_bytes // (1024 * 1024),
    )  # fmt: skip


@bp.post("/<int:cancellation_id>/confirmacion")
@area("cancellations")
def confirm(cancellation_id: int) -> Response:
    """Record the insured's written confirmation (a PDF or a photo of the signed letter or e-mail)."""
    upload = request.files.get("confirmation")
    content = upload.read(settings().max_upload_bytes + 1) if upload else b""
    back = redirect(url_for(".detail", cancellation_id=cancellation_id))
    if not content:
        flash("Elegí el archivo con la confirmación escrita.", "error")
        return back
    if len(content) > settings().max_upload_bytes:
        flash("El archivo es demasiado grande.", "error")
        return back
    with db(write=True) as writing:
        cancellation = writing.get(CancellationRequest, cancellation_id) or abort(404)
        if cancellation.status not in ("requested", "confirmed"):
            flash("Este pedido ya está cerrado.", "error")
            return back
        policy = writing.get(Policy, cancellation.policy_id)
        client = writing.get(ClientProfile, policy.client_id) if policy else None
        content_type = confirmation_type(content, client.email if client else None)
        if content_type is None:
            flash("La confirmación tiene que ser un PDF o una imagen (JPG o PNG) que se puedan abrir, o el e-mail "
                  "(.eml) que mandó el asegurado desde su dirección.", "error")  # fmt: skip
            return back
        cancellation.confirmation = content
        cancellation.confirmation_content_type = content_type
        cancellation.confirmation_filename = f"confirmacion-{cancellation_id}{CONFIRMATION_EXTENSIONS[content_type]}"
        cancellation.confirmed_by = me().id
        cancellation.confirmed_at = clock.now()
        cancellation.status = "confirmed"
        audit.record(writing, me().id, "cancellation_confirm", f"cancellation:{cancellation_id}", bytes=len(content))
    flash("Guardamos la confirmación escrita. Ya podés marcar la baja como hecha.", "ok")
    return back


@bp.post("/<int:cancellation_id>/hecha")
@area("cancellations")
def done(cancellation_id: int) -> Response | tuple[str, int]:
    """Mark the cancellation done (and the policy cancelled); refused without the written confirmation."""
    with db(write=True) as writing:
        cancellation = writing.get(CancellationRequest, cancellation_id) or abort(404)
        if cancellation.status != "confirmed" or cancellation.confirmed_at is None:
            audit.record(writing, me().id, "cancellation_refused", f"cancellation:{cancellation_id}")
            refused = True
        else:
            refused = False
            cancellation.status = "done"
            cancellation.done_by = me().id
            cancellation.done_at = clock.now()
            policy = writing.get(Policy, cancellation.policy_id)
            if policy is not None:
                policy.status = "cancelled"
            audit.record(writing, me().id, "cancellation_done", f"cancellation:{cancellation_id}")
    if refused:
        message = "Antes de marcar la baja como hecha, subí la confirmación escrita del asegurado."
        return render_template("error.html", title="Falta la confirmación escrita", message=message), 409
    flash("Baja hecha: la póliza figura como cancelada.", "ok")
    return redirect(url_for(".detail", cancellation_id=cancellation_id))


@bp.get("/<int:cancellation_id>/confirmacion")
@area("cancellations")
def confirmation(cancellation_id: int) -> Response:
    """Download the confirmation on file."""
    with db(write=True) as writing:
        cancellation = writing.scalars(
            select(CancellationRequest)
            .options(undefer(CancellationRequest.confirmation))
            .where(CancellationRequest.id == cancellation_id)
        ).first()
        if cancellation is None or cancellation.confirmation is None:
            abort(404)
        audit.record(writing, me().id, "confirmation_download", f"cancellation:{cancellation_id}")
        content = cancellation.confirmation
        content_type = cancellation.confirmation_content_type or "application/octet-stream"
        filename = cancellation.confirmation_filename or "confirmacion"
    return _download(content, content_type, filename)
