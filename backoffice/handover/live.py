"""The handover's Redis side: the flag the WhatsApp channel reads, held messages, inbox events, officers online."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import redis

from backoffice.notifications import held
from whatsapp_contract.handover import HANDOVER_SECONDS, handover_key, held_sent_key, status_key

# An officer counts as online this long after their inbox last reached us (the live stream renews it).
ONLINE_SECONDS = 120


def client() -> redis.Redis:
    """The app's Redis client (shared with the notifications room)."""
    return held.client()


def flag_on(conversation: str, handover_id: int) -> None:
    """Keep the bot silent for `conversation`; the channel forwards its messages here instead."""
    client().set(handover_key(conversation), handover_id, ex=HANDOVER_SECONDS)


def flag_off(conversation: str) -> None:
    """Give the conversation back to the bot."""
    client().delete(handover_key(conversation))


def outcome(wamid: str | None, ref: str) -> dict[str, str]:
    """What Meta reported for a message we sent (or that the channel sent later as `ref`): {status: time}."""
    wamid = wamid or (client().get(held_sent_key(ref)) or b"").decode()
    if not wamid:
        return {}
    return {k.decode(): v.decode() for k, v in client().hgetall(status_key(wamid)).items()}


def _channel(department: str) -> str:
    return f"seva:handover:events:{department}"


def publish(department: str, handover_id: int, kind: str) -> None:
    """Tell the department's open inboxes (and administrators') that something changed."""
    event = json.dumps({"handover": handover_id, "kind": kind})
    client().publish(_channel(department), event)


def events(department: str | None, seconds: float, heartbeat: float = 10.0) -> Iterator[str]:
    """Server-sent events for one inbox page for at most `seconds`; the browser reconnects by itself.

    A bounded stream frees its gunicorn thread regularly, so open inboxes never hold every worker.
    """
    pubsub = client().pubsub(ignore_subscribe_messages=True)
    if department is None:
        pubsub.psubscribe(_channel("*"))
    else:
        pubsub.subscribe(_channel(department))
    try:
        yield "retry: 1000\n\n"
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            message = pubsub.get_message(timeout=min(heartbeat, left))
            if message is None:
                yield ": still here\n\n"
                continue
            data = message["data"].decode() if isinstance(message["data"], bytes) else str(message["data"])
            yield f"event: change\ndata: {data}\n\n"
    finally:
        pubsub.close()


def mark_online(department: str | None, user_id: int) -> None:
    """Note that this officer has their inbox open now."""
    key = f"seva:handover:online:{department or '*'}"
    with client().pipeline(transaction=False) as pipe:
        pipe.zadd(key, {str(user_id): time.time()})
        pipe.expire(key, ONLINE_SECONDS * 10)
        pipe.execute()


def officers_online(department: str) -> int:
    """How many officers of the department had their inbox open in the last two minutes."""
    return client().zcount(f"seva:handover:online:{department}", time.time() - ONLINE_SECONDS, "+inf")
