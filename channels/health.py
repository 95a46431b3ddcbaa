"""``GET /healthz``: the gateway process answers."""

from flask import Blueprint, jsonify

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Liveness of the gateway (it holds no state that could be unhealthy on its own)."""
    return jsonify({"status": "ok"})
