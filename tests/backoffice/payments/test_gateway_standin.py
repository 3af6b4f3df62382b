"""The gateway stand-in keeps Razorpay's contract: auth, errors, payment links, payments, refunds, signed webhooks."""

import json
import re
import urllib.parse

import httpx
import pytest

from backoffice.payments.razorpay import GatewayError, RazorpayClient
from backoffice.payments.signatures import verify_redirect_signature, verify_webhook_signature
from tests.backoffice.payments.support import KEY_SECRET, WEBHOOK_SECRET


def new_link(gateway, reference="SVPTESTREF00001", amount=15000, **extra):
    body = {
        "amount": amount,
        "currency": "INR",
        "reference_id": reference,
        "description": "Income certificate fee",
        "callback_url": "http://127.0.0.1:5000/api/v1/payments/razorpay/return",
        "callback_method": "get",
        "notes": {"seva_reference": reference},
        **extra,
    }
    return gateway.client.create_payment_link(body)


def test_wrong_key_is_refused_with_razorpays_error_shape(gateway):
    client = RazorpayClient(gateway.url, "rzp_test_payments", "wrong-secret")
    with pytest.raises(GatewayError) as refused:
        client.fetch_payment_link("plink_doesnotmatter")
    assert refused.value.status == 401
    assert refused.value.code == "BAD_REQUEST_ERROR"
    assert refused.value.description == "Authentication failed"


def test_invalid_amount_and_duplicate_reference_name_the_field(gateway):
    with pytest.raises(GatewayError) as small:
        new_link(gateway, amount=99)
    assert (small.value.status, small.value.field) == (400, "amount")
    new_link(gateway, reference="SVPDUPLICATE001")
    with pytest.raises(GatewayError) as duplicate:
        new_link(gateway, reference="SVPDUPLICATE001")
    assert (duplicate.value.status, duplicate.value.field) == (400, "reference_id")


def test_unknown_ids_and_paths_answer_like_razorpay(gateway):
    with pytest.raises(GatewayError) as unknown:
        gateway.client.fetch_payment("pay_XXXXXXXXXXXXXX")
    assert (unknown.value.status, unknown.value.description) == (400, "The id provided does not exist")
    response = httpx.get(gateway.url + "/v1/nothing_here", auth=("rzp_test_payments", KEY_SECRET))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "BAD_REQUEST_ERROR"


def test_new_link_is_created_payable_and_findable_by_reference(gateway):
    link = new_link(gateway)
    assert re.fullmatch(r"plink_[A-Za-z0-9]{14}", link["id"])
    assert (link["status"], link["amount"], link["amount_paid"], link["payments"]) == (
        "created",
        15000,
        0,
        None,
    )
    assert link["short_url"] == f"{gateway.url}/pay/{link['id']}"
    assert [found["id"] for found in gateway.client.find_payment_links("SVPTESTREF00001")] == [link["id"]]


def test_hosted_page_pays_and_redirects_with_a_genuine_signature(gateway):
    link = new_link(gateway)
    page = httpx.get(link["short_url"])
    assert page.status_code == 200
    assert "Rs 150.00" in page.text and "Make the payment fail" in page.text and "pending" in page.text
    paid = httpx.post(link["short_url"], data={"outcome": "paid", "method": "card"}, follow_redirects=False)
    assert paid.status_code == 303
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(paid.headers["Location"]).query))
    assert params["razorpay_payment_link_status"] == "paid"
    assert verify_redirect_signature(KEY_SECRET, params)
    assert not verify_redirect_signature(KEY_SECRET, {**params, "razorpay_payment_link_status": "created"})
    after = gateway.client.fetch_payment_link(link["id"])
    assert (after["status"], after["amount_paid"]) == ("paid", 15000)
    payment = gateway.client.fetch_payment(params["razorpay_payment_id"])
    assert (payment["status"], payment["captured"], payment["method"], payment["amount"]) == (
        "captured",
        True,
        "card",
        15000,
    )
    assert (
        "already" not in httpx.get(link["short_url"]).text and "is paid" in httpx.get(link["short_url"]).text
    )


def test_failed_attempt_leaves_the_link_payable_and_pending_stays_authorized(gateway):
    link = new_link(gateway)
    failed = httpx.post(link["short_url"], data={"outcome": "failed", "method": "upi"})
    assert "The payment failed" in failed.text
    pending = gateway.control(
        f"/_standin/payment_links/{link['id']}/pay", {"outcome": "pending", "method": "upi"}
    )
    state = gateway.client.fetch_payment_link(link["id"])
    assert state["status"] == "created"
    assert [p["status"] for p in state["payments"]] == ["failed", "authorized"]
    gateway.control(f"/_standin/payments/{pending['id']}/capture", {})
    assert gateway.client.fetch_payment_link(link["id"])["status"] == "paid"
    assert gateway.client.fetch_payment(pending["id"])["status"] == "captured"


def test_webhooks_are_signed_over_the_raw_body_in_razorpays_envelope(gateway, receiver):
    receiver.received.clear()
    link = new_link(gateway)
    gateway.control(f"/_standin/payment_links/{link['id']}/pay", {"outcome": "paid", "method": "upi"})
    deliveries = gateway.settle_webhooks(2)
    assert [d["event"] for d in deliveries] == ["payment.captured", "payment_link.paid"]
    for headers, raw in receiver.received:
        assert verify_webhook_signature(WEBHOOK_SECRET, raw, headers["X-Razorpay-Signature"])
        assert headers["X-Razorpay-Event-Id"].startswith("evt_")
    body = json.loads(receiver.received[-1][1])
    assert body["entity"] == "event" and body["contains"] == ["payment_link", "order", "payment"]
    assert body["payload"]["payment_link"]["entity"]["reference_id"] == "SVPTESTREF00001"
    assert body["payload"]["payment"]["entity"]["status"] == "captured"


def test_duplicate_mode_sends_each_event_twice_with_the_same_id(gateway, receiver):
    receiver.received.clear()
    gateway.control("/_standin/webhooks/mode", {"mode": "duplicate"})
    link = new_link(gateway)
    gateway.control(f"/_standin/payment_links/{link['id']}/pay", {"outcome": "failed", "method": "upi"})
    deliveries = gateway.settle_webhooks(2)
    assert [d["event"] for d in deliveries] == ["payment.failed", "payment.failed"]
    assert deliveries[0]["event_id"] == deliveries[1]["event_id"]
    assert receiver.received[0][1] == receiver.received[1][1]


def test_held_events_can_be_delivered_in_reverse_order(gateway):
    gateway.control("/_standin/webhooks/mode", {"mode": "hold"})
    link = new_link(gateway)
    gateway.control(f"/_standin/payment_links/{link['id']}/pay", {"outcome": "failed", "method": "upi"})
    gateway.control(f"/_standin/payment_links/{link['id']}/pay", {"outcome": "paid", "method": "upi"})
    held = gateway.control("/_standin/webhooks")["held"]
    assert [h["event"] for h in held] == ["payment.failed", "payment.captured", "payment_link.paid"]
    assert gateway.control("/_standin/webhooks/flush", {"order": "reverse"}) == {"flushed": 3}
    deliveries = gateway.settle_webhooks(3)
    assert [d["event"] for d in deliveries] == ["payment_link.paid", "payment.captured", "payment.failed"]


def test_refunds_are_limited_to_what_was_captured(gateway):
    link = new_link(gateway)
    payment = gateway.control(
        f"/_standin/payment_links/{link['id']}/pay", {"outcome": "paid", "method": "upi"}
    )
    refund = gateway.client.refund(payment["id"], 5000, {"why": "test"})
    assert re.fullmatch(r"rfnd_[A-Za-z0-9]{14}", refund["id"]) and refund["status"] == "processed"
    with pytest.raises(GatewayError) as too_much:
        gateway.client.refund(payment["id"], 10001, {})
    assert too_much.value.field == "amount"
    gateway.client.refund(payment["id"], 10000, {})
    after = gateway.client.fetch_payment(payment["id"])
    assert (after["status"], after["amount_refunded"], after["refund_status"]) == ("refunded", 15000, "full")


def test_expired_link_cannot_be_paid(gateway):
    link = new_link(gateway)
    gateway.control(f"/_standin/payment_links/{link['id']}/expire", {})
    assert gateway.client.fetch_payment_link(link["id"])["status"] == "expired"
    assert "is expired" in httpx.get(link["short_url"]).text
    refused = httpx.post(link["short_url"], data={"outcome": "paid", "method": "upi"})
    assert refused.status_code == 400
