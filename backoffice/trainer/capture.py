"""Drain the bot's queue of misunderstood messages (trainer_capture/contract.py) into the inbox."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import redis
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.trainer.models import InboxItem
from trainer_capture.contract import CAPTURE_KEY, FALLBACK, REASONS, messages_key
from trainer_capture.style import STYLES

logger = logging.getLogger(__name__)
BATCH = 500


def capture_queue() -> redis.Redis:
    """The Redis database the bot queues into (Rasa's tracker store's)."""
    return redis.Redis.from_url(current_app.config["TRAINER_CAPTURE_REDIS_URL"])


def drain(queue: redis.Redis, batch: int = BATCH) -> int:
    """Move up to `batch` queued entries into the inbox; return how many new items were stored.

    Entries are removed from the queue only after the inbox has them (read, commit, then trim), so a crash
    in between stores them again next time, where the unique (message, reason) index drops the repeat.
    """
    raw = queue.lrange(CAPTURE_KEY, 0, batch - 1)
    stored = 0
    for value in raw:
        item = _item(value)
        if item is None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(item)
            stored += 1
        except IntegrityError:
            pass  # already in the inbox
    db.session.commit()
    if raw:
        queue.ltrim(CAPTURE_KEY, len(raw), -1)
    return stored


def _item(value: bytes) -> InboxItem | None:
    try:
        entry = json.loads(value)
        if entry["reason"] not in REASONS or entry.get("style") not in STYLES:
            raise ValueError(f"unknown reason or style in {entry.get('reason')!r}, {entry.get('style')!r}")
        said_at = datetime.fromisoformat(entry["at"])
        if said_at.tzinfo is not None:
            said_at = said_at.astimezone(UTC).replace(tzinfo=None)
        return InboxItem(
            reason=entry["reason"],
            text=str(entry["text"])[:1000],
            conversation=str(entry["conversation"])[:64],
            message_id=entry.get("message_id"),
            number=entry.get("number"),
            said_at=said_at,
            intent=entry.get("intent"),
            confidence=entry.get("confidence"),
            alternatives=list(entry.get("alternatives") or [])[:3],
            style=entry["style"],
            previous_question=entry.get("previous_question"),
            active_form=entry.get("active_form"),
        )
    except (ValueError, KeyError, TypeError) as error:
        # A malformed entry would block the queue for ever; it is dropped and said once.
        logger.error("dropped a malformed trainer capture entry: %s", error)
        return None


def misunderstood_counts(since: datetime, until: datetime | None = None) -> dict[str, int]:
    """How many messages were captured, per reason, between two UTC times."""
    until = until or utcnow()
    rows = db.session.execute(
        select(InboxItem.reason, func.count())
        .where(InboxItem.said_at >= since, InboxItem.said_at < until)
        .group_by(InboxItem.reason)
    )
    counts = {reason: 0 for reason in REASONS}
    counts.update({reason: n for reason, n in rows})
    return counts


def fallback_rate(day: date, queue: redis.Redis | None = None) -> float | None:
    """The share of typed messages the bot fell back on during one UTC day (None when nobody wrote)."""
    queue = queue or capture_queue()
    typed = int(queue.get(messages_key(day)) or 0)
    if not typed:
        return None
    start = datetime(day.year, day.month, day.day)
    return misunderstood_counts(start, start + timedelta(days=1))[FALLBACK] / typed
