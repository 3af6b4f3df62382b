"""WhatsApp payments (India): the `order_details` message, its `payment` status webhook, and the lookup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from backoffice.payments.razorpay import GatewayError
from backoffice.payments.truth import PaymentTruth

OFFSET = 100  # WhatsApp amounts are integers with an offset: value 15050 with offset 100 is Rs 150.50
MAX_REFERENCE = 35


def _money(paise: int) -> dict[str, int]:
    return {"value": paise, "offset": OFFSET}


def order_details(
    reference: str,
    body_text: str,
    lines: list[dict[str, Any]],
    configuration_name: str,
    language: str = "en",
    gateway: str = "razorpay",
) -> dict[str, Any]:
    """Return the `interactive` object of a `review_and_pay` order for our payment lines (rebates as discount)."""
    if len(reference) > MAX_REFERENCE:
        raise ValueError("WhatsApp's reference_id allows at most 35 characters")
    label = "label_hi" if language == "hi" else "label_en"
    items = [
        {
            "retailer_id": line["code"],
            "name": line[label][:60],
            "amount": _money(line["amount_paise"]),
            "quantity": 1,
        }
        for line in lines
        if line["amount_paise"] > 0
    ]
    subtotal = sum(line["amount_paise"] for line in lines if line["amount_paise"] > 0)
    discount = -sum(line["amount_paise"] for line in lines if line["amount_paise"] < 0)
    order: dict[str, Any] = {
        "status": "pending",
        "items": items,
        "subtotal": _money(subtotal),
        "tax": _money(0),
    }
    if discount:
        order["discount"] = {**_money(discount), "description": "Rebate"}
    return {
        "type": "order_details",
        "body": {"text": body_text[:1024]},
        "action": {
            "name": "review_and_pay",
            "parameters": {
                "reference_id": reference,
                "type": "digital-goods",
                "payment_settings": [
                    {
                        "type": "payment_gateway",
                        "payment_gateway": {"type": gateway, "configuration_name": configuration_name},
                    }
                ],
                "currency": "INR",
                "total_amount": _money(subtotal - discount),
                "order": order,
            },
        },
    }


@dataclass(frozen=True)
class WhatsAppPaymentStatus:
    """One `payment` status from the webhook: a hint to look the payment up, never a confirmation."""

    event_id: str
    reference_id: str
    status: str
    transaction_id: str | None
    transaction_status: str | None


def parse_payment_status(status: dict[str, Any]) -> WhatsAppPaymentStatus | None:
    """Read a webhook status object of `type: payment`; None for any other status or a malformed one."""
    if status.get("type") != "payment" or not isinstance(status.get("payment"), dict):
        return None
    payment = status["payment"]
    reference = payment.get("reference_id")
    if not isinstance(reference, str) or not reference:
        return None
    transaction = payment.get("transaction") if isinstance(payment.get("transaction"), dict) else {}
    event_id = ":".join(
        str(part)
        for part in (status.get("id"), status.get("status"), transaction.get("id"), transaction.get("status"))
    )
    return WhatsAppPaymentStatus(
        event_id=event_id,
        reference_id=reference,
        status=str(status.get("status", "")),
        transaction_id=transaction.get("id"),
        transaction_status=transaction.get("status"),
    )


@dataclass
class WhatsAppPaymentLookup:
    """Asks the Graph API `GET /{phone_number_id}/payments/{configuration}/{reference_id}` for the truth."""

    graph_url: str
    api_version: str
    access_token: str
    phone_number_id: str
    configuration_name: str
    timeout: float = 10.0

    def truth(self, reference: str) -> PaymentTruth:
        """Return what WhatsApp says about the order `reference`."""
        url = (
            f"{self.graph_url.rstrip('/')}/{self.api_version}/{self.phone_number_id}"
            f"/payments/{self.configuration_name}/{reference}"
        )
        try:
            response = httpx.get(
                url, headers={"Authorization": f"Bearer {self.access_token}"}, timeout=self.timeout
            )
            response.raise_for_status()
            return truth_from_lookup(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            status = exc.response.status_code if isinstance(exc, httpx.HTTPStatusError) else 0
            raise GatewayError(status, "WHATSAPP_LOOKUP_FAILED", str(exc)) from exc


def truth_from_lookup(body: dict[str, Any]) -> PaymentTruth:
    """Turn the Graph API's payment lookup answer into a PaymentTruth."""
    payments = body.get("payments") or []
    if not payments:
        return PaymentTruth("open")
    payment = payments[0]
    transactions = payment.get("transactions") or []
    succeeded = [t for t in transactions if t.get("status") == "success"]
    if payment.get("status") == "captured" and succeeded:
        # What the citizen was charged is the transaction's amount; the payment's is the order's total.
        amount = succeeded[-1].get("amount") or payment.get("amount") or {}
        paise = int(amount.get("value", 0)) * 100 // int(amount.get("offset", OFFSET))
        method = (succeeded[-1].get("method") or {}).get("type")
        return PaymentTruth("paid", paise, payment.get("currency", "INR"), succeeded[-1].get("id"), method)
    if transactions and transactions[-1].get("status") == "failed":
        return PaymentTruth("failed", payment_id=transactions[-1].get("id"))
    return PaymentTruth("open")
