"""Scans uploaded from the desk go through the same intake as WhatsApp photos, for the citizen of the session."""

from __future__ import annotations

import io

from backoffice.demo.samples import sample_image
from backoffice.documents.models import Document
from backoffice.extensions import db
from tests.backoffice.conftest import csrf_token


def upload(desk, client, session_id: int, content: bytes, name: str = "scan.png"):
    return client.post(
        f"/csc/sessions/{session_id}/documents",
        data={"file": (io.BytesIO(content), name)},
        headers={"X-CSRFToken": csrf_token(client, "/csc")},
        content_type="multipart/form-data",
    )


def test_a_scan_is_stored_encrypted_for_the_citizen_and_told_to_the_bot(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    image = sample_image("Birth slip of Asha")
    answer = upload(desk, operator, session_id, image)
    assert answer.status_code == 201
    message = answer.get_json()["message"]
    assert message.startswith('/document_received{"document_id":"')
    with desk.app.app_context():
        [document] = db.session.query(Document).all()
        assert document.citizen_id == desk.citizen_of(session_id) and document.source == "csc"
        stored = desk.app.extensions["seva_documents"].get(document.storage_key)
        assert image[:64] not in stored  # encrypted at rest


def test_a_file_intake_refuses_is_passed_to_the_bot_as_a_refusal(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    answer = upload(desk, operator, session_id, b"MZ\x90\x00 not a scan at all", "virus.exe")
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith('/document_rejected{"reason":"')


def test_no_upload_into_another_csc_session_or_before_the_code(desk):
    session_id, _ = desk.verified(desk.client("op.one"))
    assert upload(desk, desk.client("op.two"), session_id, sample_image("x")).status_code == 404
    operator = desk.client("op.one")
    waiting, _ = desk.start(operator)
    assert upload(desk, operator, waiting, sample_image("x")).status_code == 404


def test_a_draft_is_linked_only_to_a_checked_session_of_the_same_citizen(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    other_session, _ = desk.verified(operator)
    headers = {"Authorization": f"Bearer {desk.app.config['BACKOFFICE_API_TOKEN']}"}
    api = desk.app.test_client()
    # The bot names a session whose citizen is someone else: the draft stays the citizen's, with no CSC link.
    draft = api.post("/api/v1/drafts", headers=headers, json={
        "citizen": desk.citizen_of(session_id), "service": "birth_certificate", "channel": "csc",
        "csc_operator": "op.one", "csc_session": other_session}).get_json()  # fmt: skip
    with desk.app.app_context():
        from backoffice.csc.models import CscApplication

        assert db.session.get(CscApplication, draft["id"]) is None
