"""Linking a client profile to an account by document plus a policy in force, and unlinking it.

A failure never says which half was wrong, and failures are rate limited:
after ``link_max_failures`` in ``link_failure_window_seconds`` the account must wait.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from stdnum.ar import cuit as stdnum_cuit
from stdnum.ar import dni as stdnum_dni

from miaval_api.errors import AlreadyLinked, InvalidDocument, LinkAttemptsExceeded, LinkFailed
from miaval_api.services import access, audit, clock
from miaval_api.settings import Settings
from models import ClientProfile, LinkFailure, Policy, User, UserClientLink
from models.policy import policy_key


def parse_document(raw: str) -> tuple[str, str]:
    """("dni", 8 digits) or ("cuit", 11 digits) from what a person typed; InvalidDocument otherwise."""
    if not re.fullmatch(r"[\d.\-\s/]{1,40}", raw.strip()):
        raise InvalidDocument()
    digits = re.sub(r"\D", "", raw)
    if len(digits) in (7, 8) and stdnum_dni.is_valid(digits):
        return "dni", digits.zfill(8)
    if len(digits) == 11 and stdnum_cuit.is_valid(digits):
        return "cuit", digits
    raise InvalidDocument()


def _document_matches(kind: str, number: str):  # noqa: ANN202 - an SQL condition
    """Clients holding this document. A DNI matches the CUIL/CUIT that contains it, and vice versa."""
    if kind == "dni":
        short = number.lstrip("0")
        return or_(ClientProfile.dni.in_({number, short}), ClientProfile.cuit.like(f"__{number}_"))
    inner = number[2:10]
    return or_(ClientProfile.cuit == number, ClientProfile.dni.in_({inner, inner.lstrip("0")}))


def _check_lockout(session: Session, settings: Settings, user_id: int) -> None:
    now = clock.now()
    since = now - timedelta(seconds=settings.link_failure_window_seconds)
    failures = session.scalars(
        select(LinkFailure.failed_at)
        .where(LinkFailure.user_id == user_id, LinkFailure.failed_at > since)
        .order_by(LinkFailure.failed_at)
    ).all()
    if len(failures) >= settings.link_max_failures:
        oldest = failures[len(failures) - settings.link_max_failures]
        retry_after = int((oldest + timedelta(seconds=settings.link_failure_window_seconds) - now).total_seconds()) + 1
        raise LinkAttemptsExceeded(retry_after=max(retry_after, 1))


def link(
    session: Session, settings: Settings, user: User, document: str, policy_number: str
) -> tuple[ClientProfile, str]:
    """Link the client holding ``document`` and the in-force policy ``policy_number``.

    A failed attempt is committed before LinkFailed is raised: it must count even
    though the request fails.
    """
    _check_lockout(session, settings, user.id)
    kind, number = parse_document(document)
    today = clock.today(settings)
    client = session.scalars(
        select(ClientProfile)
        .join(Policy, Policy.client_id == ClientProfile.id)
        .where(
            _document_matches(kind, number),
            Policy.number_key == policy_key(policy_number),
            Policy.status == "active",
            Policy.start_date <= today,
            Policy.end_date >= today,
        )
    ).first()
    if client is None:
        session.add(LinkFailure(user_id=user.id, failed_at=clock.now()))
        session.commit()
        raise LinkFailed()
    linked = session.scalar(
        select(UserClientLink.id).where(UserClientLink.user_id == user.id, UserClientLink.client_id == client.id)
    )
    if linked is not None:
        raise AlreadyLinked(client_id=client.id)
    session.add(UserClientLink(user_id=user.id, client_id=client.id, linked_by="manual", created_at=clock.now()))
    audit.record(session, "link", user.id, client.id, linked_by="manual")
    session.flush()
    return client, "manual"


def unlink(session: Session, user: User, client_id: int) -> ClientProfile:
    """Remove the user's link to a client. The client profile itself stays."""
    client, _link = access.visible_client(session, user.id, client_id)
    session.execute(
        delete(UserClientLink).where(UserClientLink.user_id == user.id, UserClientLink.client_id == client_id)
    )
    audit.record(session, "unlink", user.id, client_id)
    return client
