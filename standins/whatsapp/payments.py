"""WhatsApp payments (India) as Meta runs them: orders sent as `order_details`, their lookup, and payment statuses.

The business sends an order; the citizen pays inside WhatsApp (here: the phone page or the control API); Meta
then posts a `statuses[]` item of `type: payment` and answers `GET /{phone_number_id}/payments/{configuration}/
{reference_id}` with the order's payment and transactions. Amounts are integers with an offset (100 = paise).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from .errors import GraphError, unknown_object

METHODS = ("upi", "card", "netbanking")
OUTCOMES = {"success": "captured", "failed": "failed", "pending": "pending"}


class PaymentRefused(ValueError):
    """A control-API payment the stand-in cannot make (unknown order, already paid, bad outcome)."""


@dataclass
class Transaction:
    """One attempt to pay an order."""

    id: str
    status: str  # pending | success | failed
    method: str
    value: int  # in the order's offset units
    created: int
    updated: int

    def as_json(self, offset: int, currency: str) -> dict:
        """The transaction as the lookup shows it."""
        return {
            "id": self.id,
            "type": "razorpay",
            "status": self.status,
            "created_timestamp": self.created,
            "updated_timestamp": self.updated,
            "amount": {"value": self.value, "offset": offset},
            "currency": currency,
            "method": {"type": self.method},
        }


@dataclass
class Order:
    """One `review_and_pay` order the business sent, and what happened to it."""

    reference_id: str
    phone_number_id: str
    configuration_name: str
    wa_id: str
    wamid: str
    value: int
    offset: int
    currency: str
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def status(self) -> str:
        """captured once a transaction succeeded; else the last attempt's state; pending before any."""
        if any(t.status == "success" for t in self.transactions):
            return "captured"
        return OUTCOMES.get(self.transactions[-1].status, "pending") if self.transactions else "pending"

    def lookup(self) -> dict:
        """The Graph API's answer to the payment lookup of this order."""
        payment = {
            "reference_id": self.reference_id,
            "status": self.status,
            "currency": self.currency,
            "amount": {"value": self.value, "offset": self.offset},
            "transactions": [t.as_json(self.offset, self.currency) for t in self.transactions],
        }
        return {"payments": [payment]}

    def status_item(self, transaction: Transaction) -> dict:
        """The `statuses[]` item Meta posts for a transaction of this order."""
        return {
            "id": self.wamid,
            "status": OUTCOMES[transaction.status],
            "timestamp": str(transaction.updated),
            "recipient_id": self.wa_id,
            "type": "payment",
            "payment": {
                "reference_id": self.reference_id,
                "amount": {"value": transaction.value, "offset": self.offset},
                "currency": self.currency,
                "transaction": {
                    "id": transaction.id,
                    "type": "razorpay",
                    "status": transaction.status,
                    "method": {"type": transaction.method},
                },
            },
        }


class Payments:
    """Every order sent through this stand-in, by reference id."""

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}

    def reset(self) -> None:
        """Forget every order."""
        self.orders.clear()

    def remember(self, phone_number_id: str, wa_id: str, wamid: str, interactive: dict) -> None:
        """Record a sent `order_details`; the same reference for another amount is refused, as Meta does."""
        parameters = interactive["action"]["parameters"]
        total = parameters["total_amount"]
        gateway = parameters["payment_settings"][0]["payment_gateway"]
        reference = parameters["reference_id"]
        known = self.orders.get(reference)
        if known is not None and (known.value, known.offset) != (total["value"], total["offset"]):
            raise GraphError(
                131009, f"reference_id {reference} was already used for an order of another amount"
            )
        if known is not None:
            known.wamid = wamid  # the same order sent again: the newest message carries its statuses
            return
        self.orders[reference] = Order(
            reference, phone_number_id, gateway["configuration_name"], wa_id, wamid,
            int(total["value"]), int(total["offset"]), parameters.get("currency", "INR"),
        )  # fmt: skip

    def lookup(self, phone_number_id: str, configuration_name: str, reference: str) -> dict:
        """`GET /{phone_number_id}/payments/{configuration_name}/{reference_id}`, or Meta's unknown-object error."""
        order = self.orders.get(reference)
        if order is None or (order.phone_number_id, order.configuration_name) != (
            phone_number_id,
            configuration_name,
        ):
            raise unknown_object(reference, "get")
        return order.lookup()

    def pay(
        self, reference: str, outcome: str, method: str, value: int | None = None
    ) -> tuple[Order, Transaction]:
        """The citizen pays (or fails to pay) the order; `value` simulates an amount other than the order's."""
        order = self.orders.get(reference)
        if order is None:
            raise PaymentRefused(f"no order with reference_id {reference}")
        if outcome not in OUTCOMES:
            raise PaymentRefused(f"outcome must be one of {', '.join(OUTCOMES)}")
        if method not in METHODS:
            raise PaymentRefused(f"method must be one of {', '.join(METHODS)}")
        if order.status == "captured":
            raise PaymentRefused(f"order {reference} is already paid")
        now = int(time.time())
        transaction = Transaction(
            f"pay_{secrets.token_hex(7)}", outcome, method, order.value if value is None else value, now, now
        )
        order.transactions.append(transaction)
        return order, transaction

    def last(self, reference: str) -> tuple[Order, Transaction]:
        """The order and its latest transaction, to post its status again (a duplicate webhook)."""
        order = self.orders.get(reference)
        if order is None or not order.transactions:
            raise PaymentRefused(f"no payment attempt for reference_id {reference}")
        return order, order.transactions[-1]
