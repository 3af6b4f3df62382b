"""OCR verdicts per UTC day × department × verdict, for a department head's OCR tile.

Counting a department's verdicts from the raw tables joins the OCR results to the documents and to that
department's applications: on a state's scale the hash of the department's application ids (≈ 180k for Revenue)
cost most of the tile's 300 ms. The tile now sums the whole days of this table and counts only the first,
partial day of its window from the raw tables (a few thousand rows, found by primary key).

Kept by the same beat task as the application counts (daily.refresh), incrementally: the days holding an OCR
result written since the watermark, or one on a document of an application changed since it (a document attached
to a draft or to a query's answer touches its application), are counted again. Only the tile's window is kept.
A document unlinked from an application without touching one (a draft deleted, an upload replaced) is not seen
by the watermark: the first refresh of each UTC day counts the whole window again, so such a verdict leaves its
department's figure within a day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, cast, delete, func, insert, select

from backoffice.applications.models import Application
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.reports.models import OcrVerdictDay

# The tile's window (dashboard.tiles.OCR_DAYS) plus the partial day at its start.
KEPT_DAYS = 31


def utc_day(column, postgres: bool):
    """The UTC date of a timestamp column, comparable with a Date column."""
    return cast(column, Date) if postgres else func.date(column)


def partial_day(department: str, start: datetime, end: datetime):
    """The department's verdicts of the results written in [start, end), straight from the tables: for the first,
    partial day of the tile's window. The department is a scalar subquery per result, which PostgreSQL runs as
    two primary-key lookups per result (a day holds a few thousand); as a join it hashed a table instead."""
    department_of = (
        select(Application.department_code)
        .join(Document, Document.application_id == Application.id)
        .where(Document.id == OcrResult.document_id)
        .scalar_subquery()
    )
    return (
        select(OcrResult.verdict, func.count(OcrResult.id))
        .where(OcrResult.created_at >= start, OcrResult.created_at < end, department_of == department)
        .group_by(OcrResult.verdict)
    )


def _count(days: list[date], postgres: bool) -> None:
    day = utc_day(OcrResult.created_at, postgres)
    for i in range(0, len(days), 100):
        chunk = days[i : i + 100]
        spans = [
            (datetime.combine(d, time()), datetime.combine(d + timedelta(days=1), time())) for d in chunk
        ]
        fresh = (
            select(day, Application.department_code, OcrResult.verdict, func.count(OcrResult.id))
            .join(Document, Document.id == OcrResult.document_id)
            .join(Application, Application.id == Document.application_id)
            .where(db.or_(*[(OcrResult.created_at >= s) & (OcrResult.created_at < e) for s, e in spans]))
            .group_by(day, Application.department_code, OcrResult.verdict)
        )
        db.session.execute(delete(OcrVerdictDay).where(OcrVerdictDay.day.in_(chunk)))
        db.session.execute(
            insert(OcrVerdictDay).from_select(["day", "department", "verdict", "results"], fresh)
        )


def refresh(since: datetime | None, new_day: bool, now: datetime, postgres: bool) -> int:
    """Count again the window's days changed since `since` (every day when None, or on the first refresh of a new
    UTC day); return how many days were counted."""
    first = (now - timedelta(days=KEPT_DAYS - 1)).date()
    window = [first + timedelta(days=n) for n in range(KEPT_DAYS)]
    db.session.execute(delete(OcrVerdictDay).where(OcrVerdictDay.day < first))
    if since is None or new_day:
        _count(window, postgres)
        return len(window)
    start = datetime.combine(first, time())
    day = utc_day(OcrResult.created_at, postgres)
    new = select(day).where(OcrResult.created_at >= since)
    relinked = (
        select(day)
        .join(Document, Document.id == OcrResult.document_id)
        .join(Application, Application.id == Document.application_id)
        .where(Application.updated_at >= since, OcrResult.created_at >= start)
    )
    days = sorted({_as_date(d) for d in db.session.scalars(new.union(relinked))} & set(window))
    if days:
        _count(days, postgres)
    return len(days)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
