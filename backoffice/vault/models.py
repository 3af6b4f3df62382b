"""Sealed Aadhaar numbers: one row per application and field, the only place a full number is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class AadhaarRecord(db.Model):
    """The full number of one application's Aadhaar answer, sealed (AES-GCM), with its keyed lookup digest."""

    __tablename__ = "aadhaar_records"
    __table_args__ = (UniqueConstraint("application_id", "field_id", name="uq_aadhaar_records_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # By table name: the vault sits below applications, which declares the relationship from its side.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    field_id: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
