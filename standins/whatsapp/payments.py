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

    def __init__(self, text: str, http_status: int = 409):
        super().__init__(text)
        self.http_status = http_status


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
    items: list[dict] = field(default_factory=list)  # name, amount {value, offset}, quantity, as sent
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


Key = tuple[str, str, str]  # phone_number_id, configuration_name, reference_id


class Payments:
    """Every order sent through this stand-in; a reference id is unique per number and payment configuration."""

    def __init__(self) -> None:
        self.orders: dict[Key, Order] = {}

    def reset(self) -> None:
        """Forget every order."""
        self.orders.clear()

    def remember(self, phone_number_id: str, wa_id: str, wamid: str, interactive: dict) -> None:
        """Record a sent `order_details`; the same reference for another amount is refused, as Meta does."""
        parameters = interactive["action"]["parameters"]
        total = parameters["total_amount"]
        gateway = parameters["payment_settings"][0]["payment_gateway"]
        reference = parameters["reference_id"]
        key = (phone_number_id, gateway["configuration_name"], reference)
        known = self.orders.get(key)
        if known is not None and (known.value, known.offset) != (total["value"], total["offset"]):
            raise GraphError(
                131009, f"reference_id {reference} was already used for an order of another amount"
            )
        if known is not None:
            # The same order sent again: the newest message (and its recipient) carries its statuses.
            known.wamid, known.wa_id = wamid, wa_id
            return
        items = [
            {"name": item.get("name"), "amount": item.get("amount"), "quantity": item.get("quantity", 1)}
            for item in parameters.get("order", {}).get("items", [])
        ]
        self.orders[key] = Order(
            reference, phone_number_id, gateway["configuration_name"], wa_id, wamid,
            int(total["value"]), int(total["offset"]), parameters.get("currency", "INR"), items,
        )  # fmt: skip

    def lookup(self, phone_number_id: str, configuration_name: str, reference: str) -> dict:
        """`GET /{phone_number_id}/payments/{configuration_name}/{reference_id}`, or Meta's unknown-object error."""
        order = self.orders.get((phone_number_id, configuration_name, reference))
        if order is None:
            raise unknown_object(reference, "get")
        return order.lookup()

    def find(
        self, reference: str, phone_number_id: str | None = None, configuration: str | None = None
    ) -> Order:
        """The one order with this reference (narrowed by number and configuration when several share it)."""
        found = [
            order
            for (number, config, ref), order in self.orders.items()
            if ref == reference and phone_number_id in (None, number) and configuration in (None, config)
        ]
        if not found:
            raise PaymentRefused(f"no order with reference_id {reference}", 404)
        if len(found) > 1:
            raise PaymentRefused(
                f"reference_id {reference} was sent by several numbers or configurations; say phone_number_id and configuration_name"
            )
        return found[0]

    def pay(self, order: Order, outcome: str, method: str, paise: int | None = None) -> Transaction:
        """The citizen pays (or fails to pay) the order; `paise` simulates an amount other than the order's."""
        if outcome not in OUTCOMES:
            raise PaymentRefused(f"outcome must be one of {', '.join(OUTCOMES)}", 400)
        if method not in METHODS:
            raise PaymentRefused(f"method must be one of {', '.join(METHODS)}", 400)
        if order.status == "captured":
            raise PaymentRefused(f"order {order.reference_id} is already paid")
        value = order.value if paise is None else paise * order.offset // 100
        now = int(time.time())
        transaction = Transaction(f"pay_{secrets.token_hex(7)}", outcome, method, value, now, now)
        order.transactions.append(transaction)
        return transaction

    def last(self, order: Order) -> Transaction:
        """The order's latest transaction, to post its status again (a duplicate webhook)."""
        if not order.transactions:
            raise PaymentRefused(f"no payment attempt for reference_id {order.reference_id}")
        return order.transactions[-1]
