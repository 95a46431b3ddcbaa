"""The demo's producers and staff (``producers:`` and ``staff:`` in demo/portfolio.yml).

Producers are matched to the client profiles the API loaded (by CUIT, DNI or
name); staff get the passwords ``make run`` generated for this start (never
stored in the repository: only their argon2 hashes reach the database).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.ar import cuit as stdnum_cuit

from console import passwords, sessions
from miaval_api.demo import DEFAULT_FILE
from models import ClientProfile, Producer, StaffMember


def _client(session: Session, item: dict[str, Any]) -> ClientProfile | None:
    query = select(ClientProfile)
    if item.get("cuit"):
        query = query.where(ClientProfile.cuit == stdnum_cuit.compact(item["cuit"]))
    elif item.get("dni"):
        query = query.where(ClientProfile.dni == item["dni"])
    else:
        query = query.where(ClientProfile.name == item["name"])
    return session.scalars(query.order_by(ClientProfile.id)).first()


def staff_entries(path: Path = DEFAULT_FILE) -> list[dict[str, Any]]:
    """The ``staff:`` section of the portfolio file."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8")).get("staff") or [])


def load(session: Session, demo_passwords: Mapping[str, str], path: Path = DEFAULT_FILE) -> list[StaffMember]:
    """Upsert the producers, their clients' producer, and the staff with these passwords (by e-mail)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    clients = {item["key"]: item for item in data.get("clients") or []}
    producers: dict[str, Producer] = {}
    for item in data.get("producers") or []:
        producer = session.scalars(select(Producer).where(Producer.key == item["key"])).first()
        if producer is None:
            producer = Producer(key=item["key"])
            session.add(producer)
        producer.name, producer.license, producer.email = item["name"], item.get("license"), item.get("email")
        session.flush()
        producers[item["key"]] = producer
        for key in item.get("clients") or []:
            client = _client(session, clients[key]) if key in clients else None
            if client is not None and client.producer_id is None:
                client.producer_id = producer.id
    members = []
    for item in data.get("staff") or []:
        email = item["email"].lower()
        password = demo_passwords.get(email)
        if not password:
            continue
        member = session.scalars(select(StaffMember).where(StaffMember.email == email)).first()
        if member is None:
            member = StaffMember(email=email)
            session.add(member)
        member.name = item["name"]
        member.role = item["role"]
        member.active = True
        member.producer_id = producers[item["producer"]].id if item.get("producer") else None
        member.password_hash = passwords.hash_password(password)
        members.append(member)
    session.flush()
    for member in members:  # a new password: sessions signed in with the old one end
        sessions.end_all(session, member.id)
    return members
