"""Applications counted per IST day, and per IST month, of submission × department, service, status, district, channel.

The dashboard's applications tile and the reports that need nothing finer read these tables instead of every
application. A beat task (`reports.tasks.refresh_daily_counts`, every DAILY_REFRESH_SECONDS) keeps them current:
the days holding an application changed since the last refresh (found through `applications.updated_at`) are
counted again from the applications, then their months are summed again from the days. Readers never refresh:
on a state's million applications a recount costs seconds, which no dashboard tick or report should wait for.
Figures are at most one interval (plus one refresh) old.

The day table barely compresses (one row per day × department × service × status × district × channel is almost
one row per application); the month table is about 30 times smaller, and reports over whole months, all time,
and the applications tile read it (query.py picks the table).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, delete, func, insert, literal, select

from backoffice.applications.models import Application
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.reports import ocr_days
from backoffice.reports.dialect import DECIDED, IST_OFFSET, Dialect
from backoffice.reports.models import ApplicationDay, ApplicationMonth, DailyWatermark

# A transaction that flushed an application before the last refresh may commit after it: look back this far.
COMMIT_SKEW = timedelta(minutes=2)
_LOCK = 1_600_016
KEYS = ("department", "service", "status", "district", "channel")
COUNTS = ("applications", "fees_paise", "decided", "judged", "on_time", "rejected")


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
        db.session.execute(insert(ApplicationDay).from_select(["day", *KEYS, *COUNTS], counted))


def _roll_months(months: list[date] | None, dialect: Dialect) -> None:
    """Replace the month rows of `months` (None: every month) with the sums of their days."""
    d = ApplicationDay
    month = dialect.month_start(d.day)
    keys = [getattr(d, k) for k in KEYS]
    summed = select(month, *keys, *[func.sum(getattr(d, c)) for c in COUNTS]).group_by(month, *keys)
    stale = delete(ApplicationMonth)
    if months is not None:
        summed = summed.where(db.or_(*[(d.day >= m) & (d.day < next_month(m)) for m in months]))
        stale = stale.where(ApplicationMonth.month.in_(months))
    db.session.execute(stale)
    db.session.execute(insert(ApplicationMonth).from_select(["month", *KEYS, *COUNTS], summed))


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def refresh() -> int:
    """Count again every day holding an application changed since the last refresh (all days the first time),
    and sum their months again, then the OCR verdicts' days (ocr_days.py); return how many days of applications
    were counted (-1: all of them)."""
    dialect = Dialect(db.session.get_bind().dialect.name)
    if dialect.postgres:
        # Two refreshes at once (a slow one overrun by the next beat) would both insert the same day's rows.
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    started = utcnow()
    mark = db.session.get(DailyWatermark, 1)
    if mark is None:
        _count(None, dialect)
        _roll_months(None, dialect)
        ocr_days.refresh(None, True, started, dialect.postgres)
        db.session.add(DailyWatermark(id=1, through=started - COMMIT_SKEW))
        db.session.flush()
        return -1
    changed = select(dialect.local_date(Application.submitted_at)).where(
        Application.submitted_at.is_not(None), Application.updated_at >= mark.through
    )
    days = sorted({_as_date(d) for d in db.session.scalars(changed.distinct())})
    if days:
        _count(days, dialect)
        _roll_months(sorted({d.replace(day=1) for d in days}), dialect)
    # The mark trails its refresh by COMMIT_SKEW: the refresh before this one started on another UTC day.
    new_day = (mark.through + COMMIT_SKEW).date() < started.date()
    ocr_days.refresh(mark.through, new_day, started, dialect.postgres)
    mark.through = started - COMMIT_SKEW
    db.session.flush()
    return len(days)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
