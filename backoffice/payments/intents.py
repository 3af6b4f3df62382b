"""Opening payment intents so that one application or bill never has two live ones, and issuing checkouts."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backoffice.payments.effects import PaymentEffects, run_effect
from backoffice.payments.models import OPEN, PaymentIntent
from backoffice.payments.providers import Checkout, PaymentProvider
from backoffice.payments.references import new_reference
from catalog.fees import Charge


class IntentNotOpen(Exception):
    """The intent is already paid, flagged, refunded or closed: offering a way to pay it could charge twice."""


def live_intent(session: Session, subject_key: str) -> PaymentIntent | None:
    """Return the subject's open, paid, flagged or refunded intent, if there is one."""
    return session.scalar(select(PaymentIntent).where(PaymentIntent.live_subject == subject_key))


def open_intent(
    session: Session,
    charge: Charge,
    citizen: str,
    language: str,
    provider: str,
    effects: PaymentEffects,
) -> tuple[PaymentIntent, bool]:
    """Return the subject's one live intent and whether this call created it; commits.

    Two concurrent attempts both reach the INSERT; the UNIQUE `live_subject` lets only one commit,
    and the other reads and returns the winner's intent. Neither can create a second charge.
    """
    existing = live_intent(session, charge.subject_key)
    if existing is not None:
        return existing, False
    intent = PaymentIntent(
        reference=new_reference(),
        purpose=charge.purpose,
        subject_key=charge.subject_key,
        live_subject=charge.subject_key,
        application_id=charge.application_id,
        citizen=citizen,
        language=language,
        amount_paise=charge.total_paise,
        currency="INR",
        description=charge.description(language)[:200],
        lines=list(charge.lines),
        provider=provider,
        status=OPEN,
        expires_at=charge.valid_until,
    )
    session.add(intent)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = live_intent(session, charge.subject_key)
        if existing is None:
            raise
        return existing, False
    run_effect(
        "audit",
        intent,
        effects.audit,
        "payment.intent_opened",
        intent,
        {"amount_paise": intent.amount_paise, "subject": intent.subject_key, "provider": provider},
    )
    return intent, True


def issue_checkout(session: Session, intent: PaymentIntent, provider: PaymentProvider) -> Checkout:
    """Return the way to pay an open intent, creating it at the provider once; commits the link it gets."""
    session.refresh(intent)
    if intent.status != OPEN:
        raise IntentNotOpen(intent.reference)
    checkout = provider.checkout(intent)
    if checkout.gateway_link_id and intent.gateway_link_id is None:
        # Conditional, so a concurrent attempt's link (the same one: reference_id is unique) is not overwritten.
        session.execute(
            update(PaymentIntent)
            .where(PaymentIntent.id == intent.id, PaymentIntent.gateway_link_id.is_(None))
            .values(gateway_link_id=checkout.gateway_link_id, checkout_url=checkout.url)
        )
        session.commit()
        session.refresh(intent)
    return checkout
