"""Office hours for the handover, in Delhi time."""

from datetime import datetime

import pytest

from backoffice.handover.office_hours import OfficeHours

HOURS = OfficeHours.parse("mon-sat 09:30-18:00")


@pytest.mark.parametrize(
    "utc, open_now",
    [(datetime(2026, 12, 7, 4, 0), True),    # Monday 09:30 IST: opens
     (datetime(2026, 12, 7, 3, 59), False),  # Monday 09:29 IST
     (datetime(2026, 12, 7, 12, 30), False),  # Monday 18:00 IST: closed
     (datetime(2026, 12, 6, 6, 0), False)],  # Sunday 11:30 IST
)  # fmt: skip
def test_open_only_on_working_days_between_the_hours(utc, open_now):
    assert HOURS.is_open(utc) is open_now


def test_the_citizen_is_told_the_next_opening_in_their_language():
    saturday_evening = datetime(2026, 12, 12, 13, 0)  # Saturday 18:30 IST
    assert HOURS.describe_opening(saturday_evening) == {"en": "Monday 09:30", "hi": "सोमवार 09:30"}
    assert HOURS.describe()["hi"] == "सोमवार से शनिवार, 09:30–18:00"


@pytest.mark.parametrize("spec", ["", "weekdays", "mon-sat 18:00-09:30", "mon-sat 9:30-18:00"])
def test_a_wrong_setting_says_what_is_expected(spec):
    with pytest.raises(ValueError, match="HANDOVER_OFFICE_HOURS"):
        OfficeHours.parse(spec)


def test_always_is_always_open():
    assert OfficeHours.parse("always").is_open(datetime(2026, 12, 6, 22, 0))
