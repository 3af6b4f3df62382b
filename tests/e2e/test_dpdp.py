"""DPDP duties through the whole stack: no full Aadhaar number at rest or in a log, and the rights in the chat."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
import redis
from sqlalchemy import select

from backoffice.app import create_app
from backoffice.applications.models import Application
from backoffice.config import Config
from backoffice.extensions import db
from backoffice.ocr.models import OcrResult
from backoffice.vault import services as vault
from tests.e2e.phone import tap_where, text_of
from tests.e2e.test_applications import CATALOG, Citizen
from tests.e2e.test_document_journey import SERVICE, answers_of, card


def spellings(number: str) -> list[str]:
    """The ways a 12-digit number can be written down."""
    groups = (number[:4], number[4:8], number[8:])
    return [number, " ".join(groups), "-".join(groups)]


def _value(client: redis.Redis, key: bytes) -> object:
    kind = client.type(key).decode()
    if kind == "string":
        return client.get(key)
    if kind == "list":
        return client.lrange(key, 0, -1)
    if kind == "hash":
        return client.hgetall(key)
    if kind in ("set", "zset"):
        return client.smembers(key) if kind == "set" else client.zrange(key, 0, -1)
    return client.xrange(key) if kind == "stream" else b""


def redis_dump(url: str) -> str:
    """Every value of every key in every database of the stack's Redis, as text."""
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    parts = []
    for number in range(16):
        client = redis.Redis(host=host, port=int(port), db=number)
        parts += [f"{key!r} {_value(client, key)!r}" for key in client.scan_iter(count=1000)]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def office(stack):
    """The stack's back-office database, opened in this process."""
    return create_app(Config(environ=stack.env))


def test_after_a_full_application_no_full_aadhaar_number_is_in_the_database_the_trackers_or_any_log(
    stack, worker, office, citizen
):
    from tests.actions.sample_answers import sample_answer

    person, photo = card(43)
    given = answers_of(person)
    number = person.aadhaar_number
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
        elif field.type == "aadhaar":
            [question] = user.say(spellings(number)[1])  # typed 4-4-4, as on the card
        else:
            [question] = user.say(given.get(field.id) or sample_answer(service, field, "en"))
    assert "XXXX-XXXX-" + number[-4:] in text_of(question)  # the summary shows it masked
    [ask] = user.tap(tap_where(question, "/affirm"))
    for _document in service.documents:
        _, ask, *_ = user.send_photo(expect=2, jpeg=photo)  # then, after the last, the offer of updates
    application_number = re.search(r"DL-REV-\d{4}-\d{6}", text_of(ask))[0]

    started = time.monotonic()
    with office.app_context():
        application = db.session.scalar(select(Application).where(Application.number == application_number))
        card_id = next(d.id for d in application.documents if d.requirement == "aadhaar_card")
        verdict = None
        while verdict is None and time.monotonic() - started < 90:
            db.session.expire_all()
            verdict = db.session.scalar(select(OcrResult.verdict).where(OcrResult.document_id == card_id))
            time.sleep(0.3)
        assert verdict == "match"  # OCR still compared the full number, opened from the vault
        assert vault.reveal(application.id, "aadhaar") == number
        db.session.remove()

    found = []
    with sqlite3.connect(stack.logs / "seva.db") as database:
        dump = "\n".join(database.iterdump())
    found += [f"database: {s}" for s in spellings(number) if s in dump]
    trackers = redis_dump(stack.env["REDIS_URL"])
    assert "seva:events:" in trackers  # the dump did read the tracker store
    found += [f"redis: {s}" for s in spellings(number) if s in trackers]
    for log in sorted(stack.logs.glob("*.log")):
        text = log.read_text(errors="replace")
        found += [f"{log.name}: {s}" for s in spellings(number) if s in text]
    assert found == []


def test_a_citizen_uses_the_rights_in_the_chat(stack, worker, citizen):
    user = Citizen(stack, citizen)
    [welcome] = user.say("Hi")
    user.tap(tap_where(welcome, '"en"'), expect=2)

    replies = user.say("send me all my data", expect=2)
    said = " ".join(text_of(m) for m in replies if m["type"] == "text")
    assert "PDF of everything Seva holds about you" in said
    [pdf] = [m for m in replies if m["type"] == "document"]
    assert re.search(r"DPR-\d{4}-\d{6}", str(pdf))

    [confirm] = user.say("delete my data")
    assert "Delete your data?" in text_of(confirm)
    [done] = user.tap(tap_where(confirm, "/confirm_data_erasure"))
    assert "your data has been deleted" in text_of(done)

    [ask] = user.say("privacy complaint")
    assert "Grievance Officer" in text_of(ask)
    [filed] = user.say("My address was shown to another person")
    assert re.search(r"request DPR-\d{4}-\d{6} has been recorded.*by \*\d\d/\d\d/\d{4}\*", text_of(filed))
