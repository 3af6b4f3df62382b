"""Provider callbacks: verify, deduplicate, look the payment up, then apply what the lookup says.

A callback is only a signal that something may have changed. Its body is never trusted for the
outcome: the outcome comes from an authenticated status lookup, so forged, duplicated or
out-of-order callbacks cannot confirm, undo or repeat anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backoffice.payments.effects import PaymentEffects, run_effect
from backoffice.payments.models import PaymentCallback, PaymentIntent
from backoffice.payments.providers import PaymentProvider, intent_truth
from backoffice.payments.razorpay import RazorpayClient
from backoffice.payments.settlement import apply_truth
from backoffice.payments.signatures import verify_redirect_signature, verify_webhook_signature
from backoffice.payments.whatsapp_pay import parse_payment_status

log = logging.getLogger(__name__)


class ForgedCallback(Exception):
    """The callback's signature does not verify; it was refused and changed nothing."""


def handle_razorpay_webhook(
    session: Session,
    raw_body: bytes,
    signature: str | None,
    event_id: str | None,
    webhook_secret: str,
    client: RazorpayClient,
    providers: dict[str, PaymentProvider],
    effects: PaymentEffects,
) -> str:
    """Handle one Razorpay webhook (raw body, `X-Razorpay-Signature`, `X-Razorpay-Event-Id`); return the outcome.

    Raises ForgedCallback for a bad signature (answer 400) and GatewayError when the lookup fails
    (answer 5xx so that Razorpay retries; nothing was recorded).
    """
    if not verify_webhook_signature(webhook_secret, raw_body, signature):
        run_effect("audit", None, effects.audit, "payment.callback_refused", None, {"provider": "razorpay"})
        raise ForgedCallback("X-Razorpay-Signature does not match the body")
    try:
        body = json.loads(raw_body)
        event = str(body["event"])
        payload = body.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        log.warning("signed Razorpay webhook without a readable event; ignored")
        return "ignored"
    event_id = event_id or hashlib.sha256(raw_body).hexdigest()
    reference = _razorpay_reference(payload, client)
    return _process(session, "razorpay", event_id, event, reference, providers, effects)


def handle_whatsapp_payment_status(
    session: Session,
    status: dict[str, Any],
    providers: dict[str, PaymentProvider],
    effects: PaymentEffects,
) -> str:
    """Handle one `payment` status the channel received in a Meta-signed webhook (already verified there)."""
    update = parse_payment_status(status)
    if update is None:
        return "ignored"
    return _process(
        session,
        "whatsapp",
        update.event_id,
        f"payment.{update.status}",
        update.reference_id,
        providers,
        effects,
    )


def intent_for_redirect(session: Session, params: dict[str, str], key_secret: str) -> PaymentIntent | None:
    """Return the intent a gateway redirect names, if its signature is genuine; it never changes anything.

    The browser came back from the hosted page, but only a signed webhook plus a lookup (or
    reconciliation's lookup) confirms a payment, so the page shows the intent's state as it is.
    """
    if not verify_redirect_signature(key_secret, params):
        return None
    reference = params.get("razorpay_payment_link_reference_id", "")
    return session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))


def _razorpay_reference(payload: dict[str, Any], client: RazorpayClient) -> str | None:
    link = (payload.get("payment_link") or {}).get("entity") or {}
    if link.get("reference_id"):
        return link["reference_id"]
    payment = (payload.get("payment") or {}).get("entity") or {}
    notes = payment.get("notes") if isinstance(payment.get("notes"), dict) else {}
    if notes.get("seva_reference"):
        return notes["seva_reference"]
    if payment.get("id"):
        # Not every payment carries the link's notes; the gateway can say which link the payment paid.
        links = client.find_payment_links_by_payment(payment["id"])
        return links[0]["reference_id"] if links else None
    return None


def _process(
    session: Session,
    provider_name: str,
    event_id: str,
    event: str,
    reference: str | None,
    providers: dict[str, PaymentProvider],
    effects: PaymentEffects,
) -> str:
    seen = select(PaymentCallback.id).where(
        PaymentCallback.provider == provider_name, PaymentCallback.event_id == event_id
    )
    if session.scalar(seen) is not None:
        return "duplicate"
    intent = (
        session.scalar(select(PaymentIntent).where(PaymentIntent.reference == reference))
        if reference
        else None
    )
    provider = providers.get(intent.provider) if intent is not None else None
    if intent is not None and provider is None:
        log.error(
            "no %s provider configured for %s; left to reconciliation", intent.provider, intent.reference
        )
        return "no_provider"
    # Look up before recording: if the lookup fails, the provider's retry must not be mistaken for a duplicate.
    truth = intent_truth(intent, providers) if intent is not None else None
    callback = PaymentCallback(
        provider=provider_name, event_id=event_id[:200], event=event[:60], reference=reference
    )
    callback.outcome = "unknown_reference" if intent is None else "received"
    session.add(callback)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return "duplicate"
    if intent is None or truth is None:
        log.warning("%s callback %s for an unknown reference", provider_name, event)
        return "unknown_reference"
    outcome = apply_truth(session, intent, truth, "callback", effects)
    callback.outcome = outcome
    session.commit()
    return outcome
