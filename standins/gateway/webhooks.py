"""Signed webhook delivery in Razorpay's envelope, with switches for duplicates, held-back and dropped events."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from standins.gateway.settings import Settings
from standins.gateway.store import Event, new_id

log = logging.getLogger(__name__)

# normal: send each event once, in order; duplicate: send each twice with the same event id;
# hold: keep events until flushed (then in the order asked, e.g. reversed); drop: never send (lost webhooks).
MODES = ("normal", "duplicate", "hold", "drop")


def envelope(account_id: str, event: str, entities: dict[str, Any]) -> dict[str, Any]:
    """Wrap entities as Razorpay's webhook body: `{entity: event, event, contains, payload: {x: {entity}}}`."""
    return {
        "entity": "event",
        "account_id": account_id,
        "event": event,
        "contains": list(entities),
        "payload": {name: {"entity": entity} for name, entity in entities.items()},
        "created_at": int(time.time()),
    }


@dataclass
class Outbox:
    """Queues webhooks and delivers them one at a time, retrying a delivery that is not answered 2xx."""

    settings: Settings
    mode: str = "normal"
    held: list[tuple[str, bytes, str]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    # Bumped by reset(); deliveries queued or retrying from before a reset are abandoned.
    generation: int = 0

    def publish(self, events: list[Event]) -> None:
        """Sign and queue the events of one change, as the current mode says."""
        for name, entities in events:
            # Each copy is a snapshot: later changes to the entity must not leak into an earlier event.
            body = json.dumps(
                envelope(self.settings.account_id, name, entities), separators=(",", ":")
            ).encode()
            item = (new_id("evt"), body, name, self.generation)
            if self.mode == "drop":
                self.deliveries.append(
                    {"event_id": item[0], "event": name, "status": "dropped", "attempts": 0}
                )
            elif self.mode == "hold":
                self.held.append(item)
            else:
                self.queue.put_nowait(item)
                if self.mode == "duplicate":
                    self.queue.put_nowait(item)

    def flush(self, order: str) -> int:
        """Send the held events, in the order they happened (`sent`) or backwards (`reverse`)."""
        items = list(reversed(self.held)) if order == "reverse" else list(self.held)
        self.held.clear()
        for item in items:
            self.queue.put_nowait(item)
        return len(items)

    def reset(self) -> None:
        """Forget held events and the delivery log, and go back to normal delivery."""
        self.generation += 1
        self.mode = "normal"
        self.held.clear()
        self.deliveries.clear()
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()

    async def run(self, session: aiohttp.ClientSession) -> None:
        """Deliver queued webhooks forever, in order."""
        while True:
            event_id, body, name, generation = await self.queue.get()
            if generation == self.generation:
                await self._deliver(session, event_id, body, name, generation)
            self.queue.task_done()

    async def _deliver(
        self, session: aiohttp.ClientSession, event_id: str, body: bytes, name: str, generation: int
    ) -> None:
        signature = hmac.new(self.settings.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": signature,
            "X-Razorpay-Event-Id": event_id,
        }
        record: dict[str, Any] = {"event_id": event_id, "event": name, "status": "sending", "attempts": 0}
        self.deliveries.append(record)
        for delay in (0.0, *self.settings.retry_delays):
            await asyncio.sleep(delay)
            if generation != self.generation:
                return
            record["attempts"] += 1
            try:
                timeout = aiohttp.ClientTimeout(total=10)
                async with session.post(
                    self.settings.webhook_url, data=body, headers=headers, timeout=timeout
                ) as r:
                    record["http_status"] = r.status
                    if 200 <= r.status < 300:
                        record["status"] = "delivered"
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                record["http_status"] = None
                record["error"] = type(exc).__name__
        record["status"] = "failed"
        log.warning("webhook %s (%s) not accepted after %d attempts", event_id, name, record["attempts"])
