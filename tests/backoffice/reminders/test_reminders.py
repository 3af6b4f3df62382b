"""Reminders on a frozen clock, sent to the Cloud API stand-in: once per event, in daytime, capped, with consent."""

import json
import threading
from datetime import datetime, timedelta

import pytest
import time_machine

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.consent import services as consent
from backoffice.consent.models import SuppressedMessage
from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.reminders import services as reminders
from backoffice.reminders.models import Reminder
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, consents
from tests.backoffice.notifications.test_notifications import citizen_writes, received

OFFICER = Actor("officer", "rev.officer", department="revenue")
SYSTEM = Actor("system", "test")
# 10:00 in Delhi is 04:30 UTC; 22:00 in Delhi is 16:30 UTC.
MORNING = datetime(2026, 12, 1, 4, 30)


@pytest.fixture
def reminder_app(app, standin):
    """The test app pointed at the stand-in, its clock frozen on a Delhi morning."""
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    with time_machine.travel(MORNING, tick=False) as clock:
        app.clock = clock
        yield app


def query_raised(
    app, wa_id: str, language: str = "en", consent_to=("reminders",), hours_since_wrote=72
) -> str:
    """An income certificate application with an officer's query, raised now, to a reachable citizen."""
    with app.app_context():
        application = demo.submitted_application("income_certificate", f"wa-{wa_id}", None, language)
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = wa_id, REVENUE_NUMBER
        citizen.last_inbound_at = datetime.now() - timedelta(hours=hours_since_wrote)  # frozen: naive UTC
        consents(citizen.id, *consent_to) if consent_to else None
        for move in ("check_documents",):
            if application.status != "document_check":
                workflow.transition(application, move, SYSTEM, notify=False)
        workflow.transition(
            application, "raise_query", OFFICER, "Please send a clearer income proof.", notify=False
        )
        db.session.commit()
        return application.number


def sweep(app):
    with app.app_context():
        return reminders.sweep()


def test_a_query_unanswered_for_three_days_is_reminded_once_with_snooze_and_stop_buttons(
    reminder_app, standin
):
    number = query_raised(reminder_app, "919811000001")
    reminder_app.clock.shift(timedelta(days=2, hours=23))
    assert sweep(reminder_app) == {} and received(standin, "919811000001") == []
    reminder_app.clock.shift(timedelta(hours=1, minutes=5))
    assert sweep(reminder_app) == {"sent": 1}
    assert sweep(reminder_app) == {}  # the next beat finds it already sent
    [message] = received(standin, "919811000001")
    assert message["type"] == "template" and message["phone_number_id"] == REVENUE_NUMBER
    body = json.dumps(message, ensure_ascii=False)
    assert "reminder_due" in body and number in body and "clearer income proof" in body
    buttons = [c for c in message["body"]["template"]["components"] if c["type"] == "button"]
    payloads = [b["parameters"][0]["payload"] for b in buttons]
    assert (
        payloads[0].startswith("/reminder_snooze")
        and payloads[1] == '/opt_out{"consent_purpose": "reminders"}'
    )


def test_quiet_hours_hold_a_due_reminder_until_morning(reminder_app, standin):
    query_raised(reminder_app, "919811000002")
    reminder_app.clock.shift(timedelta(days=3, hours=12))  # 22:00 in Delhi
    assert sweep(reminder_app) == {"quiet_hours": 1}
    reminder_app.clock.shift(timedelta(hours=9, minutes=59))  # 07:59
    assert sweep(reminder_app) == {"quiet_hours": 1}
    reminder_app.clock.shift(timedelta(minutes=1))  # 08:00
    assert sweep(reminder_app) == {"sent": 1}
    assert len(received(standin, "919811000002")) == 1


def test_quiet_hours_are_configurable(reminder_app):
    reminder_app.config["REMINDER_QUIET_HOURS"] = "09:00-18:00"
    query_raised(reminder_app, "919811000003")
    reminder_app.clock.shift(timedelta(days=3, hours=1))  # 11:00 in Delhi
    assert sweep(reminder_app) == {"quiet_hours": 1}


def test_without_consent_nothing_is_sent_and_the_suppression_is_recorded_once(reminder_app, standin):
    query_raised(reminder_app, "919811000004", consent_to=("updates",))
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {"suppressed": 1}
    assert sweep(reminder_app) == {}
    assert received(standin, "919811000004") == []
    with reminder_app.app_context():
        assert [s.kind for s in db.session.query(SuppressedMessage)] == ["reminder:query_unanswered"]


def test_a_withdrawn_consent_stops_reminders(reminder_app, standin):
    query_raised(reminder_app, "919811000005")
    with reminder_app.app_context():
        consent.withdraw("wa-919811000005", "whatsapp", "wamid:stop", ("reminders",))
        db.session.commit()
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {"suppressed": 1}
    assert received(standin, "919811000005") == []


def test_the_daily_cap_holds_the_third_reminder_for_the_next_day(reminder_app, standin):
    reminder_app.config["REMINDER_DAILY_CAP"] = 2
    with reminder_app.app_context():
        for _ in range(3):
            application = demo.submitted_application("income_certificate", "wa-919811000006", None, "hi")
            workflow.transition(
                application, "check_documents", SYSTEM, notify=False
            ) if application.status != "document_check" else None
            workflow.transition(application, "raise_query", OFFICER, "Which ward?", notify=False)
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = "919811000006", REVENUE_NUMBER
        consents(citizen.id, "reminders")
        db.session.commit()
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {"sent": 2, "capped": 1}
    reminder_app.clock.shift(timedelta(hours=2))
    assert sweep(reminder_app) == {"capped": 1}
    reminder_app.clock.shift(timedelta(hours=22, minutes=1))
    assert sweep(reminder_app) == {"sent": 1}
    messages = received(standin, "919811000006")
    assert len(messages) == 3 and "सेवा की ओर से" in json.dumps(messages, ensure_ascii=False)


def test_inside_the_window_it_is_a_text_with_two_buttons_from_the_number_they_wrote_to(reminder_app, standin):
    citizen_writes(standin, "919811000007")
    query_raised(
        reminder_app, "919811000007", language="hi", hours_since_wrote=-71
    )  # they write again on day 3
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {"sent": 1}
    [message] = received(standin, "919811000007")
    assert message["type"] == "interactive"
    titles = [b["reply"]["title"] for b in message["body"]["interactive"]["action"]["buttons"]]
    assert titles == ["बाद में याद दिलाएँ", "ये बंद करें"]


def test_snooze_sends_it_again_after_three_days_if_still_due_and_only_the_citizen_may_snooze(
    reminder_app, api, standin
):
    query_raised(reminder_app, "919811000008")
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    sweep(reminder_app)
    with reminder_app.app_context():
        reminder_id = db.session.query(Reminder).one().id
    other = api.post(f"/api/v1/reminders/{reminder_id}/snooze", json={"citizen": "wa-someone-else"})
    assert other.status_code == 404
    assert api.post(
        f"/api/v1/reminders/{reminder_id}/snooze", json={"citizen": "wa-919811000008"}
    ).get_json() == {"days": 3}
    reminder_app.clock.shift(timedelta(days=2))
    assert sweep(reminder_app) == {}
    reminder_app.clock.shift(timedelta(days=1))
    assert sweep(reminder_app) == {"sent": 1}
    assert len(received(standin, "919811000008")) == 2
    assert api.post("/api/v1/reminders/999/snooze", json={"citizen": "wa-919811000008"}).status_code == 404
    assert api.post(f"/api/v1/reminders/{reminder_id}/snooze", json={}).status_code == 422


def test_an_answered_query_is_not_reminded(reminder_app, standin):
    number = query_raised(reminder_app, "919811000009")
    with reminder_app.app_context():
        application = db.session.query(Application).filter_by(number=number).one()
        workflow.transition(application, "answer_query", Actor("citizen", "wa-919811000009"), notify=False)
        db.session.commit()
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {}
    assert received(standin, "919811000009") == []


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_beats_sweeping_at_once_send_each_reminder_once(reminder_app, standin):
    wa_ids = [f"9198110001{i:02d}" for i in range(12)]
    for wa_id in wa_ids:
        query_raised(reminder_app, wa_id)
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    start = threading.Barrier(2)
    outcomes = []

    def beat():
        with reminder_app.app_context():
            start.wait()
            outcomes.append(reminders.sweep())
            db.session.remove()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(o.get("sent", 0) for o in outcomes) == len(wa_ids)
    assert all(len(received(standin, wa_id)) == 1 for wa_id in wa_ids)


@pytest.fixture
def certificate_issued(reminder_app, people, submitted, tmp_path, monkeypatch):
    """`issue(wa_id, consent_to)`: an approved income application whose certificate is issued now (frozen
    clock), to a Hindi-speaking citizen who last wrote 4 days ago; returns the certificate number."""
    from backoffice.issuing.services import issue_for_application
    from backoffice.issuing.tasks import worker_issuer
    from certificates.issue import Issuer
    from certificates.settings import CertificateSettings
    from tests.backoffice.conftest import move

    monkeypatch.setenv("SEVA_PKI_DIR", str(tmp_path / "pki"))
    worker_issuer.cache_clear()
    approver = Actor("approver", "rev.approver", department="revenue")

    def issue(wa_id: str, consent_to=("updates", "reminders")) -> str:
        application_id = submitted("income_certificate", f"wa-{wa_id}", None, "hi")
        with reminder_app.app_context():
            citizen = db.session.get(Application, application_id).citizen
            citizen.wa_id, citizen.phone_number_id = wa_id, REVENUE_NUMBER
            citizen.last_inbound_at = datetime.now() - timedelta(days=4)  # frozen: naive UTC
            consents(citizen.id, *consent_to)
            db.session.commit()
        move(reminder_app, application_id, "start_review", approver)
        move(reminder_app, application_id, "approve", approver)
        with reminder_app.app_context():
            return issue_for_application(application_id, Issuer(CertificateSettings.from_env())).number

    return issue


def deliver(app, number: str) -> str:
    from backoffice.issuing.delivery import deliver as deliver_certificate

    with app.app_context():
        return deliver_certificate(number, "http://127.0.0.1:5000/verify/")


def test_a_certificate_never_downloaded_is_reminded_once_after_three_days_in_hindi(
    reminder_app, standin, certificate_issued
):
    wa_id = "919811000031"
    number = certificate_issued(wa_id)
    assert deliver(reminder_app, number) == "sent_template"  # outside the window: "ready", no PDF yet
    reminder_app.clock.shift(timedelta(days=2, hours=23))
    assert sweep(reminder_app) == {}
    reminder_app.clock.shift(timedelta(hours=1, minutes=5))
    assert sweep(reminder_app) == {"sent": 1}
    reminder_app.clock.shift(timedelta(days=4))
    assert sweep(reminder_app) == {}  # at most once, even days later and still not downloaded
    issued, reminder = received(standin, wa_id)
    assert reminder["type"] == "template" and reminder["phone_number_id"] == REVENUE_NUMBER
    template = reminder["body"]["template"]
    assert template["name"] == "reminder_due" and template["language"]["code"] == "hi"
    text = template["components"][0]["parameters"][0]["text"]
    assert number in text and "प्राप्त नहीं किया" in text and "send my certificate" in text
    payloads = [c["parameters"][0]["payload"] for c in template["components"] if c["type"] == "button"]
    assert payloads[1] == '/opt_out{"consent_purpose": "reminders"}'


def test_a_downloaded_certificate_is_not_reminded_and_a_resend_keeps_the_first_download(
    reminder_app, standin, certificate_issued
):
    from backoffice.issuing.models import Certificate

    wa_id = "919811000032"
    number = certificate_issued(wa_id)
    citizen_writes(standin, wa_id)
    with reminder_app.app_context():
        db.session.get(Application, db.session.query(Certificate).filter_by(number=number).one().application_id
                       ).citizen.last_inbound_at = datetime.now()  # fmt: skip
        db.session.commit()
    assert deliver(reminder_app, number) == "sent_document"  # the PDF itself, inside the window
    first = datetime.now()
    reminder_app.clock.shift(timedelta(hours=1))
    assert deliver(reminder_app, number) == "sent_document"  # asked again an hour later
    with reminder_app.app_context():
        assert db.session.query(Certificate).filter_by(number=number).one().downloaded_at == first
    reminder_app.clock.shift(timedelta(days=5))
    assert sweep(reminder_app) == {}
    assert [m["type"] for m in received(standin, wa_id)] == ["document", "document"]


def test_a_certificate_reminder_honours_stop(reminder_app, standin, certificate_issued):
    wa_id = "919811000033"
    number = certificate_issued(wa_id, consent_to=("updates",))
    deliver(reminder_app, number)
    reminder_app.clock.shift(timedelta(days=3, hours=1))
    assert sweep(reminder_app) == {"suppressed": 1}
    assert sweep(reminder_app) == {}
    assert [m["type"] for m in received(standin, wa_id)] == ["template"]  # the "issued" update only
    with reminder_app.app_context():
        assert [s.kind for s in db.session.query(SuppressedMessage)] == [
            "reminder:certificate_not_downloaded"
        ]


def test_the_days_before_a_certificate_reminder_are_configurable(reminder_app, standin, certificate_issued):
    reminder_app.config["REMINDER_CERTIFICATE_AFTER_DAYS"] = 7
    number = certificate_issued("919811000034")
    deliver(reminder_app, number)
    reminder_app.clock.shift(timedelta(days=6, hours=23))
    assert sweep(reminder_app) == {}
    reminder_app.clock.shift(timedelta(hours=2))
    assert sweep(reminder_app) == {"sent": 1}
