"""The trainer inbox as trainers use it: captured messages, grouping, filters, labels, disagreements, the backlog."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from backoffice.extensions import db
from backoffice.trainer import capture
from backoffice.trainer.models import InboxItem, Label, ServiceRequest
from tests.backoffice.conftest import csrf_token
from trainer_capture.contract import CAPTURE_KEY, count_messages


def sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/password")})


def label(client, item_ids, kind="intent", intent="", **extra):
    token = csrf_token(client, "/trainer/")
    data = {
        "csrf_token": token,
        "item_ids": [str(i) for i in item_ids],
        "kind": kind,
        "intent": intent,
        **extra,
    }
    return client.post("/trainer/label", data=data, follow_redirects=True)


def test_the_drain_moves_queued_messages_into_the_inbox_once_and_skips_a_malformed_entry(
    app, queue, captured
):
    first = captured("mujhe 9811122233 pe call karo", message_id="wamid.A")
    queue.rpush(CAPTURE_KEY, "not json")
    queue.rpush(CAPTURE_KEY, json.dumps({"reason": "fallback", "text": "x"}))
    with app.app_context():
        capture.drain(queue)
        item = db.session.get(InboxItem, first)
        assert (item.text, item.style, item.intent) == (
            "mujhe <PHONE> pe call karo",
            "hinglish",
            "apply_service",
        )
        assert InboxItem.query.count() == 1
    assert queue.llen(CAPTURE_KEY) == 0
    captured("mujhe 9811122233 pe call karo", message_id="wamid.A")  # delivered again after a crash
    with app.app_context():
        assert InboxItem.query.count() == 1


def test_only_trainers_and_administrators_open_the_workbench(client, auth, trainers):
    assert client.get("/trainer/").status_code == 302  # to the sign-in page
    auth.login("rev.officer")
    assert client.get("/trainer/").status_code == 403
    assert client.get("/trainer/models").status_code == 403
    sign_out(client)
    response = auth.login("asha.trainer")
    assert response.headers["Location"].endswith("/trainer/")
    page = client.get("/trainer/").get_data(as_text=True)
    assert "Misunderstood messages" in page and "जो संदेश बॉट नहीं समझा" in page


def test_similar_messages_form_one_group_and_one_action_labels_them_all(
    client, auth, trainers, captured, app
):
    ids = [
        captured("birth certificate kaise banwaye"),
        captured("birth certificate kaise banwaye bhai"),
        captured("how do I pay water bill"),
    ]
    auth.login("asha.trainer")
    page = client.get("/trainer/").get_data(as_text=True)
    assert "3 messages in 2 groups" in page
    assert "+1 similar" in page

    page = label(client, ids[:2], intent="apply_service").get_data(as_text=True)
    assert "Labelled 2 message(s)" in page
    with app.app_context():
        assert [db.session.get(InboxItem, i).final_intent for i in ids] == [
            "apply_service",
            "apply_service",
            None,
        ]
    assert "1 messages in 1 groups" in client.get("/trainer/").get_data(as_text=True)


def test_an_intent_the_domain_does_not_know_is_refused(client, auth, trainers, captured, app):
    item = captured("kuch bhi")
    auth.login("asha.trainer")
    page = label(client, [item], intent="order_pizza").get_data(as_text=True)
    assert "The bot has no intent &#39;order_pizza&#39;" in page
    assert "बॉट में" in page
    with app.app_context():
        assert Label.query.count() == 0
        assert db.session.get(InboxItem, item).final_intent is None


def test_a_service_is_tagged_on_the_selected_words_and_a_bad_span_or_service_is_refused(
    client, auth, trainers, captured, app
):
    item = captured("mujhe janam praman patra chahiye")
    auth.login("asha.trainer")
    bad_span = label(
        client,
        [item],
        intent="apply_service",
        entity_start="0",
        entity_end="99",
        entity_value="birth_certificate",
    )
    assert "Select the words that name the service" in bad_span.get_data(as_text=True)
    bad_service = label(
        client, [item], intent="apply_service", entity_start="6", entity_end="24", entity_value="moon_visa"
    )
    assert "No service &#39;moon_visa&#39; in the catalog" in bad_service.get_data(as_text=True)
    label(
        client,
        [item],
        intent="apply_service",
        entity_start="6",
        entity_end="24",
        entity_value="birth_certificate",
    )
    with app.app_context():
        stored = db.session.get(InboxItem, item)
        assert stored.final_entities == [
            {"entity": "service", "value": "birth_certificate", "start": 6, "end": 24}
        ]
        assert stored.text[6:24] == "janam praman patra"


def test_a_second_trainers_different_label_is_a_disagreement_that_an_administrator_settles(
    client, auth, trainers, captured, app
):
    item = captured("certificate kab milega")
    auth.login("asha.trainer")
    label(client, [item], intent="check_status")
    label(client, [item], intent="ask_deadline")  # her own second thought replaces her first label
    sign_out(client)
    auth.login("ravi.trainer")
    page = label(client, [item], intent="check_status").get_data(as_text=True)
    assert "1 now disputed" in page
    with app.app_context():
        assert Label.query.count() == 2
        assert db.session.get(InboxItem, item).final_intent is None
        ravi = Label.query.filter_by(intent="check_status").one().id
    disputes = client.get("/trainer/disputes").get_data(as_text=True)
    assert (
        "certificate kab milega" in disputes
        and "ask_deadline" in disputes
        and "Keep this one" not in disputes
    )
    token = csrf_token(client, "/trainer/")
    assert (
        client.post(
            f"/trainer/items/{item}/resolve", data={"csrf_token": token, "label_id": ravi}
        ).status_code
        == 403
    )
    sign_out(client)

    auth.login("admin")
    token = csrf_token(client, "/trainer/disputes")
    client.post(f"/trainer/items/{item}/resolve", data={"csrf_token": token, "label_id": ravi})
    with app.app_context():
        assert db.session.get(InboxItem, item).final_intent == "check_status"
    assert "certificate kab milega" not in client.get("/trainer/disputes").get_data(as_text=True)


def test_out_of_scope_and_new_service_requests_and_the_backlog(client, auth, trainers, captured, app):
    weather = captured("aaj mausam kaisa hai")
    gun = captured("gun licence banwana hai")
    auth.login("asha.trainer")
    label(client, [weather], kind="out_of_scope")
    label(client, [gun], kind="new_service")
    label(client, [gun], kind="new_service")  # twice: still one backlog entry
    with app.app_context():
        assert db.session.get(InboxItem, weather).final_kind == "out_of_scope"
        assert ServiceRequest.query.count() == 1
    assert "gun licence banwana hai" in client.get("/trainer/backlog").get_data(as_text=True)


def test_filters_by_style_reason_intent_number_and_date(client, auth, trainers, captured):
    captured("I want income certificate", intent="apply_service", number="100000000000002")
    captured("आय प्रमाण पत्र", intent="ask_fees", number="100000000000003")
    captured("income certificate ka status", reason="low_confidence", intent="check_status")
    auth.login("asha.trainer")

    def shown(query: str) -> str:
        return client.get(f"/trainer/?{query}").get_data(as_text=True)

    assert "आय प्रमाण पत्र" in shown("style=devanagari") and "I want income" not in shown("style=devanagari")
    assert "ka status" in shown("reason=low_confidence") and "आय" not in shown("reason=low_confidence")
    assert "I want income" in shown("intent=apply_service") and "ka status" not in shown(
        "intent=apply_service"
    )
    assert "आय" in shown("number=100000000000003") and "I want" not in shown("number=100000000000003")
    assert "Nothing here" in shown("since=2099-01-01")
    assert "I want income" in shown("since=2000-01-01&until=2099-12-31")
    assert (
        shown("since=yesterday&style=klingon&state=%3Cscript%3E").count("<q ") == 3
    )  # nonsense filters are ignored


def test_the_fallback_rate_divides_fallbacks_by_the_typed_messages_the_bot_counted(app, queue, captured):
    today = datetime.now(UTC).date()
    captured("kuch bhi")
    captured("pata nahi", reason="low_confidence")
    count_messages(queue, 8, today)
    with app.app_context():
        assert capture.fallback_rate(today, queue) == 1 / 8
        assert capture.fallback_rate(today - timedelta(days=1), queue) is None
