"""Linking a client profile to an account by document plus a policy in force, and unlinking it.

A failure never says which half was wrong, and failures are rate limited:
after ``link_max_failures`` in ``link_failure_window_seconds`` against the chat,
the account or the document, linking waits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from insurance_rules import InvalidDocumentNumber
from insurance_rules import parse_document as parse_document_number
from miaval_api.errors import AlreadyLinked, InvalidDocument, LinkAttemptsExceeded, LinkFailed
from miaval_api.services import access, audit, clock, limits
from miaval_api.settings import Settings
from models import ClientProfile, Policy, User, UserClientLink
from models.policy import policy_key


def parse_document(raw: str) -> tuple[str, str]:
    """("dni", 8 digits) or ("cuit", 11 digits) from what a person typed; InvalidDocument otherwise."""
    try:
        return parse_document_number(raw)
    except InvalidDocumentNumber:
        raise InvalidDocument() from None


def _document_matches(kind: str, number: str):  # noqa: ANN202 - an SQL condition
    """Clients holding this document. A DNI matches the CUIL/CUIT that contains it, and vice versa."""
    if kind == "dni":
        short = number.lstrip("0")
        return or_(ClientProfile.dni.in_({number, short}), ClientProfile.cuit.like(f"__{number}_"))
    inner = number[2:10]
    return or_(ClientProfile.cuit == number, ClientProfile.dni.in_({inner, inner.lstrip("0")}))


def document_core(kind: str, number: str) -> str:
    """The 8 digits a DNI and the CUIL/CUIT holding it share: tries on either count as tries on one document."""
    return number if kind == "dni" else number[2:10]


def _check_lockout(session: Session, settings: Settings, counted: dict[str, str]) -> None:
    """LinkAttemptsExceeded when any of the counters (kind -> what is counted) reached ``link_max_failures``."""
    window = timedelta(seconds=settings.link_failure_window_seconds)
    since = clock.now() - window
    waits = [
        limits.window_retry_after(
            limits.failures_since(session, settings, kind, value, since), settings.link_max_failures, window
        )
        for kind, value in counted.items()
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    if longest is not None:
        raise LinkAttemptsExceeded(retry_after=longest)


def link(
    session: Session, settings: Settings, sender_id: str, user: User, document: str, policy_number: str
) -> tuple[ClientProfile, str]:
    """Link the client holding ``document`` and the in-force policy ``policy_number``.

    Failures count against the chat, the account and the document (its keyed hash), each
    capped at ``link_max_failures`` per window: a new account on the same chat, or many
    chats on the same document, get no fresh tries. A failed attempt is committed before
    LinkFailed is raised: it must count even though the request fails.
    """
    counted = {"link_chat": sender_id, "link_user": str(user.id)}
    _check_lockout(session, settings, counted)
    kind, number = parse_document(document)
    counted["link_document"] = document_core(kind, number)
    _check_lockout(session, settings, counted)
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
        for counter, value in counted.items():
            limits.record_failure(session, settings, counter, value)
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


def address_to_tell(client: ClientProfile, user: User) -> Optional[str]:
    """The client's own e-mail, to be told that their profile was linked; None when there is none to tell.

    None when the portfolio has no e-mail for the client or it is the account's own (the case of
    every automatic link, made because the addresses match).
    """
    if not client.email or client.email.lower() == user.email.lower():
        return None
    return client.email


def unlink(session: Session, user: User, client_id: int) -> ClientProfile:
    """Remove the user's link to a client. The client profile itself stays."""
    client, _link = access.visible_client(session, user.id, client_id)
    session.execute(
        delete(UserClientLink).where(UserClientLink.user_id == user.id, UserClientLink.client_id == client_id)
    )
    audit.record(session, "unlink", user.id, client_id)
    return client
