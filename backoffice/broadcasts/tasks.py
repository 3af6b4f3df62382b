"""The broadcast's Celery tasks: send one, and send the scheduled ones whose time has come."""

from __future__ import annotations

from celery import shared_task

from backoffice.broadcasts.sending import BUSY, LEASE, send
from backoffice.broadcasts.services import due_scheduled


@shared_task(name="backoffice.broadcasts.tasks.send_broadcast", bind=True, acks_late=True, max_retries=None,
             ignore_result=True)  # fmt: skip
def send_broadcast(self, broadcast_id: int) -> str:
    """Send the pending recipients of one approved broadcast (a re-delivered task skips those already sent)."""
    outcome = send(broadcast_id)
    if outcome == BUSY:
        # Another sender holds it, or a killed one's lease has not run out yet: come back when it has.
        raise self.retry(countdown=LEASE.total_seconds())
    return outcome


@shared_task(name="backoffice.broadcasts.tasks.send_scheduled", ignore_result=True)
def send_scheduled() -> int:
    """Start every approved broadcast whose scheduled time has passed."""
    due = due_scheduled()
    for broadcast_id in due:
        send_broadcast.delay(broadcast_id)
    return len(due)
