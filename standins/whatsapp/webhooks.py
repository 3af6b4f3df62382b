"""Builds Meta's webhook envelopes and posts them to the bot, signed with the app secret."""

import json
import time

import aiohttp

from whatsapp_contract.signature import sign

ERROR_DOCS = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


def display_number(phone_number_id: str) -> str:
    """A stable, fictional Delhi display number for a phone number id."""
    return "9111" + phone_number_id[-8:].rjust(8, "0")


def serialize(payload: dict) -> bytes:
    """JSON the way Meta sends it: compact, non-ASCII and '/' escaped, so only raw-byte HMACs verify."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode("ascii")


def envelope(waba_id: str, phone_number_id: str, values: dict | list[dict]) -> dict:
    """Wrap change values of one business number in Meta's `whatsapp_business_account` envelope."""
    metadata = {"display_phone_number": display_number(phone_number_id), "phone_number_id": phone_number_id}
    changes = [
        {"value": {"messaging_product": "whatsapp", "metadata": metadata, **value}, "field": "messages"}
        for value in (values if isinstance(values, list) else [values])
    ]
    return {"object": "whatsapp_business_account", "entry": [{"id": waba_id, "changes": changes}]}


def contact(profile_name: str, wa_id: str | None, user_id: str | None) -> dict:
    """The `contacts[]` item describing the sender."""
    item: dict = {"profile": {"name": profile_name}}
    if wa_id:
        item["wa_id"] = wa_id
    if user_id:
        item["user_id"] = user_id
    return item


def pricing(is_template: bool, category: str) -> dict:
    """Per-message pricing as Meta reports it since July 2025: service replies in the window are free."""
    if is_template:
        return {"billable": True, "pricing_model": "PMP", "type": "regular", "category": category}
    return {"billable": False, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"}


def status_object(
    wamid: str, status: str, recipient: str, price: dict | None, error: dict | None = None
) -> dict:
    """One `statuses[]` item; a recipient that is not a phone number is reported as a user id."""
    item: dict = {"id": wamid, "status": status, "timestamp": str(int(time.time()))}
    item["recipient_id" if recipient.isdigit() else "recipient_user_id"] = recipient
    if price is not None and status in ("sent", "delivered"):
        item["pricing"] = price
    if error is not None:
        item["errors"] = [{**error, "href": ERROR_DOCS}]
    return item


class WebhookPoster:
    """Posts signed webhooks to the bot; one HTTP session per running app."""

    def __init__(self, url: str, secret: str):
        self.url = url
        self.secret = secret
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the HTTP session (called when the app starts, never at import)."""
        # Many simulated citizens post at once in benchmarks; a small pool would queue them and
        # inflate the measured acknowledgement time.
        connector = aiohttp.TCPConnector(limit=1000)
        self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    async def post(self, payload: dict) -> tuple[int, float, str | None]:
        """Send one webhook; return (HTTP status or 0, milliseconds to the answer, error text)."""
        raw = serialize(payload)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(self.secret, raw),
            "User-Agent": "facebookexternalua",
        }
        started = time.perf_counter()
        try:
            async with self._session.post(self.url, data=raw, headers=headers) as response:
                await response.read()
                return response.status, (time.perf_counter() - started) * 1000, None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"
