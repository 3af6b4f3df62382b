"""Talking to a person: a citizen on the revenue number asks for an officer; two officers in Chromium see the
conversation arrive live; one claims it (the other's page shows it taken, without a reload), answers from the
browser onto the citizen's phone, and hands the citizen back to the bot. The bot says nothing meanwhile."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from backoffice.app import create_app
from backoffice.config import Config
from tests.backoffice.conftest import PASSWORD, add_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.phone import tap_where, text_of
from tests.e2e.screenshots import phone_screenshot

REVENUE_NUMBER = "100000000000002"


@pytest.fixture(scope="module")
def desks(stack):
    """Two officers of the revenue department in the stack's database."""
    app = create_app(Config(environ=stack.env))
    with app.app_context():
        add_user("rev.desk.a", "officer", "revenue")
        add_user("rev.desk.b", "officer", "revenue")
    return app


class RevenueCitizen:
    """A citizen writing to the revenue department's number through the stand-in."""

    def __init__(self, stack, number: str):
        self.stack, self.number = stack, number

    def send(self, body: dict, expect: int = 1) -> list[dict]:
        seq = self.stack.last_seq(self.number)
        answer = self.stack.post(
            "/_standin/inbound", {"from": self.number, "phone_number_id": REVENUE_NUMBER, **body}
        )
        assert answer["webhook_status"] == 200
        return self.stack.replies(self.number, seq, expect=expect, timeout=60) if expect else []

    def outbound_after(self, seq: int) -> list[dict]:
        messages = self.stack.get(f"/_standin/conversations/{self.number}?after={seq}&wait=0")["messages"]
        return [m for m in messages if m["direction"] == "out"]


def sign_in(browser, base: str, username: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/inbox")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/queue")  # sign-in lands on the queue; the inbox is one click away
    page.click("header >> text=Inbox")
    page.wait_for_url(f"{base}/inbox")
    return page


@pytest.mark.slow
def test_two_officers_one_claims_answers_from_the_browser_and_hands_back(stack, worker, desks, citizen):
    playwright = pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import expect

    assert Path(CHROMIUM).exists(), "Debian's chromium is not installed"
    base = stack.env["BACKOFFICE_URL"]
    person = RevenueCitizen(stack, citizen)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first, second = sign_in(browser, base, "rev.desk.a"), sign_in(browser, base, "rev.desk.b")

        [welcome] = person.send({"type": "text", "text": "Hi"})
        _, menu = person.send(tap_where(welcome, '"en"'), expect=2)
        [told] = person.send(tap_where(menu, "/talk_to_human"))
        assert "passing your conversation to an officer of Revenue" in text_of(told), text_of(told)
        assert re.search(r"expected wait is about (1 minute|\d+ minutes)", text_of(told))

        # Both inboxes show the new conversation without a reload (server-sent events).
        # (Other tests of the session may have left conversations claimed; this one is the one waiting.)
        row = first.locator('tr.handover[data-status="waiting"]')
        expect(row).to_have_count(1, timeout=20000)
        expect(second.locator('tr.handover[data-status="waiting"]')).to_have_count(1, timeout=20000)
        expect(row.locator(".status")).to_have_text("Waiting")
        first.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)
        handover = row.get_attribute("data-handover")

        seq = stack.last_seq(citizen)
        person.send({"type": "text", "text": "The name on my income certificate is spelt wrong"}, expect=0)
        for page in (first, second):
            page.goto(f"{base}/inbox/{handover}")
            expect(page.locator("li.message.citizen").last).to_contain_text("spelt wrong", timeout=20000)
        first.click("text=Claim this conversation")
        expect(first.locator(".state .status")).to_have_text("Claimed by Rev Desk A")
        # The second officer's page follows without a reload: taken, nothing to claim or answer there.
        expect(second.locator(".state .status")).to_have_text("Claimed by Rev Desk A", timeout=20000)
        assert second.locator("text=Claim this conversation").count() == 0
        assert second.locator("textarea").count() == 0

        first.fill("textarea", "Please send your application number; I will correct the name today.")
        first.click("text=Send")
        reply = stack.replies(citizen, seq, expect=1, timeout=60)
        assert [text_of(m) for m in reply] == [
            "Please send your application number; I will correct the name today."
        ]

        seq = stack.last_seq(citizen)
        person.send({"type": "text", "text": "It is DL-REV-2026-000123"}, expect=0)
        expect(first.locator("li.message.citizen").last).to_contain_text("DL-REV-2026-000123", timeout=20000)
        # Redrawn for the citizen's message, the page also shows what Meta reported for the officer's reply.
        expect(first.locator("li.message.officer .outcome").first).to_have_text(
            re.compile("sent|delivered|read"), timeout=20000
        )
        time.sleep(1.5)  # the bot would have answered by now; it must not speak over the officer
        assert person.outbound_after(seq) == []
        first.screenshot(path=str(SCREENSHOTS / "inbox_conversation.png"), full_page=True)

        first.click("text=Hand back to the bot")
        [back] = stack.replies(citizen, seq, expect=1, timeout=60)
        assert "handed you back to the Seva assistant" in text_of(back)
        [menu_again] = person.send({"type": "text", "text": "menu"})
        assert "How can I help you today?" in text_of(menu_again)

        browser.close()
    phone_screenshot(stack, citizen, "handover.png", (REVENUE_NUMBER,), since="passing your conversation")
