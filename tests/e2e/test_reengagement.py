"""Error 131047 end to end: a message Meta refuses because the 24-hour window closed is not lost. The citizen
gets the approved re-engagement template; when they tap it, the held message is delivered, and every status
Meta reports for it (sent, delivered, read) is recorded."""

from __future__ import annotations

import re
import time

import httpx
import pytest
import redis

from backoffice.app import create_app
from backoffice.config import Config
from bot.whatsapp.privacy import sender_id
from tests.backoffice.conftest import PASSWORD, add_user
from tests.e2e.conftest import GENERAL_NUMBER
from tests.e2e.phone import tap_where, text_of
from tests.e2e.screenshots import phone_screenshot
from whatsapp_contract.handover import RESUME_PAYLOAD, held_key, status_key

REVENUE_NUMBER = "100000000000002"


def tap_continue(stack, citizen: str, number: str = GENERAL_NUMBER) -> None:
    """The citizen taps "Continue" on the re-engagement template."""
    stack.post("/_standin/inbound", {"from": citizen, "phone_number_id": number, "type": "button",
                                     "payload": RESUME_PAYLOAD, "text": "Continue"})  # fmt: skip


def statuses_of(stack, wamid: str) -> set[str]:
    store = redis.Redis.from_url(stack.env["REDIS_URL"])
    try:
        return {k.decode() for k in store.hgetall(status_key(wamid)) if k != b"errors"}
    finally:
        store.close()


def test_a_bot_answer_refused_with_131047_waits_behind_the_template_and_arrives_on_the_reply(stack, citizen):
    stack.post("/_standin/faults", {"code": 131047, "count": 1})  # Meta refuses the next free-form send
    seq = stack.last_seq(citizen)
    stack.post(
        "/_standin/inbound",
        {"from": citizen, "phone_number_id": GENERAL_NUMBER, "type": "text", "text": "Hi"},
    )
    [template] = stack.replies(citizen, seq)
    assert template["type"] == "template" and template["body"]["template"]["name"] == "resume_conversation"
    assert template["rendered"]["buttons"]

    seq = stack.last_seq(citizen)
    tap_continue(stack, citizen)
    [held] = stack.replies(citizen, seq)
    assert "हिंदी" in str(held["body"]) and "English" in str(
        held["body"]
    )  # the language choice, as first meant
    # The tap itself asked the bot for nothing else; the citizen can go on from the held message.
    assert [m for m in stack.get(f"/_standin/conversations/{citizen}?after={held['seq']}&wait=2")["messages"]
            if m["direction"] == "out"] == []  # fmt: skip
    conversation = stack.get(f"/_standin/conversations/{citizen}?after=0&wait=0")["messages"]
    delivered = next(m for m in conversation if m["wamid"] == held["wamid"])
    assert delivered["status"] in ("delivered", "read")
    deadline = time.monotonic() + 10
    while (
        not {"sent", "delivered", "read"} <= statuses_of(stack, held["wamid"]) and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert {"sent", "delivered", "read"} <= statuses_of(stack, held["wamid"])
    # The conversation goes on from the delivered message as if nothing had happened.
    seq = stack.last_seq(citizen)
    stack.post(
        "/_standin/inbound", {"from": citizen, "phone_number_id": GENERAL_NUMBER, **tap_where(held, '"en"')}
    )
    assert any("How can I help you today?" in text_of(m) for m in stack.replies(citizen, seq, expect=2))


@pytest.fixture(scope="module")
def officer(stack):
    app = create_app(Config(environ=stack.env))
    with app.app_context():
        add_user("rev.window", "officer", "revenue")
    return app


def test_an_officer_reply_after_the_window_closed_goes_as_a_template_and_is_delivered_on_the_reply(
    stack, worker, officer, citizen
):
    seq = stack.last_seq(citizen)
    stack.post("/_standin/inbound", {"from": citizen, "phone_number_id": REVENUE_NUMBER, "type": "text",
                                     "text": "talk to a person"})  # fmt: skip
    [told] = stack.replies(citizen, seq, timeout=60)
    assert "officer" in text_of(told)
    base = stack.env["BACKOFFICE_URL"]
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as browser:
        login = browser.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)[1]
        browser.post("/login", data={"username": "rev.window", "password": PASSWORD, "csrf_token": token})
        inbox = browser.get("/inbox").text
        handover = re.findall(r'data-handover="(\d+)"', inbox)[-1]
        page = browser.get(f"/inbox/{handover}").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        browser.post(f"/inbox/{handover}/claim", data={"csrf_token": token})
        # A day passes: Meta's window closes (our own clock still says open, so Meta's 131047 decides).
        stack.post("/_standin/window", {"phone_number_id": REVENUE_NUMBER, "wa_id": citizen, "hours": 25})
        seq = stack.last_seq(citizen)
        browser.post(
            f"/inbox/{handover}/reply",
            data={"csrf_token": token, "text": "Your corrected certificate is ready."},
        )
        [template] = stack.replies(citizen, seq, timeout=60)
        assert template["body"]["template"]["name"] == "resume_conversation"
        # The worker records the hold right after the template went out.
        held_note = "template sent, delivered when the citizen replies"
        deadline = time.monotonic() + 10
        while held_note not in browser.get(f"/inbox/{handover}").text and time.monotonic() < deadline:
            time.sleep(0.2)
        assert held_note in browser.get(f"/inbox/{handover}").text

        seq = stack.last_seq(citizen)
        tap_continue(stack, citizen, REVENUE_NUMBER)
        [held] = stack.replies(citizen, seq, timeout=60)
        assert text_of(held) == "Your corrected certificate is ready."
        conversation = sender_id(stack.env["SEVA_ID_SALT"], REVENUE_NUMBER, citizen)
        store = redis.Redis.from_url(stack.env["REDIS_URL"])
        assert store.llen(held_key(conversation)) == 0
        store.close()
        # The officer's page shows what Meta reported for the message once it finally went out.
        deadline = time.monotonic() + 10
        while (
            'class="outcome">read' not in browser.get(f"/inbox/{handover}").text
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert 'class="outcome">read' in browser.get(f"/inbox/{handover}").text
    phone_screenshot(stack, citizen, "reengagement.png", (REVENUE_NUMBER,), since="talk to a person")
