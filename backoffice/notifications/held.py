"""Messages Meta would refuse outside the 24-hour window wait in Redis for the citizen's next message.

The WhatsApp channel sends them when the citizen writes (key contract: `whatsapp_contract/handover.py`).
"""

from __future__ import annotations

import json

import redis
from flask import current_app

from whatsapp_contract.handover import HELD_SECONDS, held_entry, held_key


def client() -> redis.Redis:
    """One Redis client per app (connection pool), made on first use."""
    made = current_app.extensions.get("seva_redis")
    if made is None:
        made = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5)
        current_app.extensions["seva_redis"] = made
    return made


def hold(conversation: str, phone_number_id: str, body: dict, ref: str) -> bool:
    """Hold a free-form message for the citizen's next message; True when it is the first one held (the
    re-engagement template should then go out). Holding the same `ref` again (a retried task) keeps one copy.
    """
    for index, raw in enumerate(client().lrange(held_key(conversation), 0, -1)):
        if json.loads(raw).get("ref") == ref:
            return index == 0
    with client().pipeline(transaction=True) as pipe:
        pipe.rpush(held_key(conversation), held_entry(phone_number_id, body, ref))
        pipe.expire(held_key(conversation), HELD_SECONDS)
        waiting, _ = pipe.execute()
    return waiting == 1
