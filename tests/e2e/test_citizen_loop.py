"""After submission, through the WhatsApp stand-in (issue 14): an officer's query answered with text and a photo,
withdrawing in chat, and names and addresses inside a form that read like other intents."""

from __future__ import annotations

import re
import time

import httpx
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.extensions import db
from tests.actions.lookalike_answers import ADDRESSES, NAMES
from tests.actions.sample_answers import sample_answer
from tests.backoffice.conftest import PASSWORD
from tests.e2e.conftest import GENERAL_NUMBER as GENERAL
from tests.e2e.conftest import REVENUE_OFFICER, _citizens
from tests.e2e.phone import choice, tap_where, text_of
from tests.e2e.screenshots import phone_screenshot
from tests.e2e.test_applications import CATALOG, Citizen, answer_questions, photo_b64

SERVICE = "income_certificate"


class Officer:
    """The revenue officer in the back-office, signed in through the real login form."""

    def __init__(self, base_url: str):
        self.browser = httpx.Client(base_url=base_url, timeout=30)
        login = self.browser.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)[1]
        signed_in = self.browser.post(
            "/login", data={"username": REVENUE_OFFICER, "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code in (302, 303), signed_in.text[:300]

    def page(self, path: str) -> str:
        return self.browser.get(path).text

    def form(self, action: str, fields: dict[str, str]) -> str:
        """Submit a form of an application's page (`action`: /applications/<id>/...); the page it leads back to."""
        page = self.page(action.rsplit("/", 1)[0])
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        return self.browser.post(action, data={**fields, "csrf_token": token}, follow_redirects=True).text

    def move(self, application_id: int, move: str, reason: str = "") -> None:
        page = self.page(f"/applications/{application_id}")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        done = self.browser.post(f"/applications/{application_id}/move",
                                 data={"move": move, "reason": reason, "csrf_token": token})  # fmt: skip
        assert done.status_code == 303


def apply(person: Citizen) -> str:
    """Apply for an income certificate from the menu, with photos; the application's number."""
    [welcome] = person.say("Hi")
    _, menu = person.tap(tap_where(welcome, '"en"'), expect=2)
    [departments] = person.tap(tap_where(menu, "/apply_service"))
    [services] = person.tap(tap_where(departments, '"revenue"'))
    _, first = person.tap(tap_where(services, f'"{SERVICE}"'), expect=2)
    summary = answer_questions(person, SERVICE, first, "en")
    [ask] = person.tap(tap_where(summary, "/affirm"))
    *papers, last = CATALOG[SERVICE].documents
    for _ in papers:
        _, ask = person.send_photo(expect=2)
    # Received, submitted, and (a first application) the offer of updates on WhatsApp.
    answer = person.send_photo(expect=3)
    return re.search(r"DL-REV-\d{4}-\d{6}", " ".join(text_of(m) for m in answer))[0]


def outbound_with(stack, citizen: str, after: int, needle: str, timeout: float = 60.0) -> dict:
    """The first message to `citizen` after `after` whose text holds `needle` (others, e.g. OCR notes, are skipped)."""
    deadline, cursor, seen = time.monotonic() + timeout, after, []
    while time.monotonic() < deadline:
        for message in stack.get(f"/_standin/conversations/{citizen}?after={cursor}&wait=5")["messages"]:
            cursor = max(cursor, message["seq"])
            if message["direction"] == "out":
                if needle in text_of(message):
                    return message
                seen.append(text_of(message)[:100])
    raise AssertionError(f"no message with {needle!r}; the bot said {seen}")


def test_an_officers_query_is_answered_with_text_and_a_photo_and_the_officer_sees_it(
    stack, worker, office, citizen
):
    person = Citizen(stack, citizen)
    number = apply(person)
    # Status messages go only to a citizen who agreed, after the notice, to updates.
    _, notice = person.say("START", expect=2)
    [subscribed] = person.tap(choice(notice, "I agree"))
    assert "You will get reminders and updates" in text_of(subscribed)
    with office.app_context():
        application_id = db.session.scalar(select(Application.id).where(Application.number == number))
    officer = Officer(stack.env["BACKOFFICE_URL"])
    before = stack.last_seq(citizen)
    officer.move(application_id, "raise_query", "The address proof is unreadable, please send a clearer one.")
    assert "clock is paused" in officer.page(f"/applications/{application_id}")

    # The worker may still be reading the application's four photos on a busy machine.
    question = outbound_with(stack, citizen, before, "has a question about your application", timeout=240)
    assert number in text_of(question) and "unreadable" in text_of(question)

    # The worker's own messages (the acknowledgement PDF, OCR notes) may arrive between the bot's replies.
    def reply(body: dict, needle: str) -> dict:
        seq = stack.last_seq(citizen)
        assert (
            stack.post("/_standin/inbound", {"from": citizen, "phone_number_id": GENERAL, **body})[
                "webhook_status"
            ]
            == 200
        )
        return outbound_with(stack, citizen, seq, needle)

    ask = reply(choice(question, "Answer now"), "Please write your answer")
    assert "unreadable" in text_of(ask)
    reply(
        {"type": "text", "text": "I have sent a clearer photo of my electricity bill."}, "text ✓, documents 0"
    )
    noted = reply({"type": "image", "media_b64": photo_b64(), "mime_type": "image/jpeg"}, "documents 1")
    reply(
        choice(noted, "Send answer"), f"Your answer for application *{number}* has been sent to the officer"
    )

    page = officer.page(f"/applications/{application_id}")
    assert "Answered" in page and "I have sent a clearer photo of my electricity bill." in page
    with office.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "under_review" and application.query_reminder_due_at is None
        answer_document = next(d for d in application.documents if d.requirement == "query_answer")
    assert f"/documents/{answer_document.id}" in page
    assert "Query answered" in officer.page("/queue")
    phone_screenshot(stack, citizen, "query-answer.png", since="has a question about your application")


def test_withdrawing_in_chat_and_a_second_time(stack, citizen):
    person = Citizen(stack, citizen)
    number = apply(person)
    [listed] = person.say("withdraw my application")
    assert "Which application do you want to withdraw?" in text_of(listed)
    [confirm] = person.tap(tap_where(listed, number))
    assert f"Withdraw application *{number}*" in text_of(confirm)
    [withdrawn] = person.tap(choice(confirm, "Yes, withdraw"))
    assert f"Application *{number}* is withdrawn" in text_of(withdrawn)
    [again] = person.tap(choice(confirm, "Yes, withdraw"))  # the old button, tapped again
    assert "already been withdrawn" in text_of(again)
    [none] = person.say("आवेदन वापस लेना है")  # Devanagari: the bot answers in Hindi from now on
    assert "कोई खुला आवेदन नहीं" in text_of(none)
    [status] = person.say("status")
    assert number in text_of(status) and "वापस लिया गया" in text_of(status)
    phone_screenshot(stack, citizen, "withdraw.png", since="withdraw my application")


def death_certificate_at(stack, field_id: str) -> tuple[Citizen, str, dict]:
    """A fresh citizen in the death certificate form, answered up to the question `field_id`.

    Fresh citizens, because WhatsApp limits the messages to one person (the stand-in: a burst of 45, then one
    every 6 s); one citizen answering 50 questions twice would be throttled, not misunderstood.
    """
    service = CATALOG["death_certificate"]
    citizen = str(next(_citizens))
    person = Citizen(stack, citizen)
    [welcome] = person.say("Hi")
    person.tap(tap_where(welcome, '"en"'), expect=2)
    _, question = person.say("death certificate", expect=2)
    for field in service.fields:
        if field.id == field_id:
            return person, citizen, question
        if field.options:
            [question] = person.tap(tap_where(question, f'"{field.options[0].value}"'))
        else:
            [question] = person.say(sample_answer(service, field, "en"))
    raise AssertionError(field_id)


def test_fifty_names_and_addresses_inside_a_form_are_answers_and_commands_still_work(stack):
    service = CATALOG["death_certificate"]
    # Progress markers, not words: a name in Devanagari switches the bot to Hindi, as any Hindi message does.
    total = len(service.fields)
    position = {field.id: f"*{index}/{total}*" for index, field in enumerate(service.fields, start=1)}
    for chunk in (NAMES[:15], NAMES[15:]):
        person, _, question = death_certificate_at(stack, "deceased_name")
        assert position["deceased_name"] in text_of(question)
        for name, _ in chunk:
            [reply] = person.say(name)
            assert position["date_of_death"] in text_of(reply), (
                f"{name!r} was not the name: {text_of(reply)[:120]}"
            )
            [question] = person.say("back")
            assert position["deceased_name"] in text_of(question)
    for chunk in (ADDRESSES[:8], ADDRESSES[8:]):
        person, citizen, question = death_certificate_at(stack, "address")
        assert position["address"] in text_of(question)
        for address, _ in chunk:
            [reply] = person.say(address)
            assert position["pincode"] in text_of(reply), f"{address!r}: {text_of(reply)[:120]}"
            [question] = person.say("back")
            assert position["address"] in text_of(question)
    [confirm] = person.say("cancel")  # an explicit command still interrupts
    assert "Death certificate" in text_of(confirm) or "मृत्यु प्रमाण पत्र" in text_of(confirm)
    assert "?" in text_of(confirm) and position["address"] not in text_of(confirm)
    phone_screenshot(stack, citizen, "names-in-a-form.png")
