"""Webhook payloads shaped exactly like Meta's documented examples, and their signatures."""

import json
import time

from whatsapp_contract.signature import sign

GENERAL = "100000000000001"
REVENUE = "100000000000002"
APP_SECRET = "test-app-secret"


def envelope(phone_number_id: str, value: dict) -> dict:
    """Meta's `whatsapp_business_account` envelope around one change value."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "911100000001", "phone_number_id": phone_number_id},
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "200000000000001", "changes": [{"value": value, "field": "messages"}]}],
    }


def message(
    wa_id: str, wamid: str, kind: str, content: dict, *, user_id: str = "", ts: int | None = None
) -> dict:
    """One `messages[]` item; `wa_id=""` gives a username-only sender carrying just `from_user_id`."""
    item: dict = {"id": wamid, "timestamp": str(ts or int(time.time())), "type": kind}
    if wa_id:
        item["from"] = wa_id
    if user_id:
        item["from_user_id"] = user_id
    if content:
        item[kind] = content
    return item


def contact(wa_id: str, name: str = "Asha", user_id: str = "") -> dict:
    """One `contacts[]` item."""
    item: dict = {"profile": {"name": name}}
    if wa_id:
        item["wa_id"] = wa_id
    if user_id:
        item["user_id"] = user_id
    return item


def inbound(phone_number_id: str, wa_id: str, *messages: dict, user_id: str = "", name: str = "Asha") -> dict:
    """A webhook carrying `messages` from one citizen."""
    return envelope(
        phone_number_id, {"contacts": [contact(wa_id, name, user_id)], "messages": list(messages)}
    )


def text(wa_id: str, wamid: str, body: str, **kw) -> dict:
    return message(wa_id, wamid, "text", {"body": body}, **kw)


def button_reply(wa_id: str, wamid: str, reply_id: str, title: str) -> dict:
    return message(
        wa_id,
        wamid,
        "interactive",
        {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
    )


def list_reply(wa_id: str, wamid: str, reply_id: str, title: str) -> dict:
    reply = {"id": reply_id, "title": title, "description": ""}
    return message(wa_id, wamid, "interactive", {"type": "list_reply", "list_reply": reply})


def media(
    wa_id: str, wamid: str, kind: str, media_id: str, mime_type: str, sha256: str = "", **extra
) -> dict:
    return message(wa_id, wamid, kind, {"id": media_id, "mime_type": mime_type, "sha256": sha256, **extra})


def statuses(phone_number_id: str, *items: dict) -> dict:
    """A status-only webhook (no messages, no contacts)."""
    return envelope(phone_number_id, {"statuses": list(items)})


def status(wamid: str, state: str, recipient: str, errors: list[dict] | None = None) -> dict:
    item = {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": recipient}
    if errors:
        item["errors"] = errors
    return item


def raw(payload: dict) -> bytes:
    """Serialise like Meta: compact, with escaped slashes and non-ASCII, so only raw-byte HMACs verify."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, body)}
