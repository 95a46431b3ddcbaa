"""Insurance companies and the phones a customer needs from them."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Insurer(Base):
    """An insurer whose policies Aval places."""

    __tablename__ = "insurers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    assistance_phone: Mapped[str] = mapped_column(String(40))
    claims_phone: Mapped[str] = mapped_column(String(40))
    claims_email: Mapped[Optional[str]] = mapped_column(String(254))
