"""The trainer inbox's queue: a Redis list the bot (or the handover) pushes to and the back-office drains.

Each entry is one JSON object, already redacted (`redaction.redact`) by whoever pushes it:
`{"reason", "text", "conversation", "message_id", "number" (the business phone_number_id), "at", "intent", "confidence",
"alternatives": [{"intent", "confidence"}] (up to 3), "style", "previous_question", "active_form"}`.
Pushing is one RPUSH; nothing on the message path waits for the back-office.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from trainer_capture.redaction import redact
from trainer_capture.style import language_style

# In the back-office's Redis database (REDIS_URL); the drain reads it with LPOP.
CAPTURE_KEY = "seva:trainer:captures"
# Typed messages per UTC day, counted by the bot in the same pipeline: the denominator of the fallback rate.
MESSAGES_KEY = "seva:trainer:messages:"
MESSAGES_KEEP_SECONDS = 400 * 24 * 3600
# Above this many waiting entries new ones are dropped: a stopped drain must not fill Redis.
MAX_WAITING = 100_000

FALLBACK = "fallback"
LOW_CONFIDENCE = "low_confidence"
CORRECTION = "correction"
HANDOVER = "handover"
REASONS = (FALLBACK, LOW_CONFIDENCE, CORRECTION, HANDOVER)


def capture_entry(
    reason: str,
    text: str,
    conversation: str,
    *,
    message_id: str | None = None,
    number: str | None = None,
    intent: str | None = None,
    confidence: float | None = None,
    alternatives: list[dict[str, Any]] | None = None,
    previous_question: str | None = None,
    active_form: str | None = None,
    answers_name_question: bool = False,
    at: datetime | None = None,
) -> str:
    """One queue entry (JSON), with the citizen's text and the bot's previous question redacted here."""
    if reason not in REASONS:
        raise ValueError(f"unknown capture reason {reason!r}")
    return json.dumps(
        {
            "reason": reason,
            "text": redact(text, answers_name_question)[:1000],
            "conversation": conversation,
            "message_id": message_id,
            "number": number,
            "at": (at or datetime.now(timezone.utc)).isoformat(),
            "intent": intent,
            "confidence": confidence,
            "alternatives": (alternatives or [])[:3],
            "style": language_style(text),
            "previous_question": redact(previous_question)[:500] if previous_question else None,
            "active_form": active_form,
        },
        ensure_ascii=False,
    )


def push(redis: Any, entry: str) -> None:
    """Queue one entry on a Redis client or pipeline (keeping at most MAX_WAITING, the newest)."""
    redis.rpush(CAPTURE_KEY, entry)
    redis.ltrim(CAPTURE_KEY, -MAX_WAITING, -1)


def messages_key(day: date) -> str:
    """The counter of typed messages on one UTC day."""
    return f"{MESSAGES_KEY}{day.isoformat()}"


def count_messages(redis: Any, typed: int, day: date | None = None) -> None:
    """Add `typed` messages to today's count on a Redis client or pipeline."""
    key = messages_key(day or datetime.now(timezone.utc).date())
    redis.incrby(key, typed)
    redis.expire(key, MESSAGES_KEEP_SECONDS)
