"""Tasks finished per Celery task name and outcome, counted in Redis so that `/metrics` (gunicorn) can read what
the workers (other processes, other machines) did.

prometheus_client's own counters live in one process's memory (or, in multiprocess mode, in files on one
machine); the workers and the web processes share only Redis. One hash, field `<outcome>:<task name>`, counts
since Redis last lost its data: Prometheus reads a drop as a counter reset.
"""

from __future__ import annotations

import logging

from celery.signals import task_failure, task_success
from redis.exceptions import RedisError

from backoffice.jobs.redis_client import redis_client

log = logging.getLogger(__name__)
KEY = "seva:celery:tasks"
OUTCOMES = ("succeeded", "failed")


def _count(outcome: str, task) -> None:
    app = getattr(
        task.app, "flask_app", None
    )  # set by celery_init_app; absent on a Celery app of no Flask app
    if app is None:
        return
    with app.app_context():
        try:
            redis_client().hincrby(KEY, f"{outcome}:{task.name}", 1)
        except RedisError:  # a lost count never fails the task that was counted
            log.warning("could not count %s %s: Redis unreachable", outcome, task.name)


@task_success.connect
def _succeeded(sender=None, **_) -> None:
    _count("succeeded", sender)


@task_failure.connect
def _failed(sender=None, **_) -> None:
    _count("failed", sender)


def read() -> dict[tuple[str, str], int]:
    """{(task name, outcome): count} as the workers recorded them; raises RedisError when Redis is away."""
    counts = {}
    for field, value in redis_client().hgetall(KEY).items():
        outcome, _, name = field.decode().partition(":")
        if outcome in OUTCOMES:
            counts[(name, outcome)] = int(value)
    return counts
