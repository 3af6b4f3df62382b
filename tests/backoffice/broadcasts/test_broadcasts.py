"""Department broadcasts through the Cloud API stand-in: consent, four eyes, throttling, pauses, reports."""

import io
import json
import secrets
import urllib.request

import pytest
from PIL import Image

from backoffice.broadcasts import services
from backoffice.broadcasts.models import Broadcast, BroadcastRecipient
from backoffice.broadcasts.sending import NumberWindow, record_statuses, send
from backoffice.consent import services as consent
from backoffice.demo import samples as demo
from backoffice.extensions import db
from backoffice.jobs.redis_client import redis_client
from backoffice.people.models import User
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER, add_user, consents, csrf_token
from tests.backoffice.notifications.test_notifications import received


@pytest.fixture
def revenue(app, standin, redis_url):
    """Broadcasters of revenue (two) and mcd, and revenue citizens: two agreed to its announcements, one did not."""
    url, token = standin
    urllib.request.urlopen(urllib.request.Request(f"{url}/_standin/reset", b"", method="POST")).close()
    # Each test its own pace key: the number's slots live in Redis, shared by every broadcast from it.
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS,
                      WHATSAPP_TIER_LIMIT=0, REDIS_URL=redis_url,
                      BROADCAST_PACE_PREFIX=f"test:pace:{secrets.token_hex(4)}")  # fmt: skip
    with app.app_context():
        for name, department in (
            ("rev.writer", "revenue"),
            ("rev.checker", "revenue"),
            ("mcd.writer", "mcd"),
        ):
            add_user(name, "broadcaster", department)
        add_user("rev.officer", "officer", "revenue")
        for wa_id, agreed in (
            ("919822200001", "revenue"),
            ("919822200002", "revenue"),
            ("919822200003", "mcd"),
        ):
            application = demo.submitted_application("income_certificate", f"wa-{wa_id}", None, "hi")
            application.citizen.wa_id = wa_id
            consents(application.citizen.id, "updates")
            consent.record(application.citizen.id, "broadcasts", True, "qr", "campaign:T", "2026-12", agreed)
        db.session.commit()
    return app


def user(name: str) -> User:
    return db.session.query(User).filter_by(username=name).one()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def compose(**extra) -> Broadcast:
    fields = {"title": "Aadhaar camp", "text_en": "Camp at the Karol Bagh tehsil on 24 December, 10:00-16:00.",
              "text_hi": "24 दिसंबर को करोल बाग तहसील में शिविर, 10:00-16:00।", **extra}  # fmt: skip
    return services.compose("revenue", user("rev.writer"), **fields)


def test_only_consenting_citizens_of_the_department_get_it_after_a_second_broadcaster_approves(
    revenue, standin
):
    with revenue.app_context():
        broadcast = compose(media=services.Media(png(), "image/png", "camp.png"))
        assert broadcast.media_id and broadcast.media_kind == "image"
        assert services.audience_size(broadcast) == 2
        with pytest.raises(services.BroadcastRefused, match="four eyes"):
            services.approve(broadcast, user("rev.writer"), None)
        assert services.approve(broadcast, user("rev.checker"), None) == 2
        db.session.commit()  # the send task runs now (eagerly in tests)
        assert db.session.get(Broadcast, broadcast.id).state == "done"
        assert services.report(broadcast) == {"recipients": 2, "sent": 2}
        media_id = broadcast.media_id
    for wa_id in ("919822200001", "919822200002"):
        [message] = received(standin, wa_id)
        template = message["body"]["template"]
        assert template["name"] == "department_announcement" and template["language"]["code"] == "hi"
        assert template["components"][0] == {
            "type": "header",
            "parameters": [{"type": "image", "image": {"id": media_id}}],
        }
        assert "करोल बाग" in message["rendered"]["text"] and message["phone_number_id"] == REVENUE_NUMBER
    assert received(standin, "919822200003") == []  # agreed to mcd's announcements only


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"text_en": "Big discount on stamp paper, buy now!"}, "marketing"), ({"text_hi": ""}, "both Hindi and English"),
     ({"service": "birth_certificate"}, "not one of this department"), ({"pincode": "12"}, "6 digits")],
)  # fmt: skip
def test_marketing_and_bad_drafts_are_refused(revenue, fields, reason):
    with revenue.app_context(), pytest.raises(services.BroadcastRefused, match=reason):
        compose(**fields)


def window(number: str = REVENUE_NUMBER, rate: float = 80) -> NumberWindow:
    return NumberWindow(redis_client(), number, rate)


def test_the_81st_send_waits_until_a_second_after_the_first_answer(revenue):
    with revenue.app_context():
        sends = window()
        for i in range(80):  # one every 10 ms, each answered 5 ms after it started
            assert sends.try_take(f"s{i}", at=100.0 + i / 100) == 0.0
            sends.done(f"s{i}", at=100.0 + i / 100 + 0.005)
        # Meta may stamp the first message as late as its answer (100.005): 100.999 would put 81 in its second.
        assert sends.try_take("s80", at=100.999) == pytest.approx(0.006)
        assert sends.try_take("s80", at=101.004) == pytest.approx(0.001)
        assert sends.try_take("s80", at=101.005) == 0.0
        # ... and the 82nd waits for the second's answer in the same way.
        assert sends.try_take("s81", at=101.014) == pytest.approx(0.001)


def test_a_send_in_flight_holds_its_place_until_answered_or_its_hold_runs_out(revenue):
    with revenue.app_context():
        sends = window(rate=2)
        assert sends.try_take("a", at=10.0) == sends.try_take("b", at=10.0) == 0.0
        sends.done("b", at=10.5)
        assert sends.try_take("c", at=11.4) == pytest.approx(
            0.1
        )  # "b"'s place frees a second after its answer
        assert sends.try_take("c", at=11.5) == 0.0
        # "a" is still out (its answer could be stamped at any moment): its place stays taken ...
        assert sends.try_take("d", at=12.0) == pytest.approx(28.0)
        assert (
            sends.try_take("d", at=40.0) == 0.0
        )  # ... until its 30 s hold runs out (a killed sender's send)


@pytest.mark.parametrize("answer_after", [0.0, 0.004, 0.3])
def test_no_one_second_window_ever_holds_more_than_80_sends_however_slow_the_answers(revenue, answer_after):
    """A sender taking places as fast as the window lets it for 3 s, with answers `answer_after` late: wherever
    Meta stamps each message between its start and its answer, no second holds 81 of them."""
    with revenue.app_context():
        sends, now, out, spans = window(), 50.0, [], []
        while now < 53.0:
            while out and out[0][0] <= now:  # answers due by now
                at, name, started = out.pop(0)
                sends.done(name, at=at)
                spans.append((started, at))
            name = f"s{len(spans) + len(out)}"
            wait = sends.try_take(name, at=now)
            if wait == 0.0:
                out.append((now + answer_after, name, now))
            now += wait if 0.0 < wait < 0.001 else 0.001
        assert len(spans) >= 160  # it did keep sending
        # The second just after `b - 1` holds, at worst, every send started by `b` and answered after `b - 1`.
        busiest = max(sum(1 for b2, e in spans if b2 <= b and e + 1.0 > b) for b, _ in spans)
        assert busiest <= 80, busiest


def test_the_tier_pauses_it_and_a_resume_sends_only_the_rest(revenue, standin):
    revenue.config["WHATSAPP_TIER_LIMIT"] = 1
    with revenue.app_context():
        broadcast = compose()
        services.approve(broadcast, user("rev.checker"), None)
        db.session.commit()
        assert broadcast.state == "paused" and broadcast.paused_reason.startswith("tier")
        assert services.report(broadcast) == {"recipients": 2, "sent": 1, "pending": 1}
        revenue.config["WHATSAPP_TIER_LIMIT"] = 0
        services.resume(broadcast)
        db.session.commit()
        assert services.report(broadcast) == {"recipients": 2, "sent": 2}
    assert len(received(standin, "919822200001")) == 1 and len(received(standin, "919822200002")) == 1


def inject(standin, code: int, count: int = 1) -> None:
    body = json.dumps({"code": code, "count": count}).encode()
    request = urllib.request.Request(
        f"{standin[0]}/_standin/faults", body, {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).close()


def test_a_quality_error_pauses_and_resuming_resends_nobody(revenue, standin):
    with revenue.app_context():
        broadcast = compose()
        services.approve(broadcast, user("rev.checker"), None)
        broadcast_id = broadcast.id
        inject(standin, 131048)
        db.session.commit()
        assert db.session.get(Broadcast, broadcast_id).state == "paused"
        # The refused one stays pending; a send already in flight when Meta said stop may have gone out.
        paused = services.report(broadcast)
        assert paused["pending"] >= 1 and paused["pending"] + paused.get("sent", 0) == 2
        services.resume(broadcast)
        db.session.commit()
        assert services.report(broadcast) == {"recipients": 2, "sent": 2}
    assert [len(received(standin, wa_id)) for wa_id in ("919822200001", "919822200002")] == [1, 1]


def test_a_number_that_cannot_receive_is_marked_undeliverable_and_keeps_its_consent(revenue, standin):
    with revenue.app_context():
        broadcast = compose()
        services.approve(broadcast, user("rev.checker"), None)
        inject(standin, 131026)
        db.session.commit()
        report = services.report(broadcast)
        assert report == {"recipients": 2, "sent": 1, "undeliverable": 1}
        [gone] = db.session.query(BroadcastRecipient).filter_by(state="undeliverable").all()
        assert consent.allows(gone.citizen_id, "broadcasts", "revenue")
        sent = db.session.query(BroadcastRecipient).filter_by(state="sent").one()
        assert record_statuses({sent.message_id: ("read", None)}) == 1
        assert services.report(broadcast)["status_read"] == 1


def test_a_retryable_failure_is_retried_from_the_report(revenue, standin):
    with revenue.app_context():
        broadcast = compose()
        services.approve(broadcast, user("rev.checker"), None)
        inject(standin, 500)
        db.session.commit()
        assert services.report(broadcast) == {"recipients": 2, "sent": 1, "failed": 1}
        assert services.retry_failed(broadcast) == 1
        db.session.commit()
        assert services.report(broadcast) == {"recipients": 2, "sent": 2}


def test_a_resent_task_sends_nobody_twice(revenue, standin):
    with revenue.app_context():
        broadcast = compose()
        services.approve(broadcast, user("rev.checker"), None)
        db.session.commit()
        db.session.get(Broadcast, broadcast.id).state = "approved"  # as if the task were delivered again
        db.session.commit()
        assert send(broadcast.id) == "done"
    assert len(received(standin, "919822200001")) == 1


def test_the_pages_keep_each_department_to_its_own_and_other_roles_out(revenue, client, auth):
    with revenue.app_context():
        broadcast_id = compose().id
        db.session.commit()
    auth.login("mcd.writer")
    assert client.get(f"/broadcasts/{broadcast_id}").status_code == 404
    token = csrf_token(client, "/broadcasts")
    assert client.post(f"/broadcasts/{broadcast_id}/approve", data={"csrf_token": token}).status_code == 404
    client.post("/logout", data={"csrf_token": token})
    auth.login("rev.officer")
    assert client.get("/broadcasts").status_code == 403
    auth.logout()
    auth.login("rev.writer")
    page = client.get(f"/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert 'id="audience">2<' in page and "Another broadcaster" in page


def many_citizens(count: int, prefix: str) -> list[str]:
    """`count` revenue applicants who agreed to revenue's announcements (rows made directly: speed)."""
    from backoffice.applications.models import Application
    from backoffice.citizens.models import Citizen

    wa_ids = [f"91{prefix}{i:04d}" for i in range(count)]
    for i, wa_id in enumerate(wa_ids):
        db.session.add(Citizen(id=f"wa-{wa_id}", wa_id=wa_id, language="en" if i % 2 else "hi"))
        db.session.add(Application(number=f"DL-REV-2026-{prefix}{i:04d}", service="income_certificate",
                                   department_code="revenue", citizen_id=f"wa-{wa_id}", status="under_review",
                                   answers={}, channel="whatsapp", language="hi"))  # fmt: skip
        db.session.flush()
        consent.record(f"wa-{wa_id}", "broadcasts", True, "qr", "campaign:T", "2026-12", "revenue")
    db.session.commit()
    return wa_ids


def approved(title: str = "Aadhaar camp") -> int:
    """A revenue broadcast approved to send later (so the test starts the sender itself)."""
    from datetime import timedelta

    from backoffice.core.clock import utcnow

    broadcast = compose(title=title)
    services.approve(broadcast, user("rev.checker"), utcnow() + timedelta(days=1))
    db.session.commit()
    return broadcast.id


def test_recipients_are_claimed_and_recorded_in_batches_not_one_by_one(revenue, standin):
    from sqlalchemy import event

    with revenue.app_context():
        wa_ids = many_citizens(40, "97700")
        broadcast_id = approved()
        statements = []

        def count(conn, cursor, statement, *rest):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert send(broadcast_id) == "done"
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert services.report(db.session.get(Broadcast, broadcast_id))["sent"] == 42
    # One by one took about five statements a message (renew, claim, two reads, mark); in batches of 20,
    # three batches take a handful each.
    assert len(statements) < 42, len(statements)
    assert all(len(received(standin, wa_id)) == 1 for wa_id in wa_ids)


def test_a_citizen_who_said_stop_after_the_approval_gets_nothing_and_is_counted_suppressed(revenue, standin):
    from backoffice.consent.models import SuppressedMessage

    with revenue.app_context():
        broadcast_id = approved()
        stopped = "wa-919822200001"
        consent.withdraw(stopped, "whatsapp", "wamid:stop")
        db.session.commit()
        assert send(broadcast_id) == "done"
        assert services.report(db.session.get(Broadcast, broadcast_id)) == {
            "recipients": 2,
            "sent": 1,
            "suppressed": 1,
        }
        [held] = db.session.query(SuppressedMessage).all()
        assert (held.citizen_id, held.purpose, held.department) == (stopped, "broadcasts", "revenue")
    assert received(standin, "919822200001") == []
    assert len(received(standin, "919822200002")) == 1


def test_a_sender_killed_mid_batch_leaves_that_batch_in_doubt_and_the_next_sends_the_rest_once(
    revenue, standin
):
    from backoffice.broadcasts import sending

    class Killed(BaseException):
        """What a SIGKILL does to the sender: it stops between two sends, recording nothing more."""

    with revenue.app_context():
        many_citizens(80, "97701")
        broadcast_id = approved()
        real_send, calls = sending.Announcement.send, []

        def dies_on_the_fifth(self, client, wa_id, language):
            calls.append(wa_id)
            if len(calls) >= 5:
                raise Killed
            return real_send(self, client, wa_id, language)

        sending.Announcement.send = dies_on_the_fifth
        try:
            with pytest.raises(Killed):
                send(broadcast_id)
        finally:
            sending.Announcement.send = real_send
        db.session.rollback()
        assert send(broadcast_id) == "busy"  # the dead sender's lease has not run out yet
        db.session.get(Broadcast, broadcast_id).lease_until = None  # ... now it has
        db.session.commit()
        assert send(broadcast_id) == "done"
        states = dict(db.session.query(BroadcastRecipient.citizen_id, BroadcastRecipient.state).all())
    # What the killed sender had claimed (its batch going out and the two claimed ahead) is in doubt;
    # everyone else was sent by the next sender. Nobody got two, and 4 went out before the kill.
    messages = {c: len(received(standin, c.removeprefix("wa-"))) for c in states}
    in_doubt = [c for c, state in states.items() if state == "in_doubt"]
    assert len(in_doubt) == 60 and list(states.values()).count("sent") == 22
    assert all(messages[c] == 1 for c, state in states.items() if state == "sent")
    assert sum(messages[c] for c in in_doubt) == 4 and max(messages.values()) == 1


def test_two_senders_on_one_number_share_its_window_and_another_number_has_its_own(revenue):
    with revenue.app_context():
        first, second = window(), window()
        for i in range(40):
            assert first.try_take(f"a{i}", at=5.0) == second.try_take(f"b{i}", at=5.0) == 0.0
        assert first.try_take("a40", at=5.5) > 0 and second.try_take("b40", at=5.5) > 0  # 80 between them
        assert window("100000000000003").try_take("c0", at=5.5) == 0.0  # mcd's number is not held up


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_broadcasts_at_once_from_one_number_share_its_rate(revenue, standin):
    import threading

    revenue.config.update(BROADCAST_RATE=20.0, BROADCAST_BATCH=5)
    with revenue.app_context():
        wa_ids = many_citizens(20, "97702")
        first, second = approved("Camp on Saturday"), approved("Office moved")
    outcomes = {}

    def sender(broadcast_id):
        with revenue.app_context():
            outcomes[broadcast_id] = send(broadcast_id)

    threads = [threading.Thread(target=sender, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == {first: "done", second: "done"}
    stamps = sorted(
        m["at"]
        for wa_id in ("919822200001", "919822200002", *wa_ids)
        for m in received(standin, wa_id)
        if m["phone_number_id"] == REVENUE_NUMBER
    )
    assert len(stamps) == 44  # both announcements to each of the 22
    # 44 sends at one number's 20/s take 2.15 s; each broadcast at a full 20/s of its own would take 1.05 s.
    assert stamps[-1] - stamps[0] >= 0.9 * 43 / 20
    busiest = max(sum(1 for t in stamps if start <= t < start + 1.0) for start in stamps)
    assert busiest <= 28, busiest  # 20 a second, with slack for a busy machine; unshared it is about 40
