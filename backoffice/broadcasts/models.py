"""A broadcast and its recipients: one row per citizen, so a resumed send never sends anyone twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db

# Broadcast states: composed, approved by a second person (sent at send_at), sending, paused, done.
DRAFT, APPROVED, SENDING, PAUSED, DONE = "draft", "approved", "sending", "paused", "done"
# Recipient states: waiting, taken by a sender, accepted by Meta, refused, cannot receive (never a withdrawal),
# and in doubt (its sender died between taking it and recording Meta's answer: not sent again).
PENDING, CLAIMED, SENT, FAILED, UNDELIVERABLE = "pending", "claimed", "sent", "failed", "undeliverable"
IN_DOUBT = "in_doubt"
# Withdrew consent to the department's announcements between the approval and their turn: not sent.
SUPPRESSED = "suppressed"


class Broadcast(db.Model):
    """One announcement of a department, in Hindi and English, to the citizens a filter picks."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    text_en: Mapped[str] = mapped_column(Text)
    text_hi: Mapped[str] = mapped_column(Text)
    media_id: Mapped[str | None] = mapped_column(String(80))  # from the Graph API media endpoint
    media_kind: Mapped[str | None] = mapped_column(String(10))  # image | video | document
    media_filename: Mapped[str | None] = mapped_column(String(120))
    service: Mapped[str | None] = mapped_column(String(64))
    pincode: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=DRAFT)
    paused_reason: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(60))
    approved_by: Mapped[str | None] = mapped_column(String(60))
    send_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)  # the sender's hold (sending.py)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class BroadcastRecipient(db.Model):
    """One citizen of a broadcast: the send's outcome and Meta's latest status for it."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (UniqueConstraint("broadcast_id", "citizen_id", name="uq_broadcast_recipients_citizen"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"))
    state: Mapped[str] = mapped_column(String(14), default=PENDING)
    message_id: Mapped[str | None] = mapped_column(String(80), index=True)
    delivery: Mapped[str | None] = mapped_column(String(10))  # sent | delivered | read | failed (webhooks)
    error_code: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
