"""Fixtures for the payment tests: the real gateway stand-in, a webhook receiver, and real databases."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import sessionmaker

from backoffice.payments.callbacks import ForgedCallback, handle_razorpay_webhook
from backoffice.payments.intents import issue_checkout, open_intent
from backoffice.payments.models import OPEN, PaymentIntent, PaymentsBase
from backoffice.payments.providers import Checkout, GatewayProvider, UpiProvider
from backoffice.payments.razorpay import GatewayError, RazorpayClient
from catalog.fees import Charge
from tests.backoffice.payments.support import CITIZEN, KEY_ID, KEY_SECRET, WEBHOOK_SECRET
from tests.servers import free_port, standin_process


class RecordingEffects:
    """PaymentEffects that remember every call, as the back-office's audit log, workflow and notifier would."""

    def __init__(self):
        self.lock = threading.Lock()
        self.audits: list[tuple[str, str | None, dict]] = []
        self.confirmed: list[str] = []
        self.messages: list[tuple[str, str]] = []

    def audit(self, action, intent, detail):
        with self.lock:
            self.audits.append((action, intent.reference if intent else None, detail))

    def payment_confirmed(self, intent):
        with self.lock:
            self.confirmed.append(intent.reference)

    def tell_citizen(self, intent, text):
        with self.lock:
            self.messages.append((intent.reference, text))

    def actions(self) -> list[str]:
        """The audited actions, in order."""
        return [action for action, _, _ in self.audits]


class Receiver:
    """Plays the back-office's webhook route: a thin HTTP view over `handle_razorpay_webhook`."""

    def __init__(self):
        self.port = free_port()
        self.target: Harness | None = None
        self.answers: list[tuple[int, str]] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers), raw))
                status, outcome = receiver.handle(
                    raw, self.headers.get("X-Razorpay-Signature"), self.headers.get("X-Razorpay-Event-Id")
                )
                receiver.answers.append((status, outcome))
                self.send_response(status)
                self.send_header("Content-Length", str(len(outcome.encode())))
                self.end_headers()
                self.wfile.write(outcome.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1/payments/razorpay/webhook"

    def handle(self, raw: bytes, signature: str | None, event_id: str | None) -> tuple[int, str]:
        """Answer as the route would: 200 with the outcome, 400 for a forgery, 503 when the lookup fails."""
        harness = self.target
        if harness is None:
            return 200, "recorded"  # a test of the stand-in alone: only the raw delivery matters
        with harness.Session() as session:
            try:
                outcome = handle_razorpay_webhook(
                    session,
                    raw,
                    signature,
                    event_id,
                    WEBHOOK_SECRET,
                    harness.client,
                    harness.providers,
                    harness.effects,
                )
            except ForgedCallback:
                return 400, "forged"
            except GatewayError:
                return 503, "lookup failed"
        harness.outcomes.append(outcome)
        return 200, outcome


@dataclass
class Gateway:
    """The running stand-in: its URL, an API client and its control API."""

    url: str
    client: RazorpayClient

    def control(self, path: str, body: dict | None = None) -> Any:
        """POST (with a body) or GET a `/_standin/` path and return its JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def settle_webhooks(self, at_least: int, timeout: float = 20.0) -> list[dict]:
        """Wait until at least `at_least` webhooks were delivered or given up, and none is queued; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.control("/_standin/webhooks")
            done = [d for d in state["deliveries"] if d["status"] in ("delivered", "failed", "dropped")]
            if len(done) >= at_least and state["queued"] == 0 and len(done) == len(state["deliveries"]):
                return state["deliveries"]
            time.sleep(0.05)
        raise AssertionError(f"webhooks not settled: {self.control('/_standin/webhooks')}")


@pytest.fixture(scope="session")
def receiver():
    """The webhook receiver the stand-in posts to."""
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="session")
def gateway_process(receiver, tmp_path_factory):
    """The gateway stand-in, started for real with `python -m standins.gateway` on a free port."""
    settings = {
        "GATEWAY_WEBHOOK_URL": receiver.url,
        "RAZORPAY_KEY_ID": KEY_ID,
        "RAZORPAY_KEY_SECRET": KEY_SECRET,
        "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    log = tmp_path_factory.mktemp("gateway") / "gateway.log"
    with standin_process("standins.gateway", settings, log=log) as url:
        yield url


@pytest.fixture
def gateway(gateway_process) -> Gateway:
    """The stand-in with empty books and normal webhook delivery."""
    gw = Gateway(gateway_process, RazorpayClient(gateway_process, KEY_ID, KEY_SECRET))
    gw.control("/_standin/reset", {})
    return gw


def sqlite_engine(path: Path):
    """A file SQLite engine in WAL mode that waits for locks, as the back-office should configure it."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _wal(connection, _record):
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA busy_timeout=30000")

    PaymentsBase.metadata.create_all(engine)
    return engine


@pytest.fixture
def sqlite_db(tmp_path):
    """A fresh SQLite (WAL) database holding the payment tables."""
    engine = sqlite_engine(tmp_path / "payments.db")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_db(postgres):
    """The payment tables, fresh, in the session's throw-away PostgreSQL server."""
    engine = create_engine(postgres.url(), pool_size=10)
    PaymentsBase.metadata.drop_all(engine)
    PaymentsBase.metadata.create_all(engine)
    yield engine
    engine.dispose()


@dataclass
class Harness:
    """A database, the stand-in, the providers and the recorded effects, wired as the back-office will."""

    Session: sessionmaker
    gateway: Gateway
    effects: RecordingEffects = field(default_factory=RecordingEffects)
    outcomes: list[str] = field(default_factory=list)

    @property
    def client(self) -> RazorpayClient:
        return self.gateway.client

    @property
    def providers(self) -> dict:
        gateway = GatewayProvider(self.client, "http://127.0.0.1:5000/api/v1/payments/razorpay/return")
        return {"gateway": gateway, "upi": UpiProvider(gateway, "seva.delhi@upi", "Govt of NCT of Delhi")}

    def start(
        self, charge: Charge, provider: str = "gateway", language: str = "en"
    ) -> tuple[PaymentIntent, Checkout | None]:
        """Open (or find) the charge's intent and issue its checkout, as the bot's "pay" step will."""
        with self.Session() as session:
            intent, _ = open_intent(session, charge, CITIZEN, language, provider, self.effects)
            checkout = (
                issue_checkout(session, intent, self.providers[provider]) if intent.status == OPEN else None
            )
            return intent, checkout

    def intent(self, reference: str) -> PaymentIntent:
        """The intent as stored now."""
        with self.Session() as session:
            return session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))

    def pay(self, intent: PaymentIntent, outcome: str = "paid", **extra) -> dict:
        """Act as the citizen on the hosted page (through the control API); return the payment."""
        body = {"outcome": outcome, "method": "upi", **extra}
        return self.gateway.control(f"/_standin/payment_links/{intent.gateway_link_id}/pay", body)


@pytest.fixture
def harness(sqlite_db, gateway, receiver) -> Harness:
    """Everything a payment journey needs, with the receiver pointed at this test's database."""
    h = Harness(sessionmaker(sqlite_db, expire_on_commit=False), gateway)
    receiver.target = h
    yield h
    receiver.target = None
