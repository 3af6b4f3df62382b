"""Citizens as the bot knows them (what they agreed to is in the consent ledger, `backoffice.consent`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.core.clock import utcnow
from backoffice.extensions import db


class Citizen(db.Model):
    """A citizen, keyed by the bot's pseudonymous sender id; the mobile is kept only to search and to write."""

    __tablename__ = "citizens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Rasa sender_id
    mobile: Mapped[str | None] = mapped_column(String(15), index=True)
    mobile_masked: Mapped[str | None] = mapped_column(String(20))
    wa_id: Mapped[str | None] = mapped_column(String(32))
    phone_number_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="hi")
    # When the citizen last wrote to us (each bot API call is made on a citizen's message): the 24 h window.
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
