"""`GET /metrics` for Prometheus, behind a bearer token (METRICS_TOKEN); the figures are read when scraped."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from redis.exceptions import RedisError

from backoffice.dashboard import tiles
from backoffice.extensions import db
from backoffice.jobs import task_counts
from backoffice.jobs.redis_client import redis_client
from whatsapp_contract import meter

blueprint = Blueprint("metrics", __name__)


class SevaCollector:
    """Reads the dashboard's tiles for every department at scrape time (no state kept between scrapes)."""

    def collect(self):
        """Yield the metric families Prometheus reads."""
        applications = GaugeMetricFamily(
            "seva_applications",
            "Submitted applications by department and status",
            labels=["department", "status"],
        )
        for department, status, count in tiles.applications_by_department_and_status():
            applications.add_metric([department, status], count)
        yield applications
        deadline = GaugeMetricFamily("seva_pending_applications", "Pending applications by deadline state",
                                     labels=["state"])  # fmt: skip
        owed = tiles.deadline_tile(None)
        for state in ("on_time", "due_soon", "overdue"):
            deadline.add_metric([state], owed[state])
        yield deadline
        yield GaugeMetricFamily("seva_compensation_owed_rupees", "Compensation owed under the Act on overdue pending applications",
                                value=owed["compensation_paise"] / 100)  # fmt: skip
        queues = tiles.celery_queues()
        if queues is not None:
            depth = GaugeMetricFamily(
                "seva_celery_queue_length", "Tasks waiting in each Celery queue", labels=["queue"]
            )
            for name, length in queues.items():
                depth.add_metric([name], length)
            yield depth
        yield from _task_counters()
        yield from _channel_counters()


def _task_counters():
    """Celery tasks succeeded and failed per task name, as the workers counted them in Redis (jobs/task_counts.py)."""
    try:
        counts = task_counts.read()
    except RedisError:
        return
    tasks = CounterMetricFamily("seva_celery_tasks", "Celery tasks finished, by task and outcome",
                                labels=["task", "outcome"])  # fmt: skip
    for (name, outcome), count in sorted(counts.items()):
        tasks.add_metric([name, outcome], count)
    yield tasks


def _channel_counters():
    """Today's counters the WhatsApp channel keeps in Redis (turns, NLU fallbacks, failures), per number."""
    try:
        raw = redis_client().hgetall(meter.day_key(meter.day_of()))
    except RedisError:
        return  # the scrape still carries the database's figures
    turns = CounterMetricFamily("seva_bot_turns", "Bot turns today (UTC)", labels=["number"])
    fallback = CounterMetricFamily(
        "seva_bot_fallbacks", "Turns answered with the NLU fallback today", labels=["number"]
    )
    failed = CounterMetricFamily(
        "seva_delivery_failures", "Messages Meta reported failed today", labels=["number", "code"]
    )
    for key, value in raw.items():
        kind, _, rest = key.decode().partition(":")
        number, _, code = rest.partition(":")
        if kind == "turns":
            turns.add_metric([number], int(value))
        elif kind == "fallback":
            fallback.add_metric([number], int(value))
        elif kind == "fail":
            failed.add_metric([number, code], int(value))
    yield from (turns, fallback, failed)


@blueprint.get("/metrics")
def metrics():
    """The Prometheus text format; 404 without the right bearer token (or when no token is configured)."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        abort(404)
    registry = CollectorRegistry()
    registry.register(SevaCollector())
    try:
        body = generate_latest(registry)
    finally:
        db.session.rollback()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
