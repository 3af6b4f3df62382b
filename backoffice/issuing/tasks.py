"""Celery tasks that issue a certificate once an application is approved and send it to the citizen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from celery import shared_task

from backoffice.issuing.delivery import deliver
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import issue_acknowledgement, issue_for_application
from backoffice.notifications.tasks import retry_while_meta_is_busy, whatsapp_send_task
from certificates.issue import Issuer
from certificates.settings import CertificateSettings

log = logging.getLogger(__name__)


@cache
def worker_issuer() -> Issuer:
    """One issuer per worker process: keys, fonts and signers load once, not per certificate."""
    return Issuer(CertificateSettings.from_env())


def issue_then_deliver(issue: Callable[[Any, Issuer], Certificate | None], subject: Any) -> str | None:
    """Issue a paper about `subject` with the worker's issuer and queue its delivery: its number, or None if none was due."""
    paper = issue(subject, worker_issuer())
    if paper is None:
        return None
    deliver_certificate.delay(paper.number)
    return paper.number


@shared_task(
    name="backoffice.certificates_tasks.issue_certificate",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def issue_certificate(self, application_id: int) -> str | None:
    """Issue the certificate of approved `application_id`, then queue its delivery."""
    return issue_then_deliver(issue_for_application, application_id)


@shared_task(
    name="backoffice.certificates_tasks.acknowledge_submission",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def acknowledge_submission(self, application_id: int) -> str | None:
    """Issue the signed acknowledgement of submitted `application_id`, then queue its delivery."""
    return issue_then_deliver(issue_acknowledgement, application_id)


@whatsapp_send_task("backoffice.certificates_tasks.deliver_certificate")
def deliver_certificate(self, number: str) -> str:
    """Send certificate `number` to the citizen on WhatsApp, retried while Meta is busy or down."""
    return retry_while_meta_is_busy(self, deliver, number, worker_issuer().settings.verify_url)
