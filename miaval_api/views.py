"""The JSON shapes the API answers with (those api_client/types.py reads)."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from models import Claim, ClientProfile, Instalment, Insurer, Policy, Upload, User
from models.claim import ClaimAttachment


def user(item: User) -> dict[str, Any]:
    return {
        "id": item.id,
        "email": item.email,
        "name": item.name,
        "role": item.role,
        "email_verified": item.email_verified,
    }


def client(item: ClientProfile, linked_by: Optional[str] = None) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "name": item.name,
        "dni": item.dni,
        "cuit": item.cuit,
        "linked_by": linked_by,
    }


def insurer(item: Insurer) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "assistance_phone": item.assistance_phone,
        "claims_phone": item.claims_phone,
        "claims_email": item.claims_email,
    }


def policy(item: Policy, today: date) -> dict[str, Any]:
    return {
        "number": item.number,
        "client_id": item.client_id,
        "client_name": item.client.name,
        "insurer": insurer(item.insurer),
        "line": item.line,
        "status": item.status,
        "in_force": item.in_force_on(today),
        "start_date": item.start_date.isoformat(),
        "end_date": item.end_date.isoformat(),
        "coverage": item.coverage,
        "monthly_premium": float(item.monthly_premium) if item.monthly_premium is not None else None,
        "insured_item": item.insured_item or {},
    }


def instalment(item: Instalment) -> dict[str, Any]:
    return {
        "number": item.number,
        "due_date": item.due_date.isoformat(),
        "amount": float(item.amount),
        "state": item.state,
    }


def attachment(item: ClaimAttachment) -> dict[str, Any]:
    return {
        "id": item.id,
        "filename": item.upload.filename,
        "content_type": item.upload.content_type,
        "size": item.upload.size,
    }


def upload(item: Upload) -> dict[str, Any]:
    return {"id": item.id, "filename": item.filename, "content_type": item.content_type, "size": item.size}


def claim(item: Claim) -> dict[str, Any]:
    return {
        "number": item.number,
        "policy_number": item.policy.number,
        "client_name": item.policy.client.name,
        "insurer": insurer(item.policy.insurer),
        "type": item.type,
        "status": item.status,
        "occurred_at": item.occurred_at.isoformat(),
        "place": item.place,
        "latitude": item.latitude,
        "longitude": item.longitude,
        "description": item.description,
        "third_party_involved": item.third_party_involved,
        "third_party": item.third_party,
        "injured_people": item.injured_people,
        "police_report": item.police_report,
        "damaged_items": item.damaged_items,
        "driver": item.driver,
        "witnesses": item.witnesses,
        "vehicle_drivable": item.vehicle_drivable,
        "occurred_time_known": item.occurred_time_known,
        "created_at": item.created_at.isoformat(),
        "reported_late": item.reported_late,
        "receipt_sha256": item.receipt_sha256,
        "attachments": [attachment(a) for a in item.attachments],
    }
