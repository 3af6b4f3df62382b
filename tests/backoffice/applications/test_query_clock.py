"""An officer's query pauses the Act's clock until the citizen answers; the reminder time is recorded (issue 14)."""

from datetime import timedelta

from backoffice.applications import deadlines
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.core.clock import today_ist
from backoffice.extensions import db
from tests.backoffice.conftest import csrf_token, move

OFFICER = Actor("officer", "rev.officer", department="revenue")
CITIZEN = "wa-query-clock"


def test_the_clock_pauses_while_the_query_is_open_and_the_deadline_moves_by_those_days(
    app, api, submitted, client, auth, people
):
    application_id = submitted(citizen=CITIZEN)
    move(app, application_id, "start_review", OFFICER)
    move(app, application_id, "raise_query", OFFICER, "The address proof is unreadable, send a clearer one")
    with app.app_context():
        application = db.session.get(Application, application_id)
        number, due = application.number, application.decision_by
        assert application.query_reminder_due_at == application.query_raised_at + timedelta(days=3)
        state = deadlines.deadline_state(due + timedelta(days=30), today_ist(), None, query_open=True)
        assert state.state == deadlines.PAUSED and state.compensation_paise == 0
        # The query was raised four days ago.
        application.query_raised_at -= timedelta(days=4)
        db.session.commit()

    auth.login("rev.officer")
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "clock is paused" in page and "Clock paused: waiting for the citizen" in page

    answered = api.post(f"/api/v1/applications/{number}/query-answer",
                        json={"citizen": CITIZEN, "text": "Sent a clearer copy"})  # fmt: skip
    assert answered.status_code == 200
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.decision_by == due + timedelta(days=4)
        assert application.clock_paused_days == 4
        assert application.query_reminder_due_at is None and application.query_answered_at is not None
        assert application.events[-2].detail == {"clock_paused_days": 4}
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Answered" in page and "4 day(s) for queries" in page
    queue = client.get("/queue").get_data(as_text=True)
    assert number in queue and "Query answered" in queue


def test_a_query_answer_to_another_citizens_application_is_refused(app, api, submitted):
    application_id = submitted(citizen=CITIZEN)
    move(app, application_id, "raise_query", OFFICER, "Which ward do you live in?")
    with app.app_context():
        number = db.session.get(Application, application_id).number
    refused = api.post(
        f"/api/v1/applications/{number}/query-answer", json={"citizen": "wa-someone-else", "text": "x"}
    )
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(Application, application_id).status == "query_raised"


def test_the_generic_move_form_cannot_assess_a_fee_without_an_amount(app, submitted, client, auth, people):
    application_id = submitted(citizen=CITIZEN)
    auth.login("rev.officer")
    token = csrf_token(client, f"/applications/{application_id}")
    response = client.post(f"/applications/{application_id}/move",
                           data={"move": "assess_fee", "reason": "late", "csrf_token": token})  # fmt: skip
    assert response.status_code == 400
