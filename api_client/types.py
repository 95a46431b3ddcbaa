"""Typed results of the Mi Aval API, built from its JSON answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional


def _date(value: Optional[str]) -> Optional[date]:
    return date.fromisoformat(value) if value else None


def _datetime(value: Optional[str]) -> Optional[datetime]:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: Optional[str]
    role: str  # client | intermediary
    email_verified: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(
            id=data["id"],
            email=data["email"],
            name=data.get("name"),
            role=data["role"],
            email_verified=data["email_verified"],
        )


@dataclass(frozen=True)
class ClientProfile:
    id: int
    kind: str  # person | company
    name: str
    dni: Optional[str]
    cuit: Optional[str]
    linked_by: Optional[str]  # auto | manual (None outside a user's links)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClientProfile:
        return cls(
            id=data["id"],
            kind=data["kind"],
            name=data["name"],
            dni=data.get("dni"),
            cuit=data.get("cuit"),
            linked_by=data.get("linked_by"),
        )


@dataclass(frozen=True)
class Insurer:
    code: str
    name: str
    assistance_phone: str
    claims_phone: str
    claims_email: Optional[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Insurer:
        return cls(
            code=data["code"],
            name=data["name"],
            assistance_phone=data["assistance_phone"],
            claims_phone=data["claims_phone"],
            claims_email=data.get("claims_email"),
        )


@dataclass(frozen=True)
class Policy:
    number: str
    client_id: int
    client_name: str
    insurer: Insurer
    line: str  # auto | motorcycle | home | business | building | life | personal_accident
    status: str  # active | expired | cancelled, as the portfolio system says
    in_force: bool  # active and today within start..end
    start_date: date
    end_date: date
    coverage: str
    monthly_premium: Optional[float]
    insured_item: dict[str, Any] = field(default_factory=dict)

    @property
    def plate(self) -> Optional[str]:
        vehicle = self.insured_item.get("vehicle") or {}
        return vehicle.get("plate")

    @property
    def is_vehicle(self) -> bool:
        return self.line in ("auto", "motorcycle")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Policy:
        return cls(
            number=data["number"],
            client_id=data["client_id"],
            client_name=data["client_name"],
            insurer=Insurer.from_json(data["insurer"]),
            line=data["line"],
            status=data["status"],
            in_force=data["in_force"],
            start_date=_date(data["start_date"]),
            end_date=_date(data["end_date"]),
            coverage=data["coverage"],
            monthly_premium=data.get("monthly_premium"),
            insured_item=data.get("insured_item") or {},
        )


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str
    content_type: str
    size: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        return cls(id=data["id"], filename=data["filename"], content_type=data["content_type"], size=data["size"])


@dataclass(frozen=True)
class Upload:
    """A file a user sent in the chat, kept until it is attached to a claim."""

    id: str
    filename: str
    content_type: str
    size: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Upload:
        return cls(id=data["id"], filename=data["filename"], content_type=data["content_type"], size=data["size"])


@dataclass(frozen=True)
class Claim:
    number: str
    policy_number: str
    client_name: str
    insurer: Insurer
    type: str  # collision | theft | hail | glass | fire | water_damage | other
    status: str  # received | under_review | inspection_scheduled | approved | rejected | paid | closed
    occurred_at: Optional[datetime]
    place: Optional[str]
    description: Optional[str]
    created_at: Optional[datetime]
    reported_late: bool  # reported after the 3 days of art. 46, Ley 17.418
    attachments: list[Attachment] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Claim:
        return cls(
            number=data["number"],
            policy_number=data["policy_number"],
            client_name=data["client_name"],
            insurer=Insurer.from_json(data["insurer"]),
            type=data["type"],
            status=data["status"],
            occurred_at=_datetime(data.get("occurred_at")),
            place=data.get("place"),
            description=data.get("description"),
            created_at=_datetime(data.get("created_at")),
            reported_late=data.get("reported_late", False),
            attachments=[Attachment.from_json(a) for a in data.get("attachments", [])],
        )


@dataclass
class ClaimDraft:
    """What the assistant gathered for a claim report, sent to create it."""

    policy_number: str
    type: str
    occurred_at: datetime  # timezone-aware
    place: str
    description: str
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    third_party_involved: Optional[bool] = None
    third_party: Optional[dict[str, Any]] = None  # name, document, phone, plate, insurer, policy
    injured_people: Optional[bool] = None
    police_report: Optional[str] = None  # number or description of the police report
    damaged_items: Optional[str] = None
    driver: Optional[str] = None  # who was driving the insured vehicle
    witnesses: Optional[str] = None
    vehicle_drivable: Optional[bool] = None
    occurred_time_known: bool = True  # False: only the day (or "anoche") was said; the time is an estimate
    upload_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = {
            "policy_number": self.policy_number,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "place": self.place,
            "description": self.description,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "third_party_involved": self.third_party_involved,
            "third_party": self.third_party,
            "injured_people": self.injured_people,
            "police_report": self.police_report,
            "damaged_items": self.damaged_items,
            "driver": self.driver,
            "witnesses": self.witnesses,
            "vehicle_drivable": self.vehicle_drivable,
            "occurred_time_known": self.occurred_time_known,
            "upload_ids": list(self.upload_ids),
        }
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class VerificationStarted:
    email_masked: str  # l***a@example.com: safe to show in the chat
    expires_in_seconds: int


@dataclass(frozen=True)
class VerificationResult:
    user: User
    new_account: bool
    linked_clients: list[ClientProfile]


@dataclass(frozen=True)
class DocumentLink:
    """A short-lived capability to download one document (certificate, receipt)."""

    token: str
    filename: str
    content_type: str
    expires_at: datetime


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Handoff:
    id: int
    expected_contact: str  # a sentence-free hint: "within_answer_time" or "next_business_day"
    office_open: bool = True
    answer_from: Optional[datetime] = None  # the desk's next opening, local time (None: within the answer time)
    answer_in_days: Optional[int] = None  # local days from today to answer_from (0 today, 1 tomorrow)
    answer_within_minutes: Optional[int] = None  # Aval's answer time while the desk is open

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Handoff:
        return cls(
            id=data["id"],
            expected_contact=data["expected_contact"],
            office_open=data.get("office_open", True),
            answer_from=_datetime(data.get("answer_from")),
            answer_in_days=data.get("answer_in_days"),
            answer_within_minutes=data.get("answer_within_minutes"),
        )


@dataclass(frozen=True)
class CancellationRequest:
    id: int
    policy_number: str
    status: str  # requested | confirmed | done | withdrawn
    reason: Optional[str]  # moved_or_sold | price | not_needed | other
    created: bool  # False: a request for this policy was already open

    @classmethod
    def from_json(cls, data: dict[str, Any], created: bool) -> CancellationRequest:
        return cls(
            id=data["id"],
            policy_number=data["policy_number"],
            status=data["status"],
            reason=data.get("reason"),
            created=created,
        )


@dataclass(frozen=True)
class AccountDeleted:
    unlinked_clients: int
    forgotten_identities: int
