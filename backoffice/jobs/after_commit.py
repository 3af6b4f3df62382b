"""A transactional outbox for Celery tasks named by rooms: written with the change, sent once it commits.

A room that must start another room's work (an approval that issues a certificate, an attached document
that OCR must read) names the task instead of importing it, so rooms never import back.
`enqueue_after_commit` writes the task into the `outbox` table in the caller's own transaction: a rolled-back
change leaves no task, a committed one always has its task. Right after the commit the task goes to the broker
and its row is marked sent; when the broker is down the row stays unsent and `relay_unsent` (a beat task,
`backoffice.jobs.tasks`) sends it later. Delivery is at least once: a process that dies between the broker
taking a task and the row being marked leaves it to be sent again, so tasks are written to be safe twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import current_app as current_celery
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from backoffice.core.clock import utcnow
from backoffice.jobs.models import OutboxTask

log = logging.getLogger(__name__)
# Where the outbox rows written during a transaction wait for its commit.
PENDING_KEY = "seva_outbox"
# Sent rows are kept this long for inspection, then deleted by the relay.
KEEP_SENT = timedelta(days=7)


def enqueue_after_commit(session: Session, task_name: str, *args: Any) -> None:
    """Write task `task_name` with `args` to the outbox in `session`'s transaction; it is sent once that commits."""
    row = OutboxTask(task=task_name, args=list(args))
    session.add(row)
    session.info.setdefault(PENDING_KEY, []).append((row, task_name, args))


def enqueue(task_name: str, *args: Any) -> None:
    """Send task `task_name` with `args` now (eagerly run in tests, as `.delay` would be)."""
    current_celery.tasks[task_name].delay(*args)


def _mark(session: Session, sent: list[int], failed: dict[int, str]) -> None:
    # The session has just committed and cannot run SQL inside this event: a connection of its own does.
    with session.get_bind(mapper=inspect(OutboxTask)).begin() as connection:
        if sent:
            connection.execute(update(OutboxTask).where(OutboxTask.id.in_(sent)).values(sent_at=utcnow()))
        for row_id, error in failed.items():
            connection.execute(
                update(OutboxTask)
                .where(OutboxTask.id == row_id)
                .values(attempts=OutboxTask.attempts + 1, last_error=error[:500])
            )


def _send_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    sent, failed = [], {}
    for row, task_name, args in pending:
        row_id = inspect(row).identity[0]  # kept by the identity map; the commit expired the attributes
        try:
            enqueue(task_name, *args)
            sent.append(row_id)
        except Exception as exc:  # the change is committed and the task kept; the relay sends it later
            log.warning("could not queue %s%r now, the outbox relay will: %s", task_name, tuple(args), exc)
            failed[row_id] = str(exc)
    _mark(session, sent, failed)


def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


def relay_unsent(session: Session, older_than: timedelta, limit: int = 500) -> int:
    """Send outbox tasks left unsent for `older_than` (the broker was down); return how many were sent.

    `older_than` keeps the relay off rows whose own commit is sending them this very moment.
    """
    cutoff = utcnow() - older_than
    rows = session.scalars(
        select(OutboxTask)
        .where(OutboxTask.sent_at.is_(None), OutboxTask.created_at <= cutoff)
        .order_by(OutboxTask.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # two relays never take the same row (PostgreSQL)
    ).all()
    sent = 0
    for row in rows:
        try:
            enqueue(row.task, *row.args)
        except Exception as exc:  # still down: try again at the next run, in order
            row.attempts += 1
            row.last_error = str(exc)[:500]
            break
        row.sent_at = utcnow()
        sent += 1
    session.execute(delete(OutboxTask).where(OutboxTask.sent_at < utcnow() - KEEP_SENT))
    session.info.pop(PENDING_KEY, None)
    session.commit()
    return sent


def install() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)
