"""Reading requests safely: bounded bodies, strict JSON in UTF-8 checked against the contract, the caller's identity."""

from __future__ import annotations

from typing import Any

from flask import request
from jsonschema.exceptions import best_match

import bounded_json
from miaval_api.context import ctx
from miaval_api.errors import InvalidJson, InvalidRequest, PayloadTooLarge, error_for_code

IDENTITY_HEADER = "X-Chat-Identity"
INT64_MAX = 2**63 - 1  # the largest id the databases hold


def read_body(limit: int, too_large: type[Exception] = PayloadTooLarge) -> bytes:
    """The raw body, refused when larger than ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(max_bytes=limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(max_bytes=limit)
    return data


def json_body(schema_name: str) -> dict[str, Any]:
    """The JSON object in the body, valid against ``components/schemas/<schema_name>``."""
    limit = ctx().settings.max_body_bytes
    raw = read_body(limit)
    try:  # integers are bounded by the contract's schemas below
        data = bounded_json.loads(raw, max_bytes=limit, max_int=None)
    except bounded_json.JsonRefused as exc:
        raise InvalidJson(str(exc)) from None
    if not isinstance(data, dict):
        raise InvalidRequest("The body must be a JSON object.")
    error = best_match(ctx().validator(schema_name).iter_errors(data))
    if error is not None:
        field = "/".join(str(part) for part in error.absolute_path) or None
        # A field may name the failure that describes it best (x-error-code: invalid_email, invalid_document...).
        named = error.schema.get("x-error-code") if isinstance(error.schema, dict) else None
        if named:
            kind = error_for_code(named)
            raise kind(f"{kind.message} (field {field})", field=field)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        raise InvalidRequest(f"Invalid {field or 'body'}: {message}", field=field)
    return data


def identity() -> str | None:
    """The chat identity the call acts for (header X-Chat-Identity)."""
    return request.headers.get(IDENTITY_HEADER)


def query_int(name: str) -> int | None:
    """An optional integer query parameter from 0 to INT64_MAX, or InvalidRequest."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"Query parameter {name} must be an integer.", field=name) from None
    if not 0 <= value <= INT64_MAX:
        raise InvalidRequest(f"Query parameter {name} must be from 0 to {INT64_MAX}.", field=name)
    return value
