"""Applications and their history: one citizen's application for one catalog service, from draft to decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.people.models import Department, User
from backoffice.vault.models import AadhaarRecord

# Statuses in which the department still owes a decision (workflow.PENDING); the queue's partial index covers them.
PENDING_STATUSES = ("submitted", "payment_pending", "document_check", "under_review", "query_raised")
_PENDING_SQL = "status IN (" + ", ".join(f"'{s}'" for s in PENDING_STATUSES) + ")"
# What the reports read besides the date (backoffice/reports/query.py), carried in their indexes.
REPORT_COLUMNS = ["department_code", "service", "status", "district", "channel", "assigned_to_id", "fee_paise",
                  "decided_at", "decision_by"]  # fmt: skip


class Application(db.Model):
    """One citizen's application for one catalog service, from draft to decision."""

    __tablename__ = "applications"
    __table_args__ = (
        # The officer queue: one department's pending applications by deadline, optionally of one service.
        Index(
            "ix_applications_queue",
            "department_code",
            "decision_by",
            "id",
            postgresql_where=text(_PENDING_SQL),
        ),
        Index("ix_applications_department_status", "department_code", "status", "decision_by", "id"),
        # "Any status" in the queue: still ordered by deadline without sorting the whole department.
        Index("ix_applications_department_deadline", "department_code", "decision_by", "id"),
        Index(
            "ix_applications_department_service", "department_code", "service", "status", "decision_by", "id"
        ),
        Index("ix_applications_citizen", "citizen_id", "submitted_at"),
        # The daily counts (reports/daily.py) find the days to count again by what changed since they last looked.
        Index("ix_applications_updated", "updated_at"),
        # Reports over a date range, all departments or one: index-only scans carry every column a report reads.
        Index("ix_applications_report", "submitted_at", postgresql_include=REPORT_COLUMNS),
        Index("ix_applications_department_report", "department_code", "submitted_at",
              postgresql_include=REPORT_COLUMNS),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(16), default="whatsapp")
    csc_operator: Mapped[str | None] = mapped_column(String(64))
    # Taken at submission from the address's PIN code (catalog/delhi_districts.yml): reports are by district.
    district: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="hi")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    fee_paise: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_by: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    query_text: Mapped[str | None] = mapped_column(Text)
    # The Act's clock stops while a query waits for the citizen: when the open query was raised, when the
    # citizen is to be reminded of it (the reminder sender reads this), and the days the clock stood still.
    query_raised_at: Mapped[datetime | None] = mapped_column(DateTime)
    query_reminder_due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    query_answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    clock_paused_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A fee the department assessed after submission (a late fee, an assessed tax), waiting to be paid.
    assessed_fee_paise: Mapped[int | None] = mapped_column(Integer)
    assessed_fee_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    citizen: Mapped[Citizen] = relationship()
    department: Mapped[Department] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    # Declared from this side (with the document's `application`), so documents need not know applications.
    documents: Mapped[list[Document]] = relationship(
        order_by=Document.created_at, backref=backref("application")
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    # The sealed full numbers of the Aadhaar answers (the answers hold them masked); they go with the application.
    aadhaar_records: Mapped[list[AadhaarRecord]] = relationship(cascade="all, delete-orphan")


class ApplicationEvent(db.Model):
    """One step in an application's history: a transition, a query answer, an assignment."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # transition | query_answer | assigned
    actor: Mapped[str] = mapped_column(String(80))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="events")
