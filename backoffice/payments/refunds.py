"""Refunds recorded by an officer with the refund role: money goes back through the gateway, and is audited."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backoffice.payments.effects import PaymentEffects, run_effect
from backoffice.payments.messages import text
from backoffice.payments.models import FLAGGED, PAID, REFUNDED, PaymentIntent, Refund, utcnow
from backoffice.payments.razorpay import GatewayError, RazorpayClient
from catalog.money import display

# Roles (as the back-office names them) whose holders may refund: the department's approvers and admins.
REFUND_ROLES = frozenset({"approver", "admin"})


class RefundRefused(Exception):
    """The refund was not made; `code` says why: not_allowed, not_paid, bad_amount, no_reason, gateway."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def record_refund(
    session: Session,
    reference: str,
    amount_paise: int,
    reason: str,
    officer_id: int,
    officer_roles: Iterable[str],
    client: RazorpayClient,
    effects: PaymentEffects,
) -> Refund:
    """Refund part or all of a paid (or flagged) payment through the gateway, and record and audit it."""
    if not REFUND_ROLES.intersection(officer_roles):
        raise RefundRefused("not_allowed")
    return return_money(session, reference, amount_paise, reason, officer_id, client, effects)


def refund_withdrawn(
    session: Session, reference: str, client: RazorpayClient, effects: PaymentEffects
) -> Refund:
    """Return what is left of a payment in full because the citizen withdrew before the service started."""
    intent = session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    left = (intent.amount_paid_paise or 0) - intent.refunded_paise if intent is not None else 0
    reason = "Withdrawn by the citizen before the department started the service"
    return return_money(session, reference, left, reason, None, client, effects)


def return_money(
    session: Session,
    reference: str,
    amount_paise: int,
    reason: str,
    officer_id: int | None,
    client: RazorpayClient,
    effects: PaymentEffects,
) -> Refund:
    """Refund through the gateway, record, audit and tell the citizen; `officer_id` None means Seva itself."""
    if not reason.strip():
        raise RefundRefused("no_reason")
    intent = session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
    if intent is None or intent.status not in (PAID, FLAGGED) or not intent.payment_id:
        raise RefundRefused("not_paid")
    if amount_paise <= 0:
        raise RefundRefused("bad_amount")
    # Reserve the amount first, atomically, so two officers refunding at once cannot return more than was paid.
    reserved = session.execute(
        update(PaymentIntent)
        .where(
            PaymentIntent.id == intent.id,
            PaymentIntent.status.in_((PAID, FLAGGED)),
            PaymentIntent.refunded_paise + amount_paise <= PaymentIntent.amount_paid_paise,
        )
        .values(refunded_paise=PaymentIntent.refunded_paise + amount_paise, updated_at=utcnow())
    ).rowcount
    session.commit()
    if reserved != 1:
        raise RefundRefused("bad_amount", "more than is left to refund")
    try:
        gateway_refund = client.refund(intent.payment_id, amount_paise, {"seva_reference": reference})
    except GatewayError as exc:
        session.execute(
            update(PaymentIntent)
            .where(PaymentIntent.id == intent.id)
            .values(refunded_paise=PaymentIntent.refunded_paise - amount_paise)
        )
        session.commit()
        raise RefundRefused("gateway", exc.description) from exc
    refund = Refund(
        intent_id=intent.id,
        amount_paise=amount_paise,
        gateway_refund_id=gateway_refund.get("id"),
        officer_id=officer_id,
        reason=reason.strip()[:500],
    )
    session.add(refund)
    session.execute(
        update(PaymentIntent)
        .where(PaymentIntent.id == intent.id, PaymentIntent.refunded_paise >= PaymentIntent.amount_paid_paise)
        .values(status=REFUNDED)
    )
    session.commit()
    session.refresh(intent)
    detail = {
        "amount_paise": amount_paise,
        "officer_id": officer_id,
        "gateway_refund_id": refund.gateway_refund_id,
    }
    run_effect("audit", intent, effects.audit, "payment.refunded", intent, detail)
    message = text(
        "refunded",
        intent.language,
        amount=display(amount_paise),
        what=intent.description,
        reference=reference,
    )
    run_effect("tell_citizen", intent, effects.tell_citizen, intent, message)
    return refund
