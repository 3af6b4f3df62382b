"""WhatsApp payments' payment-status webhooks reach the back-office after the 200, as Meta sent them."""

import asyncio

import pytest
from aiohttp import web

from tests.bot import doubles, meta
from tests.servers import serving

WA = "919812345678"


def payment_status(reference: str, state: str = "captured", transaction: str = "success") -> dict:
    """A status of `type: payment` shaped like Meta's payments-in webhook."""
    return {
        **meta.status("wamid.order1", state, WA),
        "type": "payment",
        "payment": {
            "reference_id": reference,
            "amount": {"value": 5000, "offset": 100},
            "currency": "INR",
            "transaction": {"id": "pay_T1", "type": "razorpay", "status": transaction},
        },
    }


class PaymentStatusDouble:
    """TEST DOUBLE of `POST /api/v1/payments/whatsapp/status`: records bodies; can fail or hold answers."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.authorizations: list[str] = []
        self.failures = 0  # answer 503 this many times first
        self.release = asyncio.Event()
        self.release.set()
        self.url = ""

    async def post(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization", ""))
        await self.release.wait()
        if self.failures:
            self.failures -= 1
            return web.json_response({"code": "unavailable"}, status=503)
        self.received.append(await request.json())
        return web.json_response({"outcome": "confirmed"})


@pytest.fixture
async def backoffice():
    """The double, served on a free port."""
    double = PaymentStatusDouble()
    app = web.Application()
    app.router.add_post("/api/v1/payments/whatsapp/status", double.post)
    async with serving(app) as double.url:
        yield double


async def test_a_payment_status_is_forwarded_whole_with_the_token_and_others_are_not(
    make_channel, backoffice
):
    harness = await make_channel(backoffice_url=backoffice.url)
    paid = payment_status("SVPABCDEFGH2345")
    batch = meta.statuses(meta.GENERAL, meta.status("wamid.out1", "delivered", WA), paid)
    assert await harness.deliver(batch) == 200
    assert backoffice.received == [{"status": paid, "phone_number_id": meta.GENERAL}]
    assert backoffice.authorizations == [f"Bearer {doubles.TOKEN}"]
    assert harness.heard == []  # the citizen hears from the back-office once the lookup confirms


async def test_a_forged_payment_status_is_never_forwarded(make_channel, backoffice):
    harness = await make_channel(backoffice_url=backoffice.url)
    body = meta.raw(meta.statuses(meta.GENERAL, payment_status("SVPABCDEFGH2345")))
    assert await harness.post(body, meta.signed_headers(body, secret="not-the-app-secret")) == 403
    await harness.settle()
    assert backoffice.received == [] and backoffice.authorizations == []


async def test_the_webhook_is_acknowledged_before_the_back_office_answers(make_channel, backoffice):
    harness = await make_channel(backoffice_url=backoffice.url)
    backoffice.release.clear()  # the back-office hangs
    body = meta.raw(meta.statuses(meta.GENERAL, payment_status("SVPABCDEFGH2345")))
    status = await asyncio.wait_for(harness.post(body, meta.signed_headers(body)), timeout=2)
    assert status == 200 and backoffice.received == []
    backoffice.release.set()
    await harness.settle()
    assert len(backoffice.received) == 1


async def test_a_back_office_outage_is_retried(make_channel, backoffice):
    harness = await make_channel(backoffice_url=backoffice.url)
    backoffice.failures = 2
    failed = payment_status("SVPABCDEFGH2345", state="failed", transaction="failed")
    assert await harness.deliver(meta.statuses(meta.GENERAL, failed)) == 200
    assert backoffice.received == [{"status": failed, "phone_number_id": meta.GENERAL}]
    assert len(backoffice.authorizations) == 3
