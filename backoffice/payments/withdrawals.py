"""A withdrawn application's paid fee: refunded in full when the department had not started, else kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.payments.models import PAID, PaymentIntent
from catalog.money import display

# Named, not imported: the task module imports the refund code this starts.
REFUND_WITHDRAWN = "backoffice.payments_tasks.refund_withdrawn_payment"
REFUNDING, KEPT = "refunding", "kept"


def settle_withdrawal(application_id: int, service_started: bool) -> dict[str, Any] | None:
    """Queue the refund of the application's paid payments (after commit); None when nothing was paid.

    Answers what the citizen is told: `refunding` with the amount, or `kept` because the service had started.
    """
    paid = list(
        db.session.scalars(
            select(PaymentIntent).where(
                PaymentIntent.application_id == application_id, PaymentIntent.status == PAID
            )
        )
    )
    if not paid:
        return None
    amount = sum((p.amount_paid_paise or 0) - p.refunded_paise for p in paid)
    label = display(amount)
    if service_started:
        return {"outcome": KEPT, "amount_paise": amount, "amount_label": {"en": label, "hi": label}}
    for intent in paid:
        enqueue_after_commit(db.session(), REFUND_WITHDRAWN, intent.reference)
    return {"outcome": REFUNDING, "amount_paise": amount, "amount_label": {"en": label, "hi": label}}
