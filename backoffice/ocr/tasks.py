"""Celery tasks of OCR: verify a document (acknowledged late, retried with back-off, idempotent) and the sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app

from backoffice.documents.intake.encryption import UndecryptableDocument
from backoffice.ocr.tesseract import OcrFailed
from backoffice.ocr.verification import (
    record_not_read,
    refusal_message,
    unverified_documents,
    verify_document,
)

log = logging.getLogger(__name__)


@shared_task(
    name="backoffice.ocr.tasks.ocr_document",
    bind=True,
    acks_late=True,  # a worker killed mid-task leaves the message on the queue for another
    task_reject_on_worker_lost=True,
    max_retries=5,
    ignore_result=True,
)
def ocr_document(self, document_id: str) -> str | None:
    """Verify `document_id`; when its photo is refused, tell the citizen (once) in their language what to fix."""
    from backoffice.notifications.tasks import send_citizen_text

    try:
        result, made_now = verify_document(document_id)
    except OcrFailed as error:
        if self.request.retries >= self.max_retries:
            # The document stays with its application; the officer sees it could not be read and checks it.
            record_not_read(document_id, "ocr_failed")
            return "unreadable"
        # 2, 4, 8 ... s with jitter, at most 120: Tesseract failures are mostly load or a bad moment.
        countdown = get_exponential_backoff_interval(2, self.request.retries, 120, full_jitter=True)
        raise self.retry(exc=error, countdown=countdown) from error
    except (KeyError, UndecryptableDocument) as error:
        # The stored file is gone or fails authentication: no retry can read it, and without a result the
        # sweep would queue it for ever. The officer sees it needs checking by eye.
        log.error("document %s cannot be read from the store: %s", document_id, type(error).__name__)
        record_not_read(document_id, "file_missing" if isinstance(error, KeyError) else "file_unreadable")
        return "unreadable"
    if result is None:
        return None
    refusal = refusal_message(result) if made_now else None
    if refusal:
        send_citizen_text.delay(*refusal)
    return result.verdict


@shared_task(name="backoffice.ocr.tasks.requeue_unverified_documents", ignore_result=True)
def requeue_unverified_documents() -> int:
    """Queue OCR again for documents that never got a result (attached while the broker was down)."""
    minutes = current_app.config["OCR_SWEEP_AFTER_MINUTES"]
    waiting = unverified_documents(timedelta(minutes=minutes))
    for document_id in waiting:
        ocr_document.delay(document_id)
    return len(waiting)
