"""Bot turns on a thread and event loop of their own, so Rasa's CPU-bound work never delays a webhook's 200.

Rasa's NLU, policies and its synchronous Redis tracker and lock stores block whichever loop runs them.
On the webhook's loop, a burst of turns queues the acknowledgements behind them (p99 ~2 s flat out);
on their own thread they only compete for the GIL, which Python hands over every few milliseconds.
"""

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def run_on(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on `loop` (another thread's) and wait for its result from the current loop."""
    if asyncio.get_running_loop() is loop:
        return await coro
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))


class TurnThread:
    """One daemon thread running an event loop on which every bot turn runs."""

    def __init__(self, name: str = "whatsapp-turns") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the turn loop and wait for it from the caller's loop."""
        return await run_on(self.loop, coro)

    def close(self) -> None:
        """Stop the loop once its current callbacks have run, and wait for the thread."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
