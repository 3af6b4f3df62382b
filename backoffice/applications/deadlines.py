"""Deadlines under the Delhi (Right of Citizen to Time Bound Delivery of Services) Act, and compensation owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# The Act's compensation: Rs 10 for each day of delay, at most Rs 200 per application.
COMPENSATION_PAISE_PER_DAY = 1000
COMPENSATION_CAP_PAISE = 20000
DUE_SOON_DAYS = 3
# An unanswered query is reminded this long after it was raised.
QUERY_REMINDER_AFTER = timedelta(days=3)

ON_TIME, DUE_SOON, OVERDUE, NO_DEADLINE, DONE = "on_time", "due_soon", "overdue", "no_deadline", "done"
PAUSED = "paused"
DEADLINE_LABELS = {
    PAUSED: ("Clock paused: waiting for the citizen's answer", "समय रुका है: नागरिक के उत्तर की प्रतीक्षा"),
    ON_TIME: ("Due", "समय पर"),
    DUE_SOON: ("Due soon", "जल्द देय"),
    OVERDUE: ("Overdue", "समय सीमा पार"),
    NO_DEADLINE: ("No deadline", "कोई समय सीमा नहीं"),
    DONE: ("Decided", "निर्णय हो गया"),
}


def decision_by(submitted_on: date, days: int | None) -> date | None:
    """The date by which the Act requires a decision: `days` calendar days after submission, or None."""
    return None if days is None else submitted_on + timedelta(days=days)


@dataclass(frozen=True)
class DeadlineState:
    """Where an application stands against its deadline and what compensation it has earned."""

    state: str
    days_late: int
    compensation_paise: int

    def label(self, language: str = "en") -> str:
        """The state in English or Hindi."""
        en, hi = DEADLINE_LABELS[self.state]
        return hi if language == "hi" else en


def paused_days(query_raised_on: date, answered_on: date) -> int:
    """The whole days the clock stood still for a query: the deadline moves by this many days on the answer."""
    return max(0, (answered_on - query_raised_on).days)


def deadline_state(
    due: date | None, today: date, decided_at: datetime | None = None, query_open: bool = False
) -> DeadlineState:
    """Due, due soon or overdue on `today`; a decided application is judged on the day it was decided.

    While a query waits for the citizen the clock is paused: no day counts against the department.
    """
    if due is None:
        return DeadlineState(NO_DEADLINE, 0, 0)
    if query_open and decided_at is None:
        return DeadlineState(PAUSED, 0, 0)
    end = decided_at.date() if decided_at else today
    late = max(0, (end - due).days)
    paise = min(late * COMPENSATION_PAISE_PER_DAY, COMPENSATION_CAP_PAISE)
    if decided_at is not None:
        return DeadlineState(DONE, late, paise)
    if late > 0:
        return DeadlineState(OVERDUE, late, paise)
    if (due - today).days <= DUE_SOON_DAYS:
        return DeadlineState(DUE_SOON, 0, 0)
    return DeadlineState(ON_TIME, 0, 0)
