"""The Celery task that sends a status-change notification, retried while Meta is busy or down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task, shared_task

from backoffice.notifications.graph import GraphError
from backoffice.notifications.send import notify_status_change, tell_citizen


def retry_while_meta_is_busy(task: Task, send: Callable[..., str], *args: Any) -> str:
    """Run `send`; when Meta throttles or is down, retry `task` after 2, 4, 8 ... 64 s (max_retries 6)."""
    try:
        return send(*args)
    except GraphError as error:
        if not error.retryable:
            raise
        raise task.retry(exc=error, countdown=2 ** (task.request.retries + 1)) from error


@shared_task(
    name="backoffice.notifications.tasks.send_status_notification",
    bind=True,
    acks_late=True,
    max_retries=6,
    ignore_result=True,
)
def send_status_notification(self, application_id: int, status: str) -> str:
    """Notify the citizen of `application_id` that it reached `status`."""
    return retry_while_meta_is_busy(self, notify_status_change, application_id, status)


@shared_task(
    name="backoffice.notifications.tasks.send_citizen_text",
    bind=True,
    acks_late=True,
    max_retries=6,
    ignore_result=True,
)
def send_citizen_text(self, citizen_id: str, text: str) -> str:
    """Send a free text (already in the citizen's language) to the citizen."""
    return retry_while_meta_is_busy(self, tell_citizen, citizen_id, text)
