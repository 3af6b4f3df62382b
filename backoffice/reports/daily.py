"""Applications counted per IST day of submission and per department, service, status, district and channel.

The dashboard's applications tile and the reports that need nothing finer read this table instead of every
application. It is refreshed incrementally and on demand: the days holding an application changed since the last
refresh (found through `applications.updated_at`) are counted again from the applications, in the reader's own
transaction, so a reader never sees counts older than the data it could read itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from time import monotonic

from flask import current_app
from sqlalchemy import case, delete, func, insert, literal, select

from backoffice.applications.models import Application
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.reports.dialect import DECIDED, IST_OFFSET, Dialect
from backoffice.reports.models import ApplicationDay, DailyWatermark

# A transaction that flushed an application before the last refresh may commit after it: look back this far.
COMMIT_SKEW = timedelta(minutes=2)
_LOCK = 1_600_016


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time()) - IST_OFFSET
    return start, start + timedelta(days=1)


def _count(days: list[date] | None, dialect: Dialect) -> None:
    """Replace the rows of `days` (None: every day) with fresh counts from the applications."""
    a = Application
    day = dialect.local_date(a.submitted_at)
    decided = a.status.in_(DECIDED)
    judged = decided & a.decision_by.is_not(None) & a.decided_at.is_not(None)
    on_time = judged & (dialect.local_date(a.decided_at) <= a.decision_by)
    district = func.coalesce(a.district, literal("unknown"))
    chunks = [None] if days is None else [days[i : i + 100] for i in range(0, len(days), 100)]
    for chunk in chunks:
        counted = (
            select(
                day, a.department_code, a.service, a.status, district, a.channel, func.count(),
                func.coalesce(func.sum(a.fee_paise), 0), func.sum(case((decided, 1), else_=0)),
                func.sum(case((judged, 1), else_=0)), func.sum(case((on_time, 1), else_=0)),
                func.sum(case((a.status == "rejected", 1), else_=0)),
            )
            .where(a.submitted_at.is_not(None))
            .group_by(day, a.department_code, a.service, a.status, district, a.channel)
        )  # fmt: skip
        stale = delete(ApplicationDay)
        if chunk is not None:
            starts = [_day_range(d) for d in chunk]
            counted = counted.where(
                db.or_(*[(a.submitted_at >= s) & (a.submitted_at < e) for s, e in starts])
            )
            stale = stale.where(ApplicationDay.day.in_(chunk))
        db.session.execute(stale)
        db.session.execute(
            insert(ApplicationDay).from_select(
                [
                    "day",
                    "department",
                    "service",
                    "status",
                    "district",
                    "channel",
                    "applications",
                    "fees_paise",
                    "decided",
                    "judged",
                    "on_time",
                    "rejected",
                ],
                counted,
            )  # fmt: skip
        )


def refresh() -> int:
    """Count again every day holding an application changed since the last refresh (all days the first time)."""
    dialect = Dialect(db.session.get_bind().dialect.name)
    if dialect.postgres:
        # Two readers refreshing at once would both insert the same day's rows.
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    started = utcnow()
    mark = db.session.get(DailyWatermark, 1)
    if mark is None:
        _count(None, dialect)
        days: list = [None]
        db.session.add(DailyWatermark(id=1, through=started - COMMIT_SKEW))
    else:
        changed = select(dialect.local_date(Application.submitted_at)).where(
            Application.submitted_at.is_not(None), Application.updated_at >= mark.through
        )
        days = sorted({_as_date(d) for d in db.session.scalars(changed.distinct())})
        if days:
            _count(days, dialect)
        mark.through = started - COMMIT_SKEW
    db.session.flush()
    return len(days)


_last_refresh: dict[str, float] = {}


def refreshed() -> None:
    """Bring the daily counts up to date and commit before a reader uses them, at most every DAILY_REFRESH_SECONDS.

    Per process: a dashboard stream ticking every 2 s, or a burst of report reads, pays for one refresh per
    interval, and figures are never older than the interval plus one refresh.
    """
    interval = current_app.config["DAILY_REFRESH_SECONDS"]
    key = str(db.engine.url)
    now = monotonic()
    if interval and now - _last_refresh.get(key, -interval) < interval:
        return
    refresh()
    db.session.commit()
    _last_refresh[key] = now


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
