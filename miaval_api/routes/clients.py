"""Client profiles linked to the account."""

from __future__ import annotations

from flask import Blueprint

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.http import INT64_MAX, identity, json_body
from miaval_api.services import access, accounts, linking
from miaval_api.services.messages import link_notice_email
from miaval_api.services.verification import mask_email

bp = Blueprint("clients", __name__)


@bp.get("/v1/me/clients")
def list_clients() -> tuple[dict, int]:
    with ctx().db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        return {"clients": [views.client(c, how) for c, how in access.linked_clients(session, user.id)]}, 200


@bp.post("/v1/me/clients")
def link_client() -> tuple[dict, int]:
    """Link by DNI/CUIL/CUIT plus a policy in force; the client's own e-mail, if another, is told after the commit."""
    app = ctx()
    body = json_body("LinkRequest")
    sender_id = identity()
    with app.db.session(write=True) as session:
        user = accounts.resolve_user(session, app.settings, sender_id)
        client, how = linking.link(
            session, app.settings, sender_id, user, body["document_number"], body["policy_number"]
        )
        answer = {"client": views.client(client, how)}
        tell, account_masked = linking.address_to_tell(client, user), mask_email(user.email)
    if tell:
        app.mailer.send_later(link_notice_email(app.mailer, tell, account_masked), "link_notice")
    return answer, 201


@bp.delete(f"/v1/me/clients/<int(max={INT64_MAX}):client_id>")
def unlink_client(client_id: int) -> tuple[dict, int]:
    with ctx().db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        return {"client": views.client(linking.unlink(session, user, client_id))}, 200
