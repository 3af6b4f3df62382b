"""The hosted payment page a citizen opens from the payment link: pay, fail, or leave the payment pending."""

from __future__ import annotations

import hashlib
import hmac
import html
from urllib.parse import urlencode

from aiohttp import web

from standins.gateway.api import books, outbox
from standins.gateway.store import METHODS, InputError

routes = web.RouteTableDef()

_STYLE = (
    "body{font-family:sans-serif;max-width:26rem;margin:1rem auto;padding:0 1rem;color:#222}"
    "button{display:block;width:100%;margin:.5rem 0;padding:.8rem;font-size:1rem;border-radius:.4rem;border:1px solid #888}"
    ".pay{background:#0b6;color:#fff;border:0}.note{color:#666;font-size:.85rem}"
)
_METHOD_NAMES = {"upi": "UPI", "card": "Card", "netbanking": "Net banking"}


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>",
        content_type="text/html",
        status=status,
    )


def _rupees(paise: int) -> str:
    return f"Rs {paise // 100:,}.{paise % 100:02d}"


def _form(link: dict, notice: str = "") -> str:
    title = html.escape(link["description"] or "Payment")
    methods = "".join(
        f'<label><input type="radio" name="method" value="{m}"{" checked" if m == "upi" else ""}> '
        f"{_METHOD_NAMES[m]}</label><br>"
        for m in METHODS
    )
    return (
        f"<h1>{title}</h1><p><strong>{_rupees(link['amount'])}</strong></p>"
        f'<p class="note">Reference {html.escape(link["reference_id"])}</p>{notice}'
        f'<form method="post">{methods}'
        f'<button class="pay" name="outcome" value="paid">Pay {_rupees(link["amount"])}</button>'
        '<button name="outcome" value="failed">Make the payment fail</button>'
        '<button name="outcome" value="pending">Leave it pending at the bank</button></form>'
        '<p class="note">Test mode: this is the local stand-in for the payment gateway. No money moves.</p>'
    )


@routes.get("/pay/{link_id}")
async def show(request: web.Request) -> web.Response:
    """Show the link's amount and the three choices, or why it can no longer be paid."""
    try:
        link = books(request).link(request.match_info["link_id"])
    except InputError:
        return _page("Not found", "<h1>This payment link does not exist.</h1>", status=404)
    if link["status"] != "created":
        return _page("Payment link", f"<h1>This payment link is {html.escape(link['status'])}.</h1>")
    return _page("Pay", _form(link))


@routes.post("/pay/{link_id}")
async def submit(request: web.Request) -> web.Response:
    """Carry out the payer's choice; after paying, send the browser back to the merchant's callback URL."""
    form = await request.post()
    try:
        link = books(request).link(request.match_info["link_id"])
        payment, events = books(request).attempt(
            link["id"], str(form.get("outcome", "")), str(form.get("method", "upi"))
        )
    except InputError as exc:
        return _page("Payment", f"<h1>{html.escape(exc.description)}</h1>", status=400)
    outbox(request).publish(events)
    if payment["status"] == "failed":
        notice = "<p><strong>The payment failed. No money was taken. You can try again.</strong></p>"
        return _page("Payment failed", _form(link, notice))
    if payment["status"] == "authorized":
        return _page(
            "Payment pending",
            "<h1>Waiting for your bank</h1><p>Your bank has not confirmed the payment yet. "
            "You will get a message when it does.</p>",
        )
    if link["callback_url"]:
        raise web.HTTPSeeOther(_callback(request, link, payment["id"]))
    return _page(
        "Paid",
        f"<h1>Paid {_rupees(payment['amount'])}</h1><p>Reference {html.escape(link['reference_id'])}</p>",
    )


def _callback(request: web.Request, link: dict, payment_id: str) -> str:
    """Razorpay's redirect: the ids, the status, and an HMAC under the key secret over `link|ref|status|payment`."""
    message = f"{link['id']}|{link['reference_id']}|{link['status']}|{payment_id}".encode()
    signature = hmac.new(request.app["settings"].key_secret.encode(), message, hashlib.sha256).hexdigest()
    params = {
        "razorpay_payment_id": payment_id,
        "razorpay_payment_link_id": link["id"],
        "razorpay_payment_link_reference_id": link["reference_id"],
        "razorpay_payment_link_status": link["status"],
        "razorpay_signature": signature,
    }
    separator = "&" if "?" in link["callback_url"] else "?"
    return link["callback_url"] + separator + urlencode(params)
