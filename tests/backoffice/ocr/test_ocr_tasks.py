"""OCR of attached documents: the stored verdict and masked fields, idempotency, refusal texts, real workers."""

import json
import os
import signal
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text

from backoffice.applications import services as applications
from backoffice.citizens import services as citizens
from backoffice.citizens.models import Citizen
from backoffice.core.clock import utcnow
from backoffice.demo.samples import demo_answers, sample_image
from backoffice.documents import services as documents
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.ocr.messages import message_for
from backoffice.ocr.models import OcrResult
from backoffice.ocr.verification import refusal_message, verify_document
from catalog import load_catalog
from tests.backoffice.conftest import REVENUE_NUMBER
from tests.backoffice.ocr import synthetic_cards

WA_ID = "919800000077"


def card_photo(seed: int, **photo) -> tuple[synthetic_cards.Identity, bytes]:
    """A fictional person and a photographed Aadhaar-like card of theirs."""
    rng = np.random.default_rng(seed)
    person = synthetic_cards.make_identity(rng)
    card = synthetic_cards.draw_aadhaar(person, rng)
    return person, synthetic_cards.photograph(card, rng, blur_sigma=photo.get("blur_sigma", 0.6), light=0.9)


def attach_card(
    citizen_id: str,
    person,
    photo: bytes,
    language: str = "en",
    answered_name: str | None = None,
    filename: str = "a.jpg",
    mime: str = "image/jpeg",
):
    """A draft of the income certificate whose answers are `person`'s, with `photo` (or a PDF) as the Aadhaar."""
    citizens.update(citizen_id, {"language": language})
    y, m, d = person.dob.split("-")
    answers = {**demo_answers(load_catalog()["income_certificate"], answered_name or person.name_en),
               "date_of_birth": f"{d}/{m}/{y}", "aadhaar": person.aadhaar_number}  # fmt: skip
    draft, _ = applications.create_draft(
        {"citizen": citizen_id, "service": "income_certificate", "answers": answers}
    )
    document = documents.store(
        photo, citizen_id, "whatsapp", filename=filename, declared_mime=mime, sha256=None
    )
    db.session.flush()
    applications.attach_document(
        draft.id, {"citizen": citizen_id, "document_id": document.id, "requirement": "aadhaar_card"}
    )
    return document.id


def test_attaching_an_aadhaar_stores_a_match_with_only_the_masked_number(app):
    person, photo = card_photo(11)
    with app.app_context():
        document_id = attach_card("wa-ocr-1", person, photo)
        db.session.commit()  # eager Celery in tests: the task runs on commit
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert result.verdict == "match", result.reasons
        assert result.fields["aadhaar_number"] == "XXXX-XXXX-" + person.aadhaar_number[-4:]
        assert result.fields["dob"] == person.dob and result.confidences["name_similarity"] >= 85
        raw = json.dumps(
            [list(row) for row in db.session.execute(text("SELECT * FROM ocr_results"))], default=str
        )
        assert person.aadhaar_number not in raw


def test_a_finished_result_is_not_redone(app):
    person, photo = card_photo(12)
    with app.app_context():
        document_id = attach_card("wa-ocr-2", person, photo)
        db.session.commit()
        first = db.session.scalar(select(OcrResult.id).where(OcrResult.document_id == document_id))
        started = time.monotonic()
        result, made_now = verify_document(document_id)
        assert (result.id, made_now) == (first, False)
        assert time.monotonic() - started < 0.5  # no second Tesseract run
        assert db.session.scalar(select(func.count()).select_from(OcrResult)) == 1


def test_a_name_that_differs_is_a_mismatch(app):
    person, photo = card_photo(13)
    with app.app_context():
        document_id = attach_card("wa-ocr-3", person, photo, answered_name="Mohan Lal Bhatia")
        db.session.commit()
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert result.verdict == "mismatch" and "name_mismatch" in result.reasons


@pytest.fixture
def worker_env(workers):
    """An app on a file database with Redis as broker, and real workers to start; a dead worker's task returns in 3 s."""
    setup = workers({"CELERY_VISIBILITY_TIMEOUT": "3"})
    return setup.app, setup.start_worker, setup.graph_url


def wait_for_result(app, document_id: str, seconds: float) -> OcrResult | None:
    """Poll the database until OCR has stored a result for the document."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
            if result is not None:
                db.session.expunge(result)
                return result
        time.sleep(0.2)
    return None


@pytest.mark.slow
def test_a_real_worker_verifies_the_card_attached_on_redis(worker_env):
    app, start_worker, _ = worker_env
    start_worker()
    person, photo = card_photo(21)
    with app.app_context():
        document_id = attach_card("wa-ocr-w1", person, photo)
        db.session.commit()  # the task goes to Redis; the worker picks it up
    result = wait_for_result(app, document_id, 90)
    assert result is not None and result.verdict == "match", result and result.reasons
    assert result.fields["aadhaar_number"] == "XXXX-XXXX-" + person.aadhaar_number[-4:]


@pytest.mark.slow
def test_a_blurred_photo_is_refused_and_the_citizen_told_in_hindi_within_10_seconds(worker_env):
    app, start_worker, graph_url = worker_env
    start_worker()
    time.sleep(3)  # the worker is up before the upload, as in production
    person, photo = card_photo(22, blur_sigma=6)
    # The citizen sends the photo on WhatsApp, which opens the 24-hour window for a plain text reply.
    body = json.dumps({"phone_number_id": REVENUE_NUMBER, "from": WA_ID, "text": "photo"}).encode()
    urllib.request.urlopen(
        urllib.request.Request(f"{graph_url}/_standin/inbound", body, {"Content-Type": "application/json"})
    ).close()
    with app.app_context():
        started = time.monotonic()
        document_id = attach_card("wa-ocr-w2", person, photo, language="hi")
        citizen = db.session.get(Citizen, "wa-ocr-w2")
        citizen.wa_id, citizen.phone_number_id = WA_ID, REVENUE_NUMBER
        citizen.last_inbound_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    sent = []
    while time.monotonic() - started < 10 and not sent:
        with urllib.request.urlopen(f"{graph_url}/_standin/conversations/{WA_ID}") as response:
            sent = [m for m in json.load(response)["messages"] if m["direction"] == "out"]
        time.sleep(0.2)
    assert sent, "the citizen heard nothing within 10 seconds"
    print(f"upload to refusal text: {time.monotonic() - started:.2f} s")
    assert message_for("blurred", "hi") in json.dumps(sent, ensure_ascii=False)
    assert wait_for_result(app, document_id, 5).verdict == "refused"


@pytest.mark.slow
def test_a_worker_killed_mid_task_leaves_the_job_to_another(worker_env, tmp_path):
    app, start_worker, _ = worker_env
    # Worker A's Tesseract announces itself, then hangs: A is killed while it is inside the task.
    slow_bin, started = tmp_path / "slowbin", tmp_path / "tesseract-started"
    slow_bin.mkdir()
    (slow_bin / "tesseract").write_text(f"#!/bin/sh\ntouch {started}\nsleep 120\n")
    (slow_bin / "tesseract").chmod(0o755)
    first = start_worker({"PATH": f"{slow_bin}:{os.environ['PATH']}"})
    person, photo = card_photo(23)
    with app.app_context():
        document_id = attach_card("wa-ocr-w3", person, photo)
        db.session.commit()
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists(), "worker A never reached Tesseract"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert wait_for_result(app, document_id, 0.5) is None  # nothing was stored by the killed worker
    # Kombu hands back an unacked job only once it is older than the visibility timeout (3 s here), and a
    # worker checks at start-up and then only every ~100 s: start the second one after the timeout.
    time.sleep(3.5)
    killed = time.monotonic()
    start_worker()
    result = wait_for_result(app, document_id, 90)
    assert result is not None and result.verdict == "match", result and result.reasons
    print(f"kill to result by worker B: {time.monotonic() - killed:.1f} s")


def broker_down(*args):
    """What `delay` raises while Redis, the broker, refuses connections."""
    from kombu.exceptions import OperationalError

    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def submit_with_the_other_papers(citizen_id: str, card_id: str) -> int:
    """Attach small stand-in proofs for the rest of the card's draft, submit it, and return its id."""
    draft_id = db.session.get(Document, card_id).application_id
    for requirement in load_catalog()["income_certificate"].documents:
        if requirement.id != "aadhaar_card":
            other = documents.store(sample_image(requirement.id), citizen_id, "whatsapp", filename="p.png",
                                    declared_mime="image/png", sha256=None)  # fmt: skip
            db.session.flush()
            applications.attach_document(
                draft_id, {"citizen": citizen_id, "document_id": other.id, "requirement": requirement.id}
            )
    applications.submit(draft_id, {"citizen": citizen_id})
    db.session.commit()
    return draft_id


def test_the_officer_sees_the_findings_beside_the_card_with_the_number_masked(app, client, auth, people):
    person, photo = card_photo(14)
    with app.app_context():
        document_id = attach_card("wa-ocr-4", person, photo)
        draft_id = submit_with_the_other_papers("wa-ocr-4", document_id)
    auth.login("rev.officer")
    page = client.get(f"/applications/{draft_id}").get_data(as_text=True)
    card = page[page.index(f"/documents/{document_id}") :]
    findings = card[card.index("OCR findings") : card.index("</aside>")]
    assert "Matches the form" in findings
    assert "XXXX-XXXX-" + person.aadhaar_number[-4:] in findings and person.aadhaar_number not in page
    assert person.dob in findings
    assert "Photo refused" in page and "too_small" in page  # the small stand-in proofs were refused


def test_a_tesseract_failure_is_retried_and_the_document_still_verified(app, monkeypatch):
    from backoffice.ocr import verification
    from backoffice.ocr.tesseract import OcrFailed

    calls = []
    real = verification.read_document

    def flaky(data, kind):
        calls.append(kind)
        if len(calls) == 1:
            raise OcrFailed("tesseract was killed")
        return real(data, kind)

    monkeypatch.setattr(verification, "read_document", flaky)
    person, photo = card_photo(15)
    with app.app_context():
        document_id = attach_card("wa-ocr-5", person, photo)
        db.session.commit()
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
    assert len(calls) == 2 and result.verdict == "match"


def test_the_refusal_text_goes_only_to_drafts_and_only_once(app, monkeypatch):
    from backoffice.notifications import tasks as notification_tasks
    from backoffice.ocr.tasks import ocr_document

    told = []
    monkeypatch.setattr(notification_tasks.send_citizen_text, "delay", lambda *args: told.append(args))
    person, photo = card_photo(16, blur_sigma=6)
    with app.app_context():
        document_id = attach_card("wa-ocr-6", person, photo, language="hi")
        db.session.commit()
        ocr_document.delay(document_id)  # a redelivered message: the result stands, nobody is told twice
        assert told == [("wa-ocr-6", message_for("blurred", "hi"))]
        document = db.session.get(Document, document_id)
        document.application.status = "submitted"  # too late to send another photo: the officer decides
        assert refusal_message(verify_document(document_id)[0]) is None


def test_when_tesseract_keeps_failing_the_officer_is_asked_to_check_by_eye_and_nothing_is_lost(
    app, client, auth, people, monkeypatch
):
    from backoffice.notifications import tasks as notification_tasks
    from backoffice.ocr import verification
    from backoffice.ocr.tesseract import OcrFailed

    calls, told = [], []

    def broken(data, kind):
        calls.append(kind)
        raise OcrFailed("tesseract exited with signal 9")

    monkeypatch.setattr(verification, "read_document", broken)
    monkeypatch.setattr(notification_tasks.send_citizen_text, "delay", lambda *args: told.append(args))
    person, photo = card_photo(17)
    with app.app_context():
        document_id = attach_card("wa-ocr-7", person, photo)
        db.session.commit()  # the task runs in-process: the first try and its five retries
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        stored, tries = (result.verdict, result.reasons), len(calls)
        application_id = submit_with_the_other_papers("wa-ocr-7", document_id)
    assert tries == 6 and stored == ("unreadable", ["ocr_failed"])
    assert told == []  # nothing was wrong with the citizen's photo
    auth.login("rev.officer")
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "please check it by eye" in page and f"/documents/{document_id}" in page


def test_a_document_attached_while_the_broker_was_down_is_verified_by_the_sweep(app, monkeypatch, caplog):
    from backoffice.ocr.tasks import ocr_document, requeue_unverified_documents

    person, photo = card_photo(18)
    with app.app_context(), monkeypatch.context() as down:
        down.setattr(ocr_document, "delay", broker_down)
        document_id = attach_card("wa-ocr-8", person, photo)
        db.session.commit()  # the attachment stands; queueing its OCR failed
        assert db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id)) is None
    assert any(
        "could not queue backoffice.ocr.tasks.ocr_document" in r.getMessage() and not r.exc_info
        for r in caplog.records
    )
    with app.app_context():
        app.config["OCR_SWEEP_AFTER_MINUTES"] = 60
        assert requeue_unverified_documents.apply().get() == 0  # too recent: may still be in the queue
        app.config["OCR_SWEEP_AFTER_MINUTES"] = 0
        assert requeue_unverified_documents.apply().get() == 1
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert result.verdict == "match"
        assert requeue_unverified_documents.apply().get() == 0  # done once, never again


def test_papers_ocr_never_reads_do_not_fill_the_sweeps_batch(app, monkeypatch):
    from backoffice.ocr.tasks import ocr_document
    from backoffice.ocr.verification import unverified_documents

    person, photo = card_photo(19)
    with app.app_context(), monkeypatch.context() as down:
        down.setattr(ocr_document, "delay", broker_down)
        card_id = attach_card("wa-ocr-9", person, photo)
        db.session.commit()
        # Older affidavits of the same application: OCR never reads them, so they never get a result.
        for _ in range(5):
            affidavit = documents.store(sample_image("affidavit"), "wa-ocr-9", "whatsapp", filename="p.png",
                                        declared_mime="image/png", sha256=None)  # fmt: skip
            affidavit.application_id = db.session.get(Document, card_id).application_id
            affidavit.requirement, affidavit.created_at = "affidavit", utcnow() - timedelta(hours=1)
        db.session.commit()
        assert unverified_documents(timedelta(0), limit=3) == [card_id]


def test_a_stored_file_that_is_gone_is_left_to_the_officer_and_not_swept_for_ever(app, monkeypatch):
    from backoffice.ocr.tasks import ocr_document, requeue_unverified_documents

    person, photo = card_photo(20)
    with app.app_context(), monkeypatch.context() as held:
        held.setattr(ocr_document, "delay", lambda *args: None)  # queued, not yet run
        document_id = attach_card("wa-ocr-10", person, photo)
        db.session.commit()
    with app.app_context():
        document = db.session.get(Document, document_id)
        key = document.storage_key
        (Path(app.config["DOCUMENTS_DIR"]) / key[:2] / key).unlink()  # lost from the disk
        assert ocr_document.apply(args=[document_id]).get() == "unreadable"
        result = db.session.scalar(select(OcrResult).where(OcrResult.document_id == document_id))
        assert (result.verdict, result.reasons) == ("unreadable", ["file_missing"])
        app.config["OCR_SWEEP_AFTER_MINUTES"] = 0
        assert requeue_unverified_documents.apply().get() == 0
