"""The console's app factory: settings, database, sessions with CSRF protection, the blueprints."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from flask import Flask, Response, g
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from console import access, copy
from console.settings import Settings
from miaval_api.db import Database
from miaval_api.services import clock


def create_app(settings: Optional[Settings] = None, database: Optional[Database] = None) -> Flask:
    """The staff console on ``settings`` (the environment's by default)."""
    settings = settings or Settings.from_env()
    settings.check()
    clock.set_offset(timedelta(seconds=settings.clock_offset_seconds))
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="aval_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        # Room for a confirmation file and its form; the upload's own limit is checked on its bytes.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
        WTF_CSRF_SSL_STRICT=settings.cookies_secure,
    )
    if settings.trusted_proxies > 0:  # the client's address from the trusted proxies' X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.extensions["console.settings"] = settings
    app.extensions["console.database"] = database or Database(settings.database_url)
    CSRFProtect(app)

    from console import auth, board, cancellations, claims, handoffs, reminders, reports, review, staff

    for blueprint in (
        auth.bp, handoffs.bp, claims.bp, cancellations.bp, reminders.bp, reports.bp, staff.bp, review.bp, board.bp
    ):
        app.register_blueprint(blueprint)
    app.before_request(auth.load_staff)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        from flask import render_template

        return render_template("error.html", title="El formulario venció", message=(
            "El formulario venció o no vino de esta consola. Volvé a la página y probá de nuevo."
        )), 400  # fmt: skip

    @app.errorhandler(403)
    def _forbidden(_error: Exception) -> tuple[str, int]:
        from flask import render_template

        return render_template("error.html", title="Sin permiso", message=(
            "Tu rol no tiene acceso a esta página."
        )), 403  # fmt: skip

    @app.errorhandler(404)
    def _not_found(_error: Exception) -> tuple[str, int]:
        from flask import render_template

        return render_template("error.html", title="No encontrado", message="No encontramos lo que buscás."), 404

    @app.errorhandler(413)
    def _too_large(_error: Exception) -> tuple[str, int]:
        from flask import render_template

        return render_template("error.html", title="Archivo muy grande", message=(
            "El archivo es demasiado grande."
        )), 413  # fmt: skip

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        )
        if g.get("staff") is not None:
            response.headers["Cache-Control"] = "no-store"  # personal data: not kept by the browser
        return response

    @app.context_processor
    def _globals() -> dict:
        return {"copy": copy, "allowed": lambda area: access.allowed(g.get("staff"), area), "staff": g.get("staff")}

    return app
