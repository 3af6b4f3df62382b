"""Celery tasks that issue a certificate once an application is approved and send it to the citizen."""

from __future__ import annotations

import logging
from functools import cache

from celery import shared_task
from sqlalchemy import event
from sqlalchemy.orm import Session

from backoffice.certificate_delivery import deliver
from backoffice.certificate_issuing import issue_acknowledgement, issue_for_application
from backoffice.notifications.tasks import retry_while_meta_is_busy
from certificates.issue import Issuer
from certificates.settings import CertificateSettings

log = logging.getLogger(__name__)
# Where the workflow leaves approved application ids during a transaction.
PENDING_KEY = "seva_issue"


@cache
def worker_issuer() -> Issuer:
    """One issuer per worker process: keys, fonts and signers load once, not per certificate."""
    return Issuer(CertificateSettings.from_env())


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True)
def issue_certificate(self, application_id: int) -> str | None:
    """Issue the certificate of approved `application_id`, then queue its delivery."""
    certificate = issue_for_application(application_id, worker_issuer())
    if certificate is None:
        return None
    deliver_certificate.delay(certificate.number)
    return certificate.number


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True)
def acknowledge_submission(self, application_id: int) -> str | None:
    """Issue the signed acknowledgement of submitted `application_id`, then queue its delivery."""
    acknowledgement = issue_acknowledgement(application_id, worker_issuer())
    if acknowledgement is None:
        return None
    deliver_certificate.delay(acknowledgement.number)
    return acknowledgement.number


@shared_task(bind=True, acks_late=True, max_retries=6, ignore_result=True)
def deliver_certificate(self, number: str) -> str:
    """Send certificate `number` to the citizen on WhatsApp, retried while Meta is busy or down."""
    return retry_while_meta_is_busy(self, deliver, number, worker_issuer().settings.verify_url)


def queue_after_commit(session: Session, application_id: int, paper: str = "certificate") -> None:
    """Ask for the `paper` (certificate or acknowledgement) of `application_id` once `session` commits.

    A rolled-back approval or submission issues nothing.
    """
    session.info.setdefault(PENDING_KEY, []).append((paper, application_id))


def _send_pending(session: Session) -> None:
    for paper, application_id in session.info.pop(PENDING_KEY, []):
        task = acknowledge_submission if paper == "acknowledgement" else issue_certificate
        try:
            task.delay(application_id)
        except Exception as exc:  # the move is committed; a broker outage must not turn it into an error page
            log.warning("could not queue the %s of application %s: %s", paper, application_id, exc)


def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)
