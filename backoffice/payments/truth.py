"""What the payment provider says happened, asked by an authenticated status lookup (never taken from a callback)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backoffice.payments.razorpay import RazorpayClient

State = Literal["paid", "open", "failed", "closed"]


@dataclass(frozen=True)
class PaymentTruth:
    """The provider's answer: paid (with the amount it took), still open, a failed attempt, or closed unpaid."""

    state: State
    amount_paise: int = 0
    currency: str = "INR"
    payment_id: str | None = None
    method: str | None = None


def gateway_truth(client: RazorpayClient, link_id: str) -> PaymentTruth:
    """Ask Razorpay about one payment link and, when it is paid, about the payment that paid it."""
    link = client.fetch_payment_link(link_id)
    attempts = sorted(link.get("payments") or [], key=lambda p: p.get("created_at", 0))
    if link["status"] == "paid":
        # A refund later changes the payment's status, not the fact that it paid the link.
        captured = [p for p in attempts if p.get("status") in ("captured", "refunded")]
        if not captured:
            return PaymentTruth("open")
        payment = client.fetch_payment(captured[-1]["payment_id"])
        if payment.get("status") not in ("captured", "refunded"):
            return PaymentTruth("open")
        return PaymentTruth(
            "paid",
            int(payment["amount"]),
            payment.get("currency", "INR"),
            payment["id"],
            payment.get("method"),
        )
    if link["status"] in ("expired", "cancelled"):
        return PaymentTruth("closed")
    if attempts and attempts[-1].get("status") == "failed":
        return PaymentTruth(
            "failed", payment_id=attempts[-1]["payment_id"], method=attempts[-1].get("method")
        )
    return PaymentTruth("open")
