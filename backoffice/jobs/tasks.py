"""The outbox relay, run by beat: sends the tasks the broker could not take when their change committed."""

from datetime import timedelta

from celery import shared_task
from flask import current_app

from backoffice.extensions import db
from backoffice.jobs.after_commit import relay_unsent


@shared_task(name="backoffice.jobs.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Send every outbox task left unsent; the count goes to the worker's log."""
    return relay_unsent(db.session(), timedelta(seconds=current_app.config["OUTBOX_RELAY_AFTER_SECONDS"]))
