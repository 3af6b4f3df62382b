"""The app's one Redis client (the Celery broker's server), for counters and queue depths; connects on first use."""

from __future__ import annotations

from flask import current_app
from redis import Redis


def redis_client() -> Redis:
    """The Redis client of the current app, made once per app from `REDIS_URL`."""
    client = current_app.extensions.get("seva_redis")
    if client is None:
        # Short timeouts: a counter or a dashboard tile must not hang a request when Redis is away.
        client = Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
        current_app.extensions["seva_redis"] = client
    return client
