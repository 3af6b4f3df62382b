"""Email double opt-in through a real SMTP server (aiosmtpd): the link works once, expires, and every mail unsubscribes."""

import mailbox
import re
from datetime import timedelta

import pytest
import time_machine

from backoffice.consent import services as consent
from backoffice.consent.models import ConsentEntry
from backoffice.extensions import db
from tests.backoffice.conftest import NUMBERS, csrf_token
from tests.backoffice.notifications.test_notifications import received
from tests.servers import mail_server


@pytest.fixture
def smtp(app, tmp_path, standin):
    """aiosmtpd on a free port, the app mailing through it and sending WhatsApp to the stand-in."""
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS)
    with mail_server(tmp_path / "mail") as port:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        yield mailbox.Maildir(tmp_path / "mail")


def ask(client, mobile: str, address: str, lang: str = "hi"):
    token = csrf_token(client, f"/updates/email?lang={lang}")
    return client.post(
        f"/updates/email?lang={lang}", data={"mobile": mobile, "email": address, "csrf_token": token}
    )


def the_mail(maildir, address: str):
    [message] = [m for m in maildir if m["To"] == address]
    text = message.get_payload(decode=True).decode()
    confirm = re.search(r"(http\S+/updates/email/confirm/\S+)", text)[1]
    unsubscribe = re.search(r"(http\S+/updates/email/unsubscribe/\S+)", text)[1]
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    return text, confirm.split("127.0.0.1:5000", 1)[1], unsubscribe.split("127.0.0.1:5000", 1)[1]


def known_citizen(app, wa_id: str) -> str:
    with app.app_context():
        from backoffice.citizens.services import update

        update(f"wa-{wa_id}", {"wa_id": wa_id})
        db.session.commit()
    return f"wa-{wa_id}"


def test_the_notice_then_the_mail_then_one_click_grants_and_the_link_fails_after_its_first_use(
    app, client, smtp
):
    citizen = known_citizen(app, "919811100091")
    page = client.get("/updates/email?lang=hi").get_data(as_text=True)
    assert "व्हाट्सऐप नंबर" in page and "शिकायत अधिकारी" in page  # the notice comes before the form
    assert "एक लिंक ईमेल किया" in ask(client, "98111 00091", "sunita@example.in").get_data(as_text=True)
    text, confirm, _ = the_mail(smtp, "sunita@example.in")
    assert "व्हाट्सऐप" in text and "/privacy" in text
    with app.app_context():
        assert consent.standing(citizen)["updates"] is False  # asked, not yet confirmed
    assert "STOP" in client.get(confirm).get_data(as_text=True)
    with app.app_context():
        assert consent.standing(citizen) == {"updates": True, "reminders": True, "broadcasts": []}
        entry = db.session.query(ConsentEntry).filter_by(citizen_id=citizen, purpose="updates").one()
        assert entry.channel == "email" and entry.evidence.startswith("email:")
    replay = client.get(confirm)
    assert replay.status_code == 410 and "पहले ही" in replay.get_data(as_text=True)


def test_an_expired_or_forged_link_grants_nothing(app, client, smtp):
    citizen = known_citizen(app, "919811100092")
    ask(client, "9811100092", "ravi@example.in", lang="en")
    _, confirm, _ = the_mail(smtp, "ravi@example.in")
    with time_machine.travel(timedelta(hours=25)):
        response = client.get(confirm)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    path, query = confirm.split("?")
    assert client.get(path[:-3] + "abc?" + query).status_code == 400
    with app.app_context():
        assert consent.standing(citizen)["updates"] is False


def test_an_unknown_number_gets_the_whatsapp_welcome_to_tap(app, client, smtp, standin):
    ask(client, "9811100093", "new@example.in")
    _, confirm, _ = the_mail(smtp, "new@example.in")
    client.get(confirm)
    [welcome] = received(standin, "919811100093")
    assert welcome["body"]["template"]["name"] == "consent_welcome" and "ईमेल" in welcome["rendered"]["text"]


def test_the_unsubscribe_link_withdraws_everything_at_once(app, client, smtp):
    citizen = known_citizen(app, "919811100094")
    ask(client, "9811100094", "asha@example.in")
    _, confirm, unsubscribe = the_mail(smtp, "asha@example.in")
    client.get(confirm)
    assert client.get(unsubscribe).status_code == 200
    with app.app_context():
        assert consent.standing(citizen) == {"updates": False, "reminders": False, "broadcasts": []}
    assert client.get(confirm).status_code == 410  # and the confirmation no longer works


def test_bad_input_is_answered_politely_and_sends_nothing(client, smtp):
    response = ask(client, "12345", "x@example.in")
    assert response.status_code == 200 and "10 अंकों" in response.get_data(as_text=True)
    assert ask(client, "9811100095", "not-an-address").status_code == 200
    assert list(smtp) == []
