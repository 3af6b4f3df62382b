"""A fee paid on WhatsApp end to end: apply for a driving licence renewal, get the payment link, pay it on the
gateway stand-in, and the signed receipt PDF arrives on the citizen's stand-in phone."""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest

from tests.e2e.phone import choices_of, tap_where, text_of
from tests.e2e.test_applications import Citizen, answer_questions

SERVICE = "driving_licence_renewal"  # a fixed fee of Rs 200, few questions


def pay_on_gateway(gateway_url: str, link_id: str) -> dict:
    """Pay the link by UPI as the citizen would on the hosted page (the stand-in's payer control)."""
    request = urllib.request.Request(
        f"{gateway_url}/_standin/payment_links/{link_id}/pay",
        data=json.dumps({"outcome": "paid", "method": "upi"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def message_with(stack, citizen: str, after: int, needle: str, timeout: float = 60.0) -> dict:
    """The first message to `citizen` newer than `after` whose text holds `needle`."""
    deadline = time.monotonic() + timeout
    cursor, seen = after, []
    while time.monotonic() < deadline:
        for message in stack.get(f"/_standin/conversations/{citizen}?after={cursor}&wait=5")["messages"]:
            cursor = max(cursor, message["seq"])
            if message["direction"] == "out":
                if needle in text_of(message):
                    return message
                seen.append(text_of(message)[:120])
    raise AssertionError(f"no message with {needle!r} to {citizen}; the bot said {seen}")


def documents_after(stack, citizen: str, after: int, timeout: float = 90.0) -> list[dict]:
    """Wait for document messages to `citizen` newer than `after` that are not a submission's acknowledgement."""
    deadline = time.monotonic() + timeout
    cursor, found = after, []
    while not found and time.monotonic() < deadline:
        for message in stack.get(f"/_standin/conversations/{citizen}?after={cursor}&wait=5")["messages"]:
            cursor = max(cursor, message["seq"])
            body = message["body"]
            acknowledgement = body.get("document", {}).get("caption", "").startswith("Acknowledgement")
            if message["direction"] == "out" and body["type"] == "document" and not acknowledgement:
                found.append(message)
    return found


def submit_fee_application(stack, person: Citizen) -> tuple[str, dict]:
    """Apply in English for the fee-charging service with every photo; return its number and the payment link."""
    [welcome] = person.say("Hi")
    _, menu = person.tap(tap_where(welcome, '"en"'), expect=2)
    [departments] = person.tap(tap_where(menu, "/apply_service"))
    [services] = person.tap(tap_where(departments, '"transport"'))
    _, first = person.tap(tap_where(services, f'"{SERVICE}"'), expect=2)
    summary = answer_questions(person, SERVICE, first, "en")
    start = stack.last_seq(person.number)
    [ask] = person.tap(tap_where(summary, "/affirm"))
    while "has been submitted" not in text_of(ask):
        if "/skip" in json.dumps(choices_of(ask)):
            replies = person.tap(tap_where(ask, "/skip"))
        else:
            replies = person.send_photo(expect=2)
            assert "Received" in text_of(replies[0])
        ask = next((m for m in replies if "has been submitted" in text_of(m)), replies[-1])
    number = re.search(r"DL-TRA-\d{4}-\d{6}", text_of(ask))[0]
    return number, message_with(stack, person.number, start, "Amount to pay")


def test_apply_pay_on_the_gateway_and_the_receipt_arrives(stack, gateway_url, citizen):
    person = Citizen(stack, citizen)
    # The payment link follows the submission: amount, lines, the hosted page and three choices.
    number, link = submit_fee_application(stack, person)
    shown = text_of(link)
    assert "*₹200" in shown and "Payment reference: SVP" in shown
    assert [c["title"] for c in choices_of(link)] == ["Pay with UPI", "Pay in WhatsApp", "Pay later"]
    link_id = re.search(r"/pay/([A-Za-z0-9_]+)", shown)[1]

    seq = stack.last_seq(citizen)
    payment = pay_on_gateway(gateway_url, link_id)
    assert payment["status"] == "captured"

    [receipt] = documents_after(stack, citizen, seq)
    document = receipt["body"]["document"]
    assert document["filename"].endswith(".pdf") and "receipt" in document.get("caption", "").lower()
    media_id = document.get("id")
    with urllib.request.urlopen(f"{stack.standin_url}/_standin/media/{media_id}", timeout=10) as response:
        assert response.read().startswith(b"%PDF-")

    [status] = person.say(f"status {number}")
    assert number in text_of(status) and "Payment pending" not in text_of(status)


def test_a_bill_number_is_checked_politely_and_cancel_leaves_in_hindi(stack, citizen):
    person = Citizen(stack, citizen)
    [welcome] = person.say("नमस्ते")
    _, menu = person.tap(tap_where(welcome, '"hi"'), expect=2)
    [which] = person.tap(tap_where(menu, "/pay_bill"))
    assert "आप क्या भरना चाहते हैं" in text_of(which)
    [ask] = person.tap(tap_where(which, '"property_tax"'))
    assert "UPIC" in text_of(ask) and "रद्द" in text_of(ask)
    # Both the explanation and the question again: waiting for one only let the question slip into the next turn.
    wrong, asked_again = person.say("AB-12", expect=2)
    assert "यह सही नहीं लग रहा" in text_of(wrong) and "8 से 20" in text_of(wrong)
    assert "UPIC" in text_of(asked_again)
    left, again = person.say("रद्द", expect=2)
    assert "कोई भुगतान नहीं किया गया" in text_of(left) and "आज मैं आपकी क्या मदद करूँ" in text_of(again)


@pytest.fixture(scope="module")
def ledgers(stack):
    """The demo property-tax and water-bill ledgers in the stack's database."""
    from backoffice.app import create_app
    from backoffice.config import Config
    from backoffice.demo.ledgers import seed_demo_ledgers
    from backoffice.extensions import db

    app = create_app(Config(environ=stack.env))
    with app.app_context():
        seed_demo_ledgers(db.session)


def test_a_water_bill_is_paid_from_the_chat_and_its_receipt_arrives_in_hindi(
    stack, gateway_url, ledgers, citizen
):
    person = Citizen(stack, citizen)
    [welcome] = person.say("नमस्ते")
    _, menu = person.tap(tap_where(welcome, '"hi"'), expect=2)
    [which] = person.tap(tap_where(menu, "/pay_bill"))
    [ask] = person.tap(tap_where(which, '"water_bill"'))
    assert "के-नंबर" in text_of(ask)
    start = stack.last_seq(citizen)
    person.say("12345 67890")  # as printed, with a space
    link = message_with(stack, citizen, start, "SVP")
    shown = text_of(link)
    assert "₹689" in shown and "पानी का बिल" in shown
    link_id = re.search(r"/pay/([A-Za-z0-9_]+)", shown)[1]

    seq = stack.last_seq(citizen)
    assert pay_on_gateway(gateway_url, link_id)["status"] == "captured"
    [receipt] = documents_after(stack, citizen, seq)
    assert "रसीद" in receipt["body"]["document"]["caption"]
    confirmation = message_with(stack, citizen, seq, "भुगतान प्राप्त हुआ")
    assert "₹689" in text_of(confirmation)


def test_a_fee_paid_inside_whatsapp_is_confirmed_by_the_lookup_and_the_receipt_arrives(
    stack, gateway_url, citizen
):
    person = Citizen(stack, citizen)
    number, link = submit_fee_application(stack, person)

    seq = stack.last_seq(citizen)
    person.tap(tap_where(link, '"whatsapp"'))
    order = order_after(stack, citizen, seq)
    parameters = order["body"]["interactive"]["action"]["parameters"]
    assert parameters["total_amount"] == {"value": 20000, "offset": 100}
    seq = stack.last_seq(citizen)
    paid = stack.post(
        f"/_standin/payments/{parameters['reference_id']}/pay", {"outcome": "success", "method": "upi"}
    )
    assert paid["webhook_status"] == 200  # the channel took Meta's payment status and passed it on

    [receipt] = documents_after(stack, citizen, seq)
    assert "receipt" in receipt["body"]["document"]["caption"].lower()
    assert parameters["reference_id"] in text_of(message_with(stack, citizen, seq, "Payment received"))
    [status] = person.say(f"status {number}")
    assert number in text_of(status) and "Payment pending" not in text_of(status)


def order_after(stack, citizen: str, after: int, timeout: float = 60.0) -> dict:
    """The first `order_details` message to `citizen` newer than `after`."""
    deadline = time.monotonic() + timeout
    cursor = after
    while time.monotonic() < deadline:
        for message in stack.get(f"/_standin/conversations/{citizen}?after={cursor}&wait=5")["messages"]:
            cursor = max(cursor, message["seq"])
            body = message["body"]
            if body["type"] == "interactive" and body["interactive"]["type"] == "order_details":
                return message
    raise AssertionError(f"no order_details message reached {citizen}")
