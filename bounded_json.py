"""JSON from outside, read within bounds: size, nesting depth, integer size, no NaN/Infinity.

Standard library only: the API and the channel gateway read request bodies with the same rules, and a
body past any bound is a clear refusal (``JsonRefused``, a 400) instead of a RecursionError or an
OverflowError deep inside a handler (a 500).
"""

from __future__ import annotations

import json
from typing import Any

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32
# The largest integer either side's databases and JavaScript clients hold exactly.
MAX_INT = 2**53 - 1


class JsonRefused(ValueError):
    """A body that is not JSON within the bounds; the message says which bound, in plain words."""


def _reject_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not valid JSON.")


def _int_parser(max_int: int | None) -> Any:
    def parse(text: str) -> int:
        if max_int is not None and (len(text.lstrip("-")) > len(str(max_int)) or abs(int(text)) > max_int):
            raise JsonRefused(f"Integers must be between -{max_int} and {max_int}.")
        return int(text)

    return parse


def _bounded_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonRefused("Numbers must be finite.")
    return value


def _nesting(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(
    raw: bytes | str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, max_int: int | None = MAX_INT
) -> Any:
    """The JSON value in ``raw``; JsonRefused when it is too large, too deep, not UTF-8 or not JSON, or holds
    an integer past ``max_int`` (None: any integer; a schema bounds them later)."""
    if len(raw) > max_bytes:
        raise JsonRefused(f"The body must be at most {max_bytes} bytes.")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRefused(f"The body is not valid UTF-8 (byte {exc.start}).") from None
    else:
        text = raw
    if not text.strip():
        raise JsonRefused("The body is empty; send a JSON object.")
    if _nesting(text) > max_depth:
        raise JsonRefused(f"JSON may nest at most {max_depth} levels deep.")
    try:
        return json.loads(
            text, parse_constant=_reject_constant, parse_int=_int_parser(max_int), parse_float=_bounded_float
        )
    except JsonRefused:
        raise
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"The body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from None
    except (ValueError, RecursionError) as exc:
        raise JsonRefused(f"The body is not valid JSON: {type(exc).__name__}.") from None
