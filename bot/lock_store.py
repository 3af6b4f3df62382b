"""A Redis lock store whose tickets are taken and returned atomically, so one conversation's turns never overlap.

Rasa 3.6's `RedisLockStore` keeps a conversation's tickets as one JSON value that it reads, changes and
writes back in separate calls. Two callers at once (a bot turn on the channel's thread and Rasa's HTTP API,
or two Rasa instances behind one webhook) can write back a ticket that was just returned, and the next
caller waits for a ticket nobody holds until it fails with "Could not acquire lock". Here every change is one
Redis script: tickets are numbered by INCR and queued in a sorted set with their deadline (Redis's clock), so
turns still go first come, first served, and a holder that died is skipped once its ticket expires.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Seconds between looks at the queue while another turn of the conversation runs; Rasa waits a whole second.
POLL_SECONDS = 0.02

# Drop expired tickets from the front of KEYS[queue] and answer the first live one (false when empty).
_FIRST_LIVE = """
local function first_live(queue)
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  for _, member in ipairs(redis.call('ZRANGE', queue, 0, -1)) do
    if tonumber(string.match(member, ':(%d+)$')) < now_ms then
      redis.call('ZREM', queue, member)
    else
      return member
    end
  end
  return false
end
"""
# Take a ticket and answer it with the queue's head, so an uncontended turn needs one call to start.
_TAKE = (
    _FIRST_LIVE
    + """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ticket = redis.call('INCR', KEYS[1])
local member = ticket .. ':' .. (now_ms + tonumber(ARGV[1]))
redis.call('ZADD', KEYS[2], ticket, member)
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[1]))
return {member, first_live(KEYS[2])}
"""
)
_HEAD = _FIRST_LIVE + "return first_live(KEYS[1])\n"


class AtomicRedisLockStore(RedisLockStore):
    """`lock_store: type: bot.lock_store.AtomicRedisLockStore` in endpoints.yml, with RedisLockStore's settings."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self._take = self.red.register_script(_TAKE)
        self._head = self.red.register_script(_HEAD)

    def _keys(self, conversation_id: str) -> tuple[str, str]:
        base = f"{self.key_prefix}{conversation_id}"
        return f"{base}:seq", f"{base}:queue"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncIterator[None]:
        """Hold the conversation's turn: wait until every earlier ticket is returned or expired."""
        seq, queue = self._keys(conversation_id)
        ticket, head = self._take(keys=[seq, queue], args=[int(lock_lifetime * 1000)])
        try:
            while head is not None and head != ticket:
                await asyncio.sleep(wait_time_in_seconds)
                head = self._head(keys=[queue])
            if head is None:  # our own ticket expired while earlier turns ran
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            yield None
        finally:
            self.red.zrem(queue, ticket)
