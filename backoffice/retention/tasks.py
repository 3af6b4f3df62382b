"""The beat's retention job."""

from __future__ import annotations

from celery import shared_task

from backoffice.core.clock import utcnow
from backoffice.retention.services import run


@shared_task(name="backoffice.retention.tasks.apply_retention", ignore_result=True)
def apply_retention() -> dict[str, int]:
    """Delete what has served its purpose (see retention/services.py); logs counts only."""
    return run(utcnow())
