"""Whole applications through the WhatsApp channel: menu or typed service name, every question, photos, submission."""

from __future__ import annotations

import base64
import re
from functools import cache

import numpy as np

from catalog import load_catalog
from tests.actions.sample_answers import sample_answer
from tests.backoffice.ocr import synthetic_cards
from tests.e2e.phone import tap_where, text_of
from tests.e2e.screenshots import phone_screenshot

GENERAL_NUMBER = "100000000000001"
REVENUE_NUMBER = "100000000000002"
CATALOG = load_catalog()


@cache
def photo_b64() -> str:
    """A phone photo of a (fictional) card that passes the OCR quality gate, base64 for the stand-in.

    A worker may be running beside the stack: a plain small image would be refused and the refusal would
    arrive in the middle of the conversation.
    """
    rng = np.random.default_rng(7)
    card = synthetic_cards.draw_aadhaar(synthetic_cards.make_identity(rng), rng)
    return base64.b64encode(synthetic_cards.photograph(card, rng, blur_sigma=0.6)).decode()


class Citizen:
    """One citizen's side of the chat: send, tap, upload, and read the bot's replies."""

    def __init__(self, stack, number: str, business: str = GENERAL_NUMBER):
        self.stack = stack
        self.number = number
        self.business = business  # the department number they write to

    def _turn(self, body: dict, expect: int) -> list[dict]:
        seq = self.stack.last_seq(self.number)
        answer = self.stack.post(
            "/_standin/inbound", {"from": self.number, "phone_number_id": self.business, **body}
        )
        assert answer["webhook_status"] == 200
        return self.stack.replies(self.number, seq, expect=expect, timeout=60)

    def say(self, text: str, expect: int = 1) -> list[dict]:
        """Type a message."""
        return self._turn({"type": "text", "text": text}, expect)

    def tap(self, choice: dict, expect: int = 1) -> list[dict]:
        """Tap a button or list row."""
        return self._turn(choice, expect)

    def send_photo(self, expect: int = 1, jpeg: bytes | None = None) -> list[dict]:
        """Send a photo from the camera (a plain one unless `jpeg` is given)."""
        media = base64.b64encode(jpeg).decode() if jpeg else photo_b64()
        return self._turn({"type": "image", "media_b64": media, "mime_type": "image/jpeg"}, expect)

    def send_pdf(self, pdf: bytes, filename: str, expect: int = 1) -> list[dict]:
        """Send a PDF from the phone's files (a DigiLocker download, a scan)."""
        body = {
            "type": "document",
            "media_b64": base64.b64encode(pdf).decode(),
            "mime_type": "application/pdf",
        }
        return self._turn({**body, "filename": filename}, expect)


def answer_questions(person: Citizen, service_id: str, first_question: dict, language: str) -> dict:
    """Answer every question as asked; return the summary message."""
    service = CATALOG[service_id]
    question = first_question
    for index, field in enumerate(service.fields, start=1):
        assert f"{index}/{len(service.fields)}" in text_of(question)
        assert field.question.get(language) in text_of(question)
        if field.options:
            [question] = person.tap(tap_where(question, f'"{field.options[0].value}"'))
        else:
            [question] = person.say(sample_answer(service, field, language))
    return question


def test_complete_application_in_english_from_the_menu_with_photos(stack, citizen):
    person = Citizen(stack, citizen)
    [welcome] = person.say("Hi")
    _, menu = person.tap(tap_where(welcome, '"en"'), expect=2)
    [departments] = person.tap(tap_where(menu, "/apply_service"))
    assert "Which department" in text_of(departments)
    [services] = person.tap(tap_where(departments, '"revenue"'))
    assert "Revenue" in text_of(services)
    started, first = person.tap(tap_where(services, '"income_certificate"'), expect=2)
    assert "Income certificate" in text_of(started)

    summary = answer_questions(person, "income_certificate", first, "en")
    assert "Please check your *Income certificate* application" in text_of(summary)
    assert "XXXX-XXXX-" in text_of(summary) and "2345 6789" not in text_of(summary)

    [ask] = person.tap(tap_where(summary, "/affirm"))
    documents = CATALOG["income_certificate"].documents
    for index, document in enumerate(documents, start=1):
        assert document.name.en in text_of(ask)
        # After the last paper: received, submitted, and (a first application) the offer of updates.
        replies = person.send_photo(expect=3 if index == len(documents) else 2)
        assert "Received" in text_of(replies[0])
        ask = next((r for r in replies[1:] if "has been submitted" in text_of(r)), replies[1])
    assert "has been submitted" in text_of(ask)
    number = re.search(r"DL-REV-\d{4}-\d{6}", text_of(ask))[0]
    assert re.search(r"decision is due by \*\d\d/\d\d/\d{4}\*", text_of(ask))

    [status] = person.say("status")
    assert number in text_of(status) and "Income certificate" in text_of(status)


def test_complete_application_in_hindi_with_a_mistake_and_a_photo(stack, citizen):
    person = Citizen(stack, citizen)
    [welcome] = person.say("नमस्ते")
    _, menu = person.tap(tap_where(welcome, '"hi"'), expect=2)
    [departments] = person.tap(tap_where(menu, "/apply_service"))
    [services] = person.tap(tap_where(departments, '"public_grievances"'))
    started, first = person.tap(tap_where(services, '"grievance"'), expect=2)
    assert "शिकायत" in text_of(started) and "सवाल" in text_of(started)

    service = CATALOG["grievance"]
    [question] = person.tap(tap_where(first, f'"{service.fields[0].options[0].value}"'))
    explanation, question = person.say("हाँ जी", expect=2)  # too short for a description
    assert "कृपया थोड़ा और विस्तार से लिखें" in text_of(explanation)
    assert service.fields[1].question.hi in text_of(question)
    for field in service.fields[1:]:
        [question] = person.say(sample_answer(service, field, "hi"))
    assert "कृपया अपना *" in text_of(question)  # the summary, in Hindi

    [ask] = person.tap(tap_where(question, "/affirm"))
    assert service.documents[0].name.hi in text_of(ask)
    received, submitted, *_ = person.send_photo(expect=2)  # then, a first application, the offer of updates
    assert "मिल गया" in text_of(received)
    assert "जमा हो गया है" in text_of(submitted) and re.search(r"DL-PG-\d{4}-\d{6}", text_of(submitted))


def test_naming_the_service_starts_it_and_side_questions_are_answered_in_between(stack, citizen):
    person = Citizen(stack, citizen)
    [welcome] = person.say("hello")
    person.tap(tap_where(welcome, '"en"'), expect=2)
    started, first = person.say("income certificate chahiye", expect=2)
    assert "Income certificate" in text_of(started) and "1/9" in text_of(first)
    [name] = person.say("Ramesh Kumar")
    fee, again = person.say("what is the fee?", expect=2)
    assert "no fee" in text_of(fee) and text_of(again) == text_of(name)


def test_service_information_in_hindi_from_the_catalog(stack, citizen):
    person = Citizen(stack, citizen)
    [welcome] = person.say("नमस्ते")
    person.tap(tap_where(welcome, '"hi"'), expect=2)
    [answer] = person.say("आय प्रमाण पत्र के लिए कौन से दस्तावेज़ चाहिए?")
    assert "आय प्रमाण पत्र" in text_of(answer) and "आधार कार्ड" in text_of(answer)


def test_one_person_writing_to_a_second_department_number_is_the_same_citizen(stack, citizen):
    """The language chosen and the applications made on one number carry over to another; each keeps its context."""
    person = Citizen(stack, citizen)
    [welcome] = person.say("Hi")
    _, menu = person.tap(tap_where(welcome, '"en"'), expect=2)
    [departments] = person.tap(tap_where(menu, "/apply_service"))
    [services] = person.tap(tap_where(departments, '"public_grievances"'))
    _, question = person.tap(tap_where(services, '"grievance"'), expect=2)
    service = CATALOG["grievance"]
    [question] = person.tap(tap_where(question, f'"{service.fields[0].options[0].value}"'))
    for field in service.fields[1:]:
        [question] = person.say(sample_answer(service, field, "en"))
    person.tap(tap_where(question, "/affirm"))
    answer = person.send_photo(expect=3)  # received, submitted, and the offer of updates on WhatsApp
    number = re.search(r"DL-PG-\d{4}-\d{6}", " ".join(text_of(m) for m in answer))[0]

    revenue = Citizen(stack, citizen, business=REVENUE_NUMBER)
    welcome, menu = revenue.say("Hi", expect=2)
    # Greeted in English straight away: not the bilingual "choose your language" of a first visit.
    assert text_of(welcome) == "Namaste! 🙏 Welcome to Delhi Government services on WhatsApp."
    assert "नमस्ते" not in text_of(menu)
    [status] = revenue.say("status")
    assert number in text_of(status)
    phone_screenshot(stack, citizen, "one-citizen-two-numbers.png", (GENERAL_NUMBER, REVENUE_NUMBER))
