"""Email opt-ins: an address waiting for its confirmation click, confirmed, or unsubscribed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class EmailOptIn(db.Model):
    """One double opt-in by email. The WhatsApp number rides in the signed link only; here it is masked."""

    __tablename__ = "email_optins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    mobile_masked: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    notice_version: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
