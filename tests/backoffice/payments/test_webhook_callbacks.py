"""Razorpay webhooks end to end: the stand-in signs and sends them, the handler verifies, looks up and applies."""

import json
import time
import urllib.parse

import httpx
from sqlalchemy import func, select

from backoffice.payments.callbacks import intent_for_redirect
from backoffice.payments.models import FLAGGED, OPEN, PAID, PaymentCallback, WaterBill
from backoffice.payments.signatures import sign
from catalog.fees import Charge, line
from tests.backoffice.payments.support import KEY_SECRET, WEBHOOK_SECRET, fee_charge


def post_webhook(receiver, body: dict, secret: str = WEBHOOK_SECRET, event_id: str = "evt_forged000001"):
    raw = json.dumps(body).encode()
    headers = {"X-Razorpay-Signature": sign(secret, raw), "X-Razorpay-Event-Id": event_id}
    return httpx.post(receiver.url, content=raw, headers=headers)


def paid_event(intent) -> dict:
    link = {
        "id": intent.gateway_link_id,
        "reference_id": intent.reference,
        "status": "paid",
        "amount_paid": 15000,
    }
    payment = {"id": "pay_Forged00000001", "amount": 15000, "status": "captured", "notes": {}}
    return {
        "entity": "event",
        "event": "payment_link.paid",
        "contains": ["payment_link", "payment"],
        "payload": {"payment_link": {"entity": link}, "payment": {"entity": payment}},
    }


def test_paid_link_is_confirmed_once_then_receipt_and_message_follow(harness):
    intent, checkout = harness.start(fee_charge())
    assert checkout.url.endswith(f"/pay/{intent.gateway_link_id}")
    harness.pay(intent)
    harness.gateway.settle_webhooks(2)
    stored = harness.intent(intent.reference)
    assert (stored.status, stored.confirmed_via, stored.amount_paid_paise, stored.method) == (
        PAID,
        "callback",
        15000,
        "upi",
    )
    assert sorted(harness.outcomes) == ["confirmed", "no_change"]
    assert harness.effects.confirmed == [intent.reference]
    assert harness.effects.messages == [
        (intent.reference, f"Payment received: ₹150 for {intent.description}. Reference {intent.reference}. "
         "Your receipt follows.")
    ]  # fmt: skip
    assert harness.effects.actions() == ["payment.intent_opened", "payment.confirmed"]


def test_confirmation_is_in_the_citizens_language(harness):
    intent, _ = harness.start(fee_charge(), language="hi")
    harness.pay(intent)
    harness.gateway.settle_webhooks(2)
    [(_, message)] = harness.effects.messages
    assert message.startswith("भुगतान प्राप्त हुआ: आय प्रमाण पत्र (आवेदन 1) के लिए ₹150।")


def test_duplicate_webhooks_change_nothing(harness):
    harness.gateway.control("/_standin/webhooks/mode", {"mode": "duplicate"})
    intent, _ = harness.start(fee_charge())
    harness.pay(intent)
    deliveries = harness.gateway.settle_webhooks(4)
    assert len(deliveries) == 4 and all(d["status"] == "delivered" for d in deliveries)
    assert sorted(harness.outcomes) == ["confirmed", "duplicate", "duplicate", "no_change"]
    assert harness.effects.confirmed == [intent.reference]
    assert len(harness.effects.messages) == 1
    with harness.Session() as session:
        assert session.scalar(select(func.count()).select_from(PaymentCallback)) == 2


def test_out_of_order_webhooks_never_undo_a_payment_or_tell_the_citizen_it_failed(harness):
    harness.gateway.control("/_standin/webhooks/mode", {"mode": "hold"})
    intent, _ = harness.start(fee_charge())
    harness.pay(intent, "failed")
    harness.pay(intent, "paid")
    harness.gateway.control("/_standin/webhooks/flush", {"order": "reverse"})
    deliveries = harness.gateway.settle_webhooks(3)
    assert [d["event"] for d in deliveries] == ["payment_link.paid", "payment.captured", "payment.failed"]
    assert harness.intent(intent.reference).status == PAID
    assert harness.outcomes == ["confirmed", "no_change", "no_change"]
    assert [m for _, m in harness.effects.messages if "did not go through" in m] == []
    assert harness.effects.confirmed == [intent.reference]


def test_failed_attempt_tells_the_citizen_how_to_retry_and_the_retry_works(harness):
    intent, checkout = harness.start(fee_charge())
    harness.pay(intent, "failed")
    harness.gateway.settle_webhooks(1)
    assert harness.intent(intent.reference).status == OPEN
    [(_, retry)] = harness.effects.messages
    assert "did not go through" in retry and checkout.url in retry
    harness.pay(intent, "paid")
    harness.gateway.settle_webhooks(3)
    assert harness.intent(intent.reference).status == PAID
    assert harness.effects.confirmed == [intent.reference]


def test_amount_mismatch_is_flagged_not_accepted(harness):
    with harness.Session() as session:
        bill = WaterBill(
            k_number="1234567890", bill_number="WB1", consumer_name="Test", period="Sep-Oct 2026",
            issued_on=__import__("datetime").date(2026, 11, 5), due_date=__import__("datetime").date(2026, 11, 25),
            amount_paise=15000,
        )  # fmt: skip
        session.add(bill)
        session.commit()
        bill_id = bill.id
    charge = Charge(
        purpose="water_bill",
        subject_key="water_bill:WB1",
        description_en="Water bill",
        description_hi="पानी का बिल",
        lines=(line("water_bill", "Water bill", "पानी का बिल", 15000, f"water_bills:{bill_id}"),),
    )
    intent, _ = harness.start(charge)
    harness.pay(intent, "paid", amount=10000)
    harness.gateway.settle_webhooks(2)
    stored = harness.intent(intent.reference)
    assert (stored.status, stored.amount_paid_paise) == (FLAGGED, 10000)
    assert harness.effects.confirmed == []
    assert "payment.flagged" in harness.effects.actions()
    [(_, message)] = harness.effects.messages
    assert "does not match" in message and "do not pay again" in message
    with harness.Session() as session:
        assert session.get(WaterBill, bill_id).paid_reference is None


def test_forged_signature_is_refused_and_changes_nothing(harness, receiver):
    harness.gateway.control("/_standin/webhooks/mode", {"mode": "drop"})
    intent, _ = harness.start(fee_charge())
    harness.pay(intent, "paid")  # really paid, so only the signature can stop the forged callback
    response = post_webhook(receiver, paid_event(intent), secret="not-the-webhook-secret")
    assert response.status_code == 400
    no_header = httpx.post(receiver.url, content=json.dumps(paid_event(intent)).encode())
    assert no_header.status_code == 400
    assert harness.intent(intent.reference).status == OPEN
    assert harness.effects.actions().count("payment.callback_refused") == 2
    with harness.Session() as session:
        assert session.scalar(select(func.count()).select_from(PaymentCallback)) == 0


def test_signed_callback_that_lies_is_not_believed_without_the_lookup(harness, receiver):
    harness.gateway.control("/_standin/webhooks/mode", {"mode": "drop"})
    intent, _ = harness.start(fee_charge())
    response = post_webhook(receiver, paid_event(intent))
    assert (response.status_code, response.text) == (200, "no_change")
    assert harness.intent(intent.reference).status == OPEN
    assert harness.effects.confirmed == []


def test_callback_for_an_unknown_reference_is_acknowledged_and_ignored(harness, receiver):
    event = {
        "event": "payment_link.paid",
        "payload": {"payment_link": {"entity": {"reference_id": "SVPNOSUCHREF0000"}}},
    }
    response = post_webhook(receiver, event)
    assert (response.status_code, response.text) == (200, "unknown_reference")


def test_browser_redirect_never_confirms_a_payment(harness):
    harness.gateway.control("/_standin/webhooks/mode", {"mode": "drop"})
    intent, checkout = harness.start(fee_charge())
    redirect = httpx.post(checkout.url, data={"outcome": "paid", "method": "card"}, follow_redirects=False)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect.headers["Location"]).query))
    assert params["razorpay_payment_link_status"] == "paid"
    with harness.Session() as session:
        shown = intent_for_redirect(session, params, KEY_SECRET)
        assert shown.reference == intent.reference and shown.status == OPEN
        assert intent_for_redirect(session, {**params, "razorpay_signature": "0" * 64}, KEY_SECRET) is None
    time.sleep(0.2)
    assert harness.intent(intent.reference).status == OPEN
    assert harness.effects.confirmed == []


def test_upi_checkout_carries_our_reference_and_is_confirmed_by_the_gateway(harness):
    intent, checkout = harness.start(fee_charge(amount_paise=5000), provider="upi")
    assert checkout.upi_link == (
        f"upi://pay?pa=seva.delhi@upi&pn=Govt%20of%20NCT%20of%20Delhi&am=50.00&cu=INR&tr={intent.reference}"
        "&tn=Income%20certificate%20%28application%201%29"
    )
    assert checkout.qr_png.startswith(b"\x89PNG")
    harness.pay(intent)
    harness.gateway.settle_webhooks(2)
    stored = harness.intent(intent.reference)
    assert (stored.status, stored.provider, stored.method) == (PAID, "upi", "upi")
