"""The `/_standin/` control API used by the phone page, tests and benchmarks (no auth, loopback only)."""

import base64
import ipaddress
import json
from urllib.parse import quote

from aiohttp import web

from whatsapp_contract.limits import media_kind

from .cloud_api import InboundError
from .graph_routes import CLOUD_API
from .payments import PaymentRefused

MAX_WAIT_SECONDS = 25.0


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def loopback_only(request: web.Request, handler):
    """Refuse control calls that do not come from this machine."""
    if request.path.startswith("/_standin/"):
        try:
            local = ipaddress.ip_address(request.remote or "").is_loopback
        except ValueError:
            local = False
        if not local:
            return _problem(403, "the stand-in control API answers only on loopback")
    return await handler(request)


async def _json(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be JSON"}), content_type="application/json"
        ) from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be a JSON object"}), content_type="application/json"
        )
    return body


async def _receive(request: web.Request, body: dict) -> web.Response:
    try:
        return web.json_response(await request.app[CLOUD_API].receive(body))
    except InboundError as exc:
        return _problem(400, str(exc))


async def post_inbound(request: web.Request) -> web.Response:
    """A citizen sends a message: build Meta's webhook, sign it, post it to the bot."""
    return await _receive(request, await _json(request))


async def post_inbound_batch(request: web.Request) -> web.Response:
    """Several citizens' messages in one webhook: `{"messages": [<inbound request>, ...]}`."""
    body = await _json(request)
    messages = body.get("messages")
    if not isinstance(messages, list):
        return _problem(400, "give messages as a list of inbound requests")
    try:
        return web.json_response(await request.app[CLOUD_API].receive_batch(messages))
    except InboundError as exc:
        return _problem(400, str(exc))


async def post_inbound_upload(request: web.Request) -> web.Response:
    """A citizen sends a photo or file chosen on the phone page (multipart)."""
    post = await request.post()
    upload = post.get("file")
    if not isinstance(upload, web.FileField):
        return _problem(400, "attach a file in the field 'file'")
    mime_type = upload.content_type or "application/octet-stream"
    content = upload.file.read()
    kind = media_kind(mime_type)
    body = {
        "from": post.get("from"),
        "from_user_id": post.get("from_user_id"),
        "phone_number_id": post.get("phone_number_id"),
        "profile_name": post.get("profile_name"),
        "type": "image"
        if kind == "image"
        else (kind if kind in ("audio", "video", "sticker") else "document"),
        "media_b64": base64.b64encode(content).decode(),
        "mime_type": mime_type,
        "filename": upload.filename,
        "caption": post.get("caption"),
    }
    return await _receive(request, body)


async def get_conversation(request: web.Request) -> web.Response:
    """Long-poll one citizen's chat for messages newer than seq `after` (or changed after rev `changed_after`)."""
    try:
        after = int(request.query.get("after", "0"))
        changed_after = int(request.query["changed_after"]) if "changed_after" in request.query else None
        wait = min(MAX_WAIT_SECONDS, max(0.0, float(request.query.get("wait", "0"))))
    except ValueError:
        return _problem(400, "after and changed_after must be integers and wait a number of seconds")
    conversations = request.app[CLOUD_API].conversations
    entries = await conversations.wait_since(request.match_info["wa_id"], after, changed_after, wait)
    return web.json_response({"messages": [e.as_json() for e in entries], "rev": conversations.rev})


async def get_errors(request: web.Request) -> web.Response:
    """The refused Graph API requests, oldest first, with the error each got."""
    return web.json_response({"errors": list(request.app[CLOUD_API].errors)})


async def post_reset(request: web.Request) -> web.Response:
    """Forget everything: conversations, media, errors, faults, rate limits."""
    request.app[CLOUD_API].reset()
    return web.json_response({"reset": True})


async def post_faults(request: web.Request) -> web.Response:
    """Make the next `count` message sends fail with `code` (130429, 131056, 131047, 131026 or 500)."""
    body = await _json(request)
    try:
        request.app[CLOUD_API].add_fault(int(body.get("code", 0)), int(body.get("count", 1)))
    except (TypeError, ValueError) as exc:
        return _problem(400, str(exc))
    return web.json_response({"queued": [list(f) for f in request.app[CLOUD_API].faults]})


async def post_window(request: web.Request) -> web.Response:
    """Age a citizen's last message by `hours` so tests can reach the closed 24 h window."""
    body = await _json(request)
    try:
        hours = float(body.get("hours", 25))
    except (TypeError, ValueError):
        return _problem(400, "hours must be a number")
    request.app[CLOUD_API].conversations.age_window(
        str(body.get("phone_number_id")), str(body.get("wa_id")), hours * 3600
    )
    return web.json_response({"aged_hours": hours})


async def get_media(request: web.Request) -> web.Response:
    """The raw bytes of a media object, for the phone page and tests."""
    obj = request.app[CLOUD_API].media.get(request.match_info["media_id"])
    if obj is None:
        return _problem(404, "no media with this id")
    headers = {}
    if obj.filename:
        headers["Content-Disposition"] = "inline; filename*=UTF-8''" + quote(obj.filename, safe="")
    return web.Response(body=obj.content, content_type=obj.mime_type, headers=headers)


async def get_numbers(request: web.Request) -> web.Response:
    """The department numbers this stand-in serves, for the phone page's picker."""
    numbers = request.app[CLOUD_API].settings.numbers
    return web.json_response(
        {"numbers": [{"phone_number_id": k, "department": v} for k, v in numbers.items()]}
    )


def _order(request: web.Request, body: dict):
    """The order the control route names; `phone_number_id` / `configuration_name` pick among namesakes."""
    return request.app[CLOUD_API].payments.find(
        request.match_info["reference_id"], body.get("phone_number_id"), body.get("configuration_name")
    )


async def post_payment(request: web.Request) -> web.Response:
    """The citizen pays an order in WhatsApp: `{"outcome": "success"|"failed"|"pending", "method", "amount"?}`.

    `amount` (in paise) simulates a payment of another amount than the order's.
    """
    body = await _json(request)
    amount = body.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0):
        return _problem(400, "amount must be a whole number of paise above zero")
    try:
        answer = await request.app[CLOUD_API].pay_order(
            _order(request, body),
            str(body.get("outcome", "success")),
            str(body.get("method", "upi")),
            amount,
        )
    except PaymentRefused as exc:
        return _problem(exc.http_status, str(exc))
    return web.json_response(answer)


async def post_payment_resend(request: web.Request) -> web.Response:
    """Post the order's latest payment status again (a duplicate webhook)."""
    body = await _json(request) if request.can_read_body else {}
    try:
        return web.json_response(await request.app[CLOUD_API].resend_payment_status(_order(request, body)))
    except PaymentRefused as exc:
        return _problem(exc.http_status, str(exc))


def add_routes(app: web.Application) -> None:
    """Register the control routes on the app."""
    app.router.add_post("/_standin/inbound", post_inbound)
    app.router.add_post("/_standin/inbound/upload", post_inbound_upload)
    app.router.add_post("/_standin/inbound/batch", post_inbound_batch)
    app.router.add_get("/_standin/conversations/{wa_id}", get_conversation)
    app.router.add_get("/_standin/errors", get_errors)
    app.router.add_post("/_standin/reset", post_reset)
    app.router.add_post("/_standin/faults", post_faults)
    app.router.add_post("/_standin/window", post_window)
    app.router.add_get("/_standin/media/{media_id}", get_media)
    app.router.add_get("/_standin/numbers", get_numbers)
    app.router.add_post("/_standin/payments/{reference_id}/pay", post_payment)
    app.router.add_post("/_standin/payments/{reference_id}/resend", post_payment_resend)
