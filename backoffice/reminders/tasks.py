"""The beat's reminder sweep, as a Celery task under a stable name."""

from __future__ import annotations

from celery import shared_task

from backoffice.reminders.services import sweep


@shared_task(name="backoffice.reminders.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> dict[str, int]:
    """Send every reminder due now (idempotent: safe to run from two beats at once)."""
    return sweep()
