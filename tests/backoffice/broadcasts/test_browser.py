"""In Chromium: a broadcaster composes an announcement with an image, a second approves it, the report shows it."""

import io
import threading
import urllib.request
from pathlib import Path

import pytest
import redis
from PIL import Image
from werkzeug.serving import make_server

from backoffice.app import create_app
from backoffice.broadcasts.models import BroadcastRecipient
from backoffice.config import TestConfig as Settings
from backoffice.consent import services as consent
from backoffice.demo import samples as demo
from backoffice.extensions import db
from tests.backoffice.conftest import NUMBERS, PASSWORD, add_user
from tests.backoffice.notifications.test_notifications import received
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.servers import free_port

WA_IDS = ("919833300001", "919833300002")


@pytest.fixture
def live_server(tmp_path, standin, redis_url):
    """The back-office on a real port and a file database, sending to the stand-in; two consenting citizens."""
    from flask_migrate import upgrade

    url, token = standin
    urllib.request.urlopen(urllib.request.Request(f"{url}/_standin/reset", b"", method="POST")).close()
    app = create_app(Settings(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'seva.db'}",
                              DOCUMENTS_DIR=str(tmp_path / "documents"), WHATSAPP_GRAPH_URL=url,
                              WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS, REDIS_URL=redis_url))  # fmt: skip
    with app.app_context():
        upgrade()
        add_user("rev.writer", "broadcaster", "revenue")
        add_user("rev.checker", "broadcaster", "revenue")
        for wa_id in WA_IDS:
            application = demo.submitted_application("income_certificate", f"wa-{wa_id}", None, "en")
            application.citizen.wa_id = wa_id
            consent.record(
                application.citizen.id, "broadcasts", True, "qr", "campaign:T", "2026-12", "revenue"
            )
        db.session.commit()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/broadcasts")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/broadcasts")


@pytest.mark.slow
def test_compose_with_an_image_approve_send_and_read_the_report(live_server, standin, redis_url, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed")
    app, base = live_server
    image = tmp_path / "camp.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 160, 30)).save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, base, "rev.writer")
        page.fill("#title", "Income certificate camp")
        page.fill(
            "#text_en", "A camp for income certificates at the Karol Bagh tehsil on 24 December, 10:00-16:00."
        )
        page.fill("#text_hi", "24 दिसंबर को करोल बाग तहसील में आय प्रमाण पत्र शिविर, 10:00-16:00।")
        page.select_option("#service", "income_certificate")
        page.set_input_files("#media", str(image))
        page.click("text=Save draft and see the audience")
        assert page.locator("#audience").inner_text() == "2"
        assert "image · camp.png" in page.content()
        detail = page.url
        page.click("text=Sign out")
        sign_in(page, base, "rev.checker")
        page.goto(detail)
        page.click("text=Approve and send")
        assert "Approved for 2 citizens." in page.content()
        assert page.locator("[data-key=sent]").inner_text() == "2"
        # The channel records Meta's status webhooks per message; the report reads them.
        with app.app_context():
            message_ids = [r.message_id for r in db.session.query(BroadcastRecipient)]
        store = redis.Redis.from_url(redis_url)
        store.hset(f"seva:wa:status:{message_ids[0]}", mapping={"sent": "1", "delivered": "2", "read": "3"})
        store.hset(f"seva:wa:status:{message_ids[1]}", mapping={"sent": "1", "delivered": "2"})
        store.close()
        page.reload()
        assert page.locator("[data-key=status_read]").inner_text() == "1"
        assert page.locator("[data-key=status_delivered]").inner_text() == "1"
        page.screenshot(path=str(SCREENSHOTS / "broadcast-report.png"), full_page=True)
        browser.close()
    for wa_id in WA_IDS:
        [message] = received(standin, wa_id)
        assert message["body"]["template"]["components"][0]["parameters"][0]["type"] == "image"
