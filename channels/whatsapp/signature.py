"""Is this request really from Twilio? ``X-Twilio-Signature`` checked with twilio's RequestValidator."""

from __future__ import annotations

from flask import Request
from twilio.request_validator import (
    HMAC_SHA1,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from channels.settings import Settings


def signed_url(settings: Settings, request: Request) -> str:
    """The URL Twilio called, as the public sees it (Twilio signs this, not our local address)."""
    query = request.query_string.decode("latin-1")
    return settings.public_url + request.path + (f"?{query}" if query else "")


def _shared_key_id(header: str) -> str:
    for part in header.split(","):
        name, _, value = part.partition("=")
        if name.strip() == "key":
            return value.strip()
    return ""


def is_from_twilio(settings: Settings, request: Request) -> bool:
    """True only for a request signed with our Auth Token (or our webhook SharedKey)."""
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or not settings.twilio_auth_token:
        return False
    key_settings = request.headers.get(SIGNATURE_SETTINGS_HEADER, "")
    if key_settings:
        # A SharedKey signature: only ours counts, with the algorithm Twilio names.
        if not settings.twilio_webhook_key_secret or _shared_key_id(key_settings) != settings.twilio_webhook_key_sid:
            return False
        validator = RequestValidator(settings.twilio_webhook_key_secret)
        algorithm = get_signature_algorithm(key_settings)
    else:
        validator = RequestValidator(settings.twilio_auth_token)
        algorithm = HMAC_SHA1
    return validator.validate(signed_url(settings, request), request.form, signature, algorithm=algorithm)
