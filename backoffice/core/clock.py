"""Time: India Standard Time for every date an officer or citizen sees (and the Act's deadlines), UTC for storage."""

from datetime import UTC, date, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def today_ist() -> date:
    """Today's date in Delhi."""
    return datetime.now(IST).date()


def utcnow() -> datetime:
    """Now in UTC without tzinfo, the one form every timestamp here is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def ist_date(moment: datetime) -> date:
    """The Delhi date of a stored (naive UTC) timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(IST).date()
