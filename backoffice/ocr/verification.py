"""Verifies one stored document: quality gate, extraction by its catalog kind, cross-check, masked result stored."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError

from backoffice.applications.models import Application
from backoffice.applications.workflow import DRAFT
from backoffice.core.clock import utcnow
from backoffice.documents import services as documents
from backoffice.documents.intake import pdf
from backoffice.documents.intake.refusal import DocumentRefused
from backoffice.documents.intake.sniff import PDF
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.crosscheck import cross_check
from backoffice.ocr.extract import Extraction, read_document
from backoffice.ocr.masking import storable_fields
from backoffice.ocr.messages import message_for
from backoffice.ocr.models import OcrResult
from backoffice.ocr.preprocess import UnreadableImage
from backoffice.vault import services as vault
from catalog import load_catalog
from catalog.model import known_language

log = logging.getLogger(__name__)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def ocr_kind(document: Document) -> str | None:
    """The catalog's `ocr_kind` for the requirement the document satisfies; None when nothing can be read."""
    if document.application is None or not document.requirement:
        return None
    service = load_catalog().get(document.application.service)
    kinds = {d.id: d.ocr_kind for d in service.documents} if service else {}
    kind = kinds.get(document.requirement)
    return kind if kind and kind != "none" else None


def _iso_date(value: str) -> str:
    match = _DMY.match(value.strip())
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else value.strip()


def form_answers(application: Application) -> dict[str, str]:
    """The answers OCR can check, under cross_check's names, taken from the service's fields by type."""
    service = load_catalog().get(application.service)
    answers: dict[str, str] = {}
    for field in service.fields if service else ():
        value = application.answers.get(field.id)
        if not isinstance(value, str) or not value:
            continue
        if field.type == "name":
            answers.setdefault("name", value)  # the first name field is the applicant's
        elif field.type == "date" and "birth" in field.id:
            answers["dob"] = _iso_date(value)
        elif field.type == "aadhaar":
            # The answer is masked; the exact check needs the full number, opened here and never stored.
            answers["aadhaar_number"] = vault.reveal(application.id, field.id) or value
        elif field.type == "pan":
            answers["pan_number"] = value
    return answers


def result_for(document: Document) -> OcrResult | None:
    """The stored result for the document's current content, if OCR has finished it."""
    return db.session.scalar(
        select(OcrResult).where(OcrResult.document_id == document.id, OcrResult.sha256 == document.sha256)
    )


def best_reading(document: Document, kind: str) -> Extraction | None:
    """The best reading of a photo, or of the pages of a PDF; None when nothing in it decodes as an image.

    Citizens send DigiLocker downloads and scans as PDFs, often with a cover or a second page: each page is
    read, and the page whose quality passes with the most fields wins (the first complete one stops the search).
    """
    data = documents.read(document)
    try:
        pages = pdf.rasterise(data) if document.mime_type == PDF else [data]
    except DocumentRefused:
        return None
    best = None
    for page in pages:
        try:
            reading = read_document(page, kind)
        except UnreadableImage:
            continue
        if best is None or _rank(reading) > _rank(best):
            best = reading
        if reading.quality.get("ok") and not reading.missing:
            break
    return best


def _rank(reading: Extraction) -> tuple[bool, int]:
    return bool(reading.quality.get("ok")), len(reading.fields)


def verify_document(document_id: str) -> tuple[OcrResult | None, bool]:
    """Read, check and store the result for one document: (result, made now); a finished one is not redone.

    Raises tesseract.OcrFailed when Tesseract fails, so that the caller may retry.
    """
    document = db.session.get(Document, document_id)
    if document is None:
        return None, False
    done = result_for(document)
    if done is not None:
        return done, False
    kind = ocr_kind(document)
    if kind is None:
        return None, False
    started = time.monotonic()
    extraction = best_reading(document, kind)
    if extraction is None or not extraction.quality.get("ok"):
        quality = extraction.quality if extraction else {"ok": False, "reason": "unreadable", "metrics": {}}
        result = OcrResult(document_id=document.id, sha256=document.sha256, kind=kind, verdict="refused",
                           reasons=[quality.get("reason") or "unreadable"], confidences={}, fields={},
                           quality=quality)  # fmt: skip
    else:
        verdict = cross_check(extraction, form_answers(document.application))
        result = OcrResult(document_id=document.id, sha256=document.sha256, kind=kind, verdict=verdict.verdict,
                           reasons=verdict.reasons, confidences=verdict.confidences,
                           fields=storable_fields(extraction.fields), quality=extraction.quality)  # fmt: skip
    result.seconds = round(time.monotonic() - started, 3)
    db.session.add(result)
    try:
        db.session.commit()
    except IntegrityError:  # another worker finished the same version first: keep theirs
        db.session.rollback()
        return result_for(document), False
    log.info("document %s: %s %s in %.1f s", document.id, kind, result.verdict, result.seconds)
    return result, True


def record_not_read(document_id: str, reason: str) -> OcrResult | None:
    """Store that OCR gave up on the document (Tesseract kept failing), so the officer checks it by hand."""
    document = db.session.get(Document, document_id)
    kind = ocr_kind(document) if document is not None else None
    if kind is None or result_for(document) is not None:
        return None
    result = OcrResult(document_id=document.id, sha256=document.sha256, kind=kind, verdict="unreadable",
                       reasons=[reason], confidences={}, fields={}, quality={})  # fmt: skip
    db.session.add(result)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return result_for(document)
    log.warning("document %s: OCR gave up (%s); left to the officer", document.id, reason)
    return result


def readable_requirements() -> list[tuple[str, str]]:
    """(service, requirement) pairs whose documents OCR reads, from the catalog."""
    return [(service.id, d.id) for service in load_catalog().values() for d in service.documents
            if d.ocr_kind and d.ocr_kind != "none"]  # fmt: skip


def unverified_documents(older_than: timedelta, limit: int = 200) -> list[str]:
    """Ids of attached documents OCR should read that have no result for their content and are `older_than` old.

    Oldest first, at most `limit`. Documents OCR never reads (affidavits, photos) are left out in the query
    itself: filtered afterwards, a few hundred of them would fill every batch and hide the rest for good.
    """
    checked = select(OcrResult.id).where(
        OcrResult.document_id == Document.id, OcrResult.sha256 == Document.sha256
    )
    return list(
        db.session.scalars(
            select(Document.id)
            .join(Application, Document.application_id == Application.id)
            .where(
                tuple_(Application.service, Document.requirement).in_(readable_requirements()),
                Document.created_at < utcnow() - older_than,
                ~checked.exists(),
            )
            .order_by(Document.created_at)
            .limit(limit)
        )
    )


def refusal_message(result: OcrResult) -> tuple[str, str] | None:
    """(citizen id, what to fix in their language) when a draft's photo was refused; else None.

    Only while the application is a draft can the citizen send the photo again; after submission the
    officer sees the refusal beside the image and may raise a query instead.
    """
    document = db.session.get(Document, result.document_id)
    if result.verdict != "refused" or document.application is None or document.application.status != DRAFT:
        return None
    citizen = document.citizen
    language = known_language(citizen.language)
    return citizen.id, message_for(result.reasons[0] if result.reasons else "unreadable", language)
