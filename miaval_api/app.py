"""The application factory of the Mi Aval API."""

from __future__ import annotations

import hmac
import logging
import traceback
from datetime import timedelta
from typing import Any, Mapping, Union

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from miaval_api.context import AppContext, ctx
from miaval_api.db import Database
from miaval_api.errors import ApiError, InvalidRequest, Unauthorized, UploadTooLarge
from miaval_api.mail import Mailer
from miaval_api.services import clock
from miaval_api.settings import Settings

log = logging.getLogger(__name__)
PUBLIC_ENDPOINTS = {"health.healthz", "health.openapi", "static"}


def create_app(config: Union[Settings, Mapping[str, Any], None] = None) -> Flask:
    """Build the API. ``config`` is a Settings, or overrides applied to the settings read from the environment."""
    settings = config if isinstance(config, Settings) else Settings.from_env(**dict(config or {}))
    settings.check()
    clock.set_offset(timedelta(seconds=settings.clock_offset_seconds))
    app = Flask(__name__)
    # Uploads are the largest bodies; JSON endpoints enforce their own 1 MB limit as they read.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes + 64 * 1024
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["miaval"] = AppContext(
        settings, Database(settings.database_url, settings.db_pool_size), Mailer(settings)
    )

    from miaval_api.routes import (
        claims,
        clients,
        documents,
        health,
        identity,
        outbound,
        people,
        policies,
        reference,
    )

    for module in (health, identity, clients, policies, documents, claims, reference, outbound, people):
        app.register_blueprint(module.bp)

    @app.before_request
    def _authenticate() -> None:
        if request.endpoint in PUBLIC_ENDPOINTS or isinstance(request.routing_exception, MethodNotAllowed):
            return  # a method no one serves is refused as such (405), with or without a token
        header = request.headers.get("Authorization", "")
        given = header[7:].encode() if header.startswith("Bearer ") else b""
        expected = settings.api_token.encode()
        # No token configured means no caller is trusted.
        if not expected or not hmac.compare_digest(given, expected):
            raise Unauthorized()

    app.before_request(_refuse_unknown_query)

    _register_error_handlers(app)
    return app


def _refuse_unknown_query() -> None:
    """A query parameter the contract does not give the operation is refused, not ignored."""
    if request.url_rule is None:
        return
    known = ctx().query_names(request.url_rule.rule, request.method)
    unknown = sorted(set(request.args) - known) if known is not None else []
    if unknown:
        raise InvalidRequest(f"Unknown query parameter: {unknown[0][:50]!r}.", field=unknown[0][:50])


def _error_response(error: ApiError) -> Response:
    response = jsonify(error.to_json())
    response.status_code = error.status
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response


def _drain() -> None:
    """Read what is left of a refused body, so the client gets to read our answer instead of a reset."""
    try:
        stream = request.environ.get("wsgi.input")
        remaining = 64 * 1024 * 1024
        while stream is not None and remaining > 0:
            chunk = stream.read(min(65536, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except Exception:  # the answer matters more than the rest of a body we refuse anyway
        pass


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        if error.status == 413:
            _drain()
        return _error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        if status == 413:
            _drain()
            if request.path.endswith("/uploads"):
                return _error_response(UploadTooLarge())
        code = codes.get(status, "http_error")
        message = {404: "No such resource.", 405: "Method not allowed on this resource."}.get(
            status, error.description or error.name
        )
        body = ApiError(message)
        body.code, body.status = code, status
        response = _error_response(body)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(IntegrityError)
    def _conflict(error: IntegrityError) -> Response:
        log.warning("integrity conflict on %s %s", request.method, request.url_rule)
        body = ApiError("The request conflicts with a concurrent change; retry.")
        body.code, body.status = "conflict", 409
        return _error_response(body)

    @app.errorhandler(DataError)
    def _bad_data(error: DataError) -> Response:
        log.warning("data refused by the database on %s %s", request.method, request.url_rule)
        body = ApiError("A value does not fit what the database accepts.")
        body.code, body.status = "invalid_request", 422
        return _error_response(body)

    @app.errorhandler(DBAPIError)
    def _database_down(error: DBAPIError) -> Response:
        # Connection lost, server restarting, pool exhausted...: the caller may retry.
        log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else type(error).__name__)
        body = ApiError("The database is not answering.")
        body.code, body.status = "database_unavailable", 503
        return _error_response(body)

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(error: PoolTimeout) -> Response:
        log.error("database pool exhausted")
        body = ApiError("The database is busy; retry.")
        body.code, body.status = "database_unavailable", 503
        return _error_response(body)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Log the kind and place only: exception text may quote personal data.
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        log.error("unexpected %s at %s on %s %s", type(error).__name__, where, request.method, request.url_rule)
        body = ApiError("Internal error.")
        body.code, body.status = "internal_error", 500
        return _error_response(body)
