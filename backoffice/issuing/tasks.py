"""Celery tasks that issue a certificate once an application is approved and send it to the citizen."""

from __future__ import annotations

import logging
from functools import cache

from celery import shared_task

from backoffice.issuing.delivery import deliver
from backoffice.issuing.services import issue_acknowledgement, issue_for_application
from backoffice.notifications.tasks import retry_while_meta_is_busy
from certificates.issue import Issuer
from certificates.settings import CertificateSettings

log = logging.getLogger(__name__)


@cache
def worker_issuer() -> Issuer:
    """One issuer per worker process: keys, fonts and signers load once, not per certificate."""
    return Issuer(CertificateSettings.from_env())


@shared_task(
    name="backoffice.certificates_tasks.issue_certificate",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def issue_certificate(self, application_id: int) -> str | None:
    """Issue the certificate of approved `application_id`, then queue its delivery."""
    certificate = issue_for_application(application_id, worker_issuer())
    if certificate is None:
        return None
    deliver_certificate.delay(certificate.number)
    return certificate.number


@shared_task(
    name="backoffice.certificates_tasks.acknowledge_submission",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def acknowledge_submission(self, application_id: int) -> str | None:
    """Issue the signed acknowledgement of submitted `application_id`, then queue its delivery."""
    acknowledgement = issue_acknowledgement(application_id, worker_issuer())
    if acknowledgement is None:
        return None
    deliver_certificate.delay(acknowledgement.number)
    return acknowledgement.number


@shared_task(
    name="backoffice.certificates_tasks.deliver_certificate",
    bind=True,
    acks_late=True,
    max_retries=6,
    ignore_result=True,
)
def deliver_certificate(self, number: str) -> str:
    """Send certificate `number` to the citizen on WhatsApp, retried while Meta is busy or down."""
    return retry_while_meta_is_busy(self, deliver, number, worker_issuer().settings.verify_url)
