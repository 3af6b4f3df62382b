"""Withdrawing from the chat: refusals by status, someone else's application, and the fee refunded or kept (issue 14)."""

import pytest

from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.jobs import after_commit
from backoffice.payments.models import PAID, PaymentIntent
from tests.backoffice.conftest import move

CITIZEN = "wa-withdrawing"
OFFICER = Actor("officer", "rev.officer", department="revenue")
APPROVER = Actor("approver", "rev.approver", department="revenue")


@pytest.fixture
def queued(monkeypatch):
    """The tasks enqueued after commit, recorded instead of run."""
    sent = []
    monkeypatch.setattr(after_commit, "enqueue", lambda name, *args: sent.append((name, args)))
    return sent


def number_of(app, application_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, application_id).number


def paid_fee(app, application_id: int, paise: int = 10000) -> None:
    """A payment confirmed for the application, as the gateway callback leaves it."""
    with app.app_context():
        db.session.add(PaymentIntent(
            reference=f"SVPTEST{application_id:08d}", purpose="application_fee",
            subject_key=f"application:{application_id}", live_subject=f"application:{application_id}",
            application_id=application_id, citizen=CITIZEN, amount_paise=paise, amount_paid_paise=paise,
            description="Fee", provider="gateway", status=PAID, payment_id=f"pay_{application_id}",
        ))  # fmt: skip
        db.session.commit()


def withdraw(api, number: str, citizen: str = CITIZEN):
    return api.post(f"/api/v1/applications/{number}/withdraw", json={"citizen": citizen})


def test_a_paid_fee_is_refunded_when_the_service_had_not_started(app, api, submitted, queued):
    application_id = submitted(citizen=CITIZEN)
    paid_fee(app, application_id)
    answer = withdraw(api, number_of(app, application_id))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "withdrawn"
    assert body["refund"] == {
        "outcome": "refunding",
        "amount_paise": 10000,
        "amount_label": {"en": "₹100", "hi": "₹100"},
    }
    assert ("backoffice.payments_tasks.refund_withdrawn_payment", (f"SVPTEST{application_id:08d}",)) in queued
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="application.withdraw").count() == 1
    queue = api.get(f"/api/v1/citizens/{CITIZEN}/applications").get_json()["applications"]
    assert queue[0]["status"] == "withdrawn"


def test_the_fee_is_kept_once_an_officer_started_the_review(app, api, submitted, queued):
    application_id = submitted(citizen=CITIZEN)
    move(app, application_id, "start_review", OFFICER)
    paid_fee(app, application_id)
    body = withdraw(api, number_of(app, application_id)).get_json()
    assert body["refund"]["outcome"] == "kept"
    assert not [name for name, _ in queued if "refund" in name]


def test_nothing_paid_means_nothing_to_refund(app, api, submitted, queued):
    body = withdraw(api, number_of(app, submitted(citizen=CITIZEN))).get_json()
    assert body["status"] == "withdrawn" and body["refund"] is None


def test_withdrawing_twice_an_issued_application_or_someone_elses_is_refused(app, api, submitted, queued):
    twice = number_of(app, submitted(citizen=CITIZEN))
    assert withdraw(api, twice).status_code == 200
    again = withdraw(api, twice)
    assert (again.status_code, again.get_json()["code"]) == (409, "already_withdrawn")

    issued_id = submitted(citizen=CITIZEN)
    move(app, issued_id, "start_review", OFFICER)
    move(app, issued_id, "approve", APPROVER)
    move(app, issued_id, "issue", Actor("system", "certificates"))
    issued = withdraw(api, number_of(app, issued_id))
    assert (issued.status_code, issued.get_json()["code"]) == (409, "already_issued")

    theirs_id = submitted(citizen="wa-someone-else")
    theirs = withdraw(api, number_of(app, theirs_id))
    assert theirs.status_code == 404
    with app.app_context():
        assert db.session.get(Application, theirs_id).status == "document_check"
