"""``POST /telegram/webhook``: Telegram's webhook, accepted only with our secret token.

The view checks the secret, parses the update with ``Update.de_json`` and hands
it to the Telegram runtime; it does nothing else.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, jsonify, request
from telegram import Update

from channels.gateway import current_gateway

telegram = Blueprint("telegram", __name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram waits about a minute; answering sooner keeps it from redelivering.
HANDLING_WAIT_SECONDS = 45.0


@telegram.post("/telegram/webhook")
def webhook():
    """Handle one update sent by Telegram (403 without the right secret token)."""
    gateway = current_gateway()
    secret = gateway.settings.telegram_webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    # No secret configured means the webhook is closed, never open to anyone.
    if not secret or gateway.telegram is None or not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403, "Invalid secret token.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        abort(400, "Not a Telegram update.")
    try:
        update = Update.de_json(data, gateway.telegram.bot)
    except (KeyError, TypeError, ValueError):
        abort(400, "Not a Telegram update.")
    gateway.telegram.process(update, wait=HANDLING_WAIT_SECONDS)
    return jsonify({"ok": True})
