"""Policies of the linked clients and their coverage certificates."""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.errors import InvalidRequest
from miaval_api.http import identity, query_int
from miaval_api.services import access, accounts, clock, documents
from models import ClientProfile, Instalment, Policy

bp = Blueprint("policies", __name__)
STATUSES = ("active", "expired", "cancelled", "in_force")


@bp.get("/v1/me/policies")
def list_policies() -> tuple[dict, int]:
    """Policies of linked clients, optionally of one client and of one status."""
    app = ctx()
    client_id = query_int("client_id")
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidRequest(f"status must be one of {', '.join(STATUSES)}.", field="status")
    today = clock.today(app.settings)
    with app.db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        query = access.policies_query(user.id).join(Policy.client).order_by(ClientProfile.name, Policy.number)
        if client_id is not None:
            access.visible_client(session, user.id, client_id)
            query = query.where(Policy.client_id == client_id)
        if status is not None and status != "in_force":
            query = query.where(Policy.status == status)
        policies = session.scalars(query).unique().all()
        if status == "in_force":  # the one rule, insurance_rules.in_force_on, not a second one in SQL
            policies = [policy for policy in policies if policy.in_force_on(today)]
        return {"policies": [views.policy(p, today) for p in policies]}, 200


@bp.get("/v1/me/policies/<path:number>")
def get_policy(number: str) -> tuple[dict, int]:
    app = ctx()
    with app.db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        policy = access.visible_policy(session, user.id, number)
        return {"policy": views.policy(policy, clock.today(app.settings))}, 200


@bp.get("/v1/me/policies/<path:number>/instalments")
def list_instalments(number: str) -> tuple[dict, int]:
    """A policy's instalments (due date, amount, state), in order."""
    app = ctx()
    with app.db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        policy = access.visible_policy(session, user.id, number)
        rows = session.scalars(select(Instalment).where(Instalment.policy_id == policy.id).order_by(Instalment.number))
        return {"policy_number": policy.number, "instalments": [views.instalment(row) for row in rows]}, 200


@bp.get("/v1/me/policies/<path:number>/certificate")
def certificate(number: str) -> Response:
    """The coverage certificate (PDF) of a policy in force."""
    app = ctx()
    with app.db.session() as session:
        user = accounts.resolve_user(session, ctx().settings, identity())
        document = documents.certificate_for(app.settings, access.visible_policy(session, user.id, number))
    return pdf_response(document)


def pdf_response(document: documents.Document) -> Response:
    """A document as a download."""
    response = Response(document.content, mimetype=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
