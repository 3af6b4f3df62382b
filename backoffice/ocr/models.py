"""What OCR found in each version of a document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.core.clock import utcnow
from backoffice.documents.models import Document
from backoffice.extensions import db


class OcrResult(db.Model):
    """What OCR found in one version of a document (id + sha256): verdict, reasons, confidences, masked fields."""

    __tablename__ = "ocr_results"
    __table_args__ = (
        Index("ux_ocr_results_document_sha256", "document_id", "sha256", unique=True),
        # The dashboard's OCR tile: the last 30 days' verdicts.
        Index("ix_ocr_results_created", "created_at", postgresql_include=["verdict", "document_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))  # match | mismatch | unreadable | refused
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    confidences: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    # Only `masking.storable_fields` output: an Aadhaar number keeps its last 4 digits, nothing more.
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seconds: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# Declared here, from OCR's side, so the documents room need not know OCR.
Document.ocr_results = relationship(OcrResult, order_by=OcrResult.id, viewonly=True)
