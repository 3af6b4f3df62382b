"""Celery tasks that send on WhatsApp, and the retry policy every WhatsApp send of the back-office follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task, shared_task

from backoffice.notifications.graph import GraphError
from backoffice.notifications.send import notify_status_change, tell_citizen


def retry_while_meta_is_busy(task: Task, send: Callable[..., str], *args: Any) -> str:
    """Run `send`; when Meta throttles or is down, retry `task` after 2, 4, 8 ... 64 s (see `whatsapp_send_task`)."""
    try:
        return send(*args)
    except GraphError as error:
        if not error.retryable:
            raise
        raise task.retry(exc=error, countdown=2 ** (task.request.retries + 1)) from error


def whatsapp_send_task(name: str) -> Callable:
    """Declare a task that sends on WhatsApp through `retry_while_meta_is_busy`, under its stable `name`."""
    # Six retries are the back-off's 2 to 64 s; acknowledged late so a killed worker's send is not lost.
    return shared_task(name=name, bind=True, acks_late=True, max_retries=6, ignore_result=True)


@whatsapp_send_task("backoffice.notifications.tasks.send_status_notification")
def send_status_notification(self, application_id: int, status: str) -> str:
    """Notify the citizen of `application_id` that it reached `status`."""
    return retry_while_meta_is_busy(self, notify_status_change, application_id, status)


@whatsapp_send_task("backoffice.notifications.tasks.send_citizen_text")
def send_citizen_text(self, citizen_id: str, text: str) -> str:
    """Send a free text (already in the citizen's language) to the citizen."""
    return retry_while_meta_is_busy(self, tell_citizen, citizen_id, text)
