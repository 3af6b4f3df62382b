"""Parse a verified webhook payload into normalised inbound messages and delivery statuses."""

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.whatsapp.payment_status import is_payment_status

logger = logging.getLogger(__name__)

MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")


class MalformedPayload(ValueError):
    """The body is JSON but not a webhook envelope at all."""


@dataclass(frozen=True)
class Media:
    """An inbound media attachment, still on Meta's servers."""

    media_id: str
    mime_type: str
    sha256: str = ""
    filename: str = ""
    caption: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """One message a citizen sent to one of our numbers."""

    phone_number_id: str
    wamid: str
    kind: str
    timestamp: str = ""
    wa_id: str = ""
    user_id: str = ""
    profile_name: str = ""
    # What the citizen said or chose: the text body, the reply id, or the template button payload.
    said: str | None = None
    media: Media | None = None

    @property
    def user_key(self) -> str:
        """The citizen's address on WhatsApp: the phone-based wa_id, else the username-era user id."""
        return self.wa_id or self.user_id


@dataclass(frozen=True)
class StatusUpdate:
    """Meta's report on one message we sent: sent, delivered, read or failed."""

    phone_number_id: str
    wamid: str
    status: str
    timestamp: str = ""
    recipient_id: str = ""
    recipient_user_id: str = ""
    error_codes: tuple[int, ...] = ()
    # The whole status object when it reports a WhatsApp payment (`type: payment`), for the back-office.
    payment: dict | None = None


@dataclass
class WebhookBatch:
    """Everything one webhook POST carried."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)


def _dicts(value: Any) -> list[dict]:
    """The dict items of a list, so a malformed part is skipped rather than crashing the batch."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def parse_webhook(payload: Any) -> WebhookBatch:
    """Every message and status in every entry and change of a webhook payload."""
    if not isinstance(payload, dict):
        raise MalformedPayload("the webhook body is not a JSON object")
    batch = WebhookBatch()
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = _dict(change.get("value"))
            phone_number_id = _str(_dict(value.get("metadata")).get("phone_number_id"))
            if not phone_number_id:
                continue
            names = _profile_names(value.get("contacts"))
            for raw in _dicts(value.get("messages")):
                message = _parse_message(raw, phone_number_id, names)
                if message is not None:
                    batch.messages.append(message)
            for raw in _dicts(value.get("statuses")):
                status = _parse_status(raw, phone_number_id)
                if status is not None:
                    batch.statuses.append(status)
    return batch


def _profile_names(contacts: Any) -> dict[str, str]:
    """Profile names keyed by both wa_id and user_id, whichever the contact carries."""
    names = {}
    for contact in _dicts(contacts):
        name = _str(_dict(contact.get("profile")).get("name"))
        for key in (_str(contact.get("wa_id")), _str(contact.get("user_id"))):
            if key:
                names[key] = name
    return names


def _parse_message(raw: dict, phone_number_id: str, names: dict[str, str]) -> InboundMessage | None:
    wa_id, user_id = _str(raw.get("from")), _str(raw.get("from_user_id"))
    wamid, kind = _str(raw.get("id")), _str(raw.get("type"))
    if not wamid or not kind or not (wa_id or user_id):
        logger.warning("skipping a webhook message without id, type or sender (type %r)", kind or None)
        return None
    said, media = _content(kind, _dict(raw.get(kind)))
    return InboundMessage(
        phone_number_id=phone_number_id,
        wamid=wamid,
        kind=kind,
        timestamp=_str(raw.get("timestamp")),
        wa_id=wa_id,
        user_id=user_id,
        profile_name=names.get(wa_id) or names.get(user_id, ""),
        said=said,
        media=media,
    )


def _content(kind: str, body: dict) -> tuple[str | None, Media | None]:
    """What the citizen said (text, reply id, payload) or sent (media), by message type."""
    if kind == "text":
        return _str(body.get("body")), None
    if kind == "interactive":
        reply = _dict(body.get(_str(body.get("type"))))
        if body.get("type") in ("button_reply", "list_reply") and _str(reply.get("id")):
            return _str(reply.get("id")), None
        return None, None
    if kind == "button":
        return _str(body.get("payload")) or _str(body.get("text")), None
    if kind in MEDIA_KINDS and _str(body.get("id")):
        media = Media(
            media_id=_str(body.get("id")),
            mime_type=_str(body.get("mime_type")).split(";")[0].strip().lower(),
            sha256=_str(body.get("sha256")),
            filename=_str(body.get("filename")),
            caption=_str(body.get("caption")),
        )
        return None, media
    return None, None


def _parse_status(raw: dict, phone_number_id: str) -> StatusUpdate | None:
    wamid, status = _str(raw.get("id")), _str(raw.get("status"))
    if not wamid or not status:
        return None
    codes = tuple(e["code"] for e in _dicts(raw.get("errors")) if isinstance(e.get("code"), int))
    return StatusUpdate(
        phone_number_id=phone_number_id,
        wamid=wamid,
        status=status,
        timestamp=_str(raw.get("timestamp")),
        recipient_id=_str(raw.get("recipient_id")),
        recipient_user_id=_str(raw.get("recipient_user_id")),
        error_codes=codes,
        payment=raw if is_payment_status(raw) else None,
    )
