"""The record of our messages' statuses (inbound retries are recognised by the inbound stream)."""

import logging

from redis.asyncio import Redis

from bot.whatsapp.inbound import StatusUpdate
from bot.whatsapp.privacy import mask_phone, short_wamid

logger = logging.getLogger(__name__)

# Statuses of our messages are kept as long as Meta retries webhooks: 7 days.
SEVEN_DAYS = 7 * 24 * 3600


class DeliveryLog:
    """Remembers which (wamid, status) pairs have been seen, in Redis."""

    def __init__(self, redis: Redis, ttl: int = SEVEN_DAYS, prefix: str = "seva:wa") -> None:
        self._redis = redis
        self._ttl = ttl
        self._prefix = prefix

    async def record_status(self, update: StatusUpdate) -> bool:
        """Store a status of one of our messages in its hash; False if this status was already seen."""
        key = f"{self._prefix}:status:{update.wamid}"
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hsetnx(key, update.status, update.timestamp or "0")
            if update.error_codes:
                pipe.hset(key, "errors", ",".join(map(str, update.error_codes)))
            pipe.expire(key, self._ttl)
            first, *_ = await pipe.execute()
        if first and update.status == "failed":
            logger.warning(
                "message %s to %s failed with error(s) %s",
                short_wamid(update.wamid),
                mask_phone(update.recipient_id or update.recipient_user_id),
                ",".join(map(str, update.error_codes)) or "unknown",
            )
        return bool(first)

    async def statuses(self, wamid: str) -> dict[str, str]:
        """Every status recorded for one of our messages, with its timestamp."""
        raw = await self._redis.hgetall(f"{self._prefix}:status:{wamid}")
        return {k.decode(): v.decode() for k, v in raw.items()}
