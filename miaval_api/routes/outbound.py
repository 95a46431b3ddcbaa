"""The outbox's e-mail copy: news for a customer also go to their verified address (asked by the courier)."""

from __future__ import annotations

import smtplib

from flask import Blueprint

from miaval_api.context import ctx
from miaval_api.errors import MailUnavailable, NotFound
from miaval_api.services import clock
from miaval_api.services.messages import news_email
from models import OutboundMessage, User

bp = Blueprint("outbound", __name__)


@bp.post("/v1/outbound/<int(min=1, max=2147483647):message_id>/email")
def email_news(message_id: int) -> tuple[dict, int]:
    """E-mail one outbox message to its customer's verified address, once (service token only).

    ``{"emailed": true}`` when it went now; false when it had gone already, or the
    customer has no verified address or stopped news. 503 when the mail server
    refused: nothing is recorded, the courier asks again later.
    """
    app = ctx()
    with app.db.session(write=True) as session:
        message = session.get(OutboundMessage, message_id)
        if message is None:
            raise NotFound("No such outbound message.")
        user = session.get(User, message.user_id) if message.user_id is not None else None
        if message.emailed_at is not None or user is None or not user.email_verified or user.news_opt_out:
            return {"emailed": False}, 200
        try:
            app.mailer.send(news_email(app.mailer, user.email, message.text), "news")
        except (OSError, smtplib.SMTPException) as exc:
            raise MailUnavailable() from exc
        message.emailed_at = clock.now()
    return {"emailed": True}, 200
