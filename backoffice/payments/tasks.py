"""Celery tasks of payments: reconciliation on beat, the signed receipt, and the WhatsApp order message."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from backoffice.extensions import db
from backoffice.issuing.tasks import issue_then_deliver
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task
from backoffice.payments.assessed_fees import request_assessed_fee as request_fee
from backoffice.payments.orders import send_order
from backoffice.payments.receipts import issue_receipt
from backoffice.payments.reconciliation import reconcile
from backoffice.payments.refunds import RefundRefused, refund_withdrawn
from backoffice.payments.wiring import effects, gateway_client, providers, settings


@shared_task(name="backoffice.payments_tasks.reconcile_payments", ignore_result=True)
def reconcile_payments() -> dict[str, str]:
    """Look up every payment open longer than PAYMENT_STALE_MINUTES and apply what its provider says."""
    stale = timedelta(minutes=settings().stale_after_minutes)
    return reconcile(db.session, providers(), effects(), stale)


@shared_task(
    name="backoffice.payments_tasks.issue_payment_receipt",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def issue_payment_receipt(self, reference: str) -> str | None:
    """Issue the signed receipt of confirmed payment `reference`, then queue its delivery."""
    return issue_then_deliver(issue_receipt, reference)


@whatsapp_send_task("backoffice.payments_tasks.send_payment_order")
def send_payment_order(self, reference: str) -> str:
    """Send the WhatsApp `order_details` message of open payment `reference`, retried while Meta is busy."""
    return retry_while_meta_is_busy(self, send_order, reference)


@shared_task(
    name="backoffice.payments_tasks.refund_withdrawn_payment", bind=True, acks_late=True, max_retries=5,
    ignore_result=True,
)  # fmt: skip
def refund_withdrawn_payment(self, reference: str) -> str:
    """Refund payment `reference` in full: its application was withdrawn before the service started."""
    try:
        refund_withdrawn(db.session, reference, gateway_client(), effects())
    except RefundRefused as refused:
        if refused.code != "gateway":
            return refused.code  # refunded already, or nothing left: nothing to retry
        raise self.retry(exc=refused, countdown=30 * 2**self.request.retries) from refused
    return "refunded"


@shared_task(name="backoffice.payments_tasks.request_assessed_fee", bind=True, acks_late=True, max_retries=3,
             ignore_result=True)  # fmt: skip
def request_assessed_fee(self, application_id: int) -> str:
    """Ask the citizen to pay the fee an officer assessed on `application_id`."""
    return request_fee(application_id)
