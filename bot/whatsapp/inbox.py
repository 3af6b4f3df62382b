"""Turn verified webhook batches into ordered bot turns: dedup, "More…" taps, read marks, media intake."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from bot.whatsapp import bot_input
from bot.whatsapp.config import ChannelConfig
from bot.whatsapp.dedup import DeliveryLog
from bot.whatsapp.document_store import DocumentStore
from bot.whatsapp.graph import WINDOW_CLOSED, GraphClient, GraphError
from bot.whatsapp.inbound import InboundMessage, StatusUpdate, WebhookBatch
from bot.whatsapp.limits import DOCUMENT_TYPES
from bot.whatsapp.media import take_document
from bot.whatsapp.ordering import SenderQueues
from bot.whatsapp.outbound import Recipient
from bot.whatsapp.pager import is_more_id
from bot.whatsapp.payment_status import PaymentStatusForwarder
from bot.whatsapp.privacy import sender_id, short_wamid
from bot.whatsapp.recipients import RecipientBook
from bot.whatsapp.replies import ReplySender
from bot.whatsapp.templates import ClosedWindow, WindowClosedHook, send_template_instead

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotTurn:
    """One message for the bot, addressed by pseudonym, with where its replies go."""

    text: str
    sender_id: str
    recipient: Recipient
    metadata: dict[str, Any]
    wamid: str


class Inbox:
    """Accepts batches at once (the webhook answers 200 right after) and works through them per sender."""

    def __init__(
        self,
        config: ChannelConfig,
        graph: GraphClient,
        deliveries: DeliveryLog,
        replies: ReplySender,
        recipients: RecipientBook,
        documents: DocumentStore,
        deliver: Callable[[BotTurn], Awaitable[Any]],
        on_window_closed: WindowClosedHook = send_template_instead,
        idle_seconds: float = 30.0,
        max_turns: int = 100,
        payments: PaymentStatusForwarder | None = None,
    ) -> None:
        self._config = config
        self._payments = payments
        self._graph = graph
        self._deliveries = deliveries
        self._replies = replies
        self._recipients = recipients
        self._documents = documents
        self._deliver = deliver
        self._on_window_closed = on_window_closed
        self._queues: SenderQueues[InboundMessage] = SenderQueues(self._handle_message, idle_seconds)
        self._background: set[asyncio.Task] = set()
        # A flood of turns all runnable at once would queue the webhook's own acks behind them.
        self._turns = asyncio.Semaphore(max_turns)

    def accept(self, batch: WebhookBatch) -> int:
        """Queue every message for a known number, schedule the statuses and payment forwards; never waits on I/O."""
        accepted = []
        for message in batch.messages:
            if message.phone_number_id not in self._config.numbers:
                logger.warning(
                    "ignoring message %s for unknown phone_number_id %s",
                    short_wamid(message.wamid),
                    message.phone_number_id,
                )
                continue
            accepted.append(message)
        # Meta does not promise order within a batch; the timestamps do (stable for equal seconds).
        accepted.sort(key=lambda m: int(m.timestamp) if m.timestamp.isdigit() else 0)
        for message in accepted:
            self._queues.put((message.phone_number_id, message.user_key), message)
        if batch.statuses:
            self._spawn(self._record_statuses(batch.statuses))
        if self._payments is not None:
            for update in batch.statuses:
                if update.payment is not None:
                    self._spawn(self._payments.forward(update.payment, update.phone_number_id))
        return len(accepted)

    async def join(self) -> None:
        """Wait until everything accepted so far has been handled (tests, graceful shutdown)."""
        await self._queues.join()
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def close(self) -> None:
        """Stop the workers."""
        await self._queues.close()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    @property
    def active_senders(self) -> int:
        """How many citizens currently have a worker."""
        return self._queues.active_senders

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _handle_message(self, message: InboundMessage) -> None:
        async with self._turns:
            await self._take_turn(message)

    async def _take_turn(self, message: InboundMessage) -> None:
        if not await self._first_delivery(message.wamid):
            logger.info("duplicate delivery of %s ignored", short_wamid(message.wamid))
            return
        recipient = Recipient(message.phone_number_id, message.wa_id, message.user_id)
        if message.kind == "interactive" and is_more_id(message.said):
            self._spawn(self._mark_read(message, typing=False))
            await self._replies.send_next_page(recipient, message.said)
            return
        if message.kind in bot_input.SILENT_KINDS:
            return
        self._spawn(self._mark_read(message, typing=True))
        citizen = sender_id(self._config.id_salt, message.phone_number_id, message.user_key)
        if message.media is not None and message.kind in DOCUMENT_TYPES:
            text = await take_document(self._graph, self._documents, message.kind, message.media, citizen)
        else:
            text = bot_input.text_for(message)
        if text is None:
            return
        try:
            await self._recipients.remember(citizen, recipient)
        except RedisError as exc:
            logger.error("could not remember the address of %s: %s", citizen, exc)
        await self._deliver(BotTurn(text, citizen, recipient, self._metadata(message), message.wamid))

    async def _first_delivery(self, wamid: str) -> bool:
        try:
            return await self._deliveries.first_delivery(wamid)
        except RedisError as exc:
            # Answering a retry twice is better than never answering the citizen.
            logger.error("dedup unavailable, handling %s anyway: %s", short_wamid(wamid), exc)
            return True

    async def _mark_read(self, message: InboundMessage, typing: bool) -> None:
        try:
            await self._graph.mark_read(message.phone_number_id, message.wamid, typing=typing)
        except GraphError as error:
            logger.info("could not mark %s read: %s", short_wamid(message.wamid), error)

    def _metadata(self, message: InboundMessage) -> dict[str, Any]:
        return {
            "whatsapp": {
                "wa_id": message.wa_id,
                "user_id": message.user_id,
                "phone_number_id": message.phone_number_id,
                "department": self._config.numbers[message.phone_number_id],
                "profile_name": message.profile_name,
                "wamid": message.wamid,
                "timestamp": message.timestamp,
            }
        }

    async def _record_statuses(self, statuses: list[StatusUpdate]) -> None:
        for update in statuses:
            try:
                first = await self._deliveries.record_status(update)
            except RedisError as exc:
                logger.error(
                    "could not record status %s of %s: %s", update.status, short_wamid(update.wamid), exc
                )
                continue
            if first and update.status == "failed" and WINDOW_CLOSED in update.error_codes:
                recipient = Recipient(update.phone_number_id, update.recipient_id, update.recipient_user_id)
                await self._on_window_closed(ClosedWindow(recipient, None, update.wamid))
