"""The back-office tables: departments, users, citizens, applications, documents, history, audit, certificates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.extensions import db

ROLES = ("admin", "officer", "approver", "csc_operator", "nlu_trainer")
ROLE_LABELS = {
    "admin": "Administrator",
    "officer": "Officer (verifier)",
    "approver": "Approver",
    "csc_operator": "CSC operator",
    "nlu_trainer": "NLU trainer",
}
# Roles whose work is one department's applications, and who must see no other department's.
DEPARTMENT_ROLES = ("officer", "approver")
# Statuses in which the department still owes a decision (workflow.PENDING); the queue's partial index covers them.
PENDING_STATUSES = ("submitted", "payment_pending", "document_check", "under_review", "query_raised")
_PENDING_SQL = "status IN (" + ", ".join(f"'{s}'" for s in PENDING_STATUSES) + ")"


def utcnow() -> datetime:
    """Now in UTC without tzinfo, the one form every timestamp here is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


class Department(db.Model):
    """A government department that delivers services; its `code` is the catalog's department id."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_hi: Mapped[str] = mapped_column(String(120))


class User(UserMixin, db.Model):
    """A person who signs in to the back-office."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in, and their open sessions stop working."""
        return self.active

    @property
    def role_label(self) -> str:
        """The role as people call it."""
        return ROLE_LABELS.get(self.role, self.role)


class LoginAttempt(db.Model):
    """One failed sign-in, counted per address and username to slow down guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Citizen(db.Model):
    """A citizen, keyed by the bot's pseudonymous sender id; the mobile is kept only to search and to write."""

    __tablename__ = "citizens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Rasa sender_id
    mobile: Mapped[str | None] = mapped_column(String(15), index=True)
    mobile_masked: Mapped[str | None] = mapped_column(String(20))
    wa_id: Mapped[str | None] = mapped_column(String(32))
    phone_number_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="hi")
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_in_source: Mapped[str | None] = mapped_column(String(16))
    opt_in_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the citizen last wrote to us (each bot API call is made on a citizen's message): the 24 h window.
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(16), default="whatsapp")
    csc_operator: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2), default="hi")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    fee_paise: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_by: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    query_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    citizen: Mapped[Citizen] = relationship()
    department: Mapped[Department] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.created_at"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )


class Document(db.Model):
    """A stored file from a citizen, later attached to one of their applications."""

    __tablename__ = "documents"

    # Random, so one citizen's document ids say nothing about another's.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    requirement: Mapped[str | None] = mapped_column(String(64))
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    citizen: Mapped[Citizen] = relationship()
    application: Mapped[Application | None] = relationship(back_populates="documents")


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


class AuditEntry(db.Model):
    """One line of the append-only audit log; `hash` chains it to the line before."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Certificate(db.Model):
    """A certificate, licence or receipt, as the public verification page knows it.

    A receipt for a tax or a bill has no application; it names its service and citizen itself.
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    service: Mapped[str | None] = mapped_column(String(64))
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"))
    kind: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    replaced_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application | None] = relationship()
    citizen: Mapped[Citizen | None] = relationship()

    @property
    def service_id(self) -> str:
        """The catalog service this paper belongs to."""
        return self.service or self.application.service

    @property
    def owner(self) -> Citizen:
        """The citizen this paper was issued to."""
        return self.citizen or self.application.citizen


class OcrResult(db.Model):
    """What OCR found in one version of a document (id + sha256): verdict, reasons, confidences, masked fields."""

    __tablename__ = "ocr_results"
    __table_args__ = (Index("ux_ocr_results_document_sha256", "document_id", "sha256", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))  # match | mismatch | unreadable | refused
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    confidences: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    # Only `masking.storable_fields` output: an Aadhaar number keeps its last 4 digits, nothing more.
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seconds: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# Declared here, after both classes, so the Document table above stays as it was.
Document.ocr_results = relationship(OcrResult, order_by=OcrResult.id, viewonly=True)
