"""Conversations handed over to officers, and every message in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.core.clock import utcnow
from backoffice.extensions import db

WAITING, CLAIMED, CLOSED = "waiting", "claimed", "closed"
# Only one open handover per conversation: a second "talk to a person" joins the first.
OPEN = text("status != 'closed'")


class Handover(db.Model):
    """One conversation (the bot's sender id on one number) waiting for, or held by, an officer."""

    __tablename__ = "handovers"
    __table_args__ = (
        Index("uq_handovers_open_conversation", "conversation", unique=True,
              postgresql_where=OPEN, sqlite_where=OPEN),
        Index("ix_handovers_department_status", "department_code", "status", "created_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation: Mapped[str] = mapped_column(String(64))
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"))
    department_code: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    phone_number_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="hi")
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    # Set once, by a conditional UPDATE: two officers cannot both claim (services.claim).
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))

    claimed_by = relationship("User")
    citizen = relationship("Citizen")
    application = relationship("Application")
    messages: Mapped[list[HandoverMessage]] = relationship(
        back_populates="handover", order_by="HandoverMessage.id"
    )


class HandoverMessage(db.Model):
    """One message of a handed-over conversation: the bot's transcript, the citizen's, or an officer's."""

    __tablename__ = "handover_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # citizen | bot | officer | system
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The citizen's inbound wamid (a redelivery is recognised), or our send's wamid once Meta accepted it.
    wamid: Mapped[str | None] = mapped_column(String(128), unique=True)
    # For officers' messages: queued, text (sent in the window), held (template sent, waits for the reply), failed.
    delivery: Mapped[str | None] = mapped_column(String(10))

    handover: Mapped[Handover] = relationship(back_populates="messages")
    officer = relationship("User")
