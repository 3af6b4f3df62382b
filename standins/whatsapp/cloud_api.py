"""The stand-in's behaviour behind the HTTP routes: sending, marking read, receiving, statuses and faults."""

import asyncio
import base64
import inspect
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable

from .conversations import Conversations, Entry
from .errors import TITLES, GraphError, unknown_object
from .media import MediaStore, check_upload
from .payments import Order, Payments, Transaction
from .settings import Settings
from .templates import TemplateRegistry
from .throttling import Throttle
from .validation import validate_mark_read, validate_send
from .webhooks import WebhookPoster, contact, display_number, envelope, pricing, status_object

log = logging.getLogger(__name__)

WINDOW_DETAILS = "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
# What each injectable fault answers with: (code, HTTP status, details).
FAULTS = {
    130429: (130429, 400, "Cloud API message throughput has been reached."),
    131056: (
        131056,
        400,
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    131047: (131047, 400, WINDOW_DETAILS),
    131026: (131026, 400, "Message undeliverable."),
    # Quality: too many earlier messages were blocked or reported as spam; Meta limits the number.
    131048: (
        131048,
        400,
        "Message failed to send because there are restrictions on how many messages can be sent from this "
        "phone number. This may be because too many previous messages were blocked or flagged as spam.",
    ),
    500: (131000, 500, "An unexpected error occurred. Please retry your request later."),
}
INBOUND_TYPES = {
    "text",
    "button_reply",
    "list_reply",
    "button",
    "location",
    "unsupported",
    "image",
    "document",
    "audio",
    "video",
    "sticker",
}


def fault_error(code: int) -> GraphError:
    """The error Meta answers with for one of the injectable fault codes."""
    fault_code, http_status, details = FAULTS[code]
    return GraphError(fault_code, details, http_status=http_status)


def new_wamid(chat: str) -> str:
    """A message id shaped like Meta's (`wamid.` + base64), unique per call."""
    raw = b"\x15\x02\x00\x11\x18\x12" + chat.encode()[-16:] + secrets.token_hex(10).upper().encode()
    return "wamid." + base64.b64encode(raw).decode()


class InboundError(ValueError):
    """A control-API inbound request the stand-in cannot turn into a WhatsApp message."""


class CloudApi:
    """All state of one stand-in instance and the operations the routes call."""

    def __init__(self, settings: Settings, on_outbound: Callable | None = None):
        self.settings = settings
        self.on_outbound = on_outbound
        self.conversations = Conversations()
        self.media = MediaStore(settings.media_url_ttl)
        self.payments = Payments()
        self.templates = TemplateRegistry.load(settings.templates_file)
        self.poster = WebhookPoster(settings.webhook_url, settings.app_secret)
        self.throttle = Throttle(
            settings.throughput_per_second, settings.pair_burst, settings.pair_refill_seconds
        )
        self.errors: deque[dict] = deque(maxlen=1000)
        self.faults: deque[list] = deque()
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        """Open outbound connections (on app start-up)."""
        await self.poster.start()

    async def stop(self) -> None:
        """Cancel pending status webhooks and close connections."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.poster.close()

    def reset(self) -> None:
        """Forget conversations, media, errors, faults and rate-limit state."""
        for task in list(self._tasks):
            task.cancel()
        self.conversations.reset()
        self.media.clear()
        self.payments.reset()
        self.errors.clear()
        self.faults.clear()
        self.throttle.reset()

    def record_error(self, method: str, path: str, request_body, error: GraphError, body: dict) -> None:
        """Remember a refused Graph API request for `GET /_standin/errors`."""
        self.errors.append(
            {
                "at": time.time(),
                "method": method,
                "path": path,
                "request": request_body,
                "status": error.http_status,
                "error": body["error"],
            }
        )

    def add_fault(self, code: int, count: int) -> None:
        """Make the next `count` message sends fail with `code`."""
        if code not in FAULTS:
            raise ValueError(f"code must be one of {sorted(FAULTS)}")
        if not 1 <= count <= 10000:
            raise ValueError("count must be between 1 and 10000")
        self.faults.append([code, count])

    def _take_fault(self) -> GraphError | None:
        if not self.faults:
            return None
        fault = self.faults[0]
        fault[1] -= 1
        if fault[1] <= 0:
            self.faults.popleft()
        return fault_error(fault[0])

    def check_number(self, phone_number_id: str) -> None:
        """Refuse a phone number id this deployment does not own, as Meta does."""
        if phone_number_id not in self.settings.numbers:
            raise unknown_object(phone_number_id, "post")

    def handle_messages_post(self, phone_number_id: str, body: dict) -> dict:
        """`POST /{v}/{phone_number_id}/messages`: a send or a mark-read; raise GraphError to refuse."""
        if not isinstance(body, dict):
            raise GraphError(100, None, message="(#100) Invalid parameter")
        if body.get("status") == "read":
            validate_mark_read(body, lambda wamid: self._is_inbound(phone_number_id, wamid))
            self.conversations.mark_read(
                body["message_id"], {"typing_at": time.time()} if body.get("typing_indicator") else None
            )
            return {"success": True}
        return self._send(phone_number_id, body)

    def _is_inbound(self, phone_number_id: str, wamid: str) -> bool:
        entry = self.conversations.get(wamid)
        return entry is not None and entry.direction == "in" and entry.phone_number_id == phone_number_id

    def _send(self, phone_number_id: str, body: dict) -> dict:
        outbound = validate_send(body, lambda media_id: self.media.get(media_id) is not None, self.templates)
        fault = self._take_fault()
        if fault is not None:
            raise fault
        # The message is stamped with the time its send was counted at, so the stamps never show more in a
        # second than the throttle let through.
        now = time.time()
        if not self.throttle.number_allows(phone_number_id, now):
            raise fault_error(130429)
        if not self.throttle.pair_allows(phone_number_id, outbound.wa_id):
            raise fault_error(131056)
        in_window = outbound.is_template or self.conversations.in_window(phone_number_id, outbound.wa_id)
        if not in_window and self.settings.window_error == "sync":
            raise GraphError(131047, WINDOW_DETAILS)
        wamid = new_wamid(outbound.wa_id)
        if outbound.type == "interactive" and body["interactive"].get("type") == "order_details":
            self.payments.remember(phone_number_id, outbound.wa_id, wamid, body["interactive"])
        extra = {}
        if outbound.is_template:
            extra = {
                "rendered": {
                    "text": self.templates.render(body["template"]),
                    "buttons": self.templates.buttons(body["template"]),
                }
            }
        entry = self.conversations.add(
            outbound.wa_id, "out", wamid, phone_number_id, outbound.type, body, "accepted", extra, at=now
        )
        self._notify_outbound(entry)
        category = self.templates.category(body["template"]["name"]) if outbound.is_template else "service"
        self._spawn(self._post_statuses(entry, pricing(outbound.is_template, category), in_window))
        contact_item = {"input": outbound.to, "wa_id": outbound.wa_id}
        return {"messaging_product": "whatsapp", "contacts": [contact_item], "messages": [{"id": wamid}]}

    def _notify_outbound(self, entry: Entry) -> None:
        if self.on_outbound is None:
            return
        result = self.on_outbound(entry.as_json() | {"to": entry.chat})
        if inspect.isawaitable(result):
            self._spawn(result)

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post_statuses(self, entry: Entry, price: dict, in_window: bool) -> None:
        if not in_window:
            # Meta accepts the send, then reports the closed window as a failed status.
            await asyncio.sleep(self.settings.status_delay)
            error = {
                "code": 131047,
                "title": TITLES[131047],
                "message": TITLES[131047],
                "error_data": {"details": WINDOW_DETAILS},
            }
            self.conversations.set_status(entry.wamid, "failed", {"error": error})
            await self._post_status(entry, "failed", None, error)
            return
        for status in self.settings.statuses:
            await asyncio.sleep(self.settings.status_delay)
            self.conversations.set_status(entry.wamid, status)
            await self._post_status(entry, status, price)

    async def _post_status(
        self, entry: Entry, status: str, price: dict | None, error: dict | None = None
    ) -> None:
        item = status_object(entry.wamid, status, entry.chat, price, error)
        payload = envelope(self.settings.waba_id, entry.phone_number_id, {"statuses": [item]})
        code, _, problem = await self.poster.post(payload)
        if code != 200:
            log.warning(
                "status webhook %s for %s answered %s %s", status, entry.wamid[-8:], code, problem or ""
            )

    async def pay_order(self, order: Order, outcome: str, method: str, paise: int | None = None) -> dict:
        """The citizen pays an order inside WhatsApp; Meta then posts the payment status to the business."""
        return await self._post_payment_status(order, self.payments.pay(order, outcome, method, paise))

    async def resend_payment_status(self, order: Order) -> dict:
        """Post the latest payment status of an order again, as Meta's at-least-once delivery may."""
        return await self._post_payment_status(order, self.payments.last(order))

    async def _post_payment_status(self, order: Order, transaction: Transaction) -> dict:
        item = order.status_item(transaction)
        payload = envelope(self.settings.waba_id, order.phone_number_id, {"statuses": [item]})
        code, _, problem = await self.poster.post(payload)
        answer = {"transaction_id": transaction.id, "status": item["status"], "webhook_status": code}
        if problem:
            answer["webhook_error"] = problem
        return answer

    async def receive(self, request: dict) -> dict:
        """Turn a control-API inbound request into Meta's webhook, post it, and report the bot's answer."""
        answer = await self.receive_batch([request])
        return {"wamid": answer.pop("wamids")[0], **answer}

    async def receive_batch(self, requests: list[dict]) -> dict:
        """Deliver several inbound messages in one webhook (one change per message), as Meta may batch them."""
        if not requests:
            raise InboundError("give at least one message")
        changes = [self._inbound_change(request) for request in requests]
        by_number: dict[str, list[dict]] = {}
        for phone_number_id, value, wamid in changes:
            by_number.setdefault(phone_number_id, []).append(value)
            # A forced, already known wamid is a redelivery: Meta sends it again but it is one message.
            if self.conversations.get(wamid) is None:
                message = value["messages"][0]
                chat = message.get("from") or message["from_user_id"]
                self.conversations.add(chat, "in", wamid, phone_number_id, message["type"], message, "sent")
        payload = envelope(self.settings.waba_id, *next(iter(by_number.items())))
        for phone_number_id, values in list(by_number.items())[1:]:
            payload["entry"].extend(envelope(self.settings.waba_id, phone_number_id, values)["entry"])
        status, ack_ms, problem = await self.poster.post(payload)
        wamids = [wamid for _, _, wamid in changes]
        if status == 200:
            for wamid in wamids:
                self.conversations.set_status(wamid, "delivered")
        answer = {"wamids": wamids, "webhook_status": status, "ack_ms": round(ack_ms, 3)}
        if problem:
            answer["webhook_error"] = problem
        return answer

    def _inbound_change(self, request: dict) -> tuple[str, dict, str]:
        """Check one inbound request and build its change value; returns (number, value, wamid)."""
        if not isinstance(request, dict):
            raise InboundError("each message must be a JSON object")
        phone_number_id = str(request.get("phone_number_id", ""))
        if phone_number_id not in self.settings.numbers:
            raise InboundError(f"unknown phone_number_id; known: {', '.join(self.settings.numbers)}")
        wa_id = str(request["from"]) if request.get("from") else None
        user_id = str(request["from_user_id"]) if request.get("from_user_id") else None
        if wa_id is not None and not wa_id.isdigit():
            raise InboundError("from must be digits only, e.g. 919812345678")
        if wa_id is None and user_id is None:
            raise InboundError("give from (a phone number) or from_user_id")
        wamid = str(request.get("wamid") or new_wamid(wa_id or user_id))
        message = self._inbound_message(request, wa_id, user_id, wamid, phone_number_id)
        profile = str(request.get("profile_name") or "Citizen")
        return phone_number_id, {"contacts": [contact(profile, wa_id, user_id)], "messages": [message]}, wamid

    def _inbound_message(self, request: dict, wa_id, user_id, wamid: str, phone_number_id: str) -> dict:
        kind = request.get("type", "text")
        if kind not in INBOUND_TYPES:
            raise InboundError(f"type must be one of {', '.join(sorted(INBOUND_TYPES))}")
        message: dict = {}
        if wa_id:
            message["from"] = wa_id
        if user_id:
            message["from_user_id"] = user_id
        message |= {"id": wamid, "timestamp": str(int(time.time()))}
        context = request.get("context")
        if context:
            context_id = context.get("id") if isinstance(context, dict) else str(context)
            message["context"] = {"from": display_number(phone_number_id), "id": context_id}
        if kind == "text":
            text = request.get("text")
            if not isinstance(text, str) or not text:
                raise InboundError("text messages need a non-empty text")
            message |= {"type": "text", "text": {"body": text}}
        elif kind in ("button_reply", "list_reply"):
            reply = {"id": str(request.get("id", "")), "title": str(request.get("title", ""))}
            if not reply["id"]:
                raise InboundError(f"{kind} needs the id of the button or row tapped")
            if kind == "list_reply" and request.get("description"):
                reply["description"] = str(request["description"])
            message |= {"type": "interactive", "interactive": {"type": kind, kind: reply}}
        elif kind == "button":
            message |= {
                "type": "button",
                "button": {"payload": str(request.get("payload", "")), "text": str(request.get("text", ""))},
            }
        elif kind == "location":
            location = {k: request[k] for k in ("latitude", "longitude", "name", "address") if k in request}
            if "latitude" not in location or "longitude" not in location:
                raise InboundError("location needs latitude and longitude")
            message |= {"type": "location", "location": location}
        elif kind == "unsupported":
            message |= {
                "type": "unsupported",
                "errors": [
                    {
                        "code": 131051,
                        "title": "Message type unknown",
                        "message": "Message type unknown",
                        "error_data": {"details": "Message type is currently not supported."},
                    }
                ],
            }
        else:
            message |= {"type": kind, kind: self._inbound_media(request, kind, phone_number_id)}
        return message

    def _inbound_media(self, request: dict, kind: str, phone_number_id: str) -> dict:
        mime_type = str(request.get("mime_type", ""))
        try:
            content = base64.b64decode(request.get("media_b64") or "", validate=True)
        except (ValueError, TypeError) as exc:
            raise InboundError("media_b64 is not valid base64") from exc
        try:
            check_upload(mime_type, len(content))
        except GraphError as exc:
            raise InboundError(f"WhatsApp would not send this file: {exc.details or exc.message}") from exc
        filename = request.get("filename") or None
        obj = self.media.add(content, mime_type, phone_number_id, filename)
        media = {"mime_type": mime_type, "sha256": obj.sha256, "id": obj.id}
        if request.get("caption"):
            media["caption"] = str(request["caption"])
        if kind == "document":
            media["filename"] = filename or "document"
        return media
