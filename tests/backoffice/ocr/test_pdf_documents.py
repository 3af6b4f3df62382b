"""PDF documents (DigiLocker downloads, scans) are read page by page; a locked PDF is refused with a clear reason."""

import io

import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy import select

from backoffice.core.problems import Problem
from backoffice.documents import services as documents
from backoffice.extensions import db
from backoffice.ocr.messages import message_for
from backoffice.ocr.models import OcrResult
from tests.backoffice.ocr.test_ocr_tasks import attach_card, card_photo


def pdf_of(*pages: Image.Image) -> bytes:
    """A PDF with one page per image, as a scanner or a phone's "save as PDF" makes it."""
    buffer = io.BytesIO()
    first, *rest = pages
    first.save(buffer, "PDF", resolution=150, save_all=True, append_images=rest)
    return buffer.getvalue()


def cover_page() -> Image.Image:
    """A blank A4 cover page at 150 dpi, like the first page of many downloads."""
    return Image.new("RGB", (1240, 1754), "white")


def test_an_aadhaar_sent_as_the_second_page_of_a_pdf_is_read_and_matched(app):
    person, photo = card_photo(31)
    document = pdf_of(cover_page(), Image.open(io.BytesIO(photo)).convert("RGB"))
    with app.app_context():
        document_id = attach_card(
            "wa-pdf-1", person, document, filename="aadhaar.pdf", mime="application/pdf"
        )
        db.session.commit()  # eager Celery in tests: OCR runs on commit
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert result.verdict == "match", result.reasons
        assert result.fields["aadhaar_number"] == "XXXX-XXXX-" + person.aadhaar_number[-4:]


def test_a_pdf_with_no_document_in_it_is_left_unreadable_for_the_officer_not_crashed(app):
    person, _ = card_photo(32)
    with app.app_context():
        document_id = attach_card(
            "wa-pdf-2", person, pdf_of(cover_page()), filename="blank.pdf", mime="application/pdf"
        )
        db.session.commit()
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert result.verdict == "unreadable", result.reasons


def test_a_password_protected_pdf_is_refused_with_a_message_in_the_citizens_language(app):
    buffer = io.BytesIO()
    locked = canvas.Canvas(buffer, encrypt="1234")
    locked.drawString(72, 720, "e-Aadhaar")
    locked.save()
    with app.app_context(), pytest.raises(Problem) as refused:
        documents.store(
            buffer.getvalue(),
            "wa-pdf-3",
            "whatsapp",
            filename="e.pdf",
            declared_mime="application/pdf",
            sha256=None,
        )
    assert (refused.value.status, refused.value.code) == (422, "encrypted")
    assert "पासवर्ड" in message_for("encrypted", "hi") and "password" in message_for("encrypted", "en")
