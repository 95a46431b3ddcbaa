"""Liveness with the database, and the contract itself."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text

from miaval_api.context import ctx

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict, int]:
    """{"status": "ok"} when the database answers."""
    with ctx().db.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200


@bp.get("/v1/openapi.yaml")
def openapi() -> Response:
    """The OpenAPI document of this API."""
    return Response(ctx().openapi_text, mimetype="application/yaml")
