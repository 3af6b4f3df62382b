"""The consent ledger (appended to, never rewritten) and the record of messages held back for want of consent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class ConsentEntry(db.Model):
    """One grant or withdrawal of one purpose by one citizen, with how it was given and which notice was shown."""

    __tablename__ = "consent_entries"
    __table_args__ = (
        Index("ix_consent_entries_citizen_purpose", "citizen_id", "purpose", "department", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # updates | reminders | broadcasts
    # Broadcasts are consented per department; the other purposes are for every department ("").
    department: Mapped[str] = mapped_column(String(32), default="")
    granted: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(
        String(16)
    )  # whatsapp | qr | link | missed_call | sms | email | migrated
    # What proves it: "wamid:...", "campaign:...", "campaign-unknown:...", "call:...", "email:...", "sms:...".
    evidence: Mapped[str] = mapped_column(String(200))
    notice_version: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SuppressedMessage(db.Model):
    """A message not sent because its citizen had not consented to its purpose (counted for the dashboard)."""

    __tablename__ = "suppressed_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(60))  # what it would have been, e.g. "status:approved"
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class LedgerIsAppendOnly(Exception):
    """Raised when code tries to change or delete a consent entry."""


@event.listens_for(ConsentEntry, "before_update")
@event.listens_for(ConsentEntry, "before_delete")
def _refuse_rewrite(mapper, connection, target):
    # The ledger is evidence: a change of mind is a new entry, never an edit of the old one.
    raise LedgerIsAppendOnly(f"consent entry {target.id} cannot be changed or deleted")


class Campaign(db.Model):
    """A QR poster or link campaign of a department: `START <code>` on WhatsApp names it as the evidence."""

    __tablename__ = "consent_campaigns"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    label: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OptInRequest(db.Model):
    """A missed call or an SMS START waiting for the citizen to agree on WhatsApp (the welcome template's button).

    The caller's number is kept only masked: the welcome goes out from a task given the number once.
    """

    __tablename__ = "consent_optin_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # in the welcome button's payload
    channel: Mapped[str] = mapped_column(String(16))  # missed_call | sms
    evidence: Mapped[str] = mapped_column(String(120), unique=True)  # "call:<CallSid>", "sms:<SmsSid>"
    mobile_masked: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    welcome_message_id: Mapped[str | None] = mapped_column(String(80))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
