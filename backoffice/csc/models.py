"""CSC centres, their operators, the sessions they open for citizens, and the money they collect."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.applications.models import Application
from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.people.models import User


class Csc(db.Model):
    """A Common Service Centre: a counter where an operator applies for citizens without smartphones."""

    __tablename__ = "cscs"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CscOperator(db.Model):
    """A user with the `csc_operator` role belongs to exactly one CSC."""

    __tablename__ = "csc_operators"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    csc_code: Mapped[str] = mapped_column(ForeignKey("cscs.code"), index=True)

    user: Mapped[User] = relationship()
    csc: Mapped[Csc] = relationship()


class CscSession(db.Model):
    """An operator acting for one citizen, once the citizen has read out the one-time code sent to their mobile."""

    __tablename__ = "csc_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    csc_code: Mapped[str] = mapped_column(ForeignKey("cscs.code"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    citizen_id: Mapped[str] = mapped_column(ForeignKey("citizens.id"), index=True)
    mobile_masked: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(
        String(64)
    )  # HMAC of the code: a database reader cannot act for anyone
    code_expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    operator: Mapped[User] = relationship()
    citizen: Mapped[Citizen] = relationship()
    csc: Mapped[Csc] = relationship()


class CscApplication(db.Model):
    """An application made at a CSC: which centre, operator and session made it (the citizen owns it)."""

    __tablename__ = "csc_applications"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    csc_code: Mapped[str] = mapped_column(ForeignKey("cscs.code"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("csc_sessions.id"), index=True)

    application: Mapped[Application] = relationship()
    operator: Mapped[User] = relationship()
    session: Mapped[CscSession] = relationship()


class CscCollection(db.Model):
    """Money taken at the counter for one application: the CSC's charge and the government fee; once only."""

    __tablename__ = "csc_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One collection per application, even under a double click: the second insert fails.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    csc_code: Mapped[str] = mapped_column(ForeignKey("cscs.code"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(8))  # cash | upi
    service_charge_paise: Mapped[int] = mapped_column(Integer)
    fee_paise: Mapped[int] = mapped_column(Integer)
    business_day: Mapped[date] = mapped_column(Date, index=True)  # the IST day of the register
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversal_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()
    operator: Mapped[User] = relationship(foreign_keys=[operator_id])


class CscDay(db.Model):
    """A CSC's register for one IST day, once closed: then nothing of that day changes except by reversal."""

    __tablename__ = "csc_days"
    __table_args__ = (UniqueConstraint("csc_code", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    csc_code: Mapped[str] = mapped_column(ForeignKey("cscs.code"))
    day: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cash_paise: Mapped[int] = mapped_column(Integer)  # cash to deposit, as it stood at closing
