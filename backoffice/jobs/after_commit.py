"""Enqueues Celery tasks by name once the database transaction that asked for them commits.

A room that must start another room's work (an approval that issues a certificate, an attached document
that OCR must read) names the task instead of importing it, so rooms never import back. A rolled-back
change enqueues nothing; a broker outage after the commit is logged, not turned into an error page.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app as current_celery
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
# Where the tasks asked for during a transaction wait for its commit.
PENDING_KEY = "seva_enqueue"


def enqueue_after_commit(session: Session, task_name: str, *args: Any) -> None:
    """Send task `task_name` with `args` once `session` commits."""
    session.info.setdefault(PENDING_KEY, []).append((task_name, args))


def enqueue(task_name: str, *args: Any) -> None:
    """Send task `task_name` with `args` now (eagerly run in tests, as `.delay` would be)."""
    current_celery.tasks[task_name].delay(*args)


def _send_pending(session: Session) -> None:
    for task_name, args in session.info.pop(PENDING_KEY, []):
        try:
            enqueue(task_name, *args)
        except (
            Exception
        ) as exc:  # the change is committed; a broker outage must not turn it into an error page
            log.warning("could not queue %s%r: %s", task_name, args, exc)


def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)
