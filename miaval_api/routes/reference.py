"""Reference data (insurers and their phones) and requests for a person."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.http import json_body
from miaval_api.services import handoffs
from models import Insurer

bp = Blueprint("reference", __name__)


@bp.get("/v1/insurers")
def list_insurers() -> tuple[dict, int]:
    with ctx().db.session() as session:
        return {"insurers": [views.insurer(i) for i in session.scalars(select(Insurer).order_by(Insurer.name))]}, 200


@bp.post("/v1/handoffs")
def create_handoff() -> tuple[dict, int]:
    app = ctx()
    body = json_body("HandoffRequest")
    with app.db.session(write=True) as session:
        request, expected = handoffs.create(
            session, app.settings, body["chat_identity"], body["reason"], body.get("context") or {}
        )
        answer_from = expected.answer_from.isoformat() if expected.answer_from else None
        handoff = {
            "id": request.id,
            "expected_contact": expected.expected_contact,
            "office_open": expected.office_open,
            "answer_from": answer_from,
            "answer_in_days": expected.answer_in_days,
            "answer_within_minutes": expected.answer_within_minutes,
        }
        return {"handoff": handoff}, 201
