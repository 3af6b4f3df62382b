"""Data principal rights through the bot's API and the Grievance Officer's desk: each with its due date."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pypdfium2
import pytest
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.core.clock import today_ist, utcnow
from backoffice.documents.models import Document
from backoffice.extensions import db
from backoffice.rights import services as rights
from backoffice.rights.models import RightsRequest
from backoffice.rights.summary import build_summary
from catalog.validation import verhoeff_check_digit
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, consents, csrf_token
from tests.backoffice.notifications.test_notifications import citizen_writes, received

CITIZEN = "wa-cccccccccccccccccccc"


@pytest.fixture
def whatsapp_app(app, standin):
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    return app


def reachable(app, citizen: str, wa_id: str, language: str = "en") -> None:
    from backoffice.citizens.models import Citizen

    with app.app_context():
        person = db.session.get(Citizen, citizen)
        person.wa_id, person.phone_number_id, person.language = wa_id, REVENUE_NUMBER, language
        person.last_inbound_at = utcnow()
        consents(person.id)
        db.session.commit()


def pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_access_sends_a_bilingual_pdf_of_what_is_held_with_numbers_masked(
    whatsapp_app, api, submitted, standin
):
    application_id = submitted(citizen=CITIZEN)
    reachable(whatsapp_app, CITIZEN, "919800000101")
    citizen_writes(standin, "919800000101")
    response = api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "access"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "access" and body["status"] == "done" and body["reference"].startswith("DPR-")
    [document] = [m for m in received(standin, "919800000101") if m["type"] == "document"]
    assert body["reference"] in json.dumps(document)
    with whatsapp_app.app_context():
        number = db.session.get(Application, application_id).number
        text = pdf_text(build_summary(CITIZEN, utcnow()))
    aadhaar = "23412341234" + verhoeff_check_digit("23412341234")  # the demo answers' number
    assert number in text and "Income certificate" in text and "Why we hold it" in text
    assert f"XXXX-XXXX-{aadhaar[-4:]}" in text and aadhaar not in text.replace(" ", "")


def test_erasure_deletes_drafts_and_loose_documents_and_names_the_law_for_submitted_applications(
    app, api, submitted
):
    submitted(citizen=CITIZEN)
    draft = api.post(
        "/api/v1/drafts", json={"citizen": CITIZEN, "service": "birth_certificate", "answers": {}}
    )
    assert draft.status_code == 201
    loose = api.post("/api/v1/documents", data={"file": (io.BytesIO(_png()), "a.png", "image/png"), "citizen": CITIZEN},
                     content_type="multipart/form-data").get_json()  # fmt: skip
    response = api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "erasure"})
    body = response.get_json()
    assert response.status_code == 201 and body["status"] == "refused"
    assert body["erased"] == {"drafts": 1, "documents": 1}
    [kept] = body["kept"]
    assert kept["number"].startswith("DL-REV-") and kept["years"] == 3
    assert "Public Records Act" in kept["law"]["en"] and kept["law"]["hi"]
    with app.app_context():
        assert db.session.get(Document, loose["id"]) is None
        assert db.session.get(Application, draft.get_json()["id"]) is None
        assert db.session.scalar(select(Application).where(Application.citizen_id == CITIZEN)) is not None


def test_erasure_with_nothing_kept_by_law_is_done(app, api):
    api.put(f"/api/v1/citizens/{CITIZEN}", json={"language": "hi", "mobile": "9811122233"})
    api.post("/api/v1/drafts", json={"citizen": CITIZEN, "service": "birth_certificate", "answers": {}})
    body = api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "erasure"}).get_json()
    assert body["status"] == "done" and body["kept"] == [] and body["erased"]["drafts"] == 1
    assert api.get(f"/api/v1/citizens/{CITIZEN}").get_json()["mobile_masked"] is None


def test_a_nomination_keeps_the_nominees_mobile_sealed(app, api):
    api.put(f"/api/v1/citizens/{CITIZEN}", json={"language": "en"})
    bad = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights",
        json={"kind": "nomination", "nominee": {"name": "Asha", "mobile": "12"}},
    )
    assert bad.status_code == 422
    nominee = {"name": "Asha Devi", "relation": "daughter", "mobile": "98111 22334"}
    body = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "nomination", "nominee": nominee}
    ).get_json()
    assert body["status"] == "done"
    with app.app_context():
        request = db.session.scalar(select(RightsRequest).where(RightsRequest.reference == body["reference"]))
        assert request.details["nominee"]["mobile_masked"] == "******2334"
        assert "9811122334" not in json.dumps(request.details)


def test_a_grievance_is_due_in_the_configured_days_and_the_answer_reaches_the_citizen(
    whatsapp_app, api, client, auth, people, standin
):
    api.put(f"/api/v1/citizens/{CITIZEN}", json={"language": "en"})
    reachable(whatsapp_app, CITIZEN, "919800000102")
    citizen_writes(standin, "919800000102")
    assert (
        api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "grievance"}).status_code == 422
    )  # no text
    body = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "grievance", "text": "My data was shared"}
    ).get_json()
    assert body["status"] == "open" and body["due_by"] == (today_ist() + timedelta(days=30)).isoformat()

    auth.login("rev.officer")
    assert client.get("/rights").status_code == 403  # a department's officer does not see citizens' requests
    auth.logout()
    auth.login("admin")
    desk = client.get("/rights").get_data(as_text=True)
    assert body["reference"] in desk
    with whatsapp_app.app_context():
        request_id = db.session.scalar(
            select(RightsRequest.id).where(RightsRequest.reference == body["reference"])
        )
    token = csrf_token(client, f"/rights/{request_id}")
    done = client.post(
        f"/rights/{request_id}/answer",
        data={"csrf_token": token, "response": "We checked: nothing was shared."},
    )
    assert done.status_code == 302
    texts = [m for m in received(standin, "919800000102") if m["type"] == "text"]
    assert "nothing was shared" in json.dumps(texts) and body["reference"] in json.dumps(texts)
    assert api.get(f"/api/v1/citizens/{CITIZEN}/rights").get_json()["requests"][0]["status"] == "done"


def test_a_correction_goes_through_an_officer_and_only_to_the_citizens_own_application(
    app, api, client, auth, people, submitted
):
    own = submitted(citizen=CITIZEN)
    other = submitted(citizen="wa-dddddddddddddddddddd")
    body = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights",
        json={"kind": "correction", "text": "My name is Sunita Devi Sharma"},
    ).get_json()
    with app.app_context():
        request_id = db.session.scalar(
            select(RightsRequest.id).where(RightsRequest.reference == body["reference"])
        )
        own_number = db.session.get(Application, own).number
        other_number = db.session.get(Application, other).number
    auth.login("admin")
    token = csrf_token(client, f"/rights/{request_id}")
    client.post(f"/rights/{request_id}/correct", data={"csrf_token": token, "number": other_number,
                                                       "field": "applicant_name", "value": "Someone Else"})  # fmt: skip
    client.post(f"/rights/{request_id}/correct", data={"csrf_token": token, "number": own_number,
                                                       "field": "applicant_name", "value": "Sunita Devi Sharma"})  # fmt: skip
    with app.app_context():
        assert (
            db.session.get(Application, other).answers["applicant_name"] == "Sunita Devi"
        )  # untouched (IDOR)
        assert db.session.get(Application, own).answers["applicant_name"] == "Sunita Devi Sharma"
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rights.answer_corrected"))
        assert (
            entry.actor == "admin:admin"
            and "applicant_name" in entry.details
            and "Sharma" not in entry.details
        )


def test_due_requests_for_the_dashboard_come_by_due_date_with_overdue_flagged(app, api):
    api.put(f"/api/v1/citizens/{CITIZEN}", json={"language": "en"})
    first = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "grievance", "text": "one"}
    ).get_json()
    second = api.post(
        f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "correction", "text": "two"}
    ).get_json()
    api.post(
        f"/api/v1/citizens/{CITIZEN}/rights",
        json={"kind": "nomination", "nominee": {"name": "A B", "mobile": "9811122334"}},
    )
    with app.app_context():
        later = today_ist() + timedelta(days=31)  # a frozen "today", a month on
        due = rights.due_requests(later)
    assert [d["reference"] for d in due] == [first["reference"], second["reference"]]  # the nomination is met
    assert all(d["overdue"] and d["days_left"] == -1 for d in due)


def test_the_rights_page_is_public_and_bilingual(client):
    page = client.get("/privacy/rights").get_data(as_text=True)
    assert "Grievance Officer" in page and "शिकायत अधिकारी" in page and "Erasure" in page and "मिटाना" in page


def test_bad_requests_are_refused_politely(api):
    assert (
        api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "access"}).status_code == 404
    )  # never seen
    api.put(f"/api/v1/citizens/{CITIZEN}", json={"language": "en"})
    assert api.post(f"/api/v1/citizens/{CITIZEN}/rights", json={"kind": "everything"}).status_code == 422
    assert api.post(f"/api/v1/citizens/{CITIZEN}/rights", data="nope").status_code == 400


def _png() -> bytes:
    from backoffice.demo.samples import sample_image

    return sample_image("loose document")
