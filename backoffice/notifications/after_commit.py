"""Queues notifications only once the status change is committed, so a rolled-back move tells nobody."""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
# Where the workflow leaves `(application_id, status)` pairs during a transaction.
PENDING_KEY = "seva_notify"


def queue_after_commit(session: Session, application_id: int, status: str) -> None:
    """Ask for a notification of `status` once `session` commits."""
    session.info.setdefault(PENDING_KEY, []).append((application_id, status))


def _send_pending(session: Session) -> None:
    from backoffice.notifications.tasks import send_status_notification

    for application_id, status in session.info.pop(PENDING_KEY, []):
        try:
            send_status_notification.delay(application_id, status)
        except Exception as exc:  # the move is committed; a broker outage must not turn it into an error page
            log.warning(
                "could not queue the notification of application %s (%s): %s", application_id, status, exc
            )


def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)
