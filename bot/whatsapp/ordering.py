"""Per-sender queues: each citizen's messages are handled one at a time, in arrival order."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")


class SenderQueues(Generic[Item]):
    """One asyncio queue and worker task per sender; a worker exits after `idle_seconds` of quiet."""

    def __init__(self, handle: Callable[[Item], Awaitable[None]], idle_seconds: float = 30.0) -> None:
        self._handle = handle
        self._idle_seconds = idle_seconds
        self._queues: dict[Hashable, asyncio.Queue] = {}
        self._workers: set[asyncio.Task] = set()
        self._pending = 0
        self._settled = asyncio.Event()
        self._settled.set()

    def put(self, key: Hashable, item: Item) -> None:
        """Queue `item` behind everything already queued for the same sender."""
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            worker = asyncio.create_task(self._work(key, queue))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        self._pending += 1
        self._settled.clear()
        queue.put_nowait(item)

    @property
    def active_senders(self) -> int:
        """How many senders have a live worker."""
        return len(self._queues)

    async def join(self) -> None:
        """Wait until every queued item has been handled."""
        await self._settled.wait()

    async def close(self) -> None:
        """Stop every worker, dropping what is still queued."""
        for worker in list(self._workers):
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._queues.clear()

    async def _work(self, key: Hashable, queue: asyncio.Queue) -> None:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), self._idle_seconds)
            except asyncio.TimeoutError:
                # No await between this check and the removal, so no put can slip in between.
                if queue.empty():
                    del self._queues[key]
                    return
                continue
            try:
                await self._handle(item)
            except Exception:
                logger.exception("handling a queued WhatsApp message failed")
            finally:
                self._pending -= 1
                if self._pending == 0:
                    self._settled.set()
