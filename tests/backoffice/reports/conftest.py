"""A small known population of applications in two departments, and users who watch them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from backoffice.applications.models import Application
from backoffice.demo import samples as demo
from backoffice.extensions import db
from tests.backoffice.conftest import add_user

# (service, status, district, submitted (UTC), decided (UTC) or None, decision_by, fee in paise)
POPULATION = (
    ("income_certificate", "issued", "north", datetime(2026, 11, 2, 5), datetime(2026, 11, 4, 5), date(2026, 11, 16), 1000),
    ("income_certificate", "rejected", "north", datetime(2026, 11, 3, 5), datetime(2026, 11, 23, 5), date(2026, 11, 17), 1000),
    ("income_certificate", "issued", "south", datetime(2026, 11, 10, 5), datetime(2026, 11, 16, 5), date(2026, 11, 24), 1000),
    ("income_certificate", "under_review", "south", datetime(2026, 11, 20, 5), None, date(2026, 12, 4), None),
    ("birth_certificate", "issued", "east", datetime(2026, 11, 5, 5), datetime(2026, 11, 6, 5), date(2026, 11, 12), 5000),
    ("birth_certificate", "rejected", "east", datetime(2026, 11, 6, 5), datetime(2026, 11, 7, 5), date(2026, 11, 13), 5000),
)  # fmt: skip


def refresh_counts() -> None:
    """What the beat's refresh task does after the applications changed (reports/daily.py)."""
    from backoffice.reports.tasks import refresh_daily_counts

    refresh_daily_counts()


def add_population(citizen_prefix: str, mobile_prefix: str) -> None:
    """Submit every application of POPULATION as it stands there, then refresh the counts (app context needed)."""
    for index, (service, status, district, submitted, decided, due, fee) in enumerate(POPULATION):
        application = demo.submitted_application(
            service, f"{citizen_prefix}-{index}", f"{mobile_prefix}{index:02d}", "en"
        )
        application.status, application.district = status, district
        application.submitted_at, application.decided_at, application.decision_by = submitted, decided, due
        application.fee_paise = fee
    db.session.commit()
    refresh_counts()


@pytest.fixture
def population(app):
    """The applications of POPULATION, submitted through the bot's code path and then set to known values."""
    with app.app_context():
        add_user("admin", "admin", None)
        add_user("rev.head", "department_head", "revenue")
        add_user("mcd.head", "department_head", "mcd")
        add_user("rev.officer", "officer", "revenue")
        add_population("wa-report", "98100000")
        return {a.number: a.department_code for a in db.session.query(Application)}
