"""Web chat conversation ids the gateway issues and signs: ``web:`` + 32 random characters + a 22-character
HMAC-SHA256 tag of them under ``WEBCHAT_SENDER_KEY``. The gateway checks the tag without a lookup, so an id
it never issued (``web:aaaa…``) is refused, and nobody can mint fresh ids to dodge the per-chat limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

PREFIX = "web:"
RANDOM_CHARS = 32  # 24 random bytes, URL-safe base64
TAG_CHARS = 22  # the first 16 bytes of the HMAC, URL-safe base64 without padding
PATTERN = re.compile(rf"^{PREFIX}[A-Za-z0-9_-]{{{RANDOM_CHARS + TAG_CHARS}}}\Z")


def _tag(key: str, random_part: str) -> str:
    digest = hmac.new(key.encode(), (PREFIX + random_part).encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(key: str) -> str:
    """A new conversation id, signed."""
    random_part = secrets.token_urlsafe(24)
    return PREFIX + random_part + _tag(key, random_part)


def genuine(key: str, value: object) -> bool:
    """Whether ``value`` is an id this gateway (any worker holding ``key``) issued."""
    if not key or not isinstance(value, str) or not PATTERN.match(value):
        return False
    random_part, tag = value[len(PREFIX) : len(PREFIX) + RANDOM_CHARS], value[len(PREFIX) + RANDOM_CHARS :]
    return hmac.compare_digest(tag, _tag(key, random_part))
