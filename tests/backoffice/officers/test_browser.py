"""In Chromium: an approver signs in, opens a submitted application from the queue and approves it."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from backoffice.app import create_app
from backoffice.config import TestConfig as Settings
from backoffice.extensions import db
from tests.backoffice.conftest import PASSWORD, add_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.servers import free_port


@pytest.fixture
def live_server(tmp_path):
    """The back-office on a real port, with a file database the browser's requests share."""
    from flask_migrate import upgrade

    from backoffice.demo import samples as demo

    app = create_app(Settings(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'seva.db'}",
                              DOCUMENTS_DIR=str(tmp_path / "documents")))  # fmt: skip
    with app.app_context():
        upgrade()
        add_user("rev.approver", "approver", "revenue")
        application = demo.submitted_application(
            "income_certificate", "wa-browser", "9811100000", "hi", "सुनीता देवी"
        )
        db.session.commit()
        number = application.number
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", number
    server.shutdown()


@pytest.mark.slow
def test_an_approver_takes_an_application_from_submitted_to_approved(live_server):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed")
    base, number = live_server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/queue")
        page.fill("#username", "rev.approver")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/queue")
        page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)
        page.fill("#q", "9811100000")
        page.click("text=Show")
        page.click(f"text={number}")
        assert page.locator("h1").inner_text().startswith(number)
        assert "सुनीता देवी" in page.content()
        assert (
            "9876543210" not in page.content() and "******3210" in page.content()
        )  # the mobile answer, masked
        page.click("text=Documents verified: start review")
        page.wait_for_selector("text=Under review")
        page.click("button:has-text('Approve')")
        page.wait_for_selector(f"text={number}: Approved.")
        page.screenshot(path=str(SCREENSHOTS / "application-approved.png"), full_page=True)
        assert "स्वीकृत" in page.content()
        history = page.locator(
            "section:has(h2:has-text('History')) tbody, section:has(h2:has-text('History')) table"
        )
        assert "Under review → Approved" in history.first.inner_text()
        browser.close()
