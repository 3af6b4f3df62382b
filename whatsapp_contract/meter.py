"""Counters of WhatsApp traffic in Redis, written by the channel and the back-office, read by the dashboard.

The channel (Rasa's venv) and the back-office (Flask's) share no code but this module and Redis. Writers queue
their increments on a pipeline they already send, so a message costs no extra round trip or HTTP call; the
same functions work on a redis-py pipeline and on a redis.asyncio one (both queue commands synchronously).

Keys (all with a time-to-live, so nothing grows without bound):
- `seva:meter:msg:<epoch minute>`   hash `in:<number>` / `out:<number>` → messages received / sent that minute
- `seva:meter:who:<epoch minute>:<number>` HyperLogLog of the pseudonymous senders who wrote that minute
- `seva:meter:day:<YYYY-MM-DD>`     hash `turns:<number>`, `fallback:<number>`, `fail:<number>:<Graph code>`
"""

from __future__ import annotations

import time
from typing import Any

PREFIX = "seva:meter"
MINUTE_TTL = 26 * 3600
DAY_TTL = 8 * 24 * 3600
# Rasa's response when the NLU could not tell what the citizen meant (the `nlu_fallback` rule and core fallback).
FALLBACK_RESPONSE = "utter_default"


def minute_of(now: float | None = None) -> int:
    """The epoch minute (UTC) of `now` (seconds), or of the present."""
    return int((time.time() if now is None else now) // 60)


def day_of(now: float | None = None) -> str:
    """The UTC date of `now` as YYYY-MM-DD, naming the day's hash."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() if now is None else now))


def minute_key(minute: int) -> str:
    """The hash of one minute's message counts."""
    return f"{PREFIX}:msg:{minute}"


def senders_key(minute: int, number: str) -> str:
    """The HyperLogLog of who wrote to `number` in `minute`."""
    return f"{PREFIX}:who:{minute}:{number}"


def day_key(day: str) -> str:
    """The hash of one day's turn, fallback and delivery-failure counts."""
    return f"{PREFIX}:day:{day}"


def count_inbound(pipe: Any, number: str, sender: str, now: float | None = None) -> None:
    """Queue: one message received on `number` from pseudonymous `sender`."""
    minute = minute_of(now)
    pipe.hincrby(minute_key(minute), f"in:{number}", 1)
    pipe.expire(minute_key(minute), MINUTE_TTL)
    pipe.pfadd(senders_key(minute, number), sender)
    pipe.expire(senders_key(minute, number), MINUTE_TTL)


def count_outbound(pipe: Any, number: str, sent: int, now: float | None = None) -> None:
    """Queue: `sent` messages sent from `number`."""
    if sent <= 0:
        return
    minute = minute_of(now)
    pipe.hincrby(minute_key(minute), f"out:{number}", sent)
    pipe.expire(minute_key(minute), MINUTE_TTL)


def count_turn(pipe: Any, number: str, replies: list[dict[str, Any]], now: float | None = None) -> None:
    """Queue: one bot turn on `number`, and a fallback when one of its `replies` (Rasa's dicts) is the fallback."""
    key = day_key(day_of(now))
    pipe.hincrby(key, f"turns:{number}", 1)
    if any(reply.get("utter_action") == FALLBACK_RESPONSE for reply in replies):
        pipe.hincrby(key, f"fallback:{number}", 1)
    pipe.expire(key, DAY_TTL)


def count_failure(pipe: Any, number: str, code: int, now: float | None = None) -> None:
    """Queue: Meta reported a message from `number` as failed with Graph error `code` (0 when it gave none)."""
    key = day_key(day_of(now))
    pipe.hincrby(key, f"fail:{number}:{code}", 1)
    pipe.expire(key, DAY_TTL)
