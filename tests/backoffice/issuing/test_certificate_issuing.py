"""Approval issues a signed certificate through a real Celery worker, stores it, and sends it on WhatsApp."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.issuing.delivery import SENT_DOCUMENT, deliver
from backoffice.issuing.models import Certificate
from backoffice.issuing.services import issue_for_application, stored_pdf
from backoffice.issuing.tasks import worker_issuer
from backoffice.notifications.send import SENT_TEMPLATE
from certificates.issue import Issuer
from certificates.qr_code import read_qr_texts, render_pdf_page
from certificates.settings import CertificateSettings
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, add_user, consents, csrf_token, move
from tests.servers import ROOT

WA_ID = "919800000606"
APPROVER = Actor("approver", "rev.approver", department="revenue")


def conversation(graph_url: str, wa_id: str) -> list[dict]:
    """The messages the stand-in holds for `wa_id`."""
    with urllib.request.urlopen(f"{graph_url}/_standin/conversations/{wa_id}") as response:
        return json.load(response)["messages"]


def citizen_writes(graph_url: str, wa_id: str) -> None:
    """The citizen sends a message, which opens the 24 h window at the stand-in too."""
    body = json.dumps({"phone_number_id": REVENUE_NUMBER, "from": wa_id, "type": "text", "text": "status"})
    request = urllib.request.Request(
        f"{graph_url}/_standin/inbound", body.encode(), {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).read()


@pytest.fixture
def issuing_setup(tmp_path, workers, monkeypatch):
    """An app on a file database with Redis, a real worker, its own development PKI, and an application under review."""
    from backoffice.demo import samples as demo

    pki = {"SEVA_PKI_DIR": str(tmp_path / "pki"), "SEVA_VERIFY_URL": "http://127.0.0.1:5000/verify/"}
    for key, value in pki.items():
        monkeypatch.setenv(key, value)
    setup = workers(pki, ISSUE_ON_APPROVAL=True)
    citizen_writes(setup.graph_url, WA_ID)
    with setup.app.app_context():
        add_user("rev.approver", "approver", "revenue")
        application = demo.submitted_application("income_certificate", "wa-issuing", "9811177777", "en")
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = WA_ID, REVENUE_NUMBER
        consents(citizen.id)
        citizen.last_inbound_at = utcnow()
        workflow.transition(application, "start_review", APPROVER, notify=False)
        db.session.commit()
        application_id = application.id
    setup.start_worker()
    return setup.app, application_id, setup.graph_url, setup.env


@pytest.mark.slow
def test_approval_issues_stores_and_sends_a_certificate_that_verifies(issuing_setup, tmp_path):
    app, application_id, graph_url, env = issuing_setup
    with app.app_context():
        application = db.session.get(Application, application_id)
        workflow.transition(application, "approve", APPROVER)
        db.session.commit()  # the worker picks up the certificate task from Redis
    deadline, documents = time.monotonic() + 90, []
    while time.monotonic() < deadline and not documents:
        documents = [
            m for m in conversation(graph_url, WA_ID) if m["direction"] == "out" and m["type"] == "document"
        ]
        time.sleep(0.3)
    assert documents, "no document message reached the citizen's phone"
    sent = json.dumps(documents[0], ensure_ascii=False)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "issued"
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.application_id == application_id)
        )
        pdf = stored_pdf(certificate)
        number = certificate.number
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert pdf.startswith(b"%PDF")
    assert number in sent and "Income" in sent  # the English caption names the certificate
    assert {"application.approve", "application.issue", "certificate.issue"} <= actions
    # The file on the phone is the stored, signed PDF.
    media_id = documents[0]["body"]["document"]["id"]
    with urllib.request.urlopen(f"{graph_url}/_standin/media/{media_id}") as response:
        assert response.read() == pdf
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    qr_texts = read_qr_texts(render_pdf_page(path))
    assert any(number.upper() in text for text in qr_texts)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "backoffice.app", "certificates", "verify", str(path)],
                            cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "VERIFIED" in result.stdout and number in result.stdout
    with app.test_client() as client:
        page = client.get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert 'data-state="valid"' in page and f"Valid · {number}" in page


@pytest.fixture
def issued_certificate(tmp_path, monkeypatch, request, people, submitted):
    """An approved income application whose certificate is issued with a PKI of its own: (app, application id, number)."""
    monkeypatch.setenv("SEVA_PKI_DIR", str(tmp_path / "pki"))
    worker_issuer.cache_clear()  # reissuing in a view uses the process's issuer, which must see this PKI
    app = request.getfixturevalue("app")
    application_id = submitted("income_certificate", "wa-revoke", "9811166666", "en")
    move(app, application_id, "start_review", APPROVER)
    move(app, application_id, "approve", APPROVER)
    with app.app_context():
        certificate = issue_for_application(application_id, Issuer(CertificateSettings.from_env()))
        assert db.session.get(Application, application_id).status == "issued"
        return app, application_id, certificate.number


def check_code(app, number: str) -> str:
    """The check code printed on certificate `number`."""
    with app.app_context():
        return db.session.scalar(select(Certificate.check_code).where(Certificate.number == number))


def post_action(client, application_id: int, number: str, action: str, reason: str):
    """Post the revoke or reissue form from the application page, CSRF token included."""
    token = csrf_token(client, f"/applications/{application_id}")
    return client.post(f"/applications/{application_id}/certificates/{number}/{action}",
                       data={"csrf_token": token, "reason": reason})  # fmt: skip


def test_an_officer_without_approving_rights_cannot_revoke(issued_certificate, client, auth):
    app, application_id, number = issued_certificate
    auth.login("rev.officer")
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert number in page and "Revoke" not in page
    assert post_action(client, application_id, number, "revoke", "wrong income").status_code == 403
    assert 'data-state="valid"' in client.get(f"/verify/{number}").get_data(as_text=True)


def test_revoking_needs_a_reason_and_shows_on_the_public_page(issued_certificate, client, auth):
    app, application_id, number = issued_certificate
    auth.login("rev.approver")
    refused = post_action(client, application_id, number, "revoke", "  ")
    assert "needs a reason" in client.get(refused.headers["Location"]).get_data(as_text=True)
    post_action(client, application_id, number, "revoke", "income declared wrongly")
    auth.logout()
    page = client.get(f"/verify/{number}?lang=en&code={check_code(app, number)}").get_data(as_text=True)
    assert 'data-state="revoked"' in page and "income declared wrongly" in page
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
        assert entry.actor == "approver:rev.approver" and number in entry.subject


def test_reissuing_revokes_the_old_certificate_in_favour_of_a_new_one(issued_certificate, client, auth):
    app, application_id, number = issued_certificate
    auth.login("rev.approver")
    post_action(client, application_id, number, "reissue", "name misspelt")
    old = client.get(f"/verify/{number}?lang=en&code={check_code(app, number)}").get_data(as_text=True)
    with app.app_context():
        fresh = db.session.scalar(select(Certificate).where(Certificate.number != number))
        assert fresh.application_id == application_id and stored_pdf(fresh).startswith(b"%PDF")
        actions = [
            e.action
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("certificate.%")))
        ]
        fresh_number = fresh.number
    assert 'data-state="revoked"' in old and fresh_number in old
    assert 'data-state="valid"' in client.get(f"/verify/{fresh_number}").get_data(as_text=True)
    assert actions == ["certificate.issue", "certificate.revoke", "certificate.reissue"]


def test_outside_the_window_the_citizen_gets_the_template_and_after_writing_the_pdf_in_hindi(
    issued_certificate, standin
):
    app, application_id, number = issued_certificate
    graph_url, token = standin
    wa_id = "919800000607"
    app.config.update(WHATSAPP_GRAPH_URL=graph_url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    with app.app_context():
        citizen = db.session.get(Application, application_id).citizen
        citizen.wa_id, citizen.phone_number_id, citizen.language = wa_id, REVENUE_NUMBER, "hi"
        consents(citizen.id)
        citizen.last_inbound_at = utcnow() - timedelta(days=3)
        db.session.commit()
        assert deliver(number, "http://127.0.0.1:5000/verify/") == SENT_TEMPLATE
        citizen_writes(graph_url, wa_id)
        db.session.get(Application, application_id).citizen.last_inbound_at = utcnow()
        db.session.commit()
        assert deliver(number, "http://127.0.0.1:5000/verify/") == SENT_DOCUMENT
    sent = [m for m in conversation(graph_url, wa_id) if m["direction"] == "out"]
    assert [m["type"] for m in sent] == ["template", "document"]
    assert "जारी किया गया" in json.dumps(sent[0], ensure_ascii=False)
    caption = sent[1]["body"]["document"]["caption"]
    assert "संलग्न" in caption and number in caption


def test_submission_brings_a_signed_acknowledgement_that_verifies(app, submitted, tmp_path, monkeypatch):
    monkeypatch.setenv("SEVA_PKI_DIR", str(tmp_path / "pki"))
    worker_issuer.cache_clear()  # as in a fresh worker process, which reads the keys' place from its environment
    app.config["ACKNOWLEDGE_ON_SUBMIT"] = True
    application_id = submitted("income_certificate", "wa-ack", "9811155555", "en")  # the task runs in-process
    with app.app_context():
        acknowledgement = db.session.scalar(
            select(Certificate).where(Certificate.application_id == application_id)
        )
        number, kind, pdf = acknowledgement.number, acknowledgement.kind, stored_pdf(acknowledgement)
        application = db.session.get(Application, application_id)
        assert application.status != "issued" and number == f"{application.number}-A"
    assert kind == "acknowledgement"
    path = tmp_path / "acknowledgement.pdf"
    path.write_bytes(pdf)
    env = {**os.environ, "SEVA_PKI_DIR": str(tmp_path / "pki"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "certificates.cli", "verify", str(path)],
                            cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0 and number in result.stdout, result.stderr
    page = app.test_client().get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert 'data-state="valid"' in page


def test_asking_in_the_chat_sends_the_certificate_in_force_as_a_pdf(
    issued_certificate, standin, api, client, auth
):
    app, application_id, number = issued_certificate
    graph_url, token = standin
    wa_id = "919800000608"
    app.config.update(WHATSAPP_GRAPH_URL=graph_url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    with app.app_context():
        application = db.session.get(Application, application_id)
        application_number, citizen_id = application.number, application.citizen_id
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = wa_id, REVENUE_NUMBER
        consents(citizen.id)
        citizen.last_inbound_at = utcnow() - timedelta(days=3)  # asking reopens the window
        db.session.commit()
    auth.login("rev.approver")
    post_action(client, application_id, number, "reissue", "name misspelt")
    with app.app_context():
        fresh = db.session.scalar(select(Certificate.replaced_by).where(Certificate.number == number))
    citizen_writes(graph_url, wa_id)  # "send my certificate again", to the bot
    before = len(conversation(graph_url, wa_id))

    answer = api.post(
        f"/api/v1/applications/{application_number}/certificate/resend", json={"citizen": citizen_id}
    )

    assert answer.status_code == 202 and answer.get_json() == {"certificate": fresh}
    sent = [m for m in conversation(graph_url, wa_id)[before:] if m["direction"] == "out"]
    assert [m["type"] for m in sent] == ["document"]
    assert sent[0]["body"]["document"]["filename"] == f"{fresh}.pdf"
    with app.app_context():
        assert "certificate.resend" in set(db.session.scalars(select(AuditEntry.action)))


def test_a_certificate_is_never_resent_to_someone_else_nor_before_it_is_issued(app, api, submitted):
    application_id = submitted("income_certificate", "wa-owner", "9811177777", "en")
    with app.app_context():
        application_number = db.session.get(Application, application_id).number
    path = f"/api/v1/applications/{application_number}/certificate/resend"

    stranger = api.post(path, json={"citizen": "wa-stranger"})
    owner = api.post(path, json={"citizen": "wa-owner"})

    assert stranger.status_code == 404 and stranger.get_json()["code"] == "not_found"
    assert owner.status_code == 409 and owner.get_json()["code"] == "not_issued"
