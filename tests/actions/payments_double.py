"""TEST DOUBLE of the back-office's payment, application and certificate-resend API, for the payment actions.

It follows the contract in docs/architecture.md (Payments; the bot API table) and records every call, so a
test can check what the bot asked for as well as what it said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from tests.servers import ROOT

TOKEN = "payments-double-token"
REFERENCE = "SVPABCDEFGH2345"


def problem(status: int, code: str) -> web.Response:
    """An application/problem+json answer with a `code`."""
    body = {"type": "about:blank", "title": code, "status": status, "code": code, "detail": code}
    return web.json_response(body, status=status, content_type="application/problem+json")


def checkout(provider: str, amount_paise: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """A `POST /payments` answer shaped like the contract, for `provider`."""
    rupees = f"₹{amount_paise // 100:,}"
    return {
        "reference": REFERENCE,
        "status": "open",
        "provider": provider,
        "amount_paise": amount_paise,
        "amount_label": {"en": rupees, "hi": rupees},
        "lines": lines,
        "url": f"http://gateway.test/pay/plink_1?ref={REFERENCE}" if provider == "gateway" else None,
        "upi_link": f"upi://pay?pa=seva.delhi@upi&am={amount_paise / 100:.2f}&tr={REFERENCE}"
        if provider == "upi"
        else None,
        "upi_qr_url": None,
        "order_sent": provider == "whatsapp",
        "message": {"en": "", "hi": ""},
    }


class PaymentsDouble:
    """Holds the citizen's applications, the payable subjects and what to refuse; records the calls."""

    def __init__(self) -> None:
        self.url = ""
        self.calls: list[tuple[str, str, Any]] = []
        self.applications: list[dict[str, Any]] = []
        # subject id (application number, UPIC or K-number) → (amount, lines) or a problem (status, code)
        self.payable: dict[str, Any] = {}
        self.payment_status = "open"
        self.down = False

    def app(self) -> web.Application:
        """The aiohttp application serving the double."""
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/api/v1/catalog", self.catalog)
        app.router.add_post("/api/v1/drafts/{id}/submit", self.submit)
        app.router.add_post("/api/v1/payments", self.create_payment)
        app.router.add_get("/api/v1/payments/{reference}", self.payment)
        app.router.add_get("/api/v1/citizens/{citizen}/applications", self.list_applications)
        app.router.add_post("/api/v1/applications/{number}/certificate/resend", self.resend)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if self.down:
            return problem(503, "unavailable")
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return problem(401, "unauthorized")
        body = await request.json() if request.can_read_body else dict(request.query)
        self.calls.append((request.method, request.path, body))
        return await handler(request)

    async def catalog(self, request: web.Request) -> web.Response:
        services = [
            yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(Path(ROOT, "data", "services").glob("*.yml"))
        ]
        return web.json_response({"services": services}, headers={"ETag": '"v1"'})

    async def submit(self, request: web.Request) -> web.Response:
        number = "DL-TRA-2026-000042"
        self.applications.insert(
            0, {"number": number, "service": "learner_licence", "status": "payment_pending"}
        )
        fee = {"amount_paise": 15000, "label": {"en": "₹150", "hi": "₹150"}}
        return web.json_response(
            {"number": number, "status": "payment_pending", "status_label": {"en": "Payment pending", "hi": "भुगतान बाकी"},
             "decision_by": None, "fee": fee},
            status=201,
        )  # fmt: skip

    async def create_payment(self, request: web.Request) -> web.Response:
        body = await request.json()
        subject = body["subject"]
        key = subject.get("number") or subject.get("upic") or subject.get("k_number")
        found = self.payable.get(key)
        if found is None:
            return problem(404, "not_found")
        if isinstance(found[0], str):
            return problem(409, found[0])
        return web.json_response(checkout(body["provider"], *found), status=201)

    async def payment(self, request: web.Request) -> web.Response:
        if request.match_info["reference"] != REFERENCE:
            return problem(404, "not_found")
        return web.json_response(
            {"reference": REFERENCE, "status": self.payment_status, "amount_label": {"en": "₹150", "hi": "₹150"},
             "subject_label": {"en": "Learner licence DL-TRA-2026-000042", "hi": "लर्नर लाइसेंस DL-TRA-2026-000042"}}
        )  # fmt: skip

    async def list_applications(self, request: web.Request) -> web.Response:
        return web.json_response({"applications": self.applications})

    async def resend(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]
        mine = next((a for a in self.applications if a["number"] == number), None)
        if mine is None:
            return problem(404, "not_found")
        if mine["status"] != "issued":
            return problem(409, "not_issued")
        return web.json_response({"certificate": f"{number}-C1"}, status=202)
