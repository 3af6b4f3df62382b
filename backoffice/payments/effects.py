"""What the rest of Seva does when money moves: audit it, move the application on, send receipt and messages."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from backoffice.payments.models import PaymentIntent

log = logging.getLogger(__name__)


class PaymentEffects(Protocol):
    """Hooks the back-office implements; each is called once per change, after the change is committed.

    Implementations should hand slow or fallible work (PDF receipts, WhatsApp sends) to Celery, because
    the payment state is already final when they run and a failure here does not undo it.
    """

    def audit(self, action: str, intent: PaymentIntent | None, detail: dict[str, Any]) -> None:
        """Write one audit-log entry for a money movement or a refused callback."""
        ...

    def payment_confirmed(self, intent: PaymentIntent) -> None:
        """Move the application on (if any) and issue and send the signed PDF receipt."""
        ...

    def tell_citizen(self, intent: PaymentIntent, text: str) -> None:
        """Send `text` (already in the citizen's language) to the citizen on WhatsApp."""
        ...


def run_effect(name: str, intent: PaymentIntent | None, call, *args: Any) -> None:
    """Run one effect, logging (never raising) a failure: the committed payment state must stand."""
    try:
        call(*args)
    except Exception:
        log.exception("payment effect %s failed for %s", name, intent.reference if intent else "-")
