"""The Celery task that verifies a document by OCR: acknowledged late, retried with back-off, idempotent."""

from __future__ import annotations

from celery import shared_task

from backoffice.ocr.tesseract import OcrFailed
from backoffice.ocr.verification import refusal_message, verify_document


@shared_task(
    acks_late=True,  # a worker killed mid-task leaves the message on the queue for another
    task_reject_on_worker_lost=True,
    autoretry_for=(OcrFailed,),
    retry_backoff=2,  # 2, 4, 8 ... s with jitter: Tesseract failures are mostly load or a bad moment
    retry_backoff_max=120,
    max_retries=5,
    ignore_result=True,
)
def ocr_document(document_id: str) -> str | None:
    """Verify `document_id`; when its photo is refused, tell the citizen (once) in their language what to fix."""
    from backoffice.notifications.tasks import send_citizen_text

    result, made_now = verify_document(document_id)
    if result is None:
        return None
    refusal = refusal_message(result) if made_now else None
    if refusal:
        send_citizen_text.delay(*refusal)
    return result.verdict
