"""A document's whole way: a photo of an Aadhaar card sent on WhatsApp, OCR by a real worker, and the officer's view.

The card is a fictional, synthetic one (tests/backoffice/ocr/synthetic_cards.py) photographed badly; the citizen's answers
are the card's, so the verdict must be a match, shown beside the image with only the last 4 digits of the number.
"""

from __future__ import annotations

import io
import re
import time

import httpx
import numpy as np
import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy import select

from backoffice.app import create_app
from backoffice.applications.models import Application
from backoffice.config import Config
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from tests.backoffice.conftest import PASSWORD, add_user
from tests.backoffice.ocr import synthetic_cards
from tests.e2e.phone import tap_where, text_of
from tests.e2e.screenshots import phone_screenshot
from tests.e2e.test_applications import CATALOG, Citizen

SERVICE = "income_certificate"


@pytest.fixture(scope="module")
def office(stack):
    """The stack's back-office database, opened in this process, with an officer of the revenue department."""
    app = create_app(Config(environ=stack.env))
    with app.app_context():
        add_user("revenue.e2e", "officer", "revenue")
    return app


def card(seed: int) -> tuple[synthetic_cards.Identity, bytes]:
    """A fictional person and a phone photo of their Aadhaar-like card."""
    rng = np.random.default_rng(seed)
    person = synthetic_cards.make_identity(rng)
    return person, synthetic_cards.photograph(synthetic_cards.draw_aadhaar(person, rng), rng, blur_sigma=0.6)


def answers_of(person: synthetic_cards.Identity) -> dict[str, str]:
    """The answers a citizen gives that the card can confirm."""
    y, m, d = person.dob.split("-")
    return {
        "applicant_name": person.name_en,
        "date_of_birth": f"{d}/{m}/{y}",
        "aadhaar": person.aadhaar_number,
    }


def officer_page(base_url: str, path: str) -> str:
    """Sign in as the revenue officer through the real login form and fetch `path`."""
    with httpx.Client(base_url=base_url, timeout=30) as browser:
        login = browser.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)[1]
        signed_in = browser.post(
            "/login", data={"username": "revenue.e2e", "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code in (302, 303), signed_in.text[:300]
        return browser.get(path).text


def apply_sending_the_card(stack, citizen, person, send) -> str:
    """Apply for the income certificate on WhatsApp with `person`'s answers, sending each paper with `send`.

    Returns the application number the bot gives.
    """
    from tests.actions.sample_answers import sample_answer

    given = answers_of(person)
    user = Citizen(stack, citizen)
    [welcome] = user.say("Hi")
    _, menu = user.tap(tap_where(welcome, '"en"'), expect=2)
    [departments] = user.tap(tap_where(menu, "/apply_service"))
    [services] = user.tap(tap_where(departments, '"revenue"'))
    _, question = user.tap(tap_where(services, f'"{SERVICE}"'), expect=2)
    service = CATALOG[SERVICE]
    for field in service.fields:
        if field.options:
            [question] = user.tap(tap_where(question, f'"{field.options[0].value}"'))
        else:
            [question] = user.say(given.get(field.id) or sample_answer(service, field, "en"))
    [ask] = user.tap(tap_where(question, "/affirm"))
    for index, document in enumerate(service.documents, start=1):
        assert document.name.en in text_of(ask)
        # The card serves for every paper here. After the last: received, submitted, and (a first
        # application) the offer of updates on WhatsApp.
        received, *rest = send(user, 3 if index == len(service.documents) else 2)
        assert "Received" in text_of(received)
        ask = rest[0]
    return re.search(r"DL-REV-\d{4}-\d{6}", " ".join(text_of(m) for m in rest))[0]


def card_result(office, number: str) -> tuple[int, str, str, dict]:
    """Wait for the worker's OCR result of the application's Aadhaar card: (application id, card id, verdict, fields)."""
    sent = time.monotonic()
    with office.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        card_document = next(d for d in application.documents if d.requirement == "aadhaar_card")
        result = None
        while result is None and time.monotonic() - sent < 90:
            db.session.expire_all()
            result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == card_document.id))
            time.sleep(0.3)
        assert result is not None, "the worker stored no OCR result for the card"
        assert db.session.get(Document, card_document.id).sha256 == result.sha256
        return application.id, card_document.id, result.verdict, dict(result.fields)


def test_an_aadhaar_photo_sent_on_whatsapp_is_verified_and_shown_to_the_officer_masked(
    stack, worker, office, citizen
):
    person, photo = card(41)
    number = apply_sending_the_card(
        stack, citizen, person, lambda user, expect: user.send_photo(expect=expect, jpeg=photo)
    )
    application_id, card_id, verdict, stored = card_result(office, number)
    assert verdict == "match", stored
    assert stored["aadhaar_number"] == "XXXX-XXXX-" + person.aadhaar_number[-4:]

    page = officer_page(stack.env["BACKOFFICE_URL"], f"/applications/{application_id}")
    beside = page[page.index(f"/documents/{card_id}") :]
    findings = beside[beside.index("OCR findings") : beside.index("</aside>")]
    assert "Matches the form" in findings and "XXXX-XXXX-" + person.aadhaar_number[-4:] in findings
    assert person.dob in findings
    assert person.aadhaar_number not in page
    # The full number never reaches a log of any process of the stack.
    digits = person.aadhaar_number
    for log in stack.logs.glob("*.log"):
        text = log.read_text(errors="replace")
        assert digits not in text and f"{digits[:4]} {digits[4:8]} {digits[8:]}" not in text, log.name


def test_an_aadhaar_sent_as_a_two_page_pdf_on_whatsapp_is_read_and_matched(stack, worker, office, citizen):
    person, photo = card(42)
    cover = Image.new("RGB", (1240, 1754), "white")
    buffer = io.BytesIO()
    cover.save(buffer, "PDF", resolution=150, save_all=True, append_images=[Image.open(io.BytesIO(photo))])
    number = apply_sending_the_card(
        stack,
        citizen,
        person,
        lambda user, expect: user.send_pdf(buffer.getvalue(), "e-aadhaar.pdf", expect=expect),
    )
    _, _, verdict, stored = card_result(office, number)
    assert verdict == "match", stored
    assert stored["aadhaar_number"] == "XXXX-XXXX-" + person.aadhaar_number[-4:]
    phone_screenshot(stack, citizen, "pdf-document.png")


def test_a_password_protected_pdf_gets_a_clear_answer_in_the_citizens_language(stack, citizen):
    buffer = io.BytesIO()
    locked = canvas.Canvas(buffer, encrypt="1234")
    locked.drawString(72, 720, "e-Aadhaar")
    locked.save()
    user = Citizen(stack, citizen)
    [welcome] = user.say("Hi")
    _, menu = user.tap(tap_where(welcome, '"hi"'), expect=2)
    [answer] = user.send_pdf(buffer.getvalue(), "locked.pdf")
    assert "पासवर्ड" in text_of(answer)
