"""The one place where actions reach the Mi Aval API and turn its errors into responses.

Actions never build a client themselves: ``api()`` hands out one lazily created
``MiAvalClient`` configured from the action server's settings
(``bot/actions/settings.py``), sharing its connection pool. Its calls block, so
actions make them through ``call_api``, which runs each in a worker thread:
the action server's event loop keeps serving other conversations meanwhile.
"""

from __future__ import annotations

import asyncio
import math
import threading
from typing import Callable, Optional, ParamSpec, TypeVar

from rasa_sdk import Tracker

from api_client import (
    AddressLocked,
    ApiError,
    BackendUnavailable,
    Conflict,
    Gone,
    InvalidRequest,
    MiAvalClient,
    NotAllowed,
    NotFound,
    NotVerified,
    RateLimited,
)
from bot.actions.settings import Settings

_client: Optional[MiAvalClient] = None
_lock = threading.Lock()


def api() -> MiAvalClient:
    """The shared API client, created on first use."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                settings = Settings.from_env()
                _client = MiAvalClient(settings.api_url, settings.api_token, timeout=settings.api_timeout)
    return _client


P = ParamSpec("P")
T = TypeVar("T")


async def call_api(method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``method(*args, **kwargs)`` (a call of the shared client) in a worker thread, awaited.

    Its typed result comes back, and its ``ApiError`` is raised here, as if called directly.
    """
    return await asyncio.to_thread(method, *args, **kwargs)


def reset_api() -> None:
    """Forget the shared client so the next ``api()`` reads the environment again (tests)."""
    global _client
    with _lock:
        _client = None


def sender(tracker: Tracker) -> str:
    """The chat identity of the conversation: the Rasa sender id (``telegram:…``, ``whatsapp:…``, ``web:…``)."""
    return tracker.sender_id


# Most specific first: the first matching class names the response.
_ERROR_RESPONSES: tuple[tuple[type[ApiError], str], ...] = (
    (BackendUnavailable, "utter_backend_down"),
    (NotVerified, "utter_sign_in_needed"),
    (NotFound, "utter_not_found"),
    (NotAllowed, "utter_not_found"),
    (AddressLocked, "utter_address_locked"),
    (RateLimited, "utter_rate_limited"),
    (Gone, "utter_request_failed"),
    (Conflict, "utter_request_failed"),
    (InvalidRequest, "utter_request_failed"),
)


def response_for_error(error: ApiError) -> str:
    """The response that tells the user about an API failure no flow handles specially."""
    for error_class, response in _ERROR_RESPONSES:
        if isinstance(error, error_class):
            return response
    return "utter_request_failed"


def per_minutes(response: str, minutes: int) -> str:
    """``response``, or its ``_one_minute`` variant when ``minutes`` is 1 (the copy never says "1 minutos")."""
    return f"{response}_one_minute" if minutes == 1 else response


def minutes_until(seconds: Optional[int], default: int = 10) -> int:
    """Whole minutes (at least one) for a ``retry_after`` in seconds, to tell the user when to retry."""
    if seconds is None:
        return default
    return max(1, math.ceil(seconds / 60))
