"""Loading demo/portfolio.yml: relative dates resolve on the day it loads.

The API stores the insurers, clients, policies, instalments, users and claims. The other
sections are read by others and ignored here: ``broker`` (Aval's contact data
and office hours, which the assistant says in its copy; a test checks that the
copy agrees with this file), ``producers`` and ``staff`` (the console's).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from insurance_rules import digits
from miaval_api.services import clock, verification
from miaval_api.settings import Settings
from models import Claim, ClientProfile, Instalment, Insurer, Policy, User
from models.policy import policy_key

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "demo" / "portfolio.yml"


def is_empty(session: Session) -> bool:
    """No insurer, client or user yet."""
    return all(session.scalar(select(model.id).limit(1)) is None for model in (Insurer, ClientProfile, User))


def load(session: Session, settings: Settings, path: Path = DEFAULT_FILE, today: date | None = None) -> dict[str, int]:
    """Insert the portfolio; verified users get their clients linked by e-mail at once."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = today or clock.today(settings)
    zone = clock.local_zone(settings)
    insurers = {}
    for item in data["insurers"]:
        insurers[item["code"]] = Insurer(
            code=item["code"],
            name=item["name"],
            assistance_phone=item["assistance_phone"],
            claims_phone=item["claims_phone"],
            claims_email=item.get("claims_email"),
        )
    clients = {}
    for item in data["clients"]:
        clients[item["key"]] = ClientProfile(
            kind=item["kind"],
            name=item["name"],
            dni=item.get("dni"),
            cuit=digits(item["cuit"]) if item.get("cuit") else None,
            email=(item.get("email") or "").lower() or None,
            phone=item.get("phone"),
        )
    session.add_all([*insurers.values(), *clients.values()])
    session.flush()
    policies = {}
    for item in data["policies"]:
        policies[item["number"]] = Policy(
            number=item["number"],
            number_key=policy_key(item["number"]),
            client_id=clients[item["client"]].id,
            insurer_id=insurers[item["insurer"]].id,
            line=item["line"],
            status=item["status"],
            start_date=today + timedelta(days=item["start_offset_days"]),
            end_date=today + timedelta(days=item["end_offset_days"]),
            coverage=item["coverage"],
            monthly_premium=Decimal(str(item["monthly_premium"])) if item.get("monthly_premium") is not None else None,
            insured_item=item.get("insured_item") or {},
        )
    session.add_all(policies.values())
    session.flush()
    instalments = [
        Instalment(
            policy_id=policies[item["policy"]].id,
            number=item["number"],
            due_date=today + timedelta(days=item["due_offset_days"]),
            amount=Decimal(str(item["amount"])),
            state=item["state"],
        )
        for item in data.get("instalments", [])
    ]
    session.add_all(instalments)
    users = [
        User(
            email=item["email"].lower(),
            name=item.get("name"),
            role=item.get("role", "client"),
            email_verified=bool(item.get("email_verified")),
            created_at=clock.now(),
        )
        for item in data["users"]
    ]
    session.add_all(users)
    session.flush()
    for item in data.get("claims", []):
        occurred = datetime.combine(today + timedelta(days=item["occurred_offset_days"]), time(12, 0), zone)
        seq = int(item["number"].split("-")[-1])
        session.add(
            Claim(
                seq=seq,
                number=item["number"],
                policy_id=policies[item["policy"]].id,
                type=item["type"],
                status=item["status"],
                occurred_at=occurred,
                place=item.get("place"),
                description=item.get("description"),
                created_at=occurred + timedelta(days=1),
                reported_late=False,
            )
        )
    links = sum(verification.link_by_email(session, user) for user in users if user.email_verified)
    return {
        "insurers": len(insurers),
        "clients": len(clients),
        "policies": len(policies),
        "instalments": len(instalments),
        "users": len(users),
        "claims": len(data.get("claims", [])),
        "links": links,
    }
