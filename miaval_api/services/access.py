"""Who may see what. The one rule: a user sees a client only through a link of theirs,
and sees a policy or claim only through its client. Every query on customer data goes through here.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from miaval_api.errors import NotFound
from models import Claim, ClaimAttachment, ClientProfile, Policy, UserClientLink
from models.policy import policy_key


def linked_client_ids(user_id: int) -> Select[tuple[int]]:
    """The ids of the clients linked to ``user_id`` (a subquery)."""
    return select(UserClientLink.client_id).where(UserClientLink.user_id == user_id)


def may_see_client(client_id_column: ColumnElement[int], user_id: int) -> ColumnElement[bool]:
    """The condition "this user may see this client": use it in every customer-data query."""
    return client_id_column.in_(linked_client_ids(user_id))


def policies_query(user_id: int) -> Select[tuple[Policy]]:
    """Policies the user may see, with client and insurer loaded in the same query."""
    return (
        select(Policy)
        .options(joinedload(Policy.client), joinedload(Policy.insurer))
        .where(may_see_client(Policy.client_id, user_id))
    )


def visible_policy(session: Session, user_id: int, number: str) -> Policy:
    """The user's policy with this number (spaces, dashes and case ignored); NotFound otherwise."""
    key = policy_key(number)
    policy = session.scalars(policies_query(user_id).where(Policy.number_key == key).order_by(Policy.id)).first()
    if policy is None:
        raise NotFound("No such policy.")
    return policy


def claim_details() -> tuple:
    """Loader options for everything a claim's JSON, page and receipt read (no N+1; the relationships raise)."""
    return (
        joinedload(Claim.policy).joinedload(Policy.client),
        joinedload(Claim.policy).joinedload(Policy.insurer),
        joinedload(Claim.reported_by),
        selectinload(Claim.attachments).joinedload(ClaimAttachment.upload),
    )


def claims_query(user_id: int) -> Select[tuple[Claim]]:
    """Claims the user may see, with everything their JSON needs loaded up front (no N+1)."""
    return select(Claim).join(Claim.policy).options(*claim_details()).where(may_see_client(Policy.client_id, user_id))


def visible_claim(session: Session, user_id: int, number: str) -> Claim:
    """The user's claim with this number; NotFound otherwise."""
    claim = session.scalars(claims_query(user_id).where(Claim.number == number.strip().upper())).first()
    if claim is None:
        raise NotFound("No such claim.")
    return claim


def visible_client(session: Session, user_id: int, client_id: int) -> tuple[ClientProfile, UserClientLink]:
    """A linked client and its link; NotFound otherwise."""
    row = session.execute(
        select(ClientProfile, UserClientLink)
        .join(UserClientLink, UserClientLink.client_id == ClientProfile.id)
        .where(UserClientLink.user_id == user_id, ClientProfile.id == client_id)
    ).first()
    if row is None:
        raise NotFound("No such client.")
    return row[0], row[1]


def linked_clients(session: Session, user_id: int, client_id: Optional[int] = None) -> list[tuple[ClientProfile, str]]:
    """The user's linked clients with how each was linked, by name."""
    query = (
        select(ClientProfile, UserClientLink.linked_by)
        .join(UserClientLink, UserClientLink.client_id == ClientProfile.id)
        .where(UserClientLink.user_id == user_id)
        .order_by(ClientProfile.name, ClientProfile.id)
    )
    if client_id is not None:
        query = query.where(ClientProfile.id == client_id)
    return [(client, linked_by) for client, linked_by in session.execute(query)]
