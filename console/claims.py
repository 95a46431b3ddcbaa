"""The claims inbox: every claim with its fields, files, place and receipt; status changes reach the customer."""

from __future__ import annotations

import secrets
from typing import Optional

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer
from werkzeug.wrappers import Response

from console import audit, copy
from console.web import area, db, me, settings
from miaval_api.services import access, documents, outbound
from models import ChatIdentity, Claim, Upload, User, UserClientLink
from models.claim import STATUSES

bp = Blueprint("claims", __name__, url_prefix="/denuncias")
MAX_NOTE = 500


def _claims_query():
    return select(Claim).options(*access.claim_details())


def _claim(session: Session, number: str) -> Claim:
    return session.scalars(_claims_query().where(Claim.number == number.upper())).first() or abort(404)


def recipient(session: Session, claim: Claim) -> Optional[tuple[str, int]]:
    """The chat that hears of this claim: the reporter's most recently used chat; for a claim Aval loaded,
    that of the insured's own verified account (the client's e-mail on file) linked to the client, never
    an intermediary who linked the profile by document; None when nobody has a chat."""
    user_ids: list[int] = []
    client = claim.policy.client
    if claim.reported_by_user_id:
        user_ids.append(claim.reported_by_user_id)
    elif client.email:
        user_ids.extend(
            session.scalars(
                select(UserClientLink.user_id)
                .join(User, User.id == UserClientLink.user_id)
                .where(
                    UserClientLink.client_id == client.id,
                    User.email == client.email.lower(),
                    User.email_verified.is_(True),
                )
            )
        )
    if not user_ids:
        return None
    chat = session.scalars(
        select(ChatIdentity)
        .where(ChatIdentity.user_id.in_(user_ids))
        .order_by(ChatIdentity.last_used_at.desc(), ChatIdentity.id.desc())
    ).first()
    return (chat.sender_id, chat.user_id) if chat else None


@bp.get("/")
@area("claims")
def inbox() -> str:
    """Every claim, newest first, optionally of one status."""
    status = request.args.get("estado", "")
    query = _claims_query().order_by(Claim.created_at.desc(), Claim.id.desc()).limit(300)
    if status in STATUSES:
        query = query.where(Claim.status == status)
    with db() as reading:
        claims = list(reading.scalars(query).unique())
    return render_template("claims.html", title="Denuncias", claims=claims, statuses=STATUSES, status=status)


@bp.get("/<number>")
@area("claims")
def detail(number: str) -> str:
    """One claim: every field, attachments, place, receipt, and the status form."""
    with db() as reading:
        claim = _claim(reading, number)
        chat = recipient(reading, claim)
        reporter = reading.get(User, claim.reported_by_user_id) if claim.reported_by_user_id else None
        opted_out = bool(chat and (reading.get(User, chat[1]) or User()).news_opt_out)
    return render_template(
        "claim.html", title=f"Denuncia {claim.number}", claim=claim, statuses=STATUSES, chat=chat,
        reporter=reporter, opted_out=opted_out, nonce=secrets.token_urlsafe(12),
    )  # fmt: skip


@bp.post("/<number>/estado")
@area("claims")
def change_status(number: str) -> Response:
    """Change the status, with an optional note for the customer; the news goes to their chat."""
    staff = me()
    status = request.form.get("status", "")
    note = " ".join(request.form.get("note", "").split())
    nonce = request.form.get("nonce", "")[:40] or secrets.token_urlsafe(12)
    if status not in STATUSES or len(note) > MAX_NOTE:
        flash(f"Elegí un estado válido (la nota, hasta {MAX_NOTE} caracteres).", "error")
        return redirect(url_for(".detail", number=number))
    with db(write=True) as writing:
        claim = _claim(writing, number)
        if outbound.queued(writing, f"claim_update:{claim.id}:{nonce}"):
            flash(copy.ALREADY_DONE, "ok")
            return redirect(url_for(".detail", number=number))
        before = claim.status
        claim.status = status
        chat = recipient(writing, claim)
        if chat:
            outbound.enqueue(
                writing, key=f"claim_update:{claim.id}:{nonce}", sender_id=chat[0], kind="claim_update",
                text=copy.claim_update(claim.number, status, note), user_id=chat[1],
                staff_id=staff.id, staff_name=staff.name,
            )  # fmt: skip
        audit.record(
            writing, staff.id, "claim_status", f"claim:{claim.number}", before=before, after=status,
            note=bool(note), told=bool(chat),
        )  # fmt: skip
    if chat:
        flash("Estado actualizado; le avisamos al cliente por su chat.", "ok")
    else:
        flash("Estado actualizado. El cliente no tiene un chat con Mi Aval: avisale por otro medio.", "ok")
    return redirect(url_for(".detail", number=number))


@bp.get("/<number>/adjuntos/<upload_id>")
@area("claims")
def attachment(number: str, upload_id: str) -> Response:
    """Download one attached file (always as a download, with the type its bytes said)."""
    with db(write=True) as writing:
        claim = _claim(writing, number)
        if upload_id not in {item.upload_id for item in claim.attachments}:
            abort(404)
        upload = writing.scalars(select(Upload).options(undefer(Upload.content)).where(Upload.id == upload_id)).one()
        audit.record(writing, me().id, "attachment_download", f"claim:{claim.number}", upload=upload_id)
        content, content_type, filename = upload.content, upload.content_type, upload.filename
    return _download(content, content_type, filename)


@bp.get("/<number>/constancia")
@area("claims")
def receipt(number: str) -> Response:
    """The claim's receipt, as e-mailed to the customer."""
    with db() as reading:
        fields = documents.receipt_fields(settings(), _claim(reading, number))  # type: ignore[arg-type]
    document = documents.receipt_document(fields)
    return _download(document.content, document.content_type, document.filename)


def _download(content: bytes, content_type: str, filename: str) -> Response:
    response = Response(content, mimetype=content_type)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
