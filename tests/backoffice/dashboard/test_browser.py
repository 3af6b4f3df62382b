"""In Chromium: the dashboard changes by itself when a message goes out; a report is built, saved and downloaded."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from backoffice.app import create_app
from backoffice.config import TestConfig as Settings
from backoffice.notifications.send import graph_client
from backoffice.reports.query import ReportSpec, run
from tests.backoffice.conftest import NUMBERS, PASSWORD, REVENUE_NUMBER, add_user
from tests.backoffice.reports.conftest import add_population
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.servers import free_port


@pytest.fixture
def live_server(tmp_path, redis_url, standin):
    """The back-office on a real port with Redis, sending to the Cloud API stand-in, with some applications."""
    from flask_migrate import upgrade

    graph_url, graph_token = standin
    app = create_app(Settings(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'seva.db'}",
                              DOCUMENTS_DIR=str(tmp_path / "documents"), REDIS_URL=redis_url,
                              WHATSAPP_GRAPH_URL=graph_url, WHATSAPP_ACCESS_TOKEN=graph_token,
                              WHATSAPP_NUMBERS=NUMBERS, DASHBOARD_TICK_SECONDS=0.5))  # fmt: skip
    with app.app_context():
        upgrade()
        add_user("admin", "admin", None)
        add_population("wa-browser", "98110000")
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def browser_page(p):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed")
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return browser, browser.new_page(viewport={"width": 1366, "height": 1000}, accept_downloads=True)


def sign_in(page, base):
    page.goto(f"{base}/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def chart_total(page, chart_id: str, dataset: int) -> int:
    return page.evaluate(
        f"Chart.getChart('{chart_id}').data.datasets[{dataset}].data.reduce((a, b) => a + b, 0)"
    )


@pytest.mark.slow
def test_the_dashboard_counts_a_message_sent_through_the_stand_in_without_a_reload(live_server):
    playwright = pytest.importorskip("playwright.sync_api")
    app, base = live_server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser, page = browser_page(p)
        sign_in(page, base)
        page.goto(f"{base}/admin/dashboard")
        page.wait_for_selector("#live-state[data-state=live]", timeout=10_000)
        before = int(page.inner_text("#messages-out"))
        chart_before = chart_total(page, "messages-chart", 1)
        page.evaluate("window.notReloaded = true")
        with app.app_context():
            # A status message to a citizen, sent as Meta would take it: through the Cloud API stand-in.
            graph_client().send_template(REVENUE_NUMBER, "919811100000", "resume_conversation", "en", ())
        # Within 5 s, by the page's own script under the back-office's Content Security Policy.
        playwright.expect(page.locator("#messages-out")).to_have_text(str(before + 1), timeout=5_000)
        assert chart_total(page, "messages-chart", 1) == chart_before + 1
        assert page.evaluate("window.notReloaded") is True
        assert "Statutory deadline" in page.content() and "वैधानिक समय सीमा" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
        browser.close()


@pytest.mark.slow
def test_a_report_is_built_saved_and_downloaded_as_csv_and_xlsx_matching_the_database(live_server):
    playwright = pytest.importorskip("playwright.sync_api")
    app, base = live_server
    with playwright.sync_playwright() as p:
        browser, page = browser_page(p)
        sign_in(page, base)
        page.goto(f"{base}/admin/reports")
        page.check("input[name=dimensions][value=department]")
        page.check("input[name=dimensions][value=status]")
        page.check("input[name=measures][value=fees]")
        page.click("button[name=run]")
        page.wait_for_selector("#report-chart")
        page.fill("#report-name", "Departments by status")
        page.click("form.save button")
        page.wait_for_selector("#saved-reports >> text=Departments by status")
        page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
        with page.expect_download() as csv_download:
            page.click("#export-csv")
        with page.expect_download() as xlsx_download:
            page.click("#export-xlsx")
        csv_rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
        sheet = load_workbook(
            io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True
        ).active
        xlsx_rows = list(sheet.iter_rows(values_only=True))
        browser.close()
    with app.app_context():
        expected = run(ReportSpec.from_json({"dimensions": ["department", "status"], "measures": ["count", "fees"]}),
                       None)  # fmt: skip
    assert len(expected) == 5  # mcd issued/rejected, revenue issued/rejected/under_review
    assert csv_rows[0] == ["Department", "Status", "Applications", "Fees (Rs)"]
    assert csv_rows[1:] == [[str(v) for v in row] for row in expected]
    assert xlsx_rows[1:] == [tuple(row) for row in expected]
    assert ("mcd", "issued", 1, 50.0) in expected
