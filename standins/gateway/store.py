"""The stand-in's in-memory books: payment links, payments and refunds, and the events each change raises."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

_ID_ALPHABET = string.ascii_letters + string.digits
METHODS = ("upi", "card", "netbanking")
OUTCOMES = ("paid", "failed", "pending")
# Razorpay requires expire_by at least 15 minutes ahead of now.
MIN_EXPIRY_SECONDS = 15 * 60


class InputError(Exception):
    """A request Razorpay would refuse with BAD_REQUEST_ERROR; `field` names the offending input."""

    def __init__(self, description: str, field: str | None = None, reason: str = "input_validation_failed"):
        super().__init__(description)
        self.description = description
        self.field = field
        self.reason = reason


def new_id(prefix: str) -> str:
    """Return a Razorpay-style id: a prefix and 14 random letters and digits."""
    return f"{prefix}_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(14))


Event = tuple[str, dict[str, Any]]


@dataclass
class Books:
    """Links, payments and refunds by id; every change returns the webhook events it raises."""

    public_url: str
    links: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    link_of_payment: dict[str, str] = field(default_factory=dict)

    def create_link(self, body: dict[str, Any]) -> dict[str, Any]:
        """Validate a `POST /v1/payment_links` body as Razorpay does and create the link."""
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise InputError("The amount must be an integer.", "amount")
        if amount < 100:
            raise InputError("The amount must be atleast INR 1.00.", "amount")
        currency = body.get("currency", "INR")
        if currency != "INR":
            raise InputError("The currency is not supported by the stand-in.", "currency")
        if body.get("accept_partial"):
            raise InputError("Partial payments are not supported by the stand-in.", "accept_partial")
        reference = body.get("reference_id")
        if reference is not None:
            if not isinstance(reference, str) or not 0 < len(reference) <= 40:
                raise InputError("The reference id may not be greater than 40 characters.", "reference_id")
            if any(link["reference_id"] == reference for link in self.links.values()):
                raise InputError(f"Payment Link with reference id {reference} already exists", "reference_id")
        description = body.get("description", "")
        if not isinstance(description, str) or len(description) > 2048:
            raise InputError("The description may not be greater than 2048 characters.", "description")
        notes = body.get("notes") or {}
        if not isinstance(notes, dict) or len(notes) > 15:
            raise InputError("The notes may not have more than 15 items.", "notes")
        now = int(time.time())
        expire_by = body.get("expire_by") or 0
        if expire_by and (not isinstance(expire_by, int) or expire_by < now + MIN_EXPIRY_SECONDS):
            raise InputError(
                "The expire by date should be at least 15 minutes after current time.", "expire_by"
            )
        link_id = new_id("plink")
        order_id = new_id("order")
        self.orders[order_id] = {
            "id": order_id, "entity": "order", "amount": amount, "amount_paid": 0, "amount_due": amount,
            "currency": currency, "receipt": reference, "offer_id": None, "status": "created", "attempts": 0,
            "notes": notes, "created_at": now,
        }  # fmt: skip
        link = {
            "id": link_id, "accept_partial": False, "amount": amount, "amount_paid": 0,
            "callback_method": body.get("callback_method", "get") if body.get("callback_url") else "",
            "callback_url": body.get("callback_url", ""), "cancelled_at": 0, "created_at": now,
            "currency": currency, "customer": body.get("customer") or {}, "description": description,
            "expire_by": expire_by, "expired_at": 0, "first_min_partial_amount": 0, "notes": notes,
            "notify": body.get("notify") or {"email": False, "sms": False}, "order_id": order_id,
            "payments": None, "reference_id": reference or "", "reminder_enable": bool(body.get("reminder_enable")),
            "reminders": [], "short_url": f"{self.public_url}/pay/{link_id}", "status": "created",
            "updated_at": now, "upi_link": bool(body.get("upi_link")), "user_id": "",
        }  # fmt: skip
        self.links[link_id] = link
        return link

    def link(self, link_id: str) -> dict[str, Any]:
        """Return a link, marking it expired once its `expire_by` has passed unpaid."""
        link = self.links.get(link_id)
        if link is None:
            raise InputError("The id provided does not exist", "id", "invalid_id")
        now = int(time.time())
        if link["status"] == "created" and link["expire_by"] and link["expire_by"] < now:
            self._close(link, "expired", now)
        return link

    def payment(self, payment_id: str) -> dict[str, Any]:
        """Return a payment by id."""
        payment = self.payments.get(payment_id)
        if payment is None:
            raise InputError("The id provided does not exist", "id", "invalid_id")
        return payment

    def expire(self, link_id: str) -> dict[str, Any]:
        """Expire an unpaid link now (what time would do at `expire_by`)."""
        link = self.link(link_id)
        if link["status"] != "created":
            raise InputError(f"Payment link cannot be expired from status {link['status']}", "status")
        self._close(link, "expired", int(time.time()))
        return link

    def cancel(self, link_id: str) -> dict[str, Any]:
        """`POST /v1/payment_links/{id}/cancel`: close an unpaid link."""
        link = self.link(link_id)
        if link["status"] != "created":
            raise InputError(f"Payment link cannot be cancelled from status {link['status']}", "status")
        self._close(link, "cancelled", int(time.time()))
        return link

    def attempt(
        self, link_id: str, outcome: str, method: str, amount: int | None = None
    ) -> tuple[dict, list[Event]]:
        """Let the payer try to pay a link: it is paid, fails, or stays pending at the bank (authorized)."""
        if outcome not in OUTCOMES:
            raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}", "outcome")
        if method not in METHODS:
            raise InputError(f"method must be one of {', '.join(METHODS)}", "method")
        link = self.link(link_id)
        if link["status"] != "created":
            raise InputError(f"This payment link is {link['status']} and cannot be paid", "status")
        now = int(time.time())
        order = self.orders[link["order_id"]]
        order["attempts"] += 1
        order["status"] = "attempted"
        payment = self._new_payment(link, method, amount if amount is not None else link["amount"], now)
        link["payments"] = [*(link["payments"] or []), self._attempt_row(payment, link)]
        if outcome == "failed":
            payment.update(
                status="failed", error_code="BAD_REQUEST_ERROR", error_source="customer",
                error_description="Payment failed because the payer's bank declined it.",
                error_step="payment_authorization", error_reason="payment_declined",
            )  # fmt: skip
            self._sync_row(link, payment, now)
            return payment, [("payment.failed", {"payment": payment})]
        payment["status"] = "authorized"
        self._sync_row(link, payment, now)
        if outcome == "pending":
            return payment, [("payment.authorized", {"payment": payment})]
        return payment, self.capture(payment["id"])

    def capture(self, payment_id: str) -> list[Event]:
        """Capture an authorized payment: the link and its order become paid."""
        payment = self.payment(payment_id)
        if payment["status"] != "authorized":
            raise InputError("This payment has already been captured or has failed", "payment_id")
        now = int(time.time())
        payment.update(status="captured", captured=True)
        link = self.links[self.link_of_payment[payment_id]]
        link["amount_paid"] += payment["amount"]
        link["status"] = "paid"
        link["updated_at"] = now
        self._sync_row(link, payment, now)
        order = self.orders[link["order_id"]]
        order.update(status="paid", amount_paid=order["amount_paid"] + payment["amount"], amount_due=0)
        return [
            ("payment.captured", {"payment": payment}),
            ("payment_link.paid", {"payment_link": link, "order": order, "payment": payment}),
        ]

    def refund(self, payment_id: str, amount: int | None, notes: dict[str, Any]) -> tuple[dict, list[Event]]:
        """`POST /v1/payments/{id}/refund`: return some or all of a captured payment."""
        payment = self.payment(payment_id)
        if payment["status"] not in ("captured", "refunded") or not payment["captured"]:
            raise InputError("The payment has not been captured", "payment_id")
        left = payment["amount"] - payment["amount_refunded"]
        amount = left if amount is None else amount
        if not isinstance(amount, int) or amount < 100 or amount > left:
            raise InputError("The refund amount provided is greater than amount captured", "amount")
        now = int(time.time())
        refund = {
            "id": new_id("rfnd"), "entity": "refund", "amount": amount, "currency": payment["currency"],
            "payment_id": payment_id, "notes": notes or {}, "receipt": None, "acquirer_data": {"arn": None},
            "created_at": now, "batch_id": None, "status": "processed", "speed_processed": "normal",
            "speed_requested": "normal",
        }  # fmt: skip
        self.refunds[refund["id"]] = refund
        payment["amount_refunded"] += amount
        payment["refund_status"] = "full" if payment["amount_refunded"] == payment["amount"] else "partial"
        if payment["refund_status"] == "full":
            payment["status"] = "refunded"
        return refund, [("refund.processed", {"refund": refund, "payment": payment})]

    def _new_payment(self, link: dict, method: str, amount: int, now: int) -> dict[str, Any]:
        payment = {
            "id": new_id("pay"), "entity": "payment", "amount": amount, "currency": link["currency"],
            "status": "created", "order_id": link["order_id"], "invoice_id": None, "international": False,
            "method": method, "amount_refunded": 0, "refund_status": None, "captured": False,
            "description": link["description"], "card_id": None,
            "bank": "HDFC" if method == "netbanking" else None, "wallet": None,
            "vpa": "payer@okstandin" if method == "upi" else None,
            "email": link["customer"].get("email", ""), "contact": link["customer"].get("contact", ""),
            "notes": dict(link["notes"]), "fee": amount * 2 // 100,
            "tax": amount * 2 // 100 * 18 // 100, "error_code": None, "error_description": None,
            "error_source": None, "error_step": None, "error_reason": None,
            "acquirer_data": {"rrn": str(secrets.randbelow(10**12)).zfill(12)} if method == "upi" else {},
            "created_at": now,
        }  # fmt: skip
        self.payments[payment["id"]] = payment
        self.link_of_payment[payment["id"]] = link["id"]
        return payment

    @staticmethod
    def _attempt_row(payment: dict, link: dict) -> dict[str, Any]:
        return {
            "amount": payment["amount"], "created_at": payment["created_at"], "method": payment["method"],
            "payment_id": payment["id"], "plink_id": link["id"], "status": payment["status"],
            "updated_at": payment["created_at"],
        }  # fmt: skip

    @staticmethod
    def _sync_row(link: dict, payment: dict, now: int) -> None:
        for row in link["payments"] or []:
            if row["payment_id"] == payment["id"]:
                row.update(status=payment["status"], updated_at=now)

    @staticmethod
    def _close(link: dict, status: str, now: int) -> None:
        link["status"] = status
        link["updated_at"] = now
        link["expired_at" if status == "expired" else "cancelled_at"] = now
