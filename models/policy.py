"""Policies: what a client holds with an insurer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from insurance_rules import compact, covered_on, in_force_on
from models.base import Base
from models.client import ClientProfile
from models.insurer import Insurer

STATUSES = ("active", "expired", "cancelled")


def policy_key(number: str) -> str:
    """The form a policy number is looked up by: upper case, letters and digits only ("lt 5521907" -> "LT5521907")."""
    return compact(number)


class Policy(Base):
    """A policy as the portfolio system knows it."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    number_key: Mapped[str] = mapped_column(String(40), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client_profiles.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"))
    line: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    coverage: Mapped[str] = mapped_column(Text)
    monthly_premium: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    insured_item: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    client: Mapped[ClientProfile] = relationship(lazy="raise")
    insurer: Mapped[Insurer] = relationship(lazy="raise")

    def in_force_on(self, day: date) -> bool:
        """Active and ``day`` within its validity (insurance_rules.in_force_on)."""
        return in_force_on(self.status, self.start_date, self.end_date, day)

    def covered_on(self, day: date) -> bool:
        """The policy covered ``day`` (a loss's day), even if it has expired since (insurance_rules.covered_on)."""
        return covered_on(self.status, self.start_date, self.end_date, day)
