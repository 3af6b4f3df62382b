"""The SMS provider stand-in: Exotel's send API (basic auth, DLT fields), signed inbound SMS and delivery reports.

Exotel-shaped on purpose: `POST /v1/Accounts/<sid>/Sms/send.json` with form fields From, To, Body,
DltEntityId, DltTemplateId and an optional StatusCallback. Exotel does not sign callbacks; ours are signed
(`X-Sms-Signature: sha256=<hmac of "<X-Sms-Timestamp>.<body>">`) so the back-office never acts on a forged one,
and a production adapter for another provider must give the same guarantee.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import itertools
import re
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from standins.sms.settings import Settings

routes = web.RouteTableDef()
INDIAN_MOBILE = re.compile(r"^(?:\+91|91|0)?([6-9]\d{9})$")
MAX_BODY_CHARS = 2000
_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The callback signature: HMAC-SHA256 of `<timestamp>.<body>`, hex, with a `sha256=` prefix."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def rest_error(status: int, message: str, code: int) -> web.Response:
    """Exotel's error envelope."""
    return web.json_response(
        {"RestException": {"Status": status, "Message": message, "Code": code}}, status=status
    )


def _authorised(request: web.Request) -> bool:
    settings: Settings = request.app["settings"]
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        key, _, token = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(key, settings.api_key) and hmac.compare_digest(token, settings.api_token)


@routes.post("/v1/Accounts/{sid}/Sms/send.json")
async def send(request: web.Request) -> web.Response:
    """Accept one SMS the way the provider would, or refuse it with its error."""
    settings: Settings = request.app["settings"]
    if not _authorised(request) or request.match_info["sid"] != settings.account_sid:
        return rest_error(401, "Authentication is required to view this resource.", 20003)
    form = await request.post()
    to = INDIAN_MOBILE.match(str(form.get("To", "")).replace(" ", ""))
    body = str(form.get("Body", ""))
    if form.get("From") != settings.sender:
        return rest_error(400, "From is not a sender id registered on DLT for this account", 21606)
    if to is None:
        return rest_error(400, "To is not a valid Indian mobile number", 21211)
    if not body.strip() or len(body) > MAX_BODY_CHARS:
        return rest_error(400, f"Body must have 1 to {MAX_BODY_CHARS} characters", 21602)
    if form.get("DltEntityId") != settings.entity_id:
        return rest_error(400, "DltEntityId does not match the account's registered entity", 21620)
    if form.get("DltTemplateId") not in settings.template_ids:
        return rest_error(400, "DltTemplateId is not a registered content template", 21621)
    sid = f"SM{int(time.time())}{next(_ids):06d}"
    message = {
        "Sid": sid,
        "AccountSid": settings.account_sid,
        "From": settings.sender,
        "To": "0" + to.group(1),
        "Body": body,
        "DltTemplateId": form["DltTemplateId"],
        "Status": "queued",
        "DetailedStatus": "PENDING_TO_OPERATOR",
        "DateCreated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "Uri": f"/v1/Accounts/{settings.account_sid}/SMS/Messages/{sid}.json",
    }
    request.app["sent"].append(message)
    callback = form.get("StatusCallback")
    if callback:
        task = asyncio.create_task(_report(request.app, message, str(callback)))
        request.app["pending"].add(task)
        task.add_done_callback(request.app["pending"].discard)
    return web.json_response({"SMSMessage": message})


async def _report(app: web.Application, message: dict[str, Any], url: str) -> None:
    """Post the delivery report of `message` after the configured delay, signed."""
    settings: Settings = app["settings"]
    await asyncio.sleep(settings.status_delay)
    failed = message["To"][1:] in app["undeliverable"]
    message["Status"] = "failed" if failed else "sent"
    message["DetailedStatus"] = "FAILED_INVALID_NUMBER" if failed else "DELIVERED_TO_HANDSET"
    fields = {k: message[k] for k in ("Sid", "To", "Status", "DetailedStatus")}
    await _post_signed(app, url, {"SmsSid": fields.pop("Sid"), **fields})


async def _post_signed(app: web.Application, url: str, fields: dict[str, str]) -> int:
    settings: Settings = app["settings"]
    body = urlencode(fields).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Sms-Timestamp": timestamp,
        "X-Sms-Signature": sign(settings.webhook_secret, timestamp, body),
    }
    try:
        async with app["session"].post(url, data=body, headers=headers) as response:
            return response.status
    except aiohttp.ClientError:
        return 0


@routes.post("/_standin/sms/inbound")
async def inbound(request: web.Request) -> web.Response:
    """Act as a citizen texting our long code: `{"from": "98...", "body": "START"}` → signed forward."""
    settings: Settings = request.app["settings"]
    data = await request.json()
    sender = INDIAN_MOBILE.match(str(data.get("from", "")))
    if sender is None:
        return rest_error(400, "from must be an Indian mobile number", 21211)
    sid = f"SMIN{int(time.time())}{next(_ids):06d}"
    fields = {
        "SmsSid": sid,
        "From": "0" + sender.group(1),
        "To": settings.long_code,
        "Body": str(data.get("body", "")),
        "Date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    status = await _post_signed(request.app, settings.inbound_url, fields)
    return web.json_response({"sid": sid, "forwarded_status": status})


@routes.get("/_standin/sms/messages")
async def messages(request: web.Request) -> web.Response:
    """Every SMS accepted so far, newest last; `?to=<10 digits>` keeps one recipient's."""
    wanted = INDIAN_MOBILE.match(request.query.get("to", ""))
    sent = request.app["sent"]
    if wanted:
        sent = [m for m in sent if m["To"][1:] == wanted.group(1)]
    return web.json_response({"messages": sent})


@routes.post("/_standin/sms/undeliverable")
async def undeliverable(request: web.Request) -> web.Response:
    """Make later reports to `{"to": ...}` fail, as for a disconnected number."""
    number = INDIAN_MOBILE.match(str((await request.json()).get("to", "")))
    if number is None:
        return rest_error(400, "to must be an Indian mobile number", 21211)
    request.app["undeliverable"].add(number.group(1))
    return web.json_response({"undeliverable": number.group(1)})


@routes.post("/_standin/reset")
async def reset(request: web.Request) -> web.Response:
    """Forget every message and undeliverable number."""
    request.app["sent"].clear()
    request.app["undeliverable"].clear()
    return web.json_response({"reset": True})


def make_app(settings: Settings) -> web.Application:
    """Return the stand-in app with its in-memory outbox."""
    app = web.Application()
    app["settings"] = settings
    app["sent"] = []
    app["undeliverable"] = set()
    app["pending"] = set()
    app.add_routes(routes)
    app.cleanup_ctx.append(_client)
    return app


async def _client(app: web.Application):
    app["session"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    yield
    for task in app["pending"]:
        task.cancel()
    await app["session"].close()
