"""India Standard Time: the zone of every date an officer or citizen sees, and of the Act's deadlines."""

from datetime import date, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def today_ist() -> date:
    """Today's date in Delhi."""
    return datetime.now(IST).date()
