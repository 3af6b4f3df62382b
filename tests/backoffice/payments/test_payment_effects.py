"""What the back-office does when the payment code reports a confirmed payment or a money movement."""

from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import verify_chain
from backoffice.extensions import db
from backoffice.payments.backoffice_effects import BackofficePaymentEffects
from backoffice.payments.models import PaymentIntent


def intent_for(application_id: int | None) -> PaymentIntent:
    return PaymentIntent(
        reference="SEVA-TEST-1", application_id=application_id, citizen="wa-fee", amount_paise=10000
    )


def test_a_confirmed_payment_moves_the_application_to_document_check_once(app, submitted):
    application_id = submitted(service="marriage_registration", citizen="wa-fee")
    effects = BackofficePaymentEffects()
    with app.app_context():
        assert db.session.get(Application, application_id).status == "payment_pending"
        effects.payment_confirmed(intent_for(application_id))
        effects.payment_confirmed(intent_for(application_id))  # a duplicate webhook
        application = db.session.get(Application, application_id)
        assert application.status == "document_check"
        assert [e.to_status for e in application.events].count("document_check") == 1


def test_money_movements_are_audited_in_the_chain(app):
    with app.app_context():
        BackofficePaymentEffects().audit("payment.captured", intent_for(None), {"amount_paise": 10000})
        entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert (entry.actor, entry.action, entry.subject) == (
            "system:payments",
            "payment.captured",
            "payment:SEVA-TEST-1",
        )
        assert verify_chain().intact
