"""Turn verified webhook batches into answered bot turns: durable queueing, order per citizen, exactly one answer.

The webhook only appends messages to the durable streams (`stream.py`). This inbox holds leases on a fair
share of the shards, reads them, and runs each citizen's messages one at a time through `TurnScheduler`.
A turn's replies are collected, written to Redis, then sent; only then is the entry acknowledged. After a
crash the next holder of the shard finds each unfinished entry in one of three states and acts on it once:
answered (acknowledge it), replies written but not all sent (send the rest), or never run (run the turn;
if the tracker shows the turn ran after all, its replies are taken from there instead of running it again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.whatsapp import bot_input
from bot.whatsapp.config import ChannelConfig
from bot.whatsapp.dedup import DeliveryLog
from bot.whatsapp.document_store import DocumentStore
from bot.whatsapp.graph import WINDOW_CLOSED, GraphClient, GraphError
from bot.whatsapp.handover import HandoverDesk, bot_answers_anyway
from bot.whatsapp.inbound import InboundMessage, StatusUpdate, WebhookBatch
from bot.whatsapp.limits import DOCUMENT_KINDS
from bot.whatsapp.media import take_document
from bot.whatsapp.outbound import Recipient
from bot.whatsapp.pager import is_more_id
from bot.whatsapp.payment_status import PaymentStatusForwarder
from bot.whatsapp.privacy import sender_id, short_wamid
from bot.whatsapp.recipients import RecipientBook
from bot.whatsapp.replies import ReplySender
from bot.whatsapp.scheduler import TurnScheduler
from bot.whatsapp.stream import Entry, InboundStream, consumer_name
from bot.whatsapp.templates import ClosedWindow, WindowClosedHook, log_only
from whatsapp_contract import meter
from whatsapp_contract.handover import HELD_SECONDS, RESUME_PAYLOAD, held_key, held_sent_key
from whatsapp_contract.identity import citizen_id

logger = logging.getLogger(__name__)

# What a citizen hears when their message has waited longer than the configured limit.
BUSY = {
    "hi": "इस समय बहुत से लोग लिख रहे हैं। आपका संदेश सुरक्षित है और क्रम से उसका उत्तर दिया जाएगा।",
    "en": "Many people are writing to us right now. Your message is kept and will be answered in turn.",
}
# How long the record of an answered message and its pending replies is kept: past any lease or restart.
ANSWER_RECORD_SECONDS = 24 * 3600


@dataclass(frozen=True)
class BotTurn:
    """One message for the bot, addressed by pseudonym, with where its replies go."""

    text: str
    sender_id: str
    recipient: Recipient
    metadata: dict[str, Any]
    wamid: str


# Runs a turn and returns the bot's messages (Rasa's message dicts), not yet sent.
Deliver = Callable[[BotTurn], Awaitable[list[dict[str, Any]]]]
# The bot's messages after the user message `wamid` in `sender_id`'s tracker, or None if it is not there.
TrackerReplies = Callable[[str, str], Awaitable[list[dict[str, Any]] | None]]
# Give a new conversation (sender_id) the language its citizen chose on another department number.
CarryLanguage = Callable[[str, str], Awaitable[None]]


class Inbox:
    """Queues webhook messages durably and answers them, per citizen in order, each exactly once."""

    def __init__(
        self,
        config: ChannelConfig,
        graph: GraphClient,
        deliveries: DeliveryLog,
        replies: ReplySender,
        recipients: RecipientBook,
        documents: DocumentStore,
        deliver: Deliver,
        redis: Redis,
        on_window_closed: WindowClosedHook = log_only,
        payments: PaymentStatusForwarder | None = None,
        handover: HandoverDesk | None = None,
    ) -> None:
        self._config = config
        self._handover = handover
        self._payments = payments
        self._graph = graph
        self._deliveries = deliveries
        self._replies = replies
        self._recipients = recipients
        self._documents = documents
        self._deliver = deliver
        self._redis = redis
        self._on_window_closed = on_window_closed
        self.stream = InboundStream(
            redis, config.inbound_shards, config.inbound_max_backlog, config.inbound_lease_seconds
        )
        self.tracker_replies: TrackerReplies | None = None
        self.carry_language: CarryLanguage | None = None
        self._consumer = ""  # named in start(): Sanic forks its workers after this constructor
        self._held: set[int] = set()
        self._leaving: set[int] = set()
        self._in_flight: dict[int, int] = {}
        self._scheduler: TurnScheduler[Entry] | None = None
        self._tasks: list[asyncio.Task] = []
        self._background: set[asyncio.Task] = set()
        self._closed = False

    # The webhook's side: never waits for a turn.

    async def accept(self, batch: WebhookBatch) -> int:
        """Queue every new message for a known number durably; schedule statuses and payment forwards.

        Raises `stream.Backlogged` or a RedisError when a message could not be kept: the webhook then
        answers 503 and Meta delivers the batch again (messages already queued are recognised as retries).
        """
        self.start()
        accepted = 0
        kept: list[InboundMessage] = []
        # Meta does not promise order within a batch; the timestamps do (stable for equal seconds).
        for message in sorted(batch.messages, key=lambda m: int(m.timestamp) if m.timestamp.isdigit() else 0):
            if message.phone_number_id not in self._config.numbers:
                logger.warning(
                    "ignoring message %s for unknown phone_number_id %s",
                    short_wamid(message.wamid),
                    message.phone_number_id,
                )
                continue
            if await self.stream.append(message):
                accepted += 1
                kept.append(message)
            else:
                logger.info("duplicate delivery of %s ignored", short_wamid(message.wamid))
        if kept:
            self._spawn(self._count_inbound(kept))
        if batch.statuses:
            self._spawn(self._record_statuses(batch.statuses))
        if self._payments is not None:
            for update in batch.statuses:
                if update.payment is not None:
                    self._spawn(self._payments.forward(update.payment, update.phone_number_id))
        return accepted

    # The consumer's side.

    def start(self) -> None:
        """Start holding shards and answering their messages (once; on the loop that serves the webhook)."""
        if self._scheduler is not None:
            return
        self._consumer = consumer_name()
        self._scheduler = TurnScheduler(
            self._answer, self._config.max_turns, self._tell_busy, self._config.busy_after_seconds
        )
        self._tasks = [asyncio.ensure_future(self._hold_shards()), asyncio.ensure_future(self._read())]

    async def join(self) -> None:
        """Wait until every queued message has been answered (tests, graceful shutdown)."""
        self.start()
        while True:
            await self._scheduler.join()
            if not await self.stream.backlog() and self._scheduler.waiting == 0:
                break
            await asyncio.sleep(0.02)
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def close(self) -> None:
        """Stop reading and answering; unanswered messages stay queued for whoever holds their shard next."""
        if self._closed or not self._consumer:
            self._closed = True
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._scheduler is not None:
            await self._scheduler.close()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        try:
            await asyncio.wait_for(self.stream.leave(self._consumer, self._held), timeout=2)
        except (RedisError, TimeoutError, asyncio.TimeoutError) as exc:
            logger.warning("could not hand the inbound shards back (their leases will expire): %s", exc)

    @property
    def active_senders(self) -> int:
        """How many citizens have a message queued or in a turn here."""
        return self._scheduler.active_senders if self._scheduler else 0

    async def _hold_shards(self) -> None:
        """Keep a fair share of the shards: renew ours, take free ones, hand back extras once idle."""
        await self.stream.ensure_groups()
        period = self.stream.lease_ms / 1000 / 4
        # Checked, not only cancelled: redis-py may turn a cancellation into a ConnectionError.
        while not self._closed:
            try:
                share = self.stream.fair_share(await self.stream.heartbeat(self._consumer))
                for shard in list(self._held):
                    if not await self.stream.hold(self._consumer, shard):
                        logger.warning("lost the lease on inbound shard %s", shard)
                        self._held.discard(shard)
                extra = len(self._held) - share
                for shard in sorted(self._held, key=lambda s: self._in_flight.get(s, 0))[: max(0, extra)]:
                    self._leaving.add(shard)  # read no more of it; handed back when its turns are done
                for shard in list(self._leaving):
                    if not self._in_flight.get(shard):
                        await self.stream.release(self._consumer, shard)
                        self._held.discard(shard)
                        self._leaving.discard(shard)
                free = [s for s in range(self.stream.shards) if s not in self._held]
                random.shuffle(free)  # two starting processes should not fight over the same shards
                for shard in free:
                    if len(self._held) - len(self._leaving) >= share:
                        break
                    if await self.stream.hold(self._consumer, shard):
                        self._held.add(shard)
                        for entry in await self.stream.claim(self._consumer, shard):
                            self._queue(entry)
            except RedisError as exc:
                logger.error("inbound shard leases unavailable: %s", exc)
            await asyncio.sleep(period)

    async def _read(self) -> None:
        while not self._closed:
            reading = sorted(self._held - self._leaving)
            if not reading or self._scheduler.waiting >= self._config.inbound_max_in_memory:
                await asyncio.sleep(0.05)
                continue
            try:
                entries = await self.stream.read(self._consumer, reading, count=200, block_ms=500)
            except RedisError as exc:
                logger.error("cannot read the inbound streams: %s", exc)
                await asyncio.sleep(1)
                continue
            for entry in entries:
                self._queue(entry)

    def _queue(self, entry: Entry) -> None:
        self._in_flight[entry.shard] = self._in_flight.get(entry.shard, 0) + 1
        key = (entry.message.phone_number_id, entry.message.user_key)
        self._scheduler.put(key, entry, entry.received_at)

    async def _answer(self, entry: Entry) -> None:
        try:
            await self._answer_once(entry)
        except RedisError:
            # Left unacknowledged: whoever holds the shard next finishes it (a lost lease, a restart).
            logger.exception("answering %s needs Redis, which failed", short_wamid(entry.message.wamid))
            return
        except Exception:
            # A bug in a turn would fail the same way again: acknowledged, so it cannot block the citizen.
            logger.exception("answering %s failed", short_wamid(entry.message.wamid))
        finally:
            self._in_flight[entry.shard] -= 1
        await self.stream.done(entry)

    async def _answer_once(self, entry: Entry) -> None:
        message = entry.message
        if entry.redelivered and await self._finish_earlier_answer(message):
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
        # The citizen wrote, so the 24 h window is open again: what waited for it goes first (held for this
        # conversation by the bot or an officer, or for the person by the back-office's other messages).
        delivered = await self._send_held(citizen)
        delivered += await self._send_held(citizen_id(self._config.id_salt, message.user_key))
        if message.kind == "button" and message.said == RESUME_PAYLOAD and delivered:
            return  # the tap on the re-engagement template asked only for what was held
        if message.media is not None and message.kind in DOCUMENT_KINDS:
            # A document belongs to the person, whichever number they sent it to.
            owner = citizen_id(self._config.id_salt, message.user_key)
            text = await take_document(self._graph, self._documents, message.kind, message.media, owner)
        else:
            text = bot_input.text_for(message)
        if text is None:
            return
        if message.kind == "button" and message.said == RESUME_PAYLOAD:
            text = "/main_menu"  # "Continue" with nothing held: show what the bot can do
        person = citizen_id(self._config.id_salt, message.user_key)
        try:
            spoken, chosen = await self._recipients.remember(citizen, recipient, person)
        except RedisError as exc:
            logger.error("could not remember the address of %s: %s", citizen, exc)
        else:
            # One citizen, one language: their first message to another department's number is answered
            # in the language they chose on the first, without asking again.
            if spoken is None and chosen and self.carry_language is not None:
                await self.carry_language(citizen, chosen)
        if self._handover is not None and await self._handover.officer_has(citizen):
            forwarded = await self._handover.forward(citizen, message.wamid, message.kind, text)
            if forwarded and not bot_answers_anyway(text):
                return  # an officer answers this citizen; the bot must not speak over them
        replies = await self._deliver(
            BotTurn(text, citizen, recipient, self._metadata(message), message.wamid)
        )
        await self._send_answer(message, recipient, citizen, replies)

    async def _send_answer(
        self, message: InboundMessage, recipient: Recipient, citizen: str, replies: list[dict[str, Any]]
    ) -> None:
        """Write the replies down, send them in order, then mark the message answered."""
        key = self._answer_key(message.wamid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"replies": json.dumps(replies, ensure_ascii=False), "sent": 0})
            pipe.expire(key, ANSWER_RECORD_SECONDS)
            meter.count_turn(pipe, recipient.phone_number_id, replies)
            await pipe.execute()
        await self._send_from(message.wamid, recipient, replies, 0)
        language = _language_of(replies)
        if language:
            person = citizen_id(self._config.id_salt, message.user_key)
            await self._recipients.remember_language(citizen, person, language)

    async def _send_from(
        self, wamid: str, recipient: Recipient, replies: list[dict[str, Any]], first: int
    ) -> None:
        key = self._answer_key(wamid)
        for index in range(first, len(replies)):
            await self._replies.send(recipient, dict(replies[index]))
            await self._redis.hset(key, "sent", index + 1)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{key}:done", 1, ex=ANSWER_RECORD_SECONDS)
            pipe.delete(key)
            meter.count_outbound(pipe, recipient.phone_number_id, len(replies) - first)
            await pipe.execute()

    async def _finish_earlier_answer(self, message: InboundMessage) -> bool:
        """For a message another process started on: finish its answer; False when the turn never ran."""
        key = self._answer_key(message.wamid)
        if await self._redis.exists(f"{key}:done"):
            logger.info(
                "message %s was answered before a restart; not answering again", short_wamid(message.wamid)
            )
            return True
        recipient = Recipient(message.phone_number_id, message.wa_id, message.user_id)
        written = await self._redis.hgetall(key)
        if written:
            replies = json.loads(written[b"replies"])
            logger.info("sending the rest of the answer to %s after a restart", short_wamid(message.wamid))
            await self._send_from(message.wamid, recipient, replies, int(written[b"sent"]))
            return True
        if self.tracker_replies is None:
            return False
        citizen = sender_id(self._config.id_salt, message.phone_number_id, message.user_key)
        replies = await self.tracker_replies(citizen, message.wamid)
        if replies is None:
            return False
        logger.info(
            "the turn of %s ran before a restart; sending its replies from the tracker",
            short_wamid(message.wamid),
        )
        await self._send_answer(message, recipient, citizen, replies)
        return True

    async def _send_held(self, citizen: str) -> int:
        """Send, in order, the messages held since Meta refused them with 131047; return how many went out."""
        key = held_key(citizen)
        sent = 0
        while raw := await self._redis.lpop(key):
            held = json.loads(raw)
            try:
                wamid = await self._graph.send_message(held["phone_number_id"], held["body"])
            except GraphError as error:
                logger.error("could not send a held message to %s: %s", citizen, error)
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.lpush(key, raw)  # kept for the citizen's next message
                    pipe.expire(key, HELD_SECONDS)
                    await pipe.execute()
                break
            sent += 1
            if held.get("ref"):
                await self._redis.set(held_sent_key(held["ref"]), wamid, ex=HELD_SECONDS)
        if sent:
            logger.info("sent %s held message(s) to %s now that they wrote", sent, citizen)
        return sent

    async def _tell_busy(self, entry: Entry) -> None:
        message = entry.message
        citizen = sender_id(self._config.id_salt, message.phone_number_id, message.user_key)
        language = await self._recipients.language(citizen)
        text = BUSY[language] if language in BUSY else f"{BUSY['hi']}\n\n{BUSY['en']}"
        recipient = Recipient(message.phone_number_id, message.wa_id, message.user_id)
        logger.warning("told %s that their message waits (backlog)", short_wamid(message.wamid))
        await self._replies.send(recipient, {"text": text})

    def _answer_key(self, wamid: str) -> str:
        return f"seva:wa:answer:{wamid}"

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
                "citizen": citizen_id(self._config.id_salt, message.user_key),
                "phone_number_id": message.phone_number_id,
                "department": self._config.numbers[message.phone_number_id],
                "profile_name": message.profile_name,
                "wamid": message.wamid,
                "timestamp": message.timestamp,
            }
        }

    async def _count_inbound(self, messages: list[InboundMessage]) -> None:
        """Count kept messages for the dashboard, off the webhook's path (a lost count loses no message)."""
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for message in messages:
                    who = sender_id(self._config.id_salt, message.phone_number_id, message.user_key)
                    meter.count_inbound(pipe, message.phone_number_id, who)
                await pipe.execute()
        except RedisError as exc:
            logger.error("could not count %d inbound messages: %s", len(messages), exc)

    async def _record_statuses(self, statuses: list[StatusUpdate]) -> None:
        for update in statuses:
            try:
                first = await self._deliveries.record_status(update)
                if first and update.status == "failed":
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for code in update.error_codes or (0,):
                            meter.count_failure(pipe, update.phone_number_id, code)
                        await pipe.execute()
            except RedisError as exc:
                logger.error(
                    "could not record status %s of %s: %s", update.status, short_wamid(update.wamid), exc
                )
                continue
            if first and update.status == "failed" and WINDOW_CLOSED in update.error_codes:
                recipient = Recipient(update.phone_number_id, update.recipient_id, update.recipient_user_id)
                await self._on_window_closed(ClosedWindow(recipient, None, update.wamid))


def _language_of(replies: list[dict[str, Any]]) -> str | None:
    """The language the bot answered in: Hindi when its text is in Devanagari (what the citizen chose)."""
    text = " ".join(str(r.get("text") or "") for r in replies)
    if not text.strip():
        return None
    return "hi" if any("\u0900" <= ch <= "\u097f" for ch in text) else "en"
