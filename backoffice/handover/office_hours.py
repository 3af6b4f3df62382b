"""When officers answer conversations: `HANDOVER_OFFICE_HOURS`, e.g. "mon-sat 09:30-18:00" (IST) or "always"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from backoffice.core.clock import IST

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "hi": ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"),
}
SPEC = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)-(mon|tue|wed|thu|fri|sat|sun) (\d\d):(\d\d)-(\d\d):(\d\d)$"
)


@dataclass(frozen=True)
class OfficeHours:
    """Working days (Monday = 0) and the daily opening and closing time in Delhi; `always` is open 24x7."""

    first_day: int = 0
    last_day: int = 5
    opens: time = time(9, 30)
    closes: time = time(18, 0)
    always: bool = False

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        """Read the setting; ValueError names the expected form."""
        spec = spec.strip().lower()
        if spec == "always":
            return cls(always=True)
        match = SPEC.match(spec)
        if not match:
            raise ValueError(f"HANDOVER_OFFICE_HOURS: {spec!r} is not like 'mon-sat 09:30-18:00' or 'always'")
        first, last, oh, om, ch, cm = match.groups()
        opens, closes = time(int(oh), int(om)), time(int(ch), int(cm))
        if closes <= opens:
            raise ValueError("HANDOVER_OFFICE_HOURS: the closing time must come after the opening time")
        return cls(DAYS.index(first), DAYS.index(last), opens, closes)

    def _working(self, day: int) -> bool:
        return self.first_day <= day <= self.last_day

    def is_open(self, moment: datetime) -> bool:
        """True when `moment` (UTC, naive) falls in working hours in Delhi."""
        if self.always:
            return True
        local = moment + IST.utcoffset(None)
        return self._working(local.weekday()) and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        """The Delhi local time (naive) when the office next opens after `moment` (UTC, naive)."""
        local = moment + IST.utcoffset(None)
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            start = datetime.combine(day, self.opens)
            if self._working(day.weekday()) and start > local:
                return start
        return local

    def describe(self) -> dict[str, str]:
        """The hours in both languages, for the citizen."""
        if self.always:
            return {"en": "round the clock", "hi": "चौबीसों घंटे"}
        span = f"{self.opens:%H:%M}–{self.closes:%H:%M}"
        first, last = self.first_day, self.last_day
        return {
            "en": f"{DAY_NAMES['en'][first]} to {DAY_NAMES['en'][last]}, {span}",
            "hi": f"{DAY_NAMES['hi'][first]} से {DAY_NAMES['hi'][last]}, {span}",
        }

    def describe_opening(self, moment: datetime) -> dict[str, str]:
        """When the office opens next, in both languages ("Monday 09:30")."""
        at = self.next_opening(moment)
        return {lang: f"{DAY_NAMES[lang][at.weekday()]} {at:%H:%M}" for lang in ("en", "hi")}
