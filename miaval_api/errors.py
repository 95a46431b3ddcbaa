"""Named failures of the API. Each knows its HTTP status and machine code; one handler turns them into JSON."""

from __future__ import annotations

from typing import Any, Optional


class ApiError(Exception):
    """Base: a refusal the caller can act on, answered as ``{"error": {code, message, details}}``."""

    status = 400
    code = "bad_request"
    message = "The request cannot be served."

    def __init__(self, message: Optional[str] = None, **details: Any):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def _error(name: str, status: int, code: str, message: str) -> type[ApiError]:
    return type(name, (ApiError,), {"status": status, "code": code, "message": message})


InvalidJson = _error("InvalidJson", 400, "invalid_json", "The body is not valid JSON in UTF-8.")
InvalidRequest = _error("InvalidRequest", 422, "invalid_request", "The request does not match the contract.")
Unauthorized = _error("Unauthorized", 401, "unauthorized", "A valid service token is required.")
NotVerified = _error("NotVerified", 401, "not_verified", "The chat identity is not tied to a verified account.")
NotFound = _error("NotFound", 404, "not_found", "No such resource.")
MethodNotAllowed = _error("MethodNotAllowed", 405, "method_not_allowed", "Method not allowed on this resource.")
PayloadTooLarge = _error("PayloadTooLarge", 413, "payload_too_large", "The body is larger than allowed.")
UnsupportedMediaType = _error("UnsupportedMediaType", 415, "unsupported_media_type", "Send application/json.")
InvalidEmail = _error("InvalidEmail", 422, "invalid_email", "That is not a valid e-mail address.")
ResendLimited = _error("ResendLimited", 429, "resend_limited", "Too many codes sent; wait before asking again.")
WrongCode = _error("WrongCode", 400, "wrong_code", "The code does not match.")
CodeExpired = _error("CodeExpired", 410, "code_expired", "The code expired; ask for a new one.")
TooManyAttempts = _error("TooManyAttempts", 429, "too_many_attempts", "Too many wrong codes; ask for a new one.")
AddressLocked = _error(
    "AddressLocked", 429, "address_locked", "Too many wrong codes for this address today; it is locked until tomorrow."
)
NoPendingVerification = _error(
    "NoPendingVerification", 404, "no_pending_verification", "There is no pending verification for this identity."
)
InvalidDocument = _error("InvalidDocument", 422, "invalid_document", "That is not a valid DNI, CUIL or CUIT.")
LinkFailed = _error("LinkFailed", 400, "link_failed", "No client matches that document and policy in force.")
AlreadyLinked = _error("AlreadyLinked", 409, "already_linked", "That client is already linked to this account.")
LinkAttemptsExceeded = _error(
    "LinkAttemptsExceeded", 429, "link_attempts_exceeded", "Too many failed linking attempts; try again later."
)
PolicyNotInForce = _error("PolicyNotInForce", 409, "policy_not_in_force", "The policy is not in force.")
InvalidClaim = _error("InvalidClaim", 422, "invalid_claim", "The claim cannot be accepted as sent.")
OccurredInFuture = _error("OccurredInFuture", 422, "occurred_in_future", "occurred_at lies in the future.")
IdempotencyKeyRequired = _error(
    "IdempotencyKeyRequired",
    400,
    "idempotency_key_required",
    "Send an Idempotency-Key header (1-200 printable ASCII characters).",
)
IdempotencyKeyReused = _error(
    "IdempotencyKeyReused", 422, "idempotency_key_reused", "That Idempotency-Key was used for a different claim."
)
UploadTooLarge = _error("UploadTooLarge", 413, "too_large", "Files may be at most 10 MB.")
UnsupportedType = _error(
    "UnsupportedType", 415, "unsupported_type", "Only JPEG, PNG, WebP, HEIC images and PDF documents are accepted."
)
LinkExpired = _error("LinkExpired", 410, "link_expired", "The download link expired.")
MailUnavailable = _error("MailUnavailable", 503, "mail_unavailable", "The e-mail could not be sent; try again.")


def error_for_code(code: str) -> type[ApiError]:
    """The failure whose machine code is ``code`` (InvalidRequest when there is none)."""
    for kind in ApiError.__subclasses__():
        if kind.code == code:
            return kind
    return InvalidRequest
