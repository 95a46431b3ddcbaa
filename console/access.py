"""Who on the staff may do what. The one place that decides: every page asks :func:`allowed`.

- executive: the handoff queue, the claims inbox, cancellations and tasks;
- supervisor: all of that, every producer's report, staff accounts and the audit; pausing a kind of reminder;
- producer: only the reports on their own clients (never the queue, never another producer's clients);
- trainer: only the review queue (what the assistant misunderstood, masked) and its export to training data;
  the board ("Tablero") is the supervisors'.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import ColumnElement, false

from models import ClientProfile, StaffMember

AREAS: dict[str, frozenset[str]] = {
    "handoffs": frozenset({"executive", "supervisor"}),
    "claims": frozenset({"executive", "supervisor"}),
    "cancellations": frozenset({"executive", "supervisor"}),
    "tasks": frozenset({"executive", "supervisor"}),
    "reminders": frozenset({"executive", "supervisor"}),
    "reminder_pauses": frozenset({"supervisor"}),
    "reports": frozenset({"producer", "supervisor"}),
    "staff": frozenset({"supervisor"}),
    "audit": frozenset({"supervisor"}),
    "review": frozenset({"trainer", "supervisor"}),
    "board": frozenset({"supervisor"}),
}


def allowed(staff: Optional[StaffMember], area: str) -> bool:
    """Whether this (active) staff member may use ``area``."""
    return bool(staff and staff.active and staff.role in AREAS[area])


def report_producer_id(staff: StaffMember, asked: Optional[int]) -> Optional[int]:
    """Whose clients a report shows: a producer always their own; a supervisor the producer they chose."""
    if staff.role == "producer":
        return staff.producer_id
    return asked


def may_see_client(staff: StaffMember, producer_id: Optional[int]) -> ColumnElement[bool]:
    """The condition on client profiles for a report on ``producer_id``'s clients as ``staff`` may see it."""
    if producer_id is None or not allowed(staff, "reports"):
        return false()
    if staff.role == "producer" and staff.producer_id != producer_id:
        return false()
    return ClientProfile.producer_id == producer_id


def home(staff: StaffMember) -> str:
    """The endpoint a staff member lands on after signing in."""
    if staff.role == "trainer":
        return "review.queue"
    return "reports.index" if staff.role == "producer" else "handoffs.queue"
