"""Money at the counter: the charge, cash recorded once, the signed receipt, the register, closing, reversal, reports."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import Actor
from backoffice.csc.models import CscApplication
from backoffice.extensions import db
from tests.backoffice.csc.conftest import sms_to


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def paid_later(desk):
    """An application made at CSC A for a Rs 200 service, submitted, money not yet taken: (client, number, session)."""
    operator = desk.client("op.one")
    session_id, mobile = desk.verified(operator)
    number = desk.bot_applies(session_id)
    return operator, number, session_id, mobile


def collect(desk, client, number: str, method: str = "cash", follow: bool = True):
    return desk.post(client, f"/csc/applications/{number}/collect", {"method": method}, form_page="/csc/register",
                     follow_redirects=follow)  # fmt: skip


def test_the_application_is_the_citizens_and_records_the_csc_and_operator(desk, paid_later):
    _, number, session_id, _ = paid_later
    citizen = desk.citizen_of(session_id)
    with desk.app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        link = db.session.get(CscApplication, application.id)
        assert application.citizen_id == citizen and application.channel == "csc"
        assert (
            link.csc_code == "DL-CSC-A"
            and link.operator.username == "op.one"
            and link.session_id == session_id
        )
        assert application.fee_paise == 20000 + 5000 and application.status == workflow.PAYMENT_PENDING
    # The citizen's own status list (what WhatsApp shows them) has it.
    headers = {"Authorization": f"Bearer {desk.app.config['BACKOFFICE_API_TOKEN']}"}
    listed = (
        desk.app.test_client().get(f"/api/v1/citizens/{citizen}/applications", headers=headers).get_json()
    )
    assert [a["number"] for a in listed["applications"]] == [number]


def test_the_session_page_shows_both_amounts_before_the_money_is_taken(desk, paid_later):
    operator, number, session_id, _ = paid_later
    page = operator.get(f"/csc/sessions/{session_id}").get_data(as_text=True)
    assert number in page and "₹250.00" in page and "CSC ₹50.00 + fee ₹200.00" in page


def test_cash_is_recorded_once_and_the_receipt_has_both_amounts_the_csc_and_the_operator(
    desk, paid_later, tmp_path
):
    operator, number, _, _ = paid_later
    answer = collect(desk, operator, number)
    assert "Recorded" in answer.get_data(as_text=True)
    with desk.app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        assert application.status == workflow.DOCUMENT_CHECK  # paid: on to the department

    again = collect(desk, operator, number)
    assert "already recorded" in again.get_data(as_text=True)
    upi_too = collect(desk, operator, number, "upi")
    assert "already recorded" in upi_too.get_data(as_text=True)

    receipt = operator.get(f"/csc/applications/{number}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    text = pdf_text(receipt.data, tmp_path)
    assert "₹ 200" in text and "₹ 50" in text and "₹ 250" in text
    assert "CSC Alpha" in text and "DL-CSC-A" in text and "Op One" in text
    assert "सीएससी सेवा शुल्क" in text and "Government fee" in text  # bilingual
    with desk.app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "csc.collected")).all()
        assert len(entries) == 1


def test_the_register_lists_the_day_and_the_cash_to_deposit(desk, paid_later):
    operator, number, _, _ = paid_later
    collect(desk, operator, number)
    page = operator.get("/csc/register").get_data(as_text=True)
    assert number in page
    assert 'id="charges">₹50.00' in page and 'id="fees">₹200.00' in page and 'id="cash">₹250.00' in page


def test_upi_is_not_cash_to_deposit(desk, paid_later):
    operator, number, _, _ = paid_later
    collect(desk, operator, number, "upi")
    page = operator.get("/csc/register").get_data(as_text=True)
    assert 'id="charges">₹50.00' in page and 'id="cash">₹0.00' in page


def test_after_closing_only_a_reversal_with_a_reason_changes_the_day(desk):
    operator = desk.client("op.one")
    first, _ = desk.verified(operator)
    second, _ = desk.verified(operator)
    paid, unpaid = desk.bot_applies(first), desk.bot_applies(second)
    collect(desk, operator, paid)
    closing = desk.post(operator, "/csc/register/close", form_page="/csc/register", follow_redirects=True)
    assert "Cash to deposit ₹250.00" in closing.get_data(as_text=True)
    assert "closed" in collect(desk, operator, unpaid).get_data(as_text=True)
    again = desk.post(operator, "/csc/register/close", form_page="/csc/register", follow_redirects=True)
    assert "already closed" in again.get_data(as_text=True)

    with desk.app.app_context():
        from backoffice.csc.models import CscCollection

        entry = db.session.scalar(select(CscCollection)).id
    no_reason = desk.post(operator, f"/csc/collections/{entry}/reverse", {"reason": " "}, form_page="/csc/register",
                          follow_redirects=True)  # fmt: skip
    assert "Give the reason" in no_reason.get_data(as_text=True)
    desk.post(operator, f"/csc/collections/{entry}/reverse", {"reason": "Citizen paid twice by mistake"},
              form_page="/csc/register")  # fmt: skip
    page = operator.get("/csc/register").get_data(as_text=True)
    assert "Reversed: Citizen paid twice by mistake" in page and 'id="cash">₹0.00' in page
    with desk.app.app_context():
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "csc.collection_reversed"))
        assert "Citizen paid twice by mistake" in audit.details


def test_another_csc_cannot_see_or_touch_the_money(desk, paid_later):
    operator, number, session_id, _ = paid_later
    collect(desk, operator, number)
    other = desk.client("op.two")
    assert other.get(f"/csc/applications/{number}/receipt.pdf").status_code == 404
    assert "No such application" in collect(desk, other, number).get_data(as_text=True)
    register = other.get("/csc/register").get_data(as_text=True)
    assert number not in register and "CSC Beta" in register
    with desk.app.app_context():
        from backoffice.csc.models import CscCollection

        entry = db.session.scalar(select(CscCollection)).id
    refused = desk.post(other, f"/csc/collections/{entry}/reverse", {"reason": "not mine at all"},
                        form_page="/csc/register", follow_redirects=True)  # fmt: skip
    assert "No such entry" in refused.get_data(as_text=True)


def test_officers_never_see_the_register_and_admins_see_every_csc_and_the_totals(desk, paid_later):
    operator, number, _, _ = paid_later
    collect(desk, operator, number)
    assert desk.client("mcd.officer").get("/csc/register").status_code == 403
    assert desk.client("mcd.officer").get("/admin/csc/report").status_code == 403
    assert desk.client("op.one").get("/admin/csc/report").status_code == 403
    admin = desk.client("admin")
    assert number in admin.get("/csc/register?csc=DL-CSC-A").get_data(as_text=True)
    report = admin.get("/admin/csc/report").get_data(as_text=True)
    assert "DL-CSC-A · CSC Alpha" in report and "₹250.00" in report and "DL-CSC-B · CSC Beta" in report


def test_status_updates_go_to_the_citizen_by_sms_and_show_on_the_desk(desk, paid_later):
    operator, number, session_id, mobile = paid_later
    collect(desk, operator, number)
    with desk.app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        workflow.transition(application, "start_review", Actor("system", "ocr"))
        db.session.commit()
    assert any(number in sms["Body"] for sms in sms_to(desk.sms_url, mobile))
    assert "under review" in operator.get(f"/csc/sessions/{session_id}").get_data(as_text=True)


def test_an_admin_adds_a_csc_and_an_operator_who_can_then_sign_in(desk):
    admin = desk.client("admin")
    desk.post(admin, "/admin/csc", {"code": "dl-csc-9", "name": "CSC Gamma", "address": "3 Lane", "district": "South"},
              form_page="/admin/csc")  # fmt: skip
    answer = desk.post(admin, "/admin/csc/operators", {"username": "op.nine", "full_name": "Op Nine", "csc": "DL-CSC-9"},
                       form_page="/admin/csc")  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "DL-CSC-9" in page and "op.nine" in page
    shown = page.split('id="first-password"')[1].split("<code>")[1].split("</code>")[0]
    # Never in the session cookie, which Flask signs but does not encrypt.
    cookie = admin.get_cookie("session")
    assert cookie is None or shown not in str(
        desk.app.session_interface.get_signing_serializer(desk.app).loads(cookie.value)
    )
    refused = desk.post(admin, "/admin/csc", {"code": "DL-CSC-9", "name": "x", "address": "y", "district": "z"},
                        form_page="/admin/csc", follow_redirects=True)  # fmt: skip
    assert "exists already" in refused.get_data(as_text=True)
