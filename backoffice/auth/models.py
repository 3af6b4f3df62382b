"""Sign-in bookkeeping: failed attempts, counted to slow down guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class LoginAttempt(db.Model):
    """One failed sign-in, counted per address and username to slow down guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
