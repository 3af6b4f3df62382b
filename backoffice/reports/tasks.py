"""The beat's jobs for reports: refresh the counts of applications (daily.py), mail scheduled reports (mailing.py)."""

from __future__ import annotations

from celery import shared_task

from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.reports import daily, mailing


@shared_task(name="backoffice.reports.tasks.refresh_daily_counts", ignore_result=True)
def refresh_daily_counts() -> int:
    """Count again the days (and months) holding an application changed since the last refresh."""
    counted = daily.refresh()
    db.session.commit()
    return counted


@shared_task(name="backoffice.reports.tasks.send_scheduled_reports", ignore_result=True)
def send_scheduled_reports() -> int:
    """Mail the saved reports whose schedule has come due."""
    return mailing.send_due(utcnow())
