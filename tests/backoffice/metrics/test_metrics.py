"""`/metrics` answers Prometheus with the token only, with applications, queues and the channel's counters."""

from __future__ import annotations

import re
import time

import pytest

from backoffice.reports.tasks import refresh_daily_counts
from tests.backoffice.conftest import NUMBERS
from tests.backoffice.dashboard.test_tiles import record_traffic


def test_metrics_need_the_token_and_carry_the_back_office_and_channel_figures(
    app, client, submitted, redis_url
):
    app.config.update(METRICS_TOKEN="scrape-secret", REDIS_URL=redis_url, WHATSAPP_NUMBERS=NUMBERS)
    record_traffic(redis_url)
    submitted()
    with app.app_context():
        refresh_daily_counts()  # the beat's job: the applications gauge reads the counts it keeps
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'seva_applications{department="revenue",status="document_check"} 1.0' in text
    assert 'seva_celery_queue_length{queue="celery"} 0.0' in text
    assert 'seva_bot_fallbacks_total{number="100000000000002"} 1.0' in text
    assert 'seva_delivery_failures_total{code="131026",number="100000000000002"} 1.0' in text


def test_no_token_configured_refuses_every_scrape(app, client):
    app.config["METRICS_TOKEN"] = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.slow
def test_the_scrape_counts_the_tasks_a_separate_worker_process_finished(workers):
    setup = workers(METRICS_TOKEN="scrape-secret")
    app = setup.app
    setup.start_worker()
    celery = app.extensions["celery"]
    # A task that succeeds (no document: nothing to read) and one that fails (an argument it does not take).
    celery.send_task("backoffice.ocr.tasks.ocr_document", args=["no-such-document"])
    celery.send_task("backoffice.reports.tasks.refresh_daily_counts", args=["unexpected"])
    text = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = app.test_client().get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        text = response.get_data(as_text=True)
        if 'outcome="failed"' in text and 'outcome="succeeded"' in text:
            break
        time.sleep(0.2)
    # Tasks other tests left on the shared broker may be counted too: at least ours succeeded, only ours failed.
    succeeded = re.search(
        r'seva_celery_tasks_total\{outcome="succeeded",task="backoffice.ocr.tasks.ocr_document"\} (\d+)', text
    )
    assert succeeded and float(succeeded.group(1)) >= 1
    assert (
        'seva_celery_tasks_total{outcome="failed",task="backoffice.reports.tasks.refresh_daily_counts"} 1.0'
        in text
    )
