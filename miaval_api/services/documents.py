"""Documents a user may download: the coverage certificate and the claim receipt.

A download link is a token signed with the server secret (itsdangerous): it
names the account, the kind and the reference, and expires after
``document_ttl_seconds``. Access is checked again when it is used.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from miaval_api.errors import LinkExpired, NotFound, PolicyNotInForce
from miaval_api.services import access, clock, pdf
from miaval_api.settings import Settings
from models import Claim, Policy

KINDS = ("certificate", "claim_receipt")


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Link:
    token: str
    filename: str
    content_type: str
    expires_at: datetime


def _safe(name: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in name)


def certificate_for(settings: Settings, policy: Policy) -> Document:
    """The certificate of a policy in force; PolicyNotInForce otherwise."""
    if not policy.in_force_on(clock.today(settings)):
        raise PolicyNotInForce(policy_number=policy.number)
    client = policy.client
    document = f"CUIT/CUIL {client.cuit}" if client.cuit else (f"DNI {client.dni}" if client.dni else None)
    content = pdf.certificate(
        {
            "number": policy.number,
            "insurer_name": policy.insurer.name,
            "assistance_phone": policy.insurer.assistance_phone,
            "client_name": client.name,
            "client_document": document,
            "line": policy.line,
            "coverage": policy.coverage,
            "insured_item": policy.insured_item,
            "start_date": policy.start_date,
            "end_date": policy.end_date,
        },
        clock.now().astimezone(clock.local_zone(settings)),
    )
    return Document(f"certificado-{_safe(policy.number)}.pdf", "application/pdf", content)


def _same_name(one: str, other: str) -> bool:
    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())

    return plain(one) == plain(other)


def reporter(claim: Claim) -> str | None:
    """Who reported the claim, when that is not the insured (a mother for her son, an accountant): else None.

    A shared e-mail does not make them the same person (Martín's profile has his
    mother's address): a named account is the insured only under the insured's name.
    """
    user, client = claim.reported_by, claim.policy.client
    if user is None:
        return None
    if user.name:
        return None if _same_name(user.name, client.name) else f"{user.name} ({user.email})"
    return None if (client.email or "").lower() == user.email.lower() else user.email


def receipt_fields(settings: Settings, claim: Claim) -> dict:
    """What a claim's receipt shows, read from the database (cheap: no PDF is built here)."""
    zone = clock.local_zone(settings)
    policy = claim.policy
    return {
        "number": claim.number,
        "policy_number": policy.number,
        "insurer_name": policy.insurer.name,
        "insurer_claims_phone": policy.insurer.claims_phone,
        "insurer_claims_email": policy.insurer.claims_email,
        "client_name": policy.client.name,
        "line": policy.line,
        "insured_item": policy.insured_item or {},
        "reported_by": reporter(claim),
        "occurred_time_known": claim.occurred_time_known is not False,
        "type": claim.type,
        "occurred_at_local": claim.occurred_at.astimezone(zone),
        "created_at_local": claim.created_at.astimezone(zone),
        "place": claim.place,
        "description": claim.description,
        "third_party_involved": claim.third_party_involved,
        "third_party": claim.third_party,
        "injured_people": claim.injured_people,
        "police_report": claim.police_report,
        "damaged_items": claim.damaged_items,
        "driver": claim.driver,
        "witnesses": claim.witnesses,
        "vehicle_drivable": claim.vehicle_drivable,
        "reported_late": claim.reported_late,
        "sha256": claim.receipt_sha256 or "",
    }


def receipt_document(fields: dict) -> Document:
    """The receipt PDF from ``receipt_fields``; built outside any transaction (it takes tens of ms)."""
    return Document(f"constancia-{_safe(fields['number'])}.pdf", "application/pdf", pdf.claim_receipt(fields))


def receipt_for(settings: Settings, claim: Claim) -> Document:
    """The receipt of a claim report, as e-mailed when it was made."""
    return receipt_document(receipt_fields(settings, claim))


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret, salt="miaval-document")


def _build(session: Session, settings: Settings, user_id: int, kind: str, ref: str) -> Document:
    if kind == "certificate":
        return certificate_for(settings, access.visible_policy(session, user_id, ref))
    return receipt_for(settings, access.visible_claim(session, user_id, ref))


def make_link(session: Session, settings: Settings, user_id: int, kind: str, ref: str) -> Link:
    """A short-lived download token; the document must be available to the user now."""
    document = _build(session, settings, user_id, kind, ref)
    token = _serializer(settings).dumps({"u": user_id, "k": kind, "r": ref})
    expires_at = clock.now() + timedelta(seconds=settings.document_ttl_seconds)
    return Link(token, document.filename, document.content_type, expires_at)


def fetch(session: Session, settings: Settings, token: str) -> Document:
    """The document a token names, if the token is genuine, fresh and its account may still see it."""
    try:
        data = _serializer(settings).loads(token, max_age=settings.document_ttl_seconds)
    except SignatureExpired:
        raise LinkExpired() from None
    except BadSignature:
        raise NotFound("No such document.") from None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise NotFound("No such document.")
    return _build(session, settings, int(data["u"]), data["k"], str(data["r"]))
