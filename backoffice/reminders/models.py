"""One row per reminder per event per citizen: the unique key is what makes two beat processes send it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db

SENDING = "sending"  # claimed by one sweep; a crash here loses this reminder rather than sending it twice
SENT = "sent"
SNOOZED = "snoozed"
SUPPRESSED = "suppressed"  # no consent to reminders when it fell due
FAILED = "failed"


class Reminder(db.Model):
    """A reminder claimed for (kind, event, citizen), and what became of it."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "event_key", "citizen_id", name="uq_reminders_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str] = mapped_column(String(80))  # the application number, bill number, ...
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=SENDING)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    snooze_until: Mapped[datetime | None] = mapped_column(DateTime)
    message_id: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(String(120))
