"""Saved reports, and the daily counts of applications that most reports and the dashboard read (daily.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class SavedReport(db.Model):
    """A named report; a department head's reports belong to their department and only it sees them."""

    __tablename__ = "saved_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None: saved by an administrator, seen by administrators only.
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApplicationDay(db.Model):
    """Counts of one day's submitted applications with one department, service, status, district and channel."""

    __tablename__ = "application_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    district: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    applications: Mapped[int] = mapped_column(Integer)
    fees_paise: Mapped[int] = mapped_column(Integer)
    decided: Mapped[int] = mapped_column(Integer)  # approved, issued or rejected
    judged: Mapped[int] = mapped_column(Integer)  # decided, with a deadline
    on_time: Mapped[int] = mapped_column(Integer)  # decided on or before the deadline
    rejected: Mapped[int] = mapped_column(Integer)


class DailyWatermark(db.Model):
    """Up to when `application_days` is known to be current (one row)."""

    __tablename__ = "application_days_watermark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through: Mapped[datetime] = mapped_column(DateTime)
