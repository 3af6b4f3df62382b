"""The one state machine: legal paths, refused moves, who may make each, on SQLite and on PostgreSQL."""

import pytest

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.extensions import db
from tests.backoffice.conftest import move

pytestmark = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)

OFFICER = Actor("officer", "rev.officer", department="revenue")
APPROVER = Actor("approver", "rev.approver", department="revenue")
OTHER_APPROVER = Actor("approver", "mcd.approver", department="mcd")
SYSTEM = Actor("system", "certificates")


def test_officer_and_approver_take_an_application_to_issued(app, submitted):
    application_id = submitted()
    assert move(app, application_id, "start_review", OFFICER) == "under_review"
    assert move(app, application_id, "approve", APPROVER) == "approved"
    assert move(app, application_id, "issue", SYSTEM) == "issued"
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert [e.to_status for e in application.events] == [
            "submitted", "document_check", "under_review", "approved", "issued",
        ]  # fmt: skip
        assert application.decided_at is not None


def test_a_query_goes_to_the_citizen_and_back_to_review(app, submitted):
    citizen = "wa-query-citizen"
    application_id = submitted(citizen=citizen)
    assert move(app, application_id, "raise_query", OFFICER, "Upload a clearer photo") == "query_raised"
    assert move(app, application_id, "answer_query", Actor("citizen", citizen)) == "under_review"


def test_a_fee_sends_the_application_to_payment_first(app, submitted):
    application_id = submitted(service="marriage_registration", citizen="wa-fee")
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.fee_paise and application.status == "payment_pending"
    assert move(app, application_id, "check_documents", Actor("system", "payments")) == "document_check"


@pytest.mark.parametrize(
    ("name", "actor", "reason", "code"),
    [
        ("approve", APPROVER, None, "illegal_transition"),  # still in document check
        ("start_review", OTHER_APPROVER, None, "forbidden"),  # another department
        ("start_review", Actor("citizen", "wa-citizen-1"), None, "forbidden"),
        ("start_review", Actor("csc_operator", "csc"), None, "forbidden"),
        ("start_review", Actor("admin", "admin"), None, "forbidden"),  # administrators do not decide cases
        ("raise_query", OFFICER, "  ", "reason_required"),
        ("reject", APPROVER, None, "reason_required"),
        ("reject", OFFICER, "no", "forbidden"),  # only the approver decides
        ("submit", OFFICER, None, "forbidden"),
        ("fly_to_the_moon", OFFICER, None, "unknown_transition"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(app, submitted, name, actor, reason, code):
    application_id = submitted()
    with app.app_context():
        application = db.session.get(Application, application_id)
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.transition(application, name, actor, reason, notify=False)
        assert refused.value.code == code
        db.session.rollback()
        assert db.session.get(Application, application_id).status == "document_check"


def test_an_approver_cannot_approve_twice_or_after_a_rejection(app, submitted):
    application_id = submitted()
    move(app, application_id, "start_review", OFFICER)
    assert move(app, application_id, "reject", APPROVER, "Income proof is not attested") == "rejected"
    for name, actor in (
        ("approve", APPROVER),
        ("withdraw", Actor("citizen", "wa-citizen-1")),
        ("start_review", OFFICER),
    ):
        with pytest.raises(workflow.TransitionRefused):
            move(app, application_id, name, actor)


def test_the_citizen_can_withdraw_while_pending(app, submitted):
    application_id = submitted(citizen="wa-withdraw")
    assert move(app, application_id, "withdraw", Actor("citizen", "wa-withdraw")) == "withdrawn"


def test_the_moves_offered_on_screen_are_exactly_the_legal_ones(app, submitted):
    application_id = submitted()
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert {t.name for t in workflow.allowed(application, OFFICER)} == {
            "start_review",
            "raise_query",
            "assess_fee",
        }
        assert {t.name for t in workflow.allowed(application, APPROVER)} == {
            "start_review",
            "raise_query",
            "assess_fee",
            "reject",
        }
        assert workflow.allowed(application, OTHER_APPROVER) == []
