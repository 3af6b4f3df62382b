"""The back-office side of `backoffice.payments.effects.PaymentEffects`: audit, move the application, receipt, tell."""

from __future__ import annotations

from typing import Any

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit
from backoffice.payments.models import PaymentIntent

PAYMENTS = Actor("system", "payments")
# Named, not imported: the payment tasks build these effects.
ISSUE_PAYMENT_RECEIPT = "backoffice.payments_tasks.issue_payment_receipt"


class BackofficePaymentEffects:
    """Hooks the payment code calls after each committed change (needs an app context)."""

    def audit(self, action: str, intent: PaymentIntent | None, detail: dict[str, Any]) -> None:
        """Write one audit-log entry for a money movement or a refused callback."""
        subject = f"payment:{intent.reference}" if intent is not None else "payment:-"
        audit.record(PAYMENTS, action, subject, detail)
        db.session.commit()

    def payment_confirmed(self, intent: PaymentIntent) -> None:
        """Move a paid application on to document check, then issue and send the signed receipt."""
        application = db.session.get(Application, intent.application_id) if intent.application_id else None
        # A tax or a bill has no application; a duplicate confirmation, or one for an application
        # withdrawn meanwhile, moves nothing.
        if application is not None and application.status == workflow.PAYMENT_PENDING:
            # A fee assessed during review sends the application back to its reviewer, not to document check.
            move = "assessed_fee_paid" if intent.purpose == "assessed_fee" else "check_documents"
            workflow.transition(application, move, PAYMENTS)
        # Through the outbox: a broker outage at this moment must not cost the citizen their receipt.
        enqueue_after_commit(db.session(), ISSUE_PAYMENT_RECEIPT, intent.reference)
        db.session.commit()

    def tell_citizen(self, intent: PaymentIntent, text: str) -> None:
        """Queue `text` for the citizen on WhatsApp."""
        from backoffice.notifications.tasks import send_citizen_text

        send_citizen_text.delay(intent.citizen, text)
