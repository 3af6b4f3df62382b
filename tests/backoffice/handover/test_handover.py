"""Handover in the back-office: the bot's calls, claiming (one officer only), replies, hand-back, and who sees what."""

import json
import urllib.request

import pytest
from sqlalchemy import select

from backoffice.audit.models import AuditEntry
from backoffice.extensions import db
from backoffice.handover import services
from backoffice.handover.models import Handover
from backoffice.people.models import User
from tests.backoffice.conftest import REVENUE_NUMBER, ApiClient, Auth, csrf_token
from whatsapp_contract.handover import RESUME_PAYLOAD, handover_key, held_key

WA = "919811100001"
CONVERSATION = "wa-conv-1"


def start(api, conversation=CONVERSATION, **extra):
    body = {"conversation": conversation, "department": "revenue", "phone_number_id": REVENUE_NUMBER,
            "language": "en", "wa_id": WA,
            "transcript": [{"who": "citizen", "text": "mera certificate", "at": 1790000000},
                           {"who": "bot", "text": "Which service?", "at": 1790000001}], **extra}  # fmt: skip
    return api.post("/api/v1/handovers", json=body)


def signed_in(app, username):
    client = app.test_client()
    Auth(client).login(username)
    return client


def post_form(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=True)


def citizen_writes(standin, wa_id=WA):
    """The citizen writes on WhatsApp: the stand-in opens its 24-hour window."""
    body = json.dumps({"phone_number_id": REVENUE_NUMBER, "from": wa_id, "text": "hello"}).encode()
    request = urllib.request.Request(
        f"{standin[0]}/_standin/inbound", body, {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).close()


def received(standin, wa_id=WA):
    with urllib.request.urlopen(f"{standin[0]}/_standin/conversations/{wa_id}") as response:
        return [m for m in json.load(response)["messages"] if m["direction"] == "out"]


@pytest.fixture
def api(inbox_app):
    return ApiClient(inbox_app)


def test_the_bot_queues_a_conversation_for_the_numbers_department_and_silences_itself(
    inbox_app, api, people, store
):
    answer = start(api)
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["department"] == "revenue" and body["status"] == "waiting"
    assert body["office_open"] is True and body["officers_online"] == 0 and body["wait_minutes"] == 10
    assert store.get(handover_key(CONVERSATION)) == str(body["handover"]).encode()
    again = start(api)
    assert again.status_code == 200 and again.get_json()["handover"] == body["handover"]
    with inbox_app.app_context():
        handover = db.session.get(Handover, body["handover"])
        assert [(m.author, m.text) for m in handover.messages][:2] == [
            ("citizen", "mera certificate"), ("bot", "Which service?")
        ]  # fmt: skip
        assert services.queue_length("revenue") == 1 and services.queue_length("mcd") == 0


def test_the_application_discussed_decides_the_department_but_only_the_citizens_own(
    inbox_app, api, people, submitted
):
    mine = submitted("income_certificate", citizen="wa-conv-2")
    theirs = submitted("income_certificate", citizen="wa-someone-else")
    with inbox_app.app_context():
        from backoffice.applications.models import Application

        my_number = db.session.get(Application, mine).number
        their_number = db.session.get(Application, theirs).number
        db.session.get(Application, theirs).department_code = "mcd"
        db.session.commit()
    own = start(api, "wa-conv-2", department="general", application=my_number).get_json()
    assert own["department"] == db_department(inbox_app, mine)
    other = start(api, "wa-conv-3", department="general", application=their_number).get_json()
    assert other["department"] == "general"  # another citizen's number is ignored, not revealed


def db_department(app, application_id):
    with app.app_context():
        from backoffice.applications.models import Application

        return db.session.get(Application, application_id).department_code


@pytest.mark.parametrize(
    "body, status",
    [({}, 422), ({"conversation": ""}, 422), ({"conversation": "x" * 65}, 422),
     ({"conversation": "wa-x", "transcript": "not a list"}, 422),
     ({"conversation": "wa-x", "transcript": [{}] * 101}, 422)],
)  # fmt: skip
def test_bad_handover_requests_are_refused_politely(inbox_app, api, body, status):
    assert api.post("/api/v1/handovers", json=body).status_code == status
    assert api.post("/api/v1/handovers", data="not json").status_code == 400


def test_a_message_for_a_conversation_without_a_handover_is_404(inbox_app, api):
    answer = api.post("/api/v1/handovers/messages", json={"conversation": "wa-none", "text": "hi"})
    assert answer.status_code == 404


def test_citizen_messages_reach_the_inbox_once_and_menu_gives_the_conversation_back(
    inbox_app, api, people, store
):
    handover_id = start(api).get_json()["handover"]
    message = {"conversation": CONVERSATION, "text": "the name is wrong", "wamid": "wamid.c1", "kind": "text"}
    assert api.post("/api/v1/handovers/messages", json=message).status_code == 200
    assert api.post("/api/v1/handovers/messages", json=message).status_code == 200  # Meta's redelivery
    page = signed_in(inbox_app, "rev.officer").get(f"/inbox/{handover_id}").get_data(as_text=True)
    assert page.count("the name is wrong") == 1
    back = {"conversation": CONVERSATION, "text": "menu", "wamid": "wamid.c2", "returns_to_bot": True}
    assert api.post("/api/v1/handovers/messages", json=back).get_json()["status"] == "closed"
    assert not store.exists(handover_key(CONVERSATION))


def test_two_officers_cannot_both_claim_a_conversation(inbox_app, api, people):
    handover_id = start(api).get_json()["handover"]
    with inbox_app.app_context():
        from backoffice.people.models import Department
        from tests.backoffice.conftest import add_user

        assert db.session.get(Department, "revenue") is not None
        add_user("rev.second", "officer", "revenue")
    first, second = signed_in(inbox_app, "rev.officer"), signed_in(inbox_app, "rev.second")
    # Both open the page while it is still waiting; both press "Claim".
    token_first = csrf_token(first, f"/inbox/{handover_id}")
    token_second = csrf_token(second, f"/inbox/{handover_id}")
    first.post(f"/inbox/{handover_id}/claim", data={"csrf_token": token_first})
    refused = second.post(
        f"/inbox/{handover_id}/claim", data={"csrf_token": token_second}, follow_redirects=True
    )
    assert "Another officer already took this conversation." in refused.get_data(as_text=True)
    with inbox_app.app_context():
        handover = db.session.get(Handover, handover_id)
        assert handover.claimed_by.username == "rev.officer"
        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "handover.claim", AuditEntry.subject == f"handover:{handover_id}")
        ) is not None  # fmt: skip


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_the_claim_guard_is_the_databases_not_the_pages(inbox_app, api, people):
    handover_id = start(api).get_json()["handover"]
    with inbox_app.app_context():
        # Two officers' requests each loaded the handover while it was still waiting.
        stale = db.session.get(Handover, handover_id)
        officer, other = (
            db.session.scalar(select(User).where(User.username == n)) for n in ("rev.officer", "rev.approver")
        )
        assert services.claim(stale, officer) is True
        db.session.commit()
        db.session.expire_all()
        assert stale.status == "claimed"
        stale.status = "waiting"  # what the second request still believed
        db.session.expunge(stale)
        assert services.claim(stale, other) is False
        db.session.rollback()
        assert db.session.get(Handover, handover_id).claimed_by_id == officer.id


def test_an_officer_reply_goes_out_as_text_in_the_window_and_hand_back_returns_the_citizen_to_the_bot(
    inbox_app, api, people, standin, store
):
    with inbox_app.app_context():
        from backoffice.citizens import services as citizens

        citizens.update(CONVERSATION, {"wa_id": WA, "phone_number_id": REVENUE_NUMBER})
        db.session.commit()
    citizen_writes(standin)
    handover_id = start(api).get_json()["handover"]
    officer = signed_in(inbox_app, "rev.officer")
    page = f"/inbox/{handover_id}"
    not_yet = post_form(officer, f"{page}/reply", page, text="hello")
    assert "Not sent: claim the conversation before answering." in not_yet.get_data(as_text=True)
    assert received(standin) == []
    post_form(officer, f"{page}/claim", page)
    post_form(officer, f"{page}/reply", page, text="Your certificate is corrected; you will get it today.")
    [sent] = received(standin)
    assert sent["type"] == "text" and sent["body"]["text"]["body"].startswith("Your certificate is corrected")
    post_form(officer, f"{page}/hand-back", page)
    assert not store.exists(handover_key(CONVERSATION))
    told = received(standin)
    assert told[-1]["body"]["text"]["body"].startswith(
        "The officer has handed you back to the Seva assistant"
    )


def test_an_officer_reply_outside_the_window_is_held_behind_the_template_never_lost(
    inbox_app, api, people, standin, store
):
    with inbox_app.app_context():
        from backoffice.citizens import services as citizens

        citizens.update(CONVERSATION, {"wa_id": "919811100002", "phone_number_id": REVENUE_NUMBER})
        db.session.commit()
    # Our clock says the window is open, but the citizen never wrote to the stand-in: Meta answers 131047.
    handover_id = start(api, wa_id="919811100002").get_json()["handover"]
    officer = signed_in(inbox_app, "rev.officer")
    page = f"/inbox/{handover_id}"
    post_form(officer, f"{page}/claim", page)
    post_form(officer, f"{page}/reply", page, text="Please send a clearer photo.")
    [template] = received(standin, "919811100002")
    assert template["body"]["template"]["name"] == "resume_conversation"
    assert template["body"]["template"]["components"][0]["parameters"][0]["payload"] == RESUME_PAYLOAD
    [held] = [json.loads(raw) for raw in store.lrange(held_key(CONVERSATION), 0, -1)]
    assert held["body"]["text"]["body"] == "Please send a clearer photo." and held["ref"].startswith(
        "handover-message:"
    )
    assert "template sent, delivered when the citizen replies" in officer.get(page).get_data(as_text=True)


def test_outside_office_hours_the_citizen_is_told_when_someone_will_answer(inbox_app, api, people):
    inbox_app.config["HANDOVER_OFFICE_HOURS"] = "sun-sun 00:00-00:01"  # effectively never open in a test
    body = start(api).get_json()
    assert body["office_open"] is False
    assert body["hours"]["en"] == "Sunday to Sunday, 00:00–00:01" and body["opens"]["en"].startswith(
        "Sunday 00:00"
    )
    assert body["opens"]["hi"].startswith("रविवार") and services.GENERAL  # the queue keeps it meanwhile
    with inbox_app.app_context():
        assert services.queue_length("revenue") == 1


def test_a_citizen_who_asks_for_a_person_at_once_can_be_answered(inbox_app, api, people, standin):
    citizen_writes(standin, "919811100003")
    handover_id = start(api, "wa-conv-first", wa_id="919811100003").get_json()["handover"]
    officer = signed_in(inbox_app, "rev.officer")
    page = f"/inbox/{handover_id}"
    post_form(officer, f"{page}/claim", page)
    post_form(officer, f"{page}/reply", page, text="Namaste, how can I help?")
    assert [m["body"]["text"]["body"] for m in received(standin, "919811100003")] == [
        "Namaste, how can I help?"
    ]


def test_officers_see_only_their_own_departments_conversations(inbox_app, api, people):
    handover_id = start(api).get_json()["handover"]
    outsider = signed_in(inbox_app, "mcd.officer")
    assert f"/inbox/{handover_id}" not in outsider.get("/inbox").get_data(as_text=True)
    assert outsider.get(f"/inbox/{handover_id}").status_code == 404
    token = csrf_token(outsider, "/inbox")
    for action in ("claim", "reply", "hand-back"):
        answer = outsider.post(f"/inbox/{handover_id}/{action}", data={"csrf_token": token, "text": "x"})
        assert answer.status_code == 404, action
    with inbox_app.app_context():
        assert db.session.get(Handover, handover_id).status == "waiting"
    insider = signed_in(inbox_app, "rev.officer")
    assert f"/inbox/{handover_id}" in insider.get("/inbox").get_data(as_text=True)
    assert signed_in(inbox_app, "admin").get(f"/inbox/{handover_id}").status_code == 200
    csc = signed_in(inbox_app, "csc.operator")
    assert csc.get("/inbox").status_code == 403 and csc.get(f"/inbox/{handover_id}").status_code == 403
    assert inbox_app.test_client().get("/inbox").status_code in (302, 401)


def test_the_inbox_shows_the_wait_and_the_service_level_and_officers_count_as_online(inbox_app, api, people):
    start(api)
    officer = signed_in(inbox_app, "rev.officer")
    html = officer.get("/inbox").get_data(as_text=True)
    assert "Claimed within target" in html and "Waiting" in html and "data-since" in html
    assert start(api, "wa-conv-9").get_json()["officers_online"] == 1


def test_the_event_stream_sends_a_change_when_a_citizen_writes(inbox_app, api, people):
    import threading

    handover_id = start(api).get_json()["handover"]
    inbox_app.config["HANDOVER_SSE_SECONDS"] = 3
    officer = signed_in(inbox_app, "rev.officer")
    timer = threading.Timer(
        0.7, lambda: ApiClient(inbox_app).post("/api/v1/handovers/messages", json={"conversation": CONVERSATION, "text": "hi"})
    )  # fmt: skip
    timer.start()
    response = officer.get("/inbox/events")
    assert response.mimetype == "text/event-stream"
    stream = response.get_data(as_text=True)
    timer.join()
    assert (
        stream.startswith("retry: 1000")
        and "event: change" in stream
        and f'"handover": {handover_id}' in stream
    )
