"""A fee an officer assesses after submission, end to end through the WhatsApp and gateway stand-ins (issue 14):
the officer assesses a late fee in the back-office, the citizen is asked to pay in chat (an `order_details` inside
the 24-hour window), asks for the gateway's page instead, pays there, gets the signed receipt, and the application
goes back to the officer's review."""

from __future__ import annotations

import re
import urllib.request

from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.extensions import db
from tests.e2e.phone import choices_of, text_of
from tests.e2e.screenshots import phone_screenshot
from tests.e2e.test_applications import Citizen
from tests.e2e.test_citizen_loop import Officer, apply, outbound_with
from tests.e2e.test_payment_journey import documents_after, order_after, pay_on_gateway


def test_an_assessed_late_fee_is_asked_for_in_chat_paid_on_the_gateway_and_the_application_goes_back_to_review(
    stack, worker, gateway_url, office, citizen
):
    person = Citizen(stack, citizen)
    number = apply(person)
    with office.app_context():
        application_id = db.session.scalar(select(Application.id).where(Application.number == number))
    officer = Officer(stack.env["BACKOFFICE_URL"])

    seq = stack.last_seq(citizen)
    assessed = officer.form(
        f"/applications/{application_id}/assess-fee", {"amount": "150", "reason": "Late fee"}
    )
    assert f"{number}: fee of ₹150 assessed" in assessed
    with office.app_context():
        assert db.session.get(Application, application_id).status == "payment_pending"

    # The worker may still be reading the application's photos on a busy machine before it opens the payment.
    asked = outbound_with(stack, citizen, seq, "has assessed a fee", timeout=240)
    assert number in text_of(asked) and "₹150" in text_of(asked) and "Late fee" in text_of(asked)
    order = order_after(stack, citizen, seq)  # inside the 24-hour window: an order to pay in WhatsApp
    parameters = order["body"]["interactive"]["action"]["parameters"]
    assert parameters["total_amount"] == {"value": 15000, "offset": 100}
    assert parameters["reference_id"] in text_of(asked)

    # The citizen would rather pay by card: "pay my fee" gives the gateway's page for the same fee.
    link = outbound_with(stack, citizen, person_says(person, "pay my fee"), "Amount to pay")
    shown = text_of(link)
    assert "*₹150" in shown and "Late fee" in shown and parameters["reference_id"] in shown
    assert "Pay later" in [c["title"] for c in choices_of(link)]
    link_id = re.search(r"/pay/([A-Za-z0-9_]+)", shown)[1]

    seq = stack.last_seq(citizen)
    assert pay_on_gateway(gateway_url, link_id)["status"] == "captured"
    [receipt] = documents_after(stack, citizen, seq)
    document = receipt["body"]["document"]
    assert document["filename"].endswith(".pdf") and "receipt" in document.get("caption", "").lower()
    with urllib.request.urlopen(
        f"{stack.standin_url}/_standin/media/{document['id']}", timeout=10
    ) as response:
        assert response.read().startswith(b"%PDF-")
    assert "₹150" in text_of(outbound_with(stack, citizen, seq, "Payment received"))

    # Paid: back to the officer's review (not to document check), and the citizen sees it so.
    with office.app_context():
        assert db.session.get(Application, application_id).status == "under_review"
    page = officer.page(f"/applications/{application_id}")
    assert "Under review" in page and re.search(
        rf"{parameters['reference_id']}</td>\s*<td>₹150</td>\s*<td>paid", page
    )
    [status] = person.say(f"status {number}")
    assert number in text_of(status) and "Payment pending" not in text_of(status)
    phone_screenshot(stack, citizen, "assessed-fee.png", since="has assessed a fee")


def person_says(person: Citizen, text: str) -> int:
    """Send `text` without waiting for a set number of replies (the worker's messages may interleave); the seq before."""
    seq = person.stack.last_seq(person.number)
    sent = person.stack.post(
        "/_standin/inbound",
        {"from": person.number, "phone_number_id": person.business, "type": "text", "text": text},
    )
    assert sent["webhook_status"] == 200
    return seq
