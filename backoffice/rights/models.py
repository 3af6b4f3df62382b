"""Requests citizens make about their personal data, each with the date it must be answered by."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class RightsRequest(db.Model):
    """One request: access, correction, erasure, nomination or grievance, open until answered."""

    __tablename__ = "rights_requests"
    __table_args__ = (Index("ix_rights_requests_open_due", "status", "due_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(24), unique=True)
    # The pseudonymous sender id, kept (without a foreign key) after an erasure as proof the request was met.
    citizen_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done | refused
    text: Mapped[str | None] = mapped_column(Text)  # what the citizen wrote
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(80))
    response: Mapped[str | None] = mapped_column(Text)  # what the citizen was told
