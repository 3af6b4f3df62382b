"""A report saved under a name: what it groups by, measures and filters, and whose department it belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class SavedReport(db.Model):
    """A named report; a department head's reports belong to their department and only it sees them."""

    __tablename__ = "saved_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None: saved by an administrator, seen by administrators only.
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
