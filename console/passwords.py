"""Staff passwords: argon2id hashes (argon2-cffi), checked in constant time, upgraded when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12
# Checked against when the e-mail is unknown, so that a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only timing")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (None: an unknown account, same cost, always False)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters (rehash at the next sign-in)."""
    return _hasher.check_needs_rehash(password_hash)


def acceptable(password: str) -> bool:
    """A password long enough for a staff account."""
    return len(password) >= MIN_LENGTH
