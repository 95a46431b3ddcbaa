"""Verification of chat identities, the account behind them, signing out and deleting the account."""

from __future__ import annotations

import logging
import smtplib

from flask import Blueprint

from miaval_api import views
from miaval_api.context import ctx
from miaval_api.errors import InvalidRequest, MailUnavailable
from miaval_api.http import identity, json_body
from miaval_api.services import accounts, erasure, verification
from miaval_api.services.messages import code_email, lockout_email

bp = Blueprint("identity", __name__)
log = logging.getLogger(__name__)


@bp.post("/v1/verifications")
def start_verification() -> tuple[dict, int]:
    """E-mail a one-time code. The code is sent after the commit; if sending fails the code is withdrawn."""
    app = ctx()
    body = json_body("VerificationRequest")
    with app.db.session(write=True) as session:
        started = verification.start(session, app.settings, body["chat_identity"], body["email"])
    try:
        app.mailer.send(code_email(app.mailer, started.email, started.code, app.settings.code_ttl_seconds), "code")
    except (OSError, smtplib.SMTPException) as exc:
        log.error("verification e-mail failed: %s", type(exc).__name__)
        with app.db.session(write=True) as session:
            verification.cancel(session, body["chat_identity"])
        raise MailUnavailable() from None
    return {"email_masked": started.email_masked, "expires_in_seconds": started.expires_in_seconds}, 202


@bp.post("/v1/verifications/confirm")
def confirm_verification() -> tuple[dict, int]:
    """Check the code and welcome the account; the owner of an address locked by wrong codes is told once."""
    app = ctx()
    body = json_body("ConfirmRequest")
    with app.db.session(write=True) as session:
        done = verification.confirm(
            session,
            app.settings,
            body["chat_identity"],
            body["code"],
            on_lockout=lambda owner: app.mailer.send_later(lockout_email(app.mailer, owner), "lockout"),
        )
        answer = {
            "user": views.user(done.user),
            "new_account": done.new_account,
            "linked_clients": [views.client(client, how) for client, how in done.linked_clients],
        }
    return answer, 200


@bp.get("/v1/me")
def me() -> tuple[dict, int]:
    """The verified account behind the chat identity."""
    with ctx().db.session() as session:
        return {"user": views.user(accounts.resolve_user(session, ctx().settings, identity()))}, 200


@bp.delete("/v1/me")
def delete_me() -> tuple[dict, int]:
    """Delete the account and everything about the person (services/erasure.py); client data stays."""
    done = erasure.erase_account(ctx(), identity())
    return {"unlinked_clients": done.unlinked_clients, "forgotten_identities": done.forgotten_identities}, 200


@bp.delete("/v1/chat-identities/<path:sender_id>")
def forget_identity(sender_id: str) -> tuple[str, int]:
    """Sign out: untie the chat identity from its account. Idempotent."""
    if not accounts.SENDER_ID.match(sender_id):
        raise InvalidRequest("Not a chat identity (<channel>:<id>).")
    with ctx().db.session(write=True) as session:
        accounts.forget_identity(session, sender_id)
    return "", 204
