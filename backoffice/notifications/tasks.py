"""The Celery task that sends a status-change notification, retried while Meta is busy or down."""

from __future__ import annotations

from celery import shared_task

from backoffice.notifications.graph import GraphError
from backoffice.notifications.send import notify_status_change, tell_citizen


@shared_task(bind=True, acks_late=True, max_retries=6, ignore_result=True)
def send_status_notification(self, application_id: int, status: str) -> str:
    """Notify the citizen of `application_id` that it reached `status`."""
    try:
        return notify_status_change(application_id, status)
    except GraphError as error:
        if not error.retryable:
            raise
        # 2, 4, 8 ... 64 s: rides out Meta's throughput limits and short outages.
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(bind=True, acks_late=True, max_retries=6, ignore_result=True)
def send_citizen_text(self, citizen_id: str, text: str) -> str:
    """Send a free text (already in the citizen's language) to the citizen."""
    try:
        return tell_citizen(citizen_id, text)
    except GraphError as error:
        if not error.retryable:
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
