"""The breach register: an administrator records an incident, sees the Board's 72-hour clock, notifies citizens."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice.applications.models import Application
from backoffice.audit.models import AuditEntry
from backoffice.breach import services as breaches
from backoffice.breach.models import BreachIncident
from backoffice.core.clock import today_ist, utcnow
from backoffice.extensions import db
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, consents, csrf_token
from tests.backoffice.notifications.test_notifications import received


@pytest.fixture
def whatsapp_app(app, standin):
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    return app


def reachable(app, application_id: int, wa_id: str, opted_in: bool, language: str) -> None:
    with app.app_context():
        citizen = db.session.get(Application, application_id).citizen
        citizen.wa_id, citizen.phone_number_id, citizen.language = wa_id, REVENUE_NUMBER, language
        if opted_in:
            consents(citizen.id)
        db.session.commit()


def record(client, **fields):
    aware = (utcnow() + timedelta(hours=5, minutes=30) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Laptop stolen", "description": "A laptop with an export of applications was stolen.",
            "measures": "The export was encrypted; we changed every key. Watch for calls asking for OTPs.",
            "became_aware_at": aware, "start": today_ist().isoformat(), "end": today_ist().isoformat(),
            "csrf_token": csrf_token(client, "/breaches"), **fields}  # fmt: skip
    return client.post("/breaches", data=data)


def test_an_incident_is_recorded_with_its_72_hour_clock_and_the_affected_citizens_are_notified(
    whatsapp_app, client, auth, people, submitted, standin
):
    hindi = submitted(citizen="wa-breach-1", language="hi")
    english = submitted(citizen="wa-breach-2", language="en")
    opted_out = submitted(citizen="wa-breach-3")
    reachable(whatsapp_app, hindi, "919800000201", True, "hi")
    reachable(whatsapp_app, english, "919800000202", True, "en")
    reachable(whatsapp_app, opted_out, "919800000203", False, "hi")
    auth.login("admin")
    response = record(client, department="revenue")
    assert response.status_code == 302
    with whatsapp_app.app_context():
        incident = db.session.scalar(select(BreachIncident))
        assert incident.board_report_due_at - incident.became_aware_at == timedelta(hours=72)
        assert {a.citizen_id for a in incident.affected} == {"wa-breach-1", "wa-breach-2", "wa-breach-3"}
        assert 69 < breaches.hours_left(incident, utcnow()) < 71
    page = client.get(response.location).get_data(as_text=True)
    assert "hours left" in page and "Affected citizens: 3" in page

    token = csrf_token(client, response.location)
    client.post(f"/breaches/{incident.id}/notify", data={"csrf_token": token})
    [hi] = received(standin, "919800000201")
    [en] = received(standin, "919800000202")
    assert hi["type"] == en["type"] == "template"
    assert "data_breach_notice" in json.dumps(hi) and '"hi"' in json.dumps(hi) and '"en"' in json.dumps(en)
    assert "laptop" in json.dumps(en)
    assert received(standin, "919800000203") == []
    page = client.get(f"/breaches/{incident.id}").get_data(as_text=True)
    assert "sent_template: 2" in page and "opted_out: 1" in page
    client.post(f"/breaches/{incident.id}/reported", data={"csrf_token": token})
    with whatsapp_app.app_context():
        assert db.session.get(BreachIncident, incident.id).board_reported_at is not None
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"breach.recorded", "breach.citizens_notified", "breach.reported_to_board"} <= actions


def test_a_late_report_shows_as_late(app):
    with app.app_context():
        incident = BreachIncident(title="t", description="d", measures="m", became_aware_at=utcnow() - timedelta(hours=80),
                                  board_report_due_at=utcnow() - timedelta(hours=8), recorded_by="admin:admin")  # fmt: skip
        assert breaches.hours_left(incident, utcnow()) < -7


def test_only_administrators_see_the_register_and_bad_input_is_refused(client, auth, people):
    auth.login("rev.officer")
    assert client.get("/breaches").status_code == 403
    auth.logout()
    auth.login("admin")
    assert record(client, start="not a date").status_code == 302
    assert record(client, description="  ").status_code == 302
    assert "No incident recorded" in client.get("/breaches").get_data(as_text=True)
