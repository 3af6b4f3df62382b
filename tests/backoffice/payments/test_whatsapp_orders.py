"""WhatsApp payments: the `order_details` message, the `payment` status, and confirmation only by the lookup."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backoffice.payments.callbacks import handle_whatsapp_payment_status
from backoffice.payments.intents import issue_checkout, open_intent
from backoffice.payments.models import OPEN, PAID
from backoffice.payments.providers import WhatsAppPayProvider
from backoffice.payments.whatsapp_pay import WhatsAppPaymentLookup, order_details, parse_payment_status
from catalog.fees import line
from tests.backoffice.payments.support import fee_charge
from tests.servers import free_port

LINES = [
    line("tax:2026-27", "Property tax 2026-27", "संपत्ति कर 2026-27", 840000),
    line("rebate_early", "Rebate: paid by 30 June (15%)", "छूट", -126000),
]


def test_order_details_uses_offset_100_and_rebates_as_discount():
    message = order_details("SVPAAAAAAAAAAAA", "Property tax", LINES, "seva-razorpay")
    assert message["type"] == "order_details"
    action = message["action"]
    assert action["name"] == "review_and_pay"
    params = action["parameters"]
    assert params["reference_id"] == "SVPAAAAAAAAAAAA" and params["type"] == "digital-goods"
    assert params["payment_settings"] == [
        {
            "type": "payment_gateway",
            "payment_gateway": {"type": "razorpay", "configuration_name": "seva-razorpay"},
        }
    ]
    assert params["total_amount"] == {"value": 714000, "offset": 100}
    assert params["order"]["subtotal"] == {"value": 840000, "offset": 100}
    assert params["order"]["discount"]["value"] == 126000
    assert params["order"]["items"] == [
        {
            "retailer_id": "tax:2026-27",
            "name": "Property tax 2026-27",
            "amount": {"value": 840000, "offset": 100},
            "quantity": 1,
        }
    ]


def test_reference_longer_than_35_is_refused():
    with pytest.raises(ValueError):
        order_details("R" * 36, "x", LINES, "seva-razorpay")


def status(reference: str, state: str = "captured", transaction: str = "success") -> dict:
    return {
        "id": "wamid.HBgM",
        "status": state,
        "timestamp": "1795391291",
        "recipient_id": "919999999999",
        "type": "payment",
        "payment": {
            "reference_id": reference,
            "amount": {"value": 15000, "offset": 100},
            "currency": "INR",
            "transaction": {
                "id": "pay_WA0000000001",
                "type": "razorpay",
                "status": transaction,
                "method": {"type": "upi"},
            },
        },
    }


def test_payment_status_is_parsed_and_other_statuses_are_not():
    parsed = parse_payment_status(status("SVPBBBBBBBBBBBB"))
    assert (parsed.reference_id, parsed.status, parsed.transaction_status) == (
        "SVPBBBBBBBBBBBB",
        "captured",
        "success",
    )
    assert parse_payment_status({"id": "wamid.X", "status": "read"}) is None
    assert parse_payment_status({"type": "payment", "payment": {}}) is None


class GraphLookup:
    """A Graph API payment lookup on a free port: answers what `answer` holds, for the expected path and token."""

    def __init__(self):
        self.answer: dict = {"payments": []}
        self.paths: list[str] = []
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                graph.paths.append(self.path)
                ok = self.headers.get("Authorization") == "Bearer graph-token"
                body = json.dumps(graph.answer if ok else {"error": {"code": 190}}).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def whatsapp(harness):
    graph = GraphLookup()
    lookup = WhatsAppPaymentLookup(
        f"http://127.0.0.1:{graph.port}", "v21.0", "graph-token", "100000000000001", "seva-razorpay"
    )
    providers = {**harness.providers, "whatsapp": WhatsAppPayProvider(lookup)}
    yield harness, graph, providers
    graph.server.shutdown()


def test_status_alone_does_not_confirm_the_lookup_does(whatsapp):
    harness, graph, providers = whatsapp
    with harness.Session() as session:
        intent, _ = open_intent(session, fee_charge(), "wa-x", "en", "whatsapp", harness.effects)
        checkout = issue_checkout(session, intent, providers["whatsapp"])
        assert checkout.whatsapp_interactive["action"]["parameters"]["reference_id"] == intent.reference

        graph.answer = {
            "payments": [{"reference_id": intent.reference, "status": "pending", "transactions": []}]
        }
        assert (
            handle_whatsapp_payment_status(session, status(intent.reference), providers, harness.effects)
            == "no_change"
        )
        assert graph.paths == [f"/v21.0/100000000000001/payments/seva-razorpay/{intent.reference}"]
        assert harness.intent(intent.reference).status == OPEN

        graph.answer = {
            "payments": [
                {
                    "reference_id": intent.reference,
                    "status": "captured",
                    "currency": "INR",
                    "amount": {"value": 15000, "offset": 100},
                    "transactions": [
                        {"id": "pay_WA0000000002", "status": "success", "method": {"type": "upi"}}
                    ],
                }
            ]
        }
        later = status(intent.reference)
        later["id"] = "wamid.second"
        assert handle_whatsapp_payment_status(session, later, providers, harness.effects) == "confirmed"
        assert handle_whatsapp_payment_status(session, later, providers, harness.effects) == "duplicate"
    stored = harness.intent(intent.reference)
    assert (stored.status, stored.payment_id, stored.amount_paid_paise) == (PAID, "pay_WA0000000002", 15000)
    assert harness.effects.confirmed == [intent.reference]
