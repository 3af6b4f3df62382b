"""A department head's OCR tile reads the beat's per-day verdict counts and gives the raw tables' figures."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backoffice.applications.models import Application
from backoffice.core.clock import utcnow
from backoffice.dashboard import tiles
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.reports.models import OcrVerdictDay
from backoffice.reports.tasks import refresh_daily_counts

VERDICTS = ("match", "mismatch", "refused", "unreadable")
# Ages of results: just inside the 30-day window (its first, partial day), just outside it, and within it.
AGES = (
    timedelta(days=30) - timedelta(minutes=5),
    timedelta(days=30) + timedelta(minutes=5),
    timedelta(days=29, hours=12),
    timedelta(days=10),
    timedelta(days=45),
    timedelta(hours=1),
)


def direct(department: str | None) -> dict:
    """The tile's figures counted straight from the OCR results, documents and applications (the old query)."""
    query = (
        select(OcrResult.verdict, func.count(OcrResult.id))
        .join(Document, Document.id == OcrResult.document_id)
        .join(Application, Application.id == Document.application_id)
        .where(OcrResult.created_at >= utcnow() - timedelta(days=tiles.OCR_DAYS))
        .where(Application.department_code == department)
        .group_by(OcrResult.verdict)
    )
    verdicts = Counter(dict(db.session.execute(query).all()))
    total = sum(verdicts.values())
    return {
        "total": total,
        "pass_rate": round(100 * verdicts["match"] / total, 1) if total else None,
        "sent_back": round(100 * verdicts["refused"] / total, 1) if total else None,
    }


def add_results(application_id: int, seed: int) -> None:
    documents = db.session.scalars(select(Document).where(Document.application_id == application_id)).all()
    now = utcnow()
    for n, age in enumerate(AGES):
        for document in documents:
            db.session.add(OcrResult(document_id=document.id, sha256=f"{seed}-{n}".ljust(64, "0"), kind="id",
                                     verdict=VERDICTS[(n + seed) % 4], created_at=now - age))  # fmt: skip


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_a_heads_ocr_tile_sums_the_days_and_matches_the_raw_tables(app, submitted):
    revenue = [submitted(citizen=f"wa-ocr-r{i}") for i in range(2)]
    mcd = submitted("birth_certificate", citizen="wa-ocr-m")
    with app.app_context():
        for seed, application_id in enumerate([*revenue, mcd]):
            add_results(application_id, seed)
        db.session.commit()
        refresh_daily_counts()
        assert db.session.scalar(select(func.sum(OcrVerdictDay.results))) > 0
        figures = {d: tiles.ocr(d) for d in ("revenue", "mcd")}
        assert figures == {d: direct(d) for d in ("revenue", "mcd")}
        # A head sees only their department: revenue's results are not in mcd's tile, and the other way round.
        assert figures["revenue"]["total"] + figures["mcd"]["total"] == tiles.ocr(None)["total"]
        assert figures["revenue"]["total"] > figures["mcd"]["total"] > 0

        # A new verdict shows after the beat's next refresh (readers never recount).
        document = db.session.scalars(select(Document).where(Document.application_id == mcd)).first()
        db.session.add(OcrResult(document_id=document.id, sha256="new".ljust(64, "0"), kind="id",
                                 verdict="refused"))  # fmt: skip
        db.session.commit()
        assert tiles.ocr("mcd") == figures["mcd"]
        refresh_daily_counts()
        assert tiles.ocr("mcd") == direct("mcd") and tiles.ocr("mcd")["total"] == figures["mcd"]["total"] + 1

        # A document moved to another department's application (its application touched) moves its verdicts.
        document.application_id = revenue[0]
        db.session.get(Application, revenue[0]).updated_at = utcnow()
        db.session.commit()
        refresh_daily_counts()
        assert {d: tiles.ocr(d) for d in ("revenue", "mcd")} == {d: direct(d) for d in ("revenue", "mcd")}
        assert tiles.ocr("mcd")["total"] < figures["mcd"]["total"]
