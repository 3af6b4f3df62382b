"""Status changes reach the citizen on WhatsApp (the Cloud API stand-in): text in the window, else a template."""

import json
import urllib.request
from datetime import timedelta

import pytest

from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.notifications.send import OPTED_OUT, SENT_TEMPLATE, SENT_TEXT, notify_status_change
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, consents


@pytest.fixture
def whatsapp_app(app, standin, redis_url):
    """The test app pointed at the stand-in (and at Redis, where messages wait outside the window)."""
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS,
                      REDIS_URL=redis_url)  # fmt: skip
    return app


def received(standin, wa_id: str) -> list[dict]:
    """What the stand-in delivered to this citizen's phone."""
    with urllib.request.urlopen(f"{standin[0]}/_standin/conversations/{wa_id}") as response:
        return [m for m in json.load(response)["messages"] if m["direction"] == "out"]


def citizen_writes(standin, wa_id: str) -> None:
    """The citizen sends a message, which opens the 24-hour window at the stand-in."""
    body = json.dumps({"phone_number_id": REVENUE_NUMBER, "from": wa_id, "text": "status"}).encode()
    request = urllib.request.Request(
        f"{standin[0]}/_standin/inbound", body, {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).close()


@pytest.fixture
def citizen_application(whatsapp_app, submitted):
    """A revenue application whose citizen can be reached: `make(wa_id, language, last_inbound_hours_ago, opted_in)`."""

    def make(wa_id: str, language: str = "hi", hours_ago: float = 48, opted_in: bool = True) -> int:
        application_id = submitted(citizen=f"wa-{wa_id}", language=language)
        with whatsapp_app.app_context():
            citizen = db.session.get(Application, application_id).citizen
            citizen.wa_id, citizen.language = wa_id, language
            if opted_in:
                consents(citizen.id)
            citizen.phone_number_id = REVENUE_NUMBER  # the number they wrote to, as the bot's PUT records it
            citizen.last_inbound_at = utcnow() - timedelta(hours=hours_ago)
            db.session.commit()
        return application_id

    return make


def test_outside_the_window_a_template_in_the_citizens_language_is_sent(
    whatsapp_app, standin, citizen_application
):
    application_id = citizen_application("919800000001", "hi")
    with whatsapp_app.app_context():
        assert notify_status_change(application_id, "approved") == SENT_TEMPLATE
        number = db.session.get(Application, application_id).number
    [message] = received(standin, "919800000001")
    assert message["type"] == "template" and message["phone_number_id"] == REVENUE_NUMBER
    assert "application_status_update" in json.dumps(message) and number in json.dumps(
        message, ensure_ascii=False
    )
    assert "स्वीकृत" in json.dumps(message, ensure_ascii=False)


def test_inside_the_window_a_text_is_sent(whatsapp_app, standin, citizen_application):
    citizen_writes(standin, "919800000002")
    application_id = citizen_application("919800000002", "en", hours_ago=0.1)
    with whatsapp_app.app_context():
        application = db.session.get(Application, application_id)
        application.query_text = "Please send a clearer income proof."
        assert notify_status_change(application_id, "query_raised") == SENT_TEXT
        number = application.number
    [message] = received(standin, "919800000002")
    assert message["type"] == "interactive" and "Please send a clearer income proof." in json.dumps(message)
    buttons = message["body"]["interactive"]["action"]["buttons"]
    assert [(b["reply"]["title"], b["reply"]["id"]) for b in buttons] == [
        ("Answer now", f'/answer_query{{"number":"{number}"}}'),
        ("Later", "/answer_later"),
    ]


def test_a_query_outside_the_window_is_the_utility_template_with_answer_buttons(
    whatsapp_app, standin, citizen_application
):
    application_id = citizen_application("919800000012", "hi")
    with whatsapp_app.app_context():
        application = db.session.get(Application, application_id)
        application.query_text = "पते का प्रमाण साफ़ नहीं है"
        assert notify_status_change(application_id, "query_raised") == SENT_TEMPLATE
        number = application.number
    [message] = received(standin, "919800000012")
    template = message["body"]["template"]
    assert template["name"] == "application_query" and template["language"]["code"] == "hi"
    assert [p["text"] for p in template["components"][0]["parameters"]] == [number, "पते का प्रमाण साफ़ नहीं है"]
    payloads = [c["parameters"][0]["payload"] for c in template["components"][1:]]
    assert payloads == [f'/answer_query{{"number":"{number}"}}', "/answer_later"]


def test_when_meta_says_the_window_closed_the_template_is_sent_instead(
    whatsapp_app, standin, citizen_application
):
    application_id = citizen_application(
        "919800000003", "en", hours_ago=1
    )  # we think open; Meta knows better
    with whatsapp_app.app_context():
        assert notify_status_change(application_id, "rejected") == SENT_TEMPLATE
    assert [m["type"] for m in received(standin, "919800000003")] == ["template"]


def test_an_opted_out_citizen_is_not_messaged(whatsapp_app, standin, citizen_application):
    application_id = citizen_application("919800000004", opted_in=False)
    with whatsapp_app.app_context():
        assert notify_status_change(application_id, "approved") == OPTED_OUT
    assert received(standin, "919800000004") == []


def test_an_officers_move_notifies_after_commit_and_a_refused_move_does_not(
    whatsapp_app, standin, citizen_application
):
    from backoffice.applications import workflow

    application_id = citizen_application("919800000005")
    officer = Actor("officer", "rev.officer", department="revenue")
    with whatsapp_app.app_context():
        application = db.session.get(Application, application_id)
        workflow.transition(application, "start_review", officer)
        db.session.rollback()  # e.g. the page failed afterwards: nothing was decided, nobody is told
        assert received(standin, "919800000005") == []
        application = db.session.get(Application, application_id)
        workflow.transition(application, "start_review", officer)
        db.session.commit()
    assert [m["type"] for m in received(standin, "919800000005")] == ["template"]


def test_a_payment_message_is_a_text_in_the_window_and_an_invitation_outside(
    whatsapp_app, standin, citizen_application
):
    from backoffice.notifications.send import tell_citizen

    citizen_writes(standin, "919800000006")
    citizen_application("919800000006", "en", hours_ago=0.1)
    citizen_application("919800000007", "hi", hours_ago=30)
    with whatsapp_app.app_context():
        assert tell_citizen("wa-919800000006", "Payment of Rs 100 received.") == SENT_TEXT
        assert tell_citizen("wa-919800000007", "भुगतान मिल गया।") == SENT_TEMPLATE
    assert "Payment of Rs 100 received." in json.dumps(received(standin, "919800000006"))
    assert "resume_conversation" in json.dumps(received(standin, "919800000007"))
    # The text itself waits for the citizen's reply (the channel sends it then); nothing is lost.
    import redis

    from whatsapp_contract.handover import held_key

    store = redis.Redis.from_url(whatsapp_app.config["REDIS_URL"])
    [held] = [json.loads(raw) for raw in store.lrange(held_key("wa-919800000007"), 0, -1)]
    store.close()
    assert held["body"]["text"]["body"] == "भुगतान मिल गया।"
