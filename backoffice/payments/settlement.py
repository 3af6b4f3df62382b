"""Applying a provider's looked-up truth to an intent, exactly once, and the effects that follow each change."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from backoffice.payments.effects import PaymentEffects, run_effect
from backoffice.payments.messages import text
from backoffice.payments.models import (
    CLOSED,
    FLAGGED,
    OPEN,
    PAID,
    PaymentIntent,
    PropertyTaxDemand,
    WaterBill,
    utcnow,
)
from backoffice.payments.truth import PaymentTruth
from catalog.money import display

_LEDGERS = {"property_tax_demands": PropertyTaxDemand, "water_bills": WaterBill}


def apply_truth(
    session: Session, intent: PaymentIntent, truth: PaymentTruth, via: str, effects: PaymentEffects
) -> str:
    """Move the intent as the lookup says and commit; return what happened.

    Every change is a conditional UPDATE on the intent's current status, so however many duplicate
    or concurrent callbacks arrive, only one of them moves the intent and runs the effects.
    Outcomes: confirmed, flagged, failed_attempt, closed, no_change.
    """
    session.refresh(intent)  # decide on the stored status, not on a possibly stale copy
    if truth.state == "paid":
        outcome = _settle_paid(session, intent, truth, via)
    elif truth.state == "failed":
        outcome = _record_failed_attempt(session, intent, truth)
    elif truth.state == "closed":
        outcome = _close(session, intent)
    else:
        outcome = "no_change"
    session.commit()
    if outcome != "no_change":
        session.refresh(intent)
        _after(intent, outcome, truth, via, effects)
    return outcome


def _move(session: Session, intent: PaymentIntent, from_status: str, **values) -> bool:
    result = session.execute(
        update(PaymentIntent)
        .where(PaymentIntent.id == intent.id, PaymentIntent.status == from_status)
        .values(updated_at=utcnow(), **values)
    )
    return result.rowcount == 1


def _settle_paid(session: Session, intent: PaymentIntent, truth: PaymentTruth, via: str) -> str:
    paid = {"payment_id": truth.payment_id, "amount_paid_paise": truth.amount_paise, "method": truth.method}
    if intent.status == CLOSED:
        # Money arrived after we gave up on the link (a late bank capture); the subject may already have
        # a new intent, so this one can only go to an officer for a refund.
        return (
            "flagged"
            if _move(session, intent, CLOSED, status=FLAGGED, settled_at=utcnow(), **paid)
            else "no_change"
        )
    matches = truth.amount_paise == intent.amount_paise and truth.currency == intent.currency
    if matches and _mark_ledgers_paid(session, intent):
        won = _move(session, intent, OPEN, status=PAID, confirmed_via=via, settled_at=utcnow(), **paid)
        if won:
            return "confirmed"
        session.rollback()  # someone else settled it first; undo our ledger marks
        return "no_change"
    session.rollback()
    return (
        "flagged"
        if _move(session, intent, OPEN, status=FLAGGED, settled_at=utcnow(), **paid)
        else "no_change"
    )


def _mark_ledgers_paid(session: Session, intent: PaymentIntent) -> bool:
    """Mark the bill rows this intent pays; False if one was meanwhile paid some other way (double payment)."""
    for item in intent.lines:
        if not item.get("ledger"):
            continue
        table, _, row_id = item["ledger"].partition(":")
        model = _LEDGERS[table]
        result = session.execute(
            update(model)
            .where(model.id == int(row_id), model.paid_reference.is_(None))
            .values(paid_reference=intent.reference)
        )
        if result.rowcount != 1:
            return False
    return True


def _record_failed_attempt(session: Session, intent: PaymentIntent, truth: PaymentTruth) -> str:
    if truth.payment_id is None or truth.payment_id == intent.last_failed_payment_id:
        return "no_change"
    won = _move(session, intent, OPEN, last_failed_payment_id=truth.payment_id)
    return "failed_attempt" if won else "no_change"


def _close(session: Session, intent: PaymentIntent) -> str:
    return "closed" if _move(session, intent, OPEN, status=CLOSED, live_subject=None) else "no_change"


def _after(
    intent: PaymentIntent, outcome: str, truth: PaymentTruth, via: str, effects: PaymentEffects
) -> None:
    detail = {
        "via": via,
        "amount_paise": intent.amount_paise,
        "paid_paise": truth.amount_paise,
        "payment_id": truth.payment_id,
        "method": truth.method,
    }
    what = intent.description
    amount = display(intent.amount_paise)
    run_effect("audit", intent, effects.audit, f"payment.{outcome}", intent, detail)
    if outcome == "confirmed":
        run_effect("payment_confirmed", intent, effects.payment_confirmed, intent)
        message = text("paid", intent.language, amount=amount, what=what, reference=intent.reference)
    elif outcome == "flagged":
        message = text("flagged", intent.language, amount=amount, what=what, reference=intent.reference)
    elif outcome == "failed_attempt":
        url = intent.checkout_url or ""
        message = text("failed_retry", intent.language, amount=amount, what=what, url=url)
    else:
        message = text("closed_retry", intent.language, what=what)
    run_effect("tell_citizen", intent, effects.tell_citizen, intent, message)
