"""What the customer asks of Aval's people: cancelling a policy, and whether news reach them."""

from __future__ import annotations

from flask import Blueprint

from miaval_api.context import ctx
from miaval_api.http import identity, json_body
from miaval_api.services import cancellations, news

bp = Blueprint("people", __name__)


@bp.post("/v1/cancellation-requests")
def request_cancellation() -> tuple[dict, int]:
    """Record a request to cancel one of the user's policies: 201 new, 200 when it was already open."""
    app = ctx()
    body = json_body("CancellationRequestBody")
    with app.db.session(write=True) as session:
        recorded = cancellations.request_cancellation(
            session, app.settings, body["chat_identity"], body["policy_number"], body.get("reason")
        )
        request = recorded.request
        answer = {
            "cancellation_request": {
                "id": request.id,
                "policy_number": recorded.policy.number,
                "status": request.status,
                "reason": request.reason,
                "created_at": request.created_at.isoformat(),
            },
            "created": recorded.created,
        }
        return answer, 201 if recorded.created else 200


@bp.put("/v1/me/news")
def set_news() -> tuple[dict, int]:
    """Stop or resume the messages Aval sends the user unasked (claim updates, executives' notes)."""
    app = ctx()
    body = json_body("NewsSetting")
    with app.db.session(write=True) as session:
        opt_out = news.set_news(session, app.settings, identity(), body["opt_out"])
        return {"news": {"opt_out": opt_out}}, 200
