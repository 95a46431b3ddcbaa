"""One exception per kind of failure of the Mi Aval API.

Every error carries the API's machine-readable ``code`` (for example
``link_failed`` or ``code_expired``) so that callers choose what to tell the
user without parsing messages. The Spanish sentence is chosen at the edge
(the assistant's responses), never here.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base class: the Mi Aval API refused or could not answer a call."""

    def __init__(self, code: str, message: str = "", status: int | None = None, details: dict | None = None):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}


class InvalidRequest(ApiError):
    """400/422: the data sent is not acceptable (bad e-mail, wrong code, invalid DNI…)."""


class NotVerified(ApiError):
    """401: the chat identity is not tied to a verified Mi Aval account."""


class NotAllowed(ApiError):
    """403: the user may not see or change that resource."""


class NotFound(ApiError):
    """404: no such resource among those the user may see."""


class Conflict(ApiError):
    """409: the resource is not in a state that allows the call (policy not in force, already linked…)."""


class Gone(ApiError):
    """410: the thing asked for existed but expired (a one-time code, a document link)."""


class RateLimited(ApiError):
    """429: too many attempts; ``retry_after`` says in how many seconds to try again."""

    @property
    def retry_after(self) -> int | None:
        value = self.details.get("retry_after")
        return int(value) if value is not None else None


class AddressLocked(RateLimited):
    """429 ``address_locked``: too many wrong codes for that e-mail today; it is locked until tomorrow
    (its owner was told by e-mail)."""


class BackendUnavailable(ApiError):
    """The API could not be reached, timed out or failed (5xx)."""


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: InvalidRequest,
    401: NotVerified,
    403: NotAllowed,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
}

# Kinds of failure that share a status with others but call for their own answer.
CODE_ERRORS: dict[str, type[ApiError]] = {
    "address_locked": AddressLocked,
}
