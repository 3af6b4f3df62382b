"""Razorpay's API as the stand-in serves it: basic auth, payment links, payments, refunds, Razorpay's errors."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from aiohttp import web

from standins.gateway.store import Books, InputError
from standins.gateway.webhooks import Outbox

routes = web.RouteTableDef()


def error(status: int, description: str, field: str | None = None, reason: str = "NA") -> web.Response:
    """Answer in Razorpay's error shape: `{"error": {"code", "description", "source", "step", "reason", ...}}`."""
    body: dict[str, Any] = {
        "code": "BAD_REQUEST_ERROR" if status < 500 else "SERVER_ERROR",
        "description": description,
        "source": "business" if status == 400 else "NA",
        "step": "payment_initiation" if status == 400 else "NA",
        "reason": reason,
        "metadata": {},
    }
    if field:
        body["field"] = field
    return web.json_response({"error": body}, status=status)


@web.middleware
async def razorpay_errors(request: web.Request, handler) -> web.StreamResponse:
    """Check basic auth on `/v1/`, and turn refusals and unknown paths into Razorpay-shaped errors."""
    if request.path.startswith("/v1/") and not _authorised(request):
        return error(401, "Authentication failed", reason="NA")
    try:
        return await handler(request)
    except InputError as exc:
        return error(400, exc.description, exc.field, exc.reason)
    except web.HTTPNotFound:
        if request.path.startswith("/v1/"):
            return error(404, "The requested URL was not found on the server.")
        raise
    except web.HTTPMethodNotAllowed:
        return error(405, "The requested method is not allowed for this URL.")


def _authorised(request: web.Request) -> bool:
    settings = request.app["settings"]
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        key_id, _, key_secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(key_id, settings.key_id) and hmac.compare_digest(
        key_secret, settings.key_secret
    )


async def json_body(request: web.Request) -> dict[str, Any]:
    """Read a JSON object body or refuse the request as Razorpay would."""
    try:
        body = json.loads(await request.read() or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise InputError("The request body must be a JSON object.")
    return body


def books(request: web.Request) -> Books:
    """The stand-in's books for this app."""
    return request.app["books"]


def outbox(request: web.Request) -> Outbox:
    """The stand-in's webhook outbox for this app."""
    return request.app["outbox"]


@routes.post("/v1/payment_links")
async def create_payment_link(request: web.Request) -> web.Response:
    """Create a payment link."""
    return web.json_response(books(request).create_link(await json_body(request)))


@routes.get("/v1/payment_links")
async def list_payment_links(request: web.Request) -> web.Response:
    """List payment links, optionally only those with one `reference_id` or `payment_id`."""
    links = [books(request).link(link_id) for link_id in list(books(request).links)]
    if "reference_id" in request.query:
        links = [lk for lk in links if lk["reference_id"] == request.query["reference_id"]]
    if "payment_id" in request.query:
        wanted = request.query["payment_id"]
        links = [lk for lk in links if any(p["payment_id"] == wanted for p in lk["payments"] or [])]
    return web.json_response({"payment_links": links})


@routes.get("/v1/payment_links/{link_id}")
async def fetch_payment_link(request: web.Request) -> web.Response:
    """Fetch one payment link with its payments."""
    return web.json_response(books(request).link(request.match_info["link_id"]))


@routes.post("/v1/payment_links/{link_id}/cancel")
async def cancel_payment_link(request: web.Request) -> web.Response:
    """Cancel an unpaid payment link."""
    return web.json_response(books(request).cancel(request.match_info["link_id"]))


@routes.get("/v1/payments/{payment_id}")
async def fetch_payment(request: web.Request) -> web.Response:
    """Fetch one payment."""
    return web.json_response(books(request).payment(request.match_info["payment_id"]))


@routes.post("/v1/payments/{payment_id}/refund")
async def refund_payment(request: web.Request) -> web.Response:
    """Refund a captured payment in whole or in part."""
    body = await json_body(request)
    refund, events = books(request).refund(
        request.match_info["payment_id"], body.get("amount"), body.get("notes")
    )
    outbox(request).publish(events)
    return web.json_response(refund)
