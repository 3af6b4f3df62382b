"""The stand-in's control API under `/_standin/`: make payments happen, steer webhooks, inspect, reset."""

from __future__ import annotations

from aiohttp import web

from standins.gateway.api import books, json_body, outbox
from standins.gateway.store import Books, InputError
from standins.gateway.webhooks import MODES

routes = web.RouteTableDef()


@routes.post("/_standin/payment_links/{link_id}/pay")
async def pay(request: web.Request) -> web.Response:
    """Act as the payer: `{"outcome": "paid"|"failed"|"pending", "method": "upi", "amount": optional paise}`."""
    body = await json_body(request)
    payment, events = books(request).attempt(
        request.match_info["link_id"],
        body.get("outcome", "paid"),
        body.get("method", "upi"),
        body.get("amount"),
    )
    outbox(request).publish(events)
    return web.json_response(payment)


@routes.post("/_standin/payments/{payment_id}/capture")
async def capture(request: web.Request) -> web.Response:
    """Let the bank finally capture a payment that was left pending (authorized)."""
    events = books(request).capture(request.match_info["payment_id"])
    outbox(request).publish(events)
    return web.json_response(books(request).payment(request.match_info["payment_id"]))


@routes.post("/_standin/payment_links/{link_id}/expire")
async def expire(request: web.Request) -> web.Response:
    """Expire an unpaid link at once."""
    return web.json_response(books(request).expire(request.match_info["link_id"]))


@routes.post("/_standin/webhooks/mode")
async def set_mode(request: web.Request) -> web.Response:
    """Switch webhook delivery: `{"mode": "normal"|"duplicate"|"hold"|"drop"}`."""
    mode = (await json_body(request)).get("mode")
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(MODES)}", "mode")
    outbox(request).mode = mode
    return web.json_response({"mode": mode})


@routes.post("/_standin/webhooks/flush")
async def flush(request: web.Request) -> web.Response:
    """Send held webhooks: `{"order": "sent"|"reverse"}` (reverse delivers them out of order)."""
    order = (await json_body(request)).get("order", "sent")
    if order not in ("sent", "reverse"):
        raise InputError("order must be sent or reverse", "order")
    return web.json_response({"flushed": outbox(request).flush(order)})


@routes.get("/_standin/webhooks")
async def webhooks(request: web.Request) -> web.Response:
    """Show the delivery mode, the held events and every delivery with its outcome."""
    box = outbox(request)
    return web.json_response(
        {
            "mode": box.mode,
            "held": [{"event_id": item[0], "event": item[2]} for item in box.held],
            "queued": box.queue.qsize(),
            "deliveries": box.deliveries,
        }
    )


@routes.post("/_standin/reset")
async def reset(request: web.Request) -> web.Response:
    """Forget every link, payment, refund and webhook."""
    request.app["books"] = Books(public_url=request.app["settings"].public_url)
    outbox(request).reset()
    return web.json_response({"reset": True})
