"""Reconciliation: look up every payment that has stayed open too long, and apply what the provider says.

This is what catches a lost webhook (or a bank that captured late). Its lookup is an authenticated
server-to-server call to the provider, the same one that backs every callback, so it may confirm a
payment on its own; such payments are marked `confirmed_via = reconciliation` in the intent and audit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.payments.effects import PaymentEffects
from backoffice.payments.models import OPEN, PaymentIntent, utcnow
from backoffice.payments.providers import PaymentProvider, intent_truth
from backoffice.payments.razorpay import GatewayError
from backoffice.payments.settlement import apply_truth

log = logging.getLogger(__name__)


def reconcile(
    session: Session,
    providers: dict[str, PaymentProvider],
    effects: PaymentEffects,
    stale_after: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
    limit: int = 200,
) -> dict[str, str]:
    """Look up open intents older than `stale_after`; return {reference: outcome} (the Celery beat task's body)."""
    cutoff = (now or utcnow()) - stale_after
    stuck = session.scalars(
        select(PaymentIntent)
        .where(PaymentIntent.status == OPEN, PaymentIntent.created_at < cutoff)
        .order_by(PaymentIntent.created_at)
        .limit(limit)
    ).all()
    outcomes: dict[str, str] = {}
    for intent in stuck:
        if intent.provider not in providers:
            outcomes[intent.reference] = "no_provider"
            continue
        try:
            truth = intent_truth(intent, providers)
        except (GatewayError, OSError) as exc:
            log.warning("reconciliation could not look up %s: %s", intent.reference, exc)
            outcomes[intent.reference] = "lookup_failed"
            continue
        outcomes[intent.reference] = apply_truth(session, intent, truth, "reconciliation", effects)
    return outcomes
