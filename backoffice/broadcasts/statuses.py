"""Meta's status webhooks for broadcast messages, as the WhatsApp channel keeps them in Redis (per message id).

The channel receives the status webhooks (bot/whatsapp/dedup.py: hash `<prefix>:<wamid>`, one field per
status with its time, and `errors`); reading them here keeps the channel unaware of broadcasts.
"""

from __future__ import annotations

import redis
from flask import current_app
from sqlalchemy import select

from backoffice.broadcasts.models import BroadcastRecipient
from backoffice.broadcasts.sending import record_statuses
from backoffice.extensions import db

ORDER = ("failed", "read", "delivered", "sent")  # the most telling status wins


def refresh(broadcast_id: int) -> int:
    """Copy the channel's latest status of each sent message of the broadcast; how many rows changed."""
    message_ids = list(db.session.scalars(
        select(BroadcastRecipient.message_id).where(BroadcastRecipient.broadcast_id == broadcast_id,
                                                    BroadcastRecipient.message_id.is_not(None))
    ))  # fmt: skip
    if not message_ids:
        return 0
    config = current_app.config
    client = redis.Redis.from_url(config["REDIS_URL"], socket_timeout=5)
    try:
        with client.pipeline(transaction=False) as pipe:
            for message_id in message_ids:
                pipe.hgetall(f"{config['WHATSAPP_STATUS_PREFIX']}:{message_id}")
            rows = pipe.execute()
    except redis.RedisError:
        return 0  # the report shows what is known; statuses come on the next look
    finally:
        client.close()
    latest = {}
    for message_id, raw in zip(message_ids, rows, strict=True):
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        status = next((s for s in ORDER if s in fields), None)
        if status:
            errors = fields.get("errors", "").split(",")[0]
            latest[message_id] = (status, int(errors) if errors.isdigit() else None)
    return record_statuses(latest)
