"""The CSC desk in Chromium, every process real: an operator applies for a citizen through the web chat.

Sign in, start a session by the citizen's mobile with the code from the SMS stand-in, complete a birth certificate
application in the widget (Hindi greeting, typed answers, tapped choices, four uploaded scans; the chat worded for
the counter and drawn again after each reload), record the cash, download the receipt, find it in the register.
A second CSC's operator sees none of it, and a socket without a token is refused.
"""

from __future__ import annotations

import re
import subprocess
import time

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from backoffice.app import create_app
from backoffice.audit.services import Actor
from backoffice.config import Config
from backoffice.csc import services as csc
from backoffice.csc.models import CscOperator
from backoffice.extensions import db
from tests.actions.sample_answers import sample_answer
from tests.backoffice.conftest import PASSWORD, add_user
from tests.backoffice.ocr import synthetic_cards
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.test_applications import CATALOG
from tests.servers import ROOT

SERVICE = CATALOG["birth_certificate"]
MOBILE = "9898012345"
README_SCREENSHOT = ROOT / "docs" / "images" / "csc-desk.png"
CONNECTED_WITHIN_MS = 60_000


@pytest.fixture(scope="module")
def office(stack):
    """Two CSCs in the stack's database, one operator each."""
    app = create_app(Config(environ=stack.env))
    admin = Actor("admin", "e2e")
    with app.app_context():
        csc.create_csc("DL-CSC-E1", "CSC Laxmi Nagar", "12 Vikas Marg, Laxmi Nagar", "East Delhi", admin)
        csc.create_csc("DL-CSC-E2", "CSC Rohini", "Sector 7, Rohini", "North West Delhi", admin)
        for username, centre in (("csc.e2e.one", "DL-CSC-E1"), ("csc.e2e.two", "DL-CSC-E2")):
            user = add_user(username, "csc_operator", None)
            db.session.add(CscOperator(user_id=user.id, csc_code=centre))
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> str:
    """A phone photo of a fictional card, as a scanner folder would hold it."""
    import numpy as np

    rng = np.random.default_rng(18)
    card = synthetic_cards.draw_aadhaar(synthetic_cards.make_identity(rng), rng)
    path = tmp_path_factory.mktemp("scans") / "scan.jpg"
    path.write_bytes(synthetic_cards.photograph(card, rng, blur_sigma=0.6))
    return str(path)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def bot_count(page: Page) -> int:
    return page.locator(".message.bot").count()


def wait_for_bot(page: Page, after: int, text: str) -> str:
    """Wait until a bot message after the first `after` contains `text`; return all the new messages' text."""
    page.wait_for_function(
        "([n, t]) => Array.from(document.querySelectorAll('.message.bot')).slice(n).some(e => e.textContent.includes(t))",
        arg=[after, text],
        timeout=90_000,
    )
    return "\n".join(page.locator(".message.bot").all_text_contents()[after:])


def say(page: Page, text: str, expect: str) -> str:
    before = bot_count(page)
    page.fill("#text", text)
    page.press("#text", "Enter")
    return wait_for_bot(page, before, expect)


def tap(page: Page, payload_part: str, expect: str) -> str:
    before = bot_count(page)
    page.locator(f".message.bot button[data-payload*='{payload_part}']").last.click()
    return wait_for_bot(page, before, expect)


def upload(page: Page, path: str, expect: str) -> str:
    before = bot_count(page)
    page.set_input_files("#scan", path)
    return wait_for_bot(page, before, expect)


def sms_code(stack, mobile: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sent = httpx.get(f"{stack.env['SMS_BASE_URL']}/_standin/sms/messages", params={"to": mobile}).json()
        if sent["messages"]:
            return re.search(r"\b(\d{6})\b", sent["messages"][-1]["Body"])[1]
        time.sleep(0.2)
    raise AssertionError("no SMS reached the citizen")


def rasa_ready(stack) -> None:
    """Wait until Rasa has loaded its model (it listens, and takes sockets, minutes before on a busy machine)."""
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        try:
            status = httpx.get(
                f"{stack.rasa_url}/status", params={"token": stack.env["RASA_TOKEN"]}, timeout=10
            )
            if status.status_code == 200 and status.json().get("model_file"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError("Rasa did not load its model")


def test_an_operator_applies_for_a_citizen_and_takes_the_cash(stack, office, scan, tmp_path):
    base = stack.env["BACKOFFICE_URL"]
    rasa_ready(stack)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        sign_in(page, base, "csc.e2e.one")
        assert page.url.endswith("/csc")

        page.fill("#mobile", MOBILE)
        page.click("text=Send code by SMS")
        page.fill("#code", sms_code(stack, MOBILE))
        page.click("text=Check")
        session_url = page.url
        page.wait_for_selector("#chat[data-state=connected]", timeout=CONNECTED_WITHIN_MS)

        # Hindi typed into the widget renders and is understood as on WhatsApp.
        welcome = say(page, "नमस्ते", "स्वागत")
        assert "नमस्ते" in page.locator(".message.operator").first.text_content()
        assert "Welcome" in welcome
        tap(page, '"en"', "English")
        # A reload draws the chat so far again (read from Rasa by the back-office), choices and all.
        before = page.locator(".message").all_text_contents()
        page.reload()
        page.wait_for_selector("#chat[data-history=drawn]")
        assert page.locator(".message").all_text_contents() == before
        page.wait_for_selector("#chat[data-state=connected]", timeout=CONNECTED_WITHIN_MS)
        first = say(page, "I need a birth certificate", SERVICE.fields[0].question.en)
        assert "Birth certificate" in first

        for index, field in enumerate(SERVICE.fields):
            # After the last answer: the summary, then the counter's charge (the turn's last message).
            last = index + 1 == len(SERVICE.fields)
            following = "At the CSC counter" if last else SERVICE.fields[index + 1].question.en
            if field.options:
                shown = tap(page, f'"{field.options[0].value}"', following)
            else:
                shown = say(page, sample_answer(SERVICE, field, "en"), following)
        # The counter's charge is shown before submission: Rs 50, and no government fee for this service.
        assert "Please check your Birth certificate application" in shown and "₹50" in shown

        # The bot asks for the scan the counter's way: the page's upload button, not WhatsApp's 📎.
        asked = tap(page, "/affirm", SERVICE.documents[0].name.en)
        assert "Upload scan" in asked and "📎" not in asked
        for index, document in enumerate(SERVICE.documents):
            # After the last scan: submitted, then what to collect at the counter (the turn's last message).
            last = index + 1 == len(SERVICE.documents)
            following = "Collect" if last else SERVICE.documents[index + 1].name.en
            shown = upload(page, scan, following)
            assert f"Received: {document.name.en}" in shown
        assert "has been submitted" in shown
        number = re.search(r"DL-MCD-\d{4}-\d{6}", shown)[0]
        assert "₹50" in shown

        # The application shows beside the chat, with both amounts, ready for the cash.
        page.wait_for_selector(f"#applications:has-text('{number}')", timeout=30_000)
        assert "CSC ₹50.00 + fee ₹0.00" in page.text_content("#applications")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "csc-desk.png"), full_page=True)
        README_SCREENSHOT.write_bytes((SCREENSHOTS / "csc-desk.png").read_bytes())
        page.click("button:has-text('Cash received')")
        assert "Recorded" in page.text_content(".flash")
        page.wait_for_selector("#chat[data-state=connected]", timeout=CONNECTED_WITHIN_MS)
        # Back from the cash form, the page shows the whole chat again, in order, worded for the counter.
        page.wait_for_selector("#chat[data-history=drawn]")
        chat = page.locator(".message").all_text_contents()
        assert chat[0] == "नमस्ते" and "has been submitted" in "".join(chat) and number in "".join(chat)
        assert "WhatsApp" not in "".join(chat) and "व्हाट्सऐप" not in "".join(chat)
        # The chat carries on in the same conversation: the application is in the citizen's status list.
        assert "Documents being checked" in say(page, "status", number)

        with page.expect_download() as download:
            page.click("a[href$='receipt.pdf']")
        pdf = tmp_path / "receipt.pdf"
        download.value.save_as(pdf)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert number in text and "CSC Laxmi Nagar" in text and "Csc E2E One" in text
        assert "Government fee" in text and "₹ 0" in text and "CSC service charge" in text and "₹ 50" in text

        page.goto(f"{base}/csc/register")
        assert number in page.text_content("#entries")
        assert page.text_content("#cash") == "₹50.00"

        # A socket without a token is refused, from the operator's own page.
        page.goto(session_url)
        refused = page.evaluate(
            """url => new Promise(resolve => {
                 const s = io(url, {transports: ['websocket'], reconnection: false, auth: {}});
                 s.on('connect', () => resolve('connected'));
                 s.on('connect_error', () => resolve('refused'));
               })""",
            stack.env["CSC_CHAT_URL"],
        )
        assert refused == "refused"

        # The other CSC's operator sees none of it.
        other = browser.new_context().new_page()
        sign_in(other, base, "csc.e2e.two")
        assert other.goto(session_url).status == 404
        assert other.goto(f"{session_url}/history").status == 404  # nor its chat
        assert other.goto(f"{base}/csc/applications/{number}/receipt.pdf").status == 404
        other.goto(f"{base}/csc/register")
        assert number not in other.text_content("main")
        other.goto(f"{base}/csc")
        assert MOBILE[-4:] not in other.text_content("main")
        browser.close()
