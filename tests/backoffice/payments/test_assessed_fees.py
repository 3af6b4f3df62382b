"""A fee an officer assesses after submission: the application waits for it, then goes back to review (issue 14)."""

import pytest

from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.jobs import after_commit
from backoffice.payments.assessed_fees import assessed_fee_charge
from backoffice.payments.backoffice_effects import BackofficePaymentEffects
from backoffice.payments.models import PaymentIntent
from tests.backoffice.conftest import csrf_token, move

OFFICER = Actor("officer", "rev.officer", department="revenue")


@pytest.fixture
def queued(monkeypatch):
    """The tasks enqueued after commit, recorded instead of run."""
    sent = []
    monkeypatch.setattr(after_commit, "enqueue", lambda name, *args: sent.append((name, args)))
    return sent


def assess(client, application_id: int, amount: str, reason: str = "Late fee"):
    token = csrf_token(client, f"/applications/{application_id}")
    return client.post(f"/applications/{application_id}/assess-fee",
                       data={"amount": amount, "reason": reason, "csrf_token": token})  # fmt: skip


def test_an_officer_assesses_a_late_fee_and_the_citizen_is_asked_to_pay(
    app, client, auth, people, submitted, queued
):
    application_id = submitted(citizen="wa-late-fee")
    move(app, application_id, "start_review", OFFICER)
    auth.login("rev.officer")
    assert "Assess a fee" in client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert assess(client, application_id, "250.50").status_code == 303
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "payment_pending"
        assert (application.assessed_fee_paise, application.assessed_fee_reason) == (25050, "Late fee")
        charge = assessed_fee_charge(application)
        assert charge.total_paise == 25050 and charge.application_id == application_id
        assert charge.purpose == "assessed_fee" and charge.subject_key != f"application:{application_id}"
    assert ("backoffice.payments_tasks.request_assessed_fee", (application_id,)) in queued

    # Paid: the application goes back to its reviewer, not to document check.
    with app.app_context():
        intent = PaymentIntent(reference="SVPLATEFEE0001", purpose="assessed_fee", application_id=application_id,
                               citizen="wa-late-fee", amount_paise=25050)  # fmt: skip
        BackofficePaymentEffects().payment_confirmed(intent)
        assert db.session.get(Application, application_id).status == "under_review"


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "2000000"])
def test_a_bad_amount_is_refused_and_changes_nothing(app, client, auth, people, submitted, queued, amount):
    application_id = submitted(citizen="wa-late-fee")
    auth.login("rev.officer")
    page = assess(client, application_id, amount)
    assert page.status_code == 303
    assert "Fee not assessed" in client.get(f"/applications/{application_id}").get_data(as_text=True)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "document_check" and application.assessed_fee_paise is None
    assert not [name for name, _ in queued if "assessed" in name]


def test_another_departments_officer_cannot_assess(app, client, auth, people, submitted, queued):
    application_id = submitted(citizen="wa-late-fee")
    auth.login("mcd.officer")
    token = csrf_token(client, "/queue")
    response = client.post(f"/applications/{application_id}/assess-fee",
                           data={"amount": "100", "reason": "Late fee", "csrf_token": token})  # fmt: skip
    assert response.status_code == 404
