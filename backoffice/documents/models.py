"""Documents citizens send: stored encrypted, later attached to one of their applications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.extensions import db


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
    # `application` (Application | None) comes from the applications room's side of the relationship, so this
    # room need not know applications: a document exists before it is attached to one.
