"""Short-lived download links for documents, and the downloads themselves."""

from __future__ import annotations

from flask import Blueprint, Response

from miaval_api.context import ctx
from miaval_api.http import identity, json_body
from miaval_api.routes.policies import pdf_response
from miaval_api.services import accounts, documents

bp = Blueprint("documents", __name__)


@bp.post("/v1/me/documents")
def make_link() -> tuple[dict, int]:
    app = ctx()
    body = json_body("DocumentRequest")
    with app.db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        link = documents.make_link(session, app.settings, user.id, body["kind"], body["ref"])
    return {
        "token": link.token,
        "filename": link.filename,
        "content_type": link.content_type,
        "expires_at": link.expires_at.isoformat(),
    }, 201


@bp.get("/v1/documents/<path:token>")
def fetch(token: str) -> Response:
    """The document a token names (service token only: channels download on the user's behalf)."""
    app = ctx()
    with app.db.session() as session:
        document = documents.fetch(session, app.settings, token)
    return pdf_response(document)
