"""Client profiles linked to the account."""

from __future__ import annotations

from flask import Blueprint

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.http import identity, json_body
from miaval_api.services import access, accounts, linking

bp = Blueprint("clients", __name__)


@bp.get("/v1/me/clients")
def list_clients() -> tuple[dict, int]:
    with ctx().db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        return {"clients": [views.client(c, how) for c, how in access.linked_clients(session, user.id)]}, 200


@bp.post("/v1/me/clients")
def link_client() -> tuple[dict, int]:
    """Link by DNI/CUIL/CUIT plus a policy in force."""
    app = ctx()
    body = json_body("LinkRequest")
    with app.db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        client, how = linking.link(session, app.settings, user, body["document_number"], body["policy_number"])
        return {"client": views.client(client, how)}, 201


@bp.delete("/v1/me/clients/<int:client_id>")
def unlink_client(client_id: int) -> tuple[dict, int]:
    with ctx().db.session(write=True) as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        return {"client": views.client(linking.unlink(session, user, client_id))}, 200
