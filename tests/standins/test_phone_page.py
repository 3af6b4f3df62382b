"""The phone page in a real browser: a citizen types, the bot's buttons appear and can be tapped."""

import asyncio
import contextlib
import re
import shutil

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

from .conftest import CITIZEN, GENERAL, button_message, send, text_message

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed")


PDF = b"%PDF-1.4\n%%EOF\n"


def inbound_messages(receiver) -> list[dict]:
    """Every message (not status) the bot's webhook received."""
    values = [d.payload["entry"][0]["changes"][0]["value"] for d in receiver.deliveries]
    return [v["messages"][0] for v in values if "messages" in v]


async def send_menu_and_certificate(http, standin) -> None:
    """The bot sends a Hindi service list, then a PDF it uploaded."""
    rows = [
        {"id": '/apply{"service":"income"}', "title": "आय प्रमाण पत्र", "description": "राजस्व विभाग"},
        {"id": '/apply{"service":"caste"}', "title": "जाति प्रमाण पत्र"},
    ]
    menu = {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "header": {"type": "text", "text": "मुख्य मेनू"},
            "body": {"text": "कौन सी सेवा चाहिए?"},
            "action": {"button": "सेवाएँ", "sections": [{"title": "प्रमाण पत्र", "rows": rows}]},
        },
    }
    assert (await send(http, standin, menu))[0] == 200
    media = standin.api.media.add(PDF, "application/pdf", GENERAL, "प्रमाणपत्र.pdf")
    document = {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "document",
        "document": {"id": media.id, "filename": "प्रमाणपत्र.pdf", "caption": "आपका प्रमाणपत्र"},
    }
    assert (await send(http, standin, document))[0] == 200


def language_menu() -> dict:
    """The bot's welcome with two reply buttons, one in Hindi."""
    return button_message(
        "नमस्ते! Seva में आपका स्वागत है।\nWelcome to Seva. Choose your language.",
        [('/choose_language{"language":"en"}', "English"), ('/choose_language{"language":"hi"}', "हिंदी")],
        footer="Government of NCT of Delhi",
    )


@contextlib.asynccontextmanager
async def chromium():
    """Debian's headless chromium driven by Playwright."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def citizen_says(browser, standin, text: str):
    """Open the phone page as CITIZEN and send `text`; return the page."""
    page = await browser.new_page(viewport={"width": 780, "height": 860})
    await page.goto(standin.url + "/")
    await page.fill("#mobile", CITIZEN)
    await page.dispatch_event("#mobile", "change")
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    return page


async def test_citizen_types_sees_buttons_and_taps_one(http, standin, receiver):
    from playwright.async_api import expect

    async with chromium() as browser:
        page = await citizen_says(browser, standin, "नमस्ते")
        await receiver.wait_for(lambda r: len(r.deliveries) == 1)
        message = receiver.deliveries[0].payload["entry"][0]["changes"][0]["value"]["messages"][0]
        assert receiver.deliveries[0].signature_valid
        assert message["text"]["body"] == "नमस्ते"
        assert message["from"] == CITIZEN
        read = {"messaging_product": "whatsapp", "status": "read", "message_id": message["id"]}
        assert (await send(http, standin, read))[0] == 200
        assert (await send(http, standin, language_menu()))[0] == 200

        hindi = page.get_by_role("button", name="हिंदी")
        await expect(hindi).to_be_visible()
        await expect(page.locator(".row.in .ticks")).to_have_attribute("data-status", "read")
        await receiver.wait_for(lambda r: len(r.statuses()) == 3)
        await asyncio.sleep(0.3)  # let the page draw the read ticks of the bot message
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "phone_page.png"))

        await hindi.click()
        await receiver.wait_for(lambda r: len(r.deliveries) == 5)
        inbound = [d.payload["entry"][0]["changes"][0]["value"] for d in receiver.deliveries]
        taps = [v["messages"][0] for v in inbound if "messages" in v]
        assert taps[-1]["interactive"]["button_reply"] == {
            "id": '/choose_language{"language":"hi"}',
            "title": "हिंदी",
        }
        assert inbound[-1]["metadata"]["phone_number_id"] == GENERAL

        await send_menu_and_certificate(http, standin)
        await page.get_by_role("button", name="☰ सेवाएँ").click()
        await expect(page.get_by_role("button", name="आय प्रमाण पत्र")).to_be_visible()
        await page.screenshot(path=str(SCREENSHOTS / "phone_page_list.png"))
        await page.get_by_role("button", name="आय प्रमाण पत्र").click()
        await receiver.wait_for(
            lambda r: any(m.get("interactive", {}).get("type") == "list_reply" for m in inbound_messages(r))
        )
        document = page.locator("a.doc", has_text="प्रमाणपत्र.pdf")
        await expect(document).to_have_attribute("href", re.compile(r"^/_standin/media/\d+$"))

        await page.set_input_files(
            "#file", files=[{"name": "aadhaar.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        await receiver.wait_for(lambda r: any(m["type"] == "document" for m in inbound_messages(r)))
        sent = next(m for m in inbound_messages(receiver) if m["type"] == "document")
        assert sent["document"]["filename"] == "aadhaar.pdf"
        assert standin.api.media.get(sent["document"]["id"]).content == PDF


async def test_citizen_opens_a_payment_link_and_pays_an_order_in_the_chat(http, standin, receiver):
    from playwright.async_api import expect

    from backoffice.payments.whatsapp_pay import order_details

    link = "https://pay.example.test/pl_SVPKKKKKKKKKKK2?a=1&b=2"
    text = f"Pay here: {link}. Or pay in the chat."
    lines = [
        {"code": "fee", "label_en": "Licence fee", "label_hi": "शुल्क", "amount_paise": 20000},
        {"code": "late", "label_en": "Late fee", "label_hi": "विलंब शुल्क", "amount_paise": 5050},
    ]
    order = {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "interactive",
        "interactive": order_details("SVPKKKKKKKKKKK2", "Your licence fee", lines, "seva-razorpay"),
    }
    async with chromium() as browser:
        page = await citizen_says(browser, standin, "Hi")
        await receiver.wait_for(lambda r: inbound_messages(r))
        assert (await send(http, standin, text_message(text)))[0] == 200
        anchor = page.get_by_role("link", name=link)
        await expect(anchor).to_have_attribute("href", link)  # the full stop after it stays outside
        await expect(anchor).to_have_attribute("target", "_blank")

        _, sent = await send(http, standin, order)
        bubble = page.locator(".row.out", has_text="Your licence fee")
        await expect(bubble).to_contain_text("Licence fee: ₹200.00")
        await expect(bubble).to_contain_text("Late fee: ₹50.50")
        await expect(bubble).to_contain_text("Total ₹250.50")
        await page.get_by_role("button", name="Review and pay").click()
        await page.get_by_role("button", name="Fail the payment").click()
        await page.get_by_role("button", name="Review and pay").click()
        await page.get_by_role("button", name="Pay ₹250.50 (UPI)").click()

        def payments(r) -> list[dict]:
            return [s for s in r.statuses() if s.get("type") == "payment"]

        await receiver.wait_for(lambda r: len(payments(r)) == 2)
        failed, captured = payments(receiver)
        assert (failed["status"], captured["status"]) == ("failed", "captured")
        assert captured["id"] == sent["messages"][0]["id"]
        assert captured["payment"]["amount"] == {"value": 25050, "offset": 100}
        assert captured["payment"]["transaction"]["method"] == {"type": "upi"}
        await expect(page.locator("#notice")).to_contain_text("Payment captured")
        await page.screenshot(path=str(SCREENSHOTS / "phone_page_payment.png"))
