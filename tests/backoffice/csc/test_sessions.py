"""Starting a session for a citizen: the SMS code, consent, the chat token, and who may see which session."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import jwt
from sqlalchemy import select

from backoffice.audit.models import AuditEntry
from backoffice.core.clock import utcnow
from backoffice.csc.models import CscSession
from backoffice.extensions import db
from tests.backoffice.conftest import Auth, csrf_token
from tests.backoffice.csc.conftest import code_from_sms, sms_to
from whatsapp_contract.identity import DEVELOPMENT_SALT, citizen_id


def test_an_operator_lands_on_the_desk_and_officers_cannot_open_it(desk):
    operator = desk.client()
    assert Auth(operator).login("op.one").headers["Location"].endswith("/csc")
    assert "CSC Alpha" in operator.get("/csc").get_data(as_text=True)
    assert operator.get("/queue").status_code == 403  # never an officer page
    assert desk.client("mcd.officer").get("/csc").status_code == 403
    assert desk.client().get("/csc").status_code == 302  # signed out: to the sign-in page


def test_the_citizen_gets_a_code_by_sms_and_the_right_code_records_consent(desk):
    operator = desk.client("op.one")
    session_id, mobile = desk.start(operator)
    [sms] = sms_to(desk.sms_url, mobile)
    assert "CSC Alpha" in sms["Body"] and "कोड" in sms["Body"]
    page = operator.get(f"/csc/sessions/{session_id}").get_data(as_text=True)
    assert "******" + mobile[-4:] in page and mobile not in page and 'id="chat"' not in page

    desk.post(operator, f"/csc/sessions/{session_id}/verify", {"code": code_from_sms(desk.sms_url, mobile)})
    assert 'id="chat"' in operator.get(f"/csc/sessions/{session_id}").get_data(as_text=True)
    with desk.app.app_context():
        session = db.session.get(CscSession, session_id)
        assert session.verified_at is not None and mobile not in session.code_hash
        consent = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "csc.consent_to_act"))
        assert (
            consent.subject == f"citizen:{session.citizen_id}"
            and json.loads(consent.details)["csc"] == "DL-CSC-A"
        )


def test_a_wrong_code_and_an_expired_code_are_refused(desk):
    operator = desk.client("op.one")
    session_id, mobile = desk.start(operator)
    right = code_from_sms(desk.sms_url, mobile)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    answer = desk.post(operator, f"/csc/sessions/{session_id}/verify", {"code": wrong}, follow_redirects=True)
    assert "Wrong code" in answer.get_data(as_text=True)
    assert desk.token(operator, session_id).status_code == 409  # no chat before the right code

    with desk.app.app_context():
        db.session.get(CscSession, session_id).code_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    answer = desk.post(operator, f"/csc/sessions/{session_id}/verify", {"code": right}, follow_redirects=True)
    assert "expired" in answer.get_data(as_text=True)
    with desk.app.app_context():
        assert db.session.get(CscSession, session_id).verified_at is None


def test_five_wrong_codes_end_the_session(desk):
    operator = desk.client("op.one")
    session_id, mobile = desk.start(operator)
    right = code_from_sms(desk.sms_url, mobile)
    for attempt in range(5):
        desk.post(
            operator,
            f"/csc/sessions/{session_id}/verify",
            {"code": f"{(int(right) + 1 + attempt) % 10**6:06d}"},
        )
    answer = desk.post(operator, f"/csc/sessions/{session_id}/verify", {"code": right}, follow_redirects=True)
    assert "expired" in answer.get_data(as_text=True)


def test_a_bad_mobile_number_is_refused_politely(desk):
    operator = desk.client("op.one")
    answer = desk.post(operator, "/csc/sessions", {"mobile": "12345"}, follow_redirects=True)
    assert answer.status_code == 200 and "10-digit mobile" in answer.get_data(as_text=True)


def test_the_chat_token_names_the_session_csc_operator_and_citizen_and_expires_soon(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    answer = desk.token(operator, session_id)
    assert answer.status_code == 200
    claims = jwt.decode(answer.get_json()["token"], desk.app.config["CSC_CHAT_JWT_KEY"], algorithms=["HS256"],
                        audience="seva-csc-chat")  # fmt: skip
    assert (
        claims["sub"] == f"csc-{session_id}"
        and claims["csc"] == "DL-CSC-A"
        and claims["operator"] == "op.one"
    )
    assert claims["citizen"] == desk.citizen_of(session_id)
    assert 0 < claims["exp"] - time.time() <= 300


def test_another_csc_sees_none_of_the_session(desk):
    session_id, _ = desk.verified(desk.client("op.one"))
    other = desk.client("op.two")
    assert other.get(f"/csc/sessions/{session_id}").status_code == 404
    assert desk.token(other, session_id).status_code == 404  # no token for another CSC's session
    assert f"/csc/sessions/{session_id}" not in other.get("/csc").get_data(as_text=True)
    assert desk.post(other, f"/csc/sessions/{session_id}/verify", {"code": "000000"}).status_code == 404


def test_one_person_is_one_citizen_across_whatsapp_and_the_csc(desk):
    api = desk.app.test_client()
    headers = {"Authorization": f"Bearer {desk.app.config['BACKOFFICE_API_TOKEN']}"}
    # The WhatsApp channel names the person by their wa_id (91 + mobile); the CSC finds the same person by mobile.
    on_whatsapp = citizen_id(desk.app.config["SEVA_ID_SALT"] or DEVELOPMENT_SALT, "919812345670")
    api.put(f"/api/v1/citizens/{on_whatsapp}", headers=headers, json={"language": "en"})
    session_id, _ = desk.verified(desk.client("op.one"), mobile="9812345670")
    assert desk.citizen_of(session_id) == on_whatsapp


def test_a_session_survives_the_operator_signing_out(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    operator.post("/logout", data={"csrf_token": csrf_token(operator, "/csc")})
    assert operator.post(f"/csc/sessions/{session_id}/token").status_code in (
        302,
        400,
    )  # signed out: no token
    again = desk.client("op.one")
    assert f"/csc/sessions/{session_id}" in again.get("/csc").get_data(as_text=True)
    token = desk.token(again, session_id).get_json()
    assert token["session"] == f"csc-{session_id}"  # the same conversation, so the bot's draft resumes


def test_the_page_may_open_the_chat_socket_on_rasa_and_nothing_else(desk):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    policy = operator.get(f"/csc/sessions/{session_id}").headers["Content-Security-Policy"]
    chat = desk.app.config["CSC_CHAT_URL"].removeprefix("http://")
    assert f"connect-src 'self' http://{chat} ws://{chat}" in policy
