"""Saved reports, their email schedules, and the daily and monthly counts of applications most reports and the
dashboard read (daily.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class _Counts:
    """The dimensions and counts a day row and a month row share (fees differ in width, so each declares its own)."""

    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    district: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    applications: Mapped[int] = mapped_column(Integer)
    decided: Mapped[int] = mapped_column(Integer)  # approved, issued or rejected
    judged: Mapped[int] = mapped_column(Integer)  # decided, with a deadline
    on_time: Mapped[int] = mapped_column(Integer)  # decided on or before the deadline
    rejected: Mapped[int] = mapped_column(Integer)


class ApplicationDay(_Counts, db.Model):
    """Counts of one day's submitted applications with one department, service, status, district and channel."""

    __tablename__ = "application_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    fees_paise: Mapped[int] = mapped_column(Integer)


class ApplicationMonth(_Counts, db.Model):
    """The same counts summed over a month (`month` is its first day): what whole-month and all-time reads use."""

    __tablename__ = "application_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    fees_paise: Mapped[int] = mapped_column(BigInteger)


class OcrVerdictDay(db.Model):
    """OCR verdicts of one UTC day on the documents of one department's applications (ocr_days.py)."""

    __tablename__ = "ocr_verdict_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16), primary_key=True)
    results: Mapped[int] = mapped_column(Integer)


class DailyWatermark(db.Model):
    """Up to when `application_days` is known to be current (one row)."""

    __tablename__ = "application_days_watermark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through: Mapped[datetime] = mapped_column(DateTime)


class ReportSchedule(db.Model):
    """A saved report mailed daily or weekly to a list of addresses (tasks.send_scheduled_reports)."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One schedule per saved report: scheduling again replaces it.
    report_id: Mapped[int] = mapped_column(ForeignKey("saved_reports.id"), unique=True)
    frequency: Mapped[str] = mapped_column(String(8))  # daily or weekly
    file_format: Mapped[str] = mapped_column(String(8))  # csv or xlsx
    recipients: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    report: Mapped[SavedReport] = relationship()
