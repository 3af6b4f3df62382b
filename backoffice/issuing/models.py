"""Issued papers: certificates, licences, acknowledgements and receipts, as public verification knows them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.applications.models import Application
from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.extensions import db


class Certificate(db.Model):
    """A certificate, licence or receipt, as the public verification page knows it.

    A receipt for a tax or a bill has no application; it names its service and citizen itself.
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    service: Mapped[str | None] = mapped_column(String(64))
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"))
    kind: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    replaced_by: Mapped[str | None] = mapped_column(String(40))
    # Printed on the paper, random (not derivable from the number): with it the public page shows details.
    # Papers issued before it existed have none and answer only valid/revoked/unknown.
    check_code: Mapped[str | None] = mapped_column(String(16))
    # The first time the PDF itself reached the citizen's WhatsApp (sent as a document inside the window: on
    # issue, or when they asked for it). Seva has no other download; until then a reminder may fall due.
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application | None] = relationship()
    citizen: Mapped[Citizen | None] = relationship()

    @property
    def service_id(self) -> str:
        """The catalog service this paper belongs to."""
        return self.service or self.application.service

    @property
    def owner(self) -> Citizen:
        """The citizen this paper was issued to."""
        return self.citizen or self.application.citizen
