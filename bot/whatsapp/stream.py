"""The durable inbound queue: citizens' messages kept in Redis Streams from the webhook's 200 until answered.

The webhook appends each message to one of `shards` streams, chosen by the citizen's address, and answers
200 only once Redis has it; if Redis refuses, Meta gets a 503 and retries. Each shard is read by one consumer
at a time (a lease renewed every second), so a citizen's messages are read in order however many Rasa
processes run; a process that dies stops renewing, another takes the shard over and claims what the dead one
had read but not finished. An entry is acknowledged and deleted only once the citizen's answer has been
handed to the outbound side, so the streams hold exactly the backlog, bounded by `max_backlog` per shard.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import socket
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.whatsapp.inbound import InboundMessage, Media

logger = logging.getLogger(__name__)

GROUP = "turns"
# Meta retries an unacknowledged webhook for up to 7 days; a wamid seen within them is a retry.
SEEN_SECONDS = 7 * 24 * 3600

# KEYS: seen marker, stream. ARGV: seen ttl, max backlog, entry fields (JSON).
# 0: a retry of a message already queued; -1: the shard is full (Meta must retry later); else the entry id.
_APPEND = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
local id = redis.call('XADD', KEYS[2], '*', 'message', ARGV[3])
redis.call('SET', KEYS[1], 1, 'EX', tonumber(ARGV[1]))
return id
"""
# KEYS: lease. ARGV: consumer, lease ms. Take a free lease or renew our own.
_LEASE = """
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Backlogged(Exception):
    """The shard already holds `max_backlog` unanswered messages; the webhook answers 503 so Meta retries."""


@dataclass(frozen=True)
class Entry:
    """One queued message, with where it sits in the streams."""

    shard: int
    entry_id: str
    message: InboundMessage
    received_at: float  # Unix seconds, from the stream id (Redis's clock at the webhook)
    redelivered: bool = False


def encode(message: InboundMessage) -> str:
    """The message as stored in a stream entry."""
    return json.dumps(dataclasses.asdict(message), ensure_ascii=False, separators=(",", ":"))


def decode(raw: bytes | str) -> InboundMessage:
    """The message back from a stream entry."""
    fields = json.loads(raw)
    media = fields.pop("media")
    return InboundMessage(**fields, media=Media(**media) if media else None)


def consumer_name() -> str:
    """A name no other process has, now or after a restart (its pending entries are then claimed)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


class InboundStream:
    """The sharded streams, their leases and the live consumers' register, in Redis."""

    def __init__(
        self,
        redis: Redis,
        shards: int = 16,
        max_backlog: int = 20_000,
        lease_seconds: float = 5.0,
        prefix: str = "seva:inbound",
    ) -> None:
        self._redis = redis
        self.shards = shards
        self.max_backlog = max_backlog
        self.lease_ms = int(lease_seconds * 1000)
        self._prefix = prefix
        self._append = redis.register_script(_APPEND)
        self._lease = redis.register_script(_LEASE)
        self._release = redis.register_script(_RELEASE)

    def stream(self, shard: int) -> str:
        """The Redis key of a shard's stream."""
        return f"{self._prefix}:{shard}"

    def shard_of(self, message: InboundMessage) -> int:
        """The shard of a citizen's conversation with one number: always the same for the same pair."""
        return zlib.crc32(f"{message.phone_number_id}:{message.user_key}".encode()) % self.shards

    async def append(self, message: InboundMessage) -> bool:
        """Queue `message` durably; False when Meta delivered it before. Raises Backlogged when full."""
        result = await self._append(
            keys=[f"{self._prefix}:seen:{message.wamid}", self.stream(self.shard_of(message))],
            args=[SEEN_SECONDS, self.max_backlog, encode(message)],
        )
        if result == -1:
            raise Backlogged(f"shard {self.shard_of(message)} holds {self.max_backlog} unanswered messages")
        return result != 0

    async def backlog(self) -> int:
        """Messages queued and not yet answered, over every shard."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard in range(self.shards):
                pipe.xlen(self.stream(shard))
            return sum(await pipe.execute())

    async def ensure_groups(self) -> None:
        """Create each shard's consumer group (and stream) unless it exists."""
        for shard in range(self.shards):
            try:
                await self._redis.xgroup_create(self.stream(shard), GROUP, id="0", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    async def heartbeat(self, consumer: str) -> int:
        """Register `consumer` as alive; return how many consumers are alive."""
        key = f"{self._prefix}:consumers"
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {consumer: now})
            pipe.zremrangebyscore(key, "-inf", now - self.lease_ms / 1000)
            pipe.zcard(key)
            *_, alive = await pipe.execute()
        return max(1, alive)

    async def leave(self, consumer: str, shards: Iterable[int]) -> None:
        """Give up `shards` and leave the register (a clean shutdown; a crash lets the leases expire)."""
        for shard in shards:
            await self.release(consumer, shard)
        await self._redis.zrem(f"{self._prefix}:consumers", consumer)

    def fair_share(self, alive: int) -> int:
        """How many shards one of `alive` consumers should hold."""
        return math.ceil(self.shards / alive)

    async def hold(self, consumer: str, shard: int) -> bool:
        """Take or renew the lease on `shard`; False when another consumer holds it."""
        return bool(await self._lease(keys=[f"{self._prefix}:lease:{shard}"], args=[consumer, self.lease_ms]))

    async def release(self, consumer: str, shard: int) -> None:
        """Give the lease on `shard` back, if it is ours."""
        await self._release(keys=[f"{self._prefix}:lease:{shard}"], args=[consumer])

    async def claim(self, consumer: str, shard: int, count: int = 500) -> list[Entry]:
        """Entries of `shard` read by a consumer that no longer holds it, now ours, oldest first."""
        claimed: list[Entry] = []
        start = "0-0"
        while True:
            reply = await self._redis.xautoclaim(
                self.stream(shard), GROUP, consumer, min_idle_time=0, start_id=start, count=count
            )
            start, entries = reply[0], reply[1]
            claimed += self._entries(shard, entries, redelivered=True)
            if start in (b"0-0", "0-0"):
                return claimed

    async def read(self, consumer: str, shards: list[int], count: int, block_ms: int) -> list[Entry]:
        """New entries of our shards, in stream order per shard."""
        if not shards:
            return []
        reply = await self._redis.xreadgroup(
            GROUP, consumer, {self.stream(s): ">" for s in shards}, count=count, block=block_ms
        )
        found = []
        for stream, entries in reply or []:
            shard = int((stream.decode() if isinstance(stream, bytes) else stream).rsplit(":", 1)[1])
            found += self._entries(shard, entries, redelivered=False)
        return found

    async def done(self, entry: Entry) -> None:
        """The entry is answered: acknowledge it and take it out of the backlog."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream(entry.shard), GROUP, entry.entry_id)
            pipe.xdel(self.stream(entry.shard), entry.entry_id)
            await pipe.execute()

    def _entries(self, shard: int, raw: list, redelivered: bool) -> list[Entry]:
        entries = []
        for entry_id, fields in raw:
            entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            if not fields:  # deleted while pending (answered by a consumer that then died)
                continue
            payload = fields.get(b"message") or fields.get("message")
            received = int(entry_id.split("-")[0]) / 1000
            entries.append(Entry(shard, entry_id, decode(payload), received, redelivered))
        return entries
