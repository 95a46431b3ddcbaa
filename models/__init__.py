"""The Mi Aval data model (SQLAlchemy 2.0). Alembic (miaval_api/migrations) owns the schema."""

from models.audit import AuditEntry
from models.base import Base, utcnow
from models.cancellation import CancellationRequest
from models.claim import Claim, ClaimAttachment, Upload
from models.client import ClientProfile, UserClientLink
from models.delivery import ProcessedDelivery, delivery_seen, mark_delivery_seen
from models.handoff import HandoffRequest
from models.insurer import Insurer
from models.learning import ConsumedEvent, ConversationTurn, ReviewItem, SatisfactionAnswer
from models.limits import FailedAttempt, LockoutNotice
from models.outbound import OutboundMessage
from models.policy import Policy
from models.reminder import Instalment, ReminderPause
from models.staff import Producer, StaffAuditEntry, StaffMember, StaffSession
from models.user import ChatIdentity, User
from models.verification import CodeSend, OneTimeCode

__all__ = [
    "AuditEntry",
    "Base",
    "CancellationRequest",
    "ChatIdentity",
    "Claim",
    "ClaimAttachment",
    "ClientProfile",
    "ConsumedEvent",
    "ConversationTurn",
    "CodeSend",
    "HandoffRequest",
    "Instalment",
    "FailedAttempt",
    "Insurer",
    "LockoutNotice",
    "OneTimeCode",
    "OutboundMessage",
    "Policy",
    "Producer",
    "ProcessedDelivery",
    "ReminderPause",
    "ReviewItem",
    "SatisfactionAnswer",
    "StaffAuditEntry",
    "StaffMember",
    "StaffSession",
    "Upload",
    "User",
    "UserClientLink",
    "delivery_seen",
    "mark_delivery_seen",
    "utcnow",
]
