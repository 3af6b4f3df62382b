"""The payment tables: intents (one live per application or bill), callbacks seen, refunds, and the two ledgers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Now in UTC without tzinfo, the one form every timestamp in these tables is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


class PaymentsBase(DeclarativeBase):
    """The declarative base of the payment tables (their metadata is `PaymentsBase.metadata`)."""


# Statuses of a PaymentIntent. Only `open` can change into anything else, and only once.
OPEN = "open"  # checkout may be issued; waiting for the provider
PAID = "paid"  # confirmed by a verified callback plus a status lookup (or by reconciliation's lookup)
FLAGGED = "flagged"  # the provider took a different amount or currency; an officer must resolve it
CLOSED = "closed"  # the link expired or was cancelled unpaid; the subject is free for a new intent
REFUNDED = "refunded"  # paid, then refunded in full


class PaymentIntent(PaymentsBase):
    """One attempt to collect one amount for one subject (an application, a tax year, a bill)."""

    __tablename__ = "payment_intents"
    __table_args__ = (
        # The dashboard's fees tile: paid since the start of the month, by method (index-only on PostgreSQL).
        Index("ix_payment_intents_settled", "status", "settled_at",
              postgresql_include=["provider", "method", "amount_paid_paise", "amount_paise", "application_id"]),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(35), unique=True)
    purpose: Mapped[str] = mapped_column(String(32))  # application_fee | property_tax | water_bill
    subject_key: Mapped[str] = mapped_column(String(120), index=True)
    # Equal to subject_key while the intent is open, paid, flagged or refunded; NULL once closed. Its
    # UNIQUE constraint is what makes a second live intent for the same subject impossible, even in a race.
    live_subject: Mapped[str | None] = mapped_column(String(120), unique=True)
    application_id: Mapped[int | None] = mapped_column(Integer, index=True)
    citizen: Mapped[str] = mapped_column(String(64))  # pseudonymous sender id, never a phone number
    language: Mapped[str] = mapped_column(String(5), default="en")
    amount_paise: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    description: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    provider: Mapped[str] = mapped_column(String(16))  # gateway | upi | whatsapp
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    gateway_link_id: Mapped[str | None] = mapped_column(String(40))
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    payment_id: Mapped[str | None] = mapped_column(String(64))
    amount_paid_paise: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str | None] = mapped_column(String(20))
    confirmed_via: Mapped[str | None] = mapped_column(String(20))  # callback | reconciliation
    last_failed_payment_id: Mapped[str | None] = mapped_column(String(64))
    refunded_paise: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the amount stops being right (e.g. a rebate's last day ends); the payment link expires then.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)


class PaymentCallback(PaymentsBase):
    """A provider callback we accepted, kept so that a duplicate (same provider event id) changes nothing."""

    __tablename__ = "payment_callbacks"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_callback_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(30), default="received")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Refund(PaymentsBase):
    """Money returned on a paid intent, recorded by an officer allowed to refund."""

    __tablename__ = "payment_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("payment_intents.id"), index=True)
    amount_paise: Mapped[int] = mapped_column(Integer)
    gateway_refund_id: Mapped[str | None] = mapped_column(String(40))
    officer_id: Mapped[int | None] = mapped_column(
        Integer
    )  # None: refunded by Seva on the citizen's withdrawal
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PropertyTaxDemand(PaymentsBase):
    """MCD's assessed property tax for one property (UPIC) and one financial year."""

    __tablename__ = "property_tax_demands"
    __table_args__ = (UniqueConstraint("upic", "financial_year", name="uq_property_tax_demand_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upic: Mapped[str] = mapped_column(String(20), index=True)
    financial_year: Mapped[str] = mapped_column(String(7))  # "2025-26"
    owner_name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20))  # residential | non_residential
    tax_paise: Mapped[int] = mapped_column(Integer)
    paid_reference: Mapped[str | None] = mapped_column(String(35))


class WaterBill(PaymentsBase):
    """One Delhi Jal Board bill for a consumer's K-number; the newest bill carries any arrears."""

    __tablename__ = "water_bills"

    id: Mapped[int] = mapped_column(primary_key=True)
    k_number: Mapped[str] = mapped_column(String(10), index=True)
    bill_number: Mapped[str] = mapped_column(String(20), unique=True)
    consumer_name: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount_paise: Mapped[int] = mapped_column(Integer)
    paid_reference: Mapped[str | None] = mapped_column(String(35))
