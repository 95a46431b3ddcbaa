"""The gateway's Flask application factory."""

from __future__ import annotations

import logging
from typing import Optional

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from channels.gateway import EXTENSION_KEY, build_gateway
from channels.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Optional[Settings] = None) -> Flask:
    """A gateway application; settings from the environment unless given."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder="static", static_url_path="/webchat/static")
    # Uploads up to the API's limit plus room for the multipart envelope.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + 1024 * 1024
    if settings.trusted_proxies > 0:  # the client's address from the trusted proxies' X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    gateway = build_gateway(settings)
    app.extensions[EXTENSION_KEY] = gateway

    from channels.files import files
    from channels.health import health
    from channels.telegram.webhook import telegram
    from channels.webchat import webchat
    from channels.whatsapp.webhook import whatsapp

    app.register_blueprint(health)
    app.register_blueprint(files)
    app.register_blueprint(whatsapp)
    app.register_blueprint(telegram)
    app.register_blueprint(webchat)

    if settings.telegram_enabled:
        from channels.telegram.runtime import TelegramRuntime

        gateway.telegram = TelegramRuntime.in_background(settings, gateway)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.name.lower().replace(" ", "_")
        response = jsonify({"error": {"code": code, "message": error.description}})
        for name, value in error.get_headers():  # e.g. a 405's Allow (RFC 9110)
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Never a stack trace to the outside; the log keeps the type only (messages may hold personal data).
        log.exception("unexpected error: %s", type(error).__name__)
        return jsonify({"error": {"code": "internal_error", "message": "Internal error"}}), 500

    return app
