"""Personal data breaches as the administrator records them, and the citizens each one affected."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class BreachIncident(db.Model):
    """One breach: what happened, when it became known, and when the Board must have the full report."""

    __tablename__ = "breach_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)  # what was done and what citizens can do
    became_aware_at: Mapped[datetime] = mapped_column(DateTime)
    board_report_due_at: Mapped[datetime] = mapped_column(DateTime)
    board_reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    affected: Mapped[list[BreachAffected]] = relationship(
        back_populates="incident", order_by="BreachAffected.id", cascade="all, delete-orphan"
    )


class BreachAffected(db.Model):
    """One citizen a breach affected, and what became of their notice."""

    __tablename__ = "breach_affected"
    __table_args__ = (UniqueConstraint("incident_id", "citizen_id", name="uq_breach_affected_citizen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("breach_incidents.id"), index=True)
    citizen_id: Mapped[str] = mapped_column(String(64))
    applications: Mapped[int] = mapped_column(Integer, default=0)
    notice: Mapped[str | None] = mapped_column(String(20))  # sent_template | opted_out | no_address

    incident: Mapped[BreachIncident] = relationship(back_populates="affected")
