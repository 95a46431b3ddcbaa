"""Claims, their attachments, and the uploads that become attachments."""

from __future__ import annotations

import logging

from flask import Blueprint, request

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.errors import UploadTooLarge
from miaval_api.http import identity, json_body, read_body
from miaval_api.services import access, accounts, claims, documents, uploads
from miaval_api.services.messages import receipt_email
from models import Claim

bp = Blueprint("claims", __name__)
log = logging.getLogger(__name__)


@bp.post("/v1/me/claims")
def create_claim() -> tuple[dict, int]:
    """Report a claim; the receipt is e-mailed after the commit, in the background."""
    app = ctx()
    claims.check_idempotency_key(request.headers.get("Idempotency-Key"))
    body = json_body("ClaimDraft")
    with app.db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        created = claims.create(session, app.settings, user, body, request.headers.get("Idempotency-Key"))
        answer = {"claim": views.claim(created.claim)}
        receipt = None if created.replay else documents.receipt_fields(app.settings, created.claim)
        email = user.email
    # The PDF is built after the commit: a write transaction (SQLite's lock) is not held for it.
    if receipt is not None:
        document = documents.receipt_document(receipt)
        app.mailer.send_later(receipt_email(app.mailer, email, receipt, document), "claim_receipt")
    return answer, 200 if created.replay else 201


@bp.get("/v1/me/claims")
def list_claims() -> tuple[dict, int]:
    with ctx().db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        found = session.scalars(access.claims_query(user.id).order_by(Claim.created_at.desc(), Claim.id.desc()))
        return {"claims": [views.claim(c) for c in found.unique()]}, 200


@bp.get("/v1/me/claims/<number>")
def get_claim(number: str) -> tuple[dict, int]:
    with ctx().db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        return {"claim": views.claim(access.visible_claim(session, user.id, number))}, 200


@bp.post("/v1/me/claims/<number>/attachments")
def attach(number: str) -> tuple[dict, int]:
    """Attach an upload; attaching the same one again answers the first attachment."""
    body = json_body("AttachRequest")
    with ctx().db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        attachment, new = claims.attach(session, user, number, body["upload_id"])
        return {"attachment": views.attachment(attachment)}, 201 if new else 200


@bp.post("/v1/me/uploads")
def upload() -> tuple[dict, int]:
    """Keep a photo or PDF (type judged by its bytes, at most 10 MB)."""
    app = ctx()
    content = read_body(app.settings.max_upload_bytes, UploadTooLarge)
    with app.db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        stored = uploads.store(session, app.settings, user, content, request.headers.get("X-Filename"))
        return {"upload": views.upload(stored)}, 201
