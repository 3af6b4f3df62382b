"""Which citizen's message runs next: one at a time per citizen, in order, the most recently active first.

Under overload a first-come queue keeps everyone waiting behind the backlog until it has drained, long after
the load has dropped. Here a free turn goes to the citizen who wrote most recently: people still at their
phone are answered at once, and the backlog of those who went quiet drains with the capacity left over.
Each citizen's own messages still run strictly in the order they arrived. A citizen whose oldest waiting
message has waited longer than `stale_after` is told once, politely, that the message is kept.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")


class TurnScheduler(Generic[Item]):
    """Per-citizen queues served by `concurrency` workers; the citizen with the latest arrival goes first."""

    def __init__(
        self,
        handle: Callable[[Item], Awaitable[None]],
        concurrency: int,
        on_stale: Callable[[Item], Awaitable[None]] | None = None,
        stale_after: float = 10.0,
    ) -> None:
        self._handle = handle
        self._on_stale = on_stale
        self._stale_after = stale_after
        self._queues: dict[Hashable, deque[tuple[float, Item]]] = {}
        self._latest: dict[Hashable, float] = {}
        self._running: set[Hashable] = set()
        self._told: set[Hashable] = set()
        self._ready: list[tuple[float, int, Hashable]] = []
        self._order = itertools.count()
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._waiting = 0
        self._workers = [asyncio.ensure_future(self._work()) for _ in range(concurrency)]
        self._sweeper = asyncio.ensure_future(self._sweep()) if on_stale else None

    @property
    def waiting(self) -> int:
        """Messages queued or running."""
        return self._waiting

    @property
    def active_senders(self) -> int:
        """Citizens with a message queued or running."""
        return len(self._queues)

    def put(self, key: Hashable, item: Item, arrived: float) -> None:
        """Queue `item` behind everything already queued for the same citizen."""
        self._queues.setdefault(key, deque()).append((arrived, item))
        self._latest[key] = max(arrived, self._latest.get(key, arrived))
        self._waiting += 1
        self._idle.clear()
        if key not in self._running:
            self._push(key)

    async def join(self) -> None:
        """Wait until every queued message has been handled."""
        await self._idle.wait()

    async def close(self) -> None:
        """Stop the workers; what is still queued stays in the durable stream for the next process."""
        tasks = [*self._workers, *([self._sweeper] if self._sweeper else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _push(self, key: Hashable) -> None:
        heapq.heappush(self._ready, (-self._latest[key], next(self._order), key))
        self._wakeup.set()

    def _next_key(self) -> Hashable | None:
        while self._ready:
            priority, _, key = heapq.heappop(self._ready)
            # Entries go stale when the citizen wrote again (a fresher entry exists) or is already running.
            if key not in self._running and self._queues.get(key) and -priority == self._latest[key]:
                return key
        return None

    async def _work(self) -> None:
        while True:
            key = self._next_key()
            if key is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self._running.add(key)
            _, item = self._queues[key].popleft()
            try:
                await self._handle(item)
            except Exception:
                logger.exception("handling a queued WhatsApp message failed")
            finally:
                self._running.discard(key)
                self._waiting -= 1
                if self._queues[key]:
                    self._push(key)
                else:
                    del self._queues[key], self._latest[key]
                    self._told.discard(key)
                if self._waiting == 0:
                    self._idle.set()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self._stale_after / 2))
            now = time.time()  # the stream ids' clock (Redis's), which arrival times come from
            for key, queue in list(self._queues.items()):
                if key in self._told or not queue or now - queue[0][0] < self._stale_after:
                    continue
                self._told.add(key)
                try:
                    await self._on_stale(queue[0][1])
                except Exception:
                    logger.exception("telling a waiting citizen that we are busy failed")
