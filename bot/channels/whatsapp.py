"""Rasa glue for the WhatsApp Cloud API: the `whatsapp` input channel and its output channel."""

import asyncio
import gc
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.exceptions import RasaException
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import action_answers, action_http
from bot.whatsapp.bot_input import parsed_intent
from bot.whatsapp.config import ChannelConfig, ConfigError
from bot.whatsapp.dedup import DeliveryLog
from bot.whatsapp.document_store import DocumentStore
from bot.whatsapp.graph import GraphClient, RetryPolicy
from bot.whatsapp.handover import HandoverDesk
from bot.whatsapp.http import LazySession
from bot.whatsapp.inbound import MalformedPayload, parse_webhook
from bot.whatsapp.inbox import BotTurn, CarryLanguage, Inbox, TrackerReplies
from bot.whatsapp.outbound import Recipient
from bot.whatsapp.pager import ListPager
from bot.whatsapp.payment_status import PaymentStatusForwarder
from bot.whatsapp.recipients import RecipientBook
from bot.whatsapp.replies import ReplySender
from bot.whatsapp.stream import Backlogged
from bot.whatsapp.templates import ReEngagement, WindowClosedHook
from bot.whatsapp.turn_thread import TurnThread, run_on
from whatsapp_contract.signature import verify_signature

logger = logging.getLogger(__name__)


def tracker_replies(agent: Any) -> TrackerReplies:
    """Look up, in the agent's tracker store, what the bot answered to one user message."""

    async def replies(sender_id: str, wamid: str) -> list[dict[str, Any]] | None:
        tracker = await agent.tracker_store.retrieve(sender_id)
        events = list(tracker.events) if tracker else []
        start = next(
            (i for i, e in enumerate(events) if isinstance(e, UserUttered) and e.message_id == wamid), None
        )
        if start is None:
            return None
        answer = []
        for event in events[start + 1 :]:
            if isinstance(event, UserUttered):
                break
            if isinstance(event, BotUttered):
                answer.append(event.message())
        return answer

    return replies


def carry_language(agent: Any) -> CarryLanguage:
    """Set the language slots of a conversation that has none yet, as if the citizen had chosen there."""

    async def carry(sender_id: str, language: str) -> None:
        tracker = await agent.processor.get_tracker(sender_id)
        if tracker.get_slot("language_chosen"):
            return
        fresh = not tracker.events
        if fresh:
            # Start the session as Rasa would, with the language carried over like any slot of an earlier
            # session, so the policies see the usual history (session start, then listen) before the message.
            tracker.update(ActionExecuted(ACTION_SESSION_START_NAME))
            tracker.update(SessionStarted())
        tracker.update(SlotSet("language", language))
        tracker.update(SlotSet("language_chosen", True))
        if fresh:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await agent.tracker_store.save(tracker)

    return carry


class WhatsAppOutput(OutputChannel):
    """Sends bot messages to one citizen, or (unbound) to whoever a sender_id belongs to."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, as Rasa records it on events."""
        return "whatsapp"

    def __init__(
        self,
        replies: ReplySender,
        recipients: RecipientBook,
        recipient: Recipient | None = None,
        collected: list[dict[str, Any]] | None = None,
    ) -> None:
        self._replies = replies
        self._recipients = recipients
        self._recipient = recipient
        # A turn's messages are collected and sent by the inbox after the turn, so that a crash never sends
        # half an answer that the next process would send again (see bot/whatsapp/inbox.py).
        self.collected = collected
        # The HTTP session and Redis client belong to the loop the channel runs on, where outputs are made.
        try:
            self._home: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._home = None  # made outside any loop: it sends from whichever loop calls it

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one whole bot message (or collect it during a turn); `recipient_id` is the sender_id."""
        if self.collected is not None:
            self.collected.append(dict(message))
            return
        await run_on(self._home or asyncio.get_running_loop(), self._send(recipient_id, message))

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> None:
        recipient = self._recipient or await self._recipients.lookup(recipient_id)
        if recipient is None:
            logger.warning("no WhatsApp address is known for %s; message not sent", recipient_id)
            return
        await self._replies.send(recipient, dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send plain text (split at Meta's 4096 characters)."""
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with reply buttons, a list, or a paged list, by how many buttons there are."""
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send an image message by link."""
        await self.send_response(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        """Send a document message by link."""
        await self.send_response(recipient_id, {"attachment": attachment})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Send `{"document": {...}}` or `{"image": {...}}` as a media message."""
        await self.send_response(recipient_id, {"custom": json_message})


class WhatsAppInput(InputChannel):
    """The WhatsApp Cloud API webhook at `/webhooks/whatsapp/webhook`."""

    @classmethod
    def name(cls) -> str:
        """Gives the webhook path `/webhooks/whatsapp/webhook`."""
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from environment variables (credentials.yml holds no secrets)."""
        # Rasa builds the channel once per process, before any turn.
        action_answers.install()
        action_http.install()
        if credentials:
            logger.warning(
                "credentials.yml settings for the WhatsApp channel are ignored; set WHATSAPP_* instead"
            )
        try:
            return cls(ChannelConfig.from_env())
        except ConfigError as error:
            # Rasa prints a RasaException as a clear one-line error and exits.
            raise RasaException(f"WhatsApp channel: {error}") from error

    def __init__(
        self,
        config: ChannelConfig,
        retry: RetryPolicy | None = None,
        on_window_closed: WindowClosedHook | None = None,
    ) -> None:
        self.config = config
        self._session = LazySession()
        # redis-py connects on first command, not here.
        self._redis = Redis.from_url(config.redis_url)
        self.graph = GraphClient(
            self._session, config.graph_url, config.api_version, config.access_token, retry
        )
        self.deliveries = DeliveryLog(self._redis)
        self.recipients = RecipientBook(self._redis)
        if on_window_closed is None:
            on_window_closed = ReEngagement(self.graph, self._redis, self.recipients, config.id_salt)
        self.replies = ReplySender(self.graph, ListPager(self._redis), on_window_closed, self._redis)
        self._documents = DocumentStore(self._session, config.backoffice_url, config.backoffice_token)
        self.payments = PaymentStatusForwarder(self._session, config.backoffice_url, config.backoffice_token)
        self.handover = HandoverDesk(
            self._redis, self._session, config.backoffice_url, config.backoffice_token
        )
        self._on_window_closed = on_window_closed
        # Started in the serving process on first use: with SANIC_WORKERS > 1 Sanic forks after this
        # constructor, and a thread does not survive a fork.
        self._turns: TurnThread | None = None
        self.inbox: Inbox | None = None
        # The Sanic app, once serving: its agent (replaced when a new model is loaded) has the current domain.
        self._app: Any = None

    def get_output_channel(self) -> OutputChannel:
        """An output channel that finds each sender_id's address itself, for pushes without a turn."""
        return WhatsAppOutput(self.replies, self.recipients)

    def make_inbox(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Inbox:
        """The inbox that hands each bot turn to Rasa as a UserMessage."""

        async def deliver(turn: BotTurn) -> list[dict[str, Any]]:
            output = WhatsAppOutput(self.replies, self.recipients, turn.recipient, collected=[])
            agent = getattr(getattr(self._app, "ctx", None), "agent", None)
            parse_data = parsed_intent(turn.text, getattr(agent, "domain", None))
            message = UserMessage(
                turn.text, output, turn.sender_id, parse_data, self.name(), turn.wamid, turn.metadata
            )
            if self._turns is None:
                self._turns = TurnThread()
            await self._turns.run(on_new_message(message))
            return output.collected

        return Inbox(
            self.config,
            self.graph,
            self.deliveries,
            self.replies,
            self.recipients,
            self._documents,
            deliver,
            self._redis,
            self._on_window_closed,
            self.payments,
            self.handover,
        )

    async def close(self) -> None:
        """Stop the workers and close the HTTP and Redis connections."""
        if self.inbox is not None:
            await self.inbox.close()
        if self._turns is not None:
            self._turns.close()
        await self._session.close()
        await self._redis.close()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook routes: health, Meta's GET handshake and the signed POST."""
        webhook = Blueprint("whatsapp_webhook", __name__)
        self.inbox = inbox = self.make_inbox(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "active_senders": inbox.active_senders})

        @webhook.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if (
                request.args.get("hub.mode") == "subscribe"
                and self.config.verify_token
                and hmac.compare_digest(token.encode(), self.config.verify_token.encode())
            ):
                return response.text(request.args.get("hub.challenge") or "", content_type="text/plain")
            logger.warning("refused a webhook verification with the wrong mode or verify token")
            return response.text("Forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if not verify_signature(self.config.app_secret, body, request.headers.get("X-Hub-Signature-256")):
                logger.warning("refused a webhook POST with a missing or wrong X-Hub-Signature-256")
                return response.text("Forbidden", status=403)
            try:
                batch = parse_webhook(json.loads(body))
            except (ValueError, MalformedPayload):
                logger.warning("refused a signed webhook POST whose body is not a webhook JSON object")
                return response.text("Bad Request", status=400)
            try:
                await inbox.accept(batch)
            except (Backlogged, RedisError) as error:
                # Nothing is lost: Meta delivers the batch again later, and what was queued is a known retry.
                logger.error("could not queue a webhook batch, asking Meta to retry: %s", error)
                return response.text("Service Unavailable", status=503)
            return response.text("OK")

        @webhook.listener("after_server_start")
        async def freeze_startup_heap(app: Any, loop: Any) -> None:
            # Rasa and TensorFlow leave millions of long-lived objects behind; a full garbage collection
            # over them stalls the event loop for ~200 ms, which pushes webhook acks past Meta's bar.
            # Freezing moves everything alive after start-up (the model included) out of the collector's view.
            gc.freeze()
            self._app = app
            agent = getattr(app.ctx, "agent", None)
            if agent is not None:
                inbox.tracker_replies = tracker_replies(agent)
                inbox.carry_language = carry_language(agent)
            inbox.start()  # drain what waited in the streams while no process served them

        @webhook.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            await self.close()

        return webhook
