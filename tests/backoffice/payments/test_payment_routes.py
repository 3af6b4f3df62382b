"""Payments through the back-office's own routes, against the real gateway and WhatsApp stand-ins.

The back-office runs on a real port so that the gateway stand-in's signed webhooks reach its webhook route;
Celery runs in-process, so a confirmation issues the receipt and sends it to the WhatsApp stand-in at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from backoffice.app import create_app
from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.config import TestConfig as OfficeConfig
from backoffice.core.clock import utcnow
from backoffice.demo import samples as demo
from backoffice.demo.ledgers import seed_demo_ledgers
from backoffice.extensions import db
from backoffice.issuing.models import Certificate
from backoffice.issuing.tasks import worker_issuer
from backoffice.payments.models import PaymentIntent, PropertyTaxDemand
from backoffice.payments.settings import PaymentSettings
from backoffice.payments.tasks import reconcile_payments
from catalog import load_catalog
from tests.backoffice.conftest import NUMBERS, Auth, add_user, csrf_token
from tests.servers import ROOT, free_port, standin_process

GENERAL_NUMBER = "100000000000001"
KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_routes", "routes-key-secret", "routes-webhook-secret"
FEE_SERVICE = "marriage_registration"  # a catalog fee, so submission leaves it payment_pending
_citizens = iter(range(919700000100, 919700000999))


class Office:
    """The running back-office, the gateway stand-in's controls and the citizen's phone."""

    def __init__(self, app, url: str, gateway_url: str, graph_url: str):
        self.app, self.url, self.gateway_url, self.graph_url = app, url, gateway_url, graph_url

    def call(self, method: str, path: str, body: dict | None = None, token: bool = True) -> tuple[int, dict]:
        """Call the back-office API; return (status, JSON body)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.app.config['BACKOFFICE_API_TOKEN']}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def gateway(self, path: str, body: dict | None = None) -> dict:
        """POST (with a body) or GET a gateway stand-in control path."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.gateway_url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def pay(self, reference: str, outcome: str = "paid", **extra) -> dict:
        """Pay the payment's link on the hosted page, as the citizen."""
        link_id = self.intent(reference).gateway_link_id
        return self.gateway(
            f"/_standin/payment_links/{link_id}/pay", {"outcome": outcome, "method": "upi", **extra}
        )

    def settle(self, at_least: int = 1, timeout: float = 30.0) -> list[dict]:
        """Wait until the gateway delivered (or gave up on) every webhook it has; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.gateway("/_standin/webhooks")
            done = [d for d in state["deliveries"] if d["status"] in ("delivered", "failed", "dropped")]
            if len(done) >= at_least and not state["queued"] and len(done) == len(state["deliveries"]):
                return state["deliveries"]
            time.sleep(0.05)
        raise AssertionError(f"webhooks not settled: {self.gateway('/_standin/webhooks')}")

    def intent(self, reference: str) -> PaymentIntent:
        with self.app.app_context():
            return db.session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))

    def phone(self, wa_id: str) -> list[dict]:
        """What the citizen's phone received from the business."""
        with urllib.request.urlopen(
            f"{self.graph_url}/_standin/conversations/{wa_id}", timeout=10
        ) as response:
            return [m for m in json.load(response)["messages"] if m["direction"] == "out"]

    def citizen_with_fee(self, language: str = "en", channel: str = "whatsapp") -> tuple[str, str, str]:
        """A citizen, inside the 24 h window, with a submitted application waiting for its fee: (id, wa_id, number)."""
        wa_id = str(next(_citizens))
        citizen_id = f"wa-pay-{wa_id}"
        with self.app.app_context():
            application = demo.submitted_application(
                FEE_SERVICE, citizen_id, wa_id[2:], language, channel=channel
            )
            citizen = application.citizen
            citizen.wa_id, citizen.phone_number_id = wa_id, GENERAL_NUMBER
            citizen.last_inbound_at = utcnow()
            db.session.commit()
            assert application.status == "payment_pending"
            number = application.number
        self.writes(wa_id)
        return citizen_id, wa_id, number

    def writes(self, wa_id: str) -> None:
        """The citizen says hi, which opens the 24 h window at the stand-in too."""
        said = json.dumps({"phone_number_id": GENERAL_NUMBER, "from": wa_id, "type": "text", "text": "hi"})
        urllib.request.urlopen(
            urllib.request.Request(
                f"{self.graph_url}/_standin/inbound", said.encode(), {"Content-Type": "application/json"}
            )
        ).read()

    def status_of(self, number: str) -> str:
        with self.app.app_context():
            return db.session.scalar(select(Application.status).where(Application.number == number))


@pytest.fixture(scope="module")
def office(tmp_path_factory, standin):
    """The back-office on a free port with its own database and PKI, and the gateway stand-in posting to it."""
    from flask_migrate import upgrade

    graph_url, graph_token = standin
    home = tmp_path_factory.mktemp("payments-office")
    port, gateway_port = free_port(), free_port()
    url, gateway_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{gateway_port}"
    old_pki = os.environ.get("SEVA_PKI_DIR")
    os.environ["SEVA_PKI_DIR"] = str(home / "pki")  # read by the receipt issuer, as in a worker
    worker_issuer.cache_clear()
    payments = PaymentSettings(
        razorpay_base_url=gateway_url,
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secret=WEBHOOK_SECRET,
        callback_url=f"{url}/api/v1/payments/razorpay/return",
    )
    app = create_app(
        OfficeConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{home / 'seva.db'}",
            DOCUMENTS_DIR=str(home / "documents"),
            PAYMENTS=payments,
            WHATSAPP_GRAPH_URL=graph_url,
            WHATSAPP_ACCESS_TOKEN=graph_token,
            WHATSAPP_NUMBERS=NUMBERS,
            WHATSAPP_PAYMENT_NUMBER=GENERAL_NUMBER,
        )
    )
    with app.app_context():
        upgrade()
        seed_demo_ledgers(db.session)
        department = load_catalog()[FEE_SERVICE].department
        add_user("fee.approver", "approver", department)
        add_user("fee.officer", "officer", department)
        add_user("tax.approver", "approver", load_catalog()["property_tax"].department)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = {"GATEWAY_WEBHOOK_URL": f"{url}/api/v1/payments/razorpay/webhook", "RAZORPAY_KEY_ID": KEY_ID,
                "RAZORPAY_KEY_SECRET": KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "GATEWAY_RETRY_DELAYS": "0.2,0.5,1"}  # fmt: skip
    try:
        with standin_process("standins.gateway", settings, port=gateway_port):
            yield Office(app, url, gateway_url, graph_url)
    finally:
        server.shutdown()
        worker_issuer.cache_clear()
        if old_pki is None:
            os.environ.pop("SEVA_PKI_DIR", None)
        else:
            os.environ["SEVA_PKI_DIR"] = old_pki


@pytest.fixture(autouse=True)
def normal_webhooks(office):
    office.gateway("/_standin/webhooks/mode", {"mode": "normal"})


def fee_request(citizen_id: str, number: str, provider: str = "gateway") -> dict:
    return {"subject": {"kind": "application", "number": number}, "citizen": citizen_id, "language": "en",
            "provider": provider}  # fmt: skip


def wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_fee_paid_on_the_gateway_moves_the_application_and_the_signed_receipt_arrives(office):
    citizen_id, wa_id, number = office.citizen_with_fee()
    status, first = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    assert (
        status == 201 and first["status"] == "open" and first["url"].startswith(office.gateway_url + "/pay/")
    )
    assert first["amount_label"]["en"].startswith("₹") and first["lines"][0]["label"]["en"].startswith("Fee:")
    assert first["reference"] in first["message"]["hi"] and "भुगतान" in first["message"]["hi"]
    status, again = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number, "upi"))
    assert status == 200 and again["reference"] == first["reference"] and again["url"] == first["url"]
    assert again["upi_link"].startswith("upi://pay?") and f"tr={first['reference']}" in again["upi_link"]
    with urllib.request.urlopen(again["upi_qr_url"]) as response:
        assert response.read().startswith(b"\x89PNG")

    assert office.pay(first["reference"])["status"] == "captured"
    office.settle()
    assert office.status_of(number) == "document_check"
    receipts = wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "document"])
    caption = receipts[0]["body"]["document"]["caption"]
    assert "receipt" in caption and f"{first['reference']}-R" in caption
    texts = [m["body"]["text"]["body"] for m in office.phone(wa_id) if m["type"] == "text"]
    assert any("Payment received" in t and first["reference"] in t for t in texts)
    page = office.app.test_client().get(f"/verify/{first['reference']}-R?lang=en").get_data(as_text=True)
    assert 'data-state="valid"' in page
    # The PDF on the phone is signed like a certificate and verifies offline.
    media_id = receipts[0]["body"]["document"]["id"]
    with urllib.request.urlopen(f"{office.graph_url}/_standin/media/{media_id}") as response:
        pdf = response.read()
    path = Path(os.environ["SEVA_PKI_DIR"]).parent / "receipt.pdf"
    path.write_bytes(pdf)
    checked = subprocess.run([sys.executable, "-m", "certificates.cli", "verify", str(path)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0 and f"{first['reference']}-R" in checked.stdout, checked.stderr

    status, state = office.call("GET", f"/api/v1/payments/{first['reference']}?citizen={citizen_id}")
    assert status == 200 and state["status"] == "paid"
    assert office.call("GET", f"/api/v1/payments/{first['reference']}?citizen=wa-someone-else")[0] == 404
    status, refused = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    assert (status, refused["code"]) == (409, "already_paid")
    with office.app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("payment.confirmed") == 1 and "receipt.issue" in actions


def test_two_attempts_at_once_get_one_payment_and_one_link(office):
    citizen_id, _, number = office.citizen_with_fee()
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: office.call("POST", "/api/v1/payments", fee_request(citizen_id, number)), range(4)
            )
        )
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201]
    assert (
        len({body["reference"] for _, body in answers}) == 1
        and len({body["url"] for _, body in answers}) == 1
    )
    with office.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaymentIntent).where(
            PaymentIntent.subject_key.like("application:%"), PaymentIntent.citizen == citizen_id)) == 1  # fmt: skip


def test_a_forged_webhook_is_refused_and_changes_nothing(office):
    citizen_id, _, number = office.citizen_with_fee()
    _, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    body = json.dumps({"event": "payment_link.paid", "payload": {"payment_link": {"entity": {
        "reference_id": payment["reference"], "status": "paid"}}}}).encode()  # fmt: skip
    forged = hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        office.url + "/api/v1/payments/razorpay/webhook", body,
        {"Content-Type": "application/json", "X-Razorpay-Signature": forged},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400
    assert (
        office.intent(payment["reference"]).status == "open" and office.status_of(number) == "payment_pending"
    )


def test_duplicate_and_out_of_order_webhooks_confirm_once(office):
    citizen_id, wa_id, number = office.citizen_with_fee()
    _, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    office.gateway("/_standin/webhooks/mode", {"mode": "hold"})
    office.pay(payment["reference"], "failed")
    office.pay(payment["reference"])
    office.gateway("/_standin/webhooks/mode", {"mode": "duplicate"})
    office.gateway("/_standin/webhooks/flush", {"order": "reverse"})
    deliveries = office.settle(at_least=4)
    assert all(d["http_status"] == 200 for d in deliveries)
    assert (
        office.intent(payment["reference"]).status == "paid" and office.status_of(number) == "document_check"
    )
    wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "document"])
    time.sleep(0.5)
    assert len([m for m in office.phone(wa_id) if m["type"] == "document"]) == 1
    with office.app.app_context():
        number_of_receipts = db.session.scalar(
            select(func.count())
            .select_from(Certificate)
            .where(Certificate.number == f"{payment['reference']}-R")
        )
    assert number_of_receipts == 1


def test_an_amount_mismatch_is_flagged_not_accepted_and_an_approver_refunds_it(office):
    citizen_id, wa_id, number = office.citizen_with_fee()
    _, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    office.pay(payment["reference"], amount=payment["amount_paise"] - 100)
    office.settle()
    intent = office.intent(payment["reference"])
    assert intent.status == "flagged" and office.status_of(number) == "payment_pending"
    texts = wait_for(lambda: [m["body"]["text"]["body"] for m in office.phone(wa_id) if m["type"] == "text"
                              and "does not match" in m["body"]["text"]["body"]])  # fmt: skip
    assert "Please do not pay again" in texts[0]

    page_path = f"/applications/{intent.application_id}"
    refund_path = f"/payments/{payment['reference']}/refund"
    form = {"amount": f"{intent.amount_paid_paise / 100:.2f}", "reason": "Paid the wrong amount"}
    verifier = office.app.test_client()
    Auth(verifier).login("fee.officer")
    assert "Refund</button>" not in verifier.get(page_path).get_data(as_text=True)
    refused = verifier.post(refund_path, data={**form, "csrf_token": csrf_token(verifier, page_path)},
                            follow_redirects=True)  # fmt: skip
    assert "Not refunded: your role may not refund" in refused.get_data(as_text=True)
    assert office.intent(payment["reference"]).status == "flagged"

    approver = office.app.test_client()
    Auth(approver).login("fee.approver")
    page = approver.get(page_path).get_data(as_text=True)
    assert payment["reference"] in page and "flagged" in page
    answer = approver.post(refund_path, data={**form, "csrf_token": csrf_token(approver, page_path)},
                           follow_redirects=True)  # fmt: skip
    assert "Refunded" in answer.get_data(as_text=True)
    assert office.intent(payment["reference"]).status == "refunded"
    refund_texts = wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "text"
                                     and "has been refunded" in m["body"]["text"]["body"]])  # fmt: skip
    assert refund_texts
    with office.app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action)))
    assert "payment.flagged" in actions and "payment.refunded" in actions


def test_a_payment_whose_webhook_was_lost_is_confirmed_by_reconciliation(office):
    citizen_id, wa_id, number = office.citizen_with_fee()
    _, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    office.gateway("/_standin/webhooks/mode", {"mode": "drop"})
    office.pay(payment["reference"])
    office.settle()
    assert office.intent(payment["reference"]).status == "open"
    with office.app.app_context():
        db.session.execute(
            PaymentIntent.__table__.update()
            .where(PaymentIntent.reference == payment["reference"])
            .values(created_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        outcomes = reconcile_payments.apply().get()
    assert outcomes[payment["reference"]] == "confirmed"
    intent = office.intent(payment["reference"])
    assert intent.confirmed_via == "reconciliation" and office.status_of(number) == "document_check"
    wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "document"])


def test_the_return_page_shows_the_state_but_never_confirms(office):
    citizen_id, _, number = office.citizen_with_fee()
    _, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    office.gateway("/_standin/webhooks/mode", {"mode": "drop"})
    paid = office.pay(payment["reference"])
    link = office.intent(payment["reference"]).gateway_link_id
    fields = {"razorpay_payment_link_id": link, "razorpay_payment_link_reference_id": payment["reference"],
              "razorpay_payment_link_status": "paid", "razorpay_payment_id": paid["id"]}  # fmt: skip
    message = "|".join(fields.values()).encode()
    fields["razorpay_signature"] = hmac.new(KEY_SECRET.encode(), message, hashlib.sha256).hexdigest()
    page = office.app.test_client().get("/api/v1/payments/razorpay/return", query_string=fields)
    assert page.status_code == 200 and "waiting for your bank" in page.get_data(as_text=True)
    assert office.intent(payment["reference"]).status == "open"
    fields["razorpay_signature"] = "0" * 64
    page = office.app.test_client().get("/api/v1/payments/razorpay/return", query_string=fields)
    assert page.status_code == 200 and "could not read this payment" in page.get_data(as_text=True)


def test_property_tax_is_paid_with_its_rebate_and_gets_a_receipt_without_an_application(office):
    wa_id = str(next(_citizens))
    citizen_id = f"wa-tax-{wa_id}"
    with office.app.app_context():
        from backoffice.citizens import services as citizens

        citizen = citizens.update(citizen_id, {"language": "hi"})
        citizen.wa_id, citizen.phone_number_id, citizen.last_inbound_at = wa_id, GENERAL_NUMBER, utcnow()
        db.session.commit()
    office.writes(wa_id)
    body = {"subject": {"kind": "property_tax", "upic": "dl05a-0012345"}, "citizen": citizen_id, "language": "hi",
            "provider": "gateway"}  # fmt: skip
    status, payment = office.call("POST", "/api/v1/payments", body)
    assert status == 201
    codes = [line["code"] for line in payment["lines"]]
    assert codes[0].startswith("tax:") and "rebate_online" in codes
    assert payment["amount_paise"] == sum(line["amount_paise"] for line in payment["lines"])
    office.pay(payment["reference"])
    office.settle()
    assert office.intent(payment["reference"]).status == "paid"
    with office.app.app_context():
        demand = db.session.scalar(
            select(PropertyTaxDemand).where(PropertyTaxDemand.paid_reference == payment["reference"])
        )
        receipt = db.session.scalar(
            select(Certificate).where(Certificate.number == f"{payment['reference']}-R")
        )
        assert (
            demand.upic == "DL05A0012345"
            and receipt.application_id is None
            and receipt.service == "property_tax"
        )
    page = office.app.test_client().get(f"/verify/{payment['reference']}-R?lang=hi").get_data(as_text=True)
    assert 'data-state="valid"' in page
    documents = wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "document"])
    assert "रसीद" in documents[0]["body"]["document"]["caption"]
    status, again = office.call("POST", "/api/v1/payments", body)
    assert (status, again["code"]) == (409, "already_paid")


@pytest.mark.parametrize(
    ("subject", "status", "code"),
    [
        ({"kind": "property_tax", "upic": "A-1"}, 422, "invalid"),
        ({"kind": "property_tax", "upic": "DL99Z9999999"}, 404, "not_found"),
        ({"kind": "water_bill", "k_number": "12345"}, 422, "invalid"),
        ({"kind": "water_bill", "k_number": "2345678901"}, 409, "already_paid"),
        ({"kind": "application", "number": "DL-REV-2026-999999"}, 404, "not_found"),
        ({"kind": "lottery"}, 422, "invalid"),
    ],
)
def test_a_subject_that_cannot_be_paid_gets_a_clear_refusal(office, subject, status, code):
    body = {"subject": subject, "citizen": "wa-refused", "language": "en", "provider": "gateway"}
    answer_status, answer = office.call("POST", "/api/v1/payments", body)
    assert (answer_status, answer["code"]) == (status, code)


def test_another_citizens_application_cannot_be_paid_or_seen(office):
    _, _, number = office.citizen_with_fee()
    status, answer = office.call("POST", "/api/v1/payments", fee_request("wa-intruder", number))
    assert (status, answer["code"]) == (404, "not_found")


def test_the_payment_routes_need_the_service_token_but_the_webhook_does_not(office):
    assert office.call("POST", "/api/v1/payments", {"citizen": "x"}, token=False)[0] == 401
    assert office.call("POST", "/api/v1/payments/whatsapp/status", {"status": {}}, token=False)[0] == 401
    request = urllib.request.Request(office.url + "/api/v1/payments/razorpay/webhook", b"{}", {})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400  # unsigned: refused as forged, not as unauthenticated


def test_paying_in_whatsapp_sends_an_order_the_cloud_api_accepts(office):
    citizen_id, wa_id, number = office.citizen_with_fee()
    status, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number, "whatsapp"))
    assert status == 201 and payment["order_sent"] is True
    orders = wait_for(lambda: [m for m in office.phone(wa_id) if m["type"] == "interactive"
                               and m["body"]["interactive"]["type"] == "order_details"])  # fmt: skip
    parameters = orders[0]["body"]["interactive"]["action"]["parameters"]
    assert parameters["reference_id"] == payment["reference"]
    assert parameters["total_amount"] == {"value": payment["amount_paise"], "offset": 100}


def test_a_failed_payment_tells_the_citizen_in_hindi_how_to_retry_and_the_same_link_then_works(office):
    citizen_id, wa_id, number = office.citizen_with_fee(language="hi")
    body = {**fee_request(citizen_id, number), "language": "hi"}
    _, payment = office.call("POST", "/api/v1/payments", body)
    office.pay(payment["reference"], "failed")
    office.settle()
    retry = wait_for(lambda: [m["body"]["text"]["body"] for m in office.phone(wa_id) if m["type"] == "text"
                              and "पूरा नहीं हुआ" in m["body"]["text"]["body"]])  # fmt: skip
    assert payment["url"] in retry[0] and "फिर से कोशिश" in retry[0]
    assert (
        office.intent(payment["reference"]).status == "open" and office.status_of(number) == "payment_pending"
    )
    office.pay(payment["reference"])
    office.settle(at_least=3)
    assert office.status_of(number) == "document_check"


def test_an_application_made_at_a_csc_adds_the_rs_50_service_charge(office):
    citizen_id, _, number = office.citizen_with_fee(channel="csc")
    _, own = office.call("POST", "/api/v1/payments", fee_request(*office.citizen_with_fee()[::2]))
    status, payment = office.call("POST", "/api/v1/payments", fee_request(citizen_id, number))
    assert status == 201
    assert [line["code"] for line in payment["lines"]] == ["fee", "csc_fee"]
    assert (
        payment["lines"][1]["amount_paise"] == 5000 and payment["lines"][1]["label"]["hi"] == "सीएससी सेवा शुल्क"
    )
    assert payment["amount_paise"] == own["amount_paise"] + 5000


def test_a_tax_payment_is_refunded_from_the_payments_page_by_its_own_departments_approver_only(office):
    wa_id = str(next(_citizens))
    citizen_id = f"wa-tax-{wa_id}"
    body = {"subject": {"kind": "property_tax", "upic": "DL09C0045678"}, "citizen": citizen_id, "language": "en",
            "provider": "gateway"}  # fmt: skip
    _, payment = office.call("POST", "/api/v1/payments", body)
    office.pay(payment["reference"])
    office.settle()
    reference = payment["reference"]
    form = {"amount": "100.00", "reason": "Counted twice by the citizen's bank"}

    other = office.app.test_client()
    Auth(other).login("fee.approver")  # revenue: not their payment
    assert "No payments match" in other.get(f"/payments?q={reference}").get_data(as_text=True)
    token = csrf_token(other, "/payments")
    assert other.post(f"/payments/{reference}/refund", data={**form, "csrf_token": token}).status_code == 404

    own = office.app.test_client()
    Auth(own).login("tax.approver")
    page = own.get(f"/payments?q={reference.lower()}").get_data(as_text=True)
    assert reference in page and "Refund</button>" in page
    answer = own.post(f"/payments/{reference}/refund", data={**form, "csrf_token": csrf_token(own, "/payments")},
                      follow_redirects=True)  # fmt: skip
    assert f"Refunded ₹100 of {reference}" in answer.get_data(as_text=True)
    intent = office.intent(reference)
    assert intent.refunded_paise == 10000 and intent.status == "paid"  # a part, so still paid
