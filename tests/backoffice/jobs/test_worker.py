"""A real Celery worker on a real Redis delivers the notification of an officer's move to the citizen's phone."""

import json
import time
import urllib.request
from datetime import timedelta

import pytest

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from tests.backoffice.conftest import REVENUE_NUMBER, consents

WA_ID = "919800000099"


@pytest.fixture
def worker_setup(workers):
    """An app with a file database and Redis as broker, a submitted application, and a real worker on the same."""
    from backoffice.demo import samples as demo

    setup = workers()
    with setup.app.app_context():
        application = demo.submitted_application("income_certificate", "wa-worker", "9811199999", "en")
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = WA_ID, REVENUE_NUMBER
        consents(citizen.id)
        citizen.last_inbound_at = utcnow() - timedelta(days=3)
        db.session.commit()
        application_id = application.id
    setup.start_worker()
    return setup.app, application_id, setup.graph_url


@pytest.mark.slow
def test_the_worker_sends_the_template_after_the_officer_moves_the_application(worker_setup):
    app, application_id, graph_url = worker_setup
    with app.app_context():
        application = db.session.get(Application, application_id)
        workflow.transition(
            application, "start_review", Actor("officer", "rev.officer", department="revenue")
        )
        db.session.commit()  # the after-commit hook puts the task on Redis; the worker picks it up
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{graph_url}/_standin/conversations/{WA_ID}") as response:
            sent = [m for m in json.load(response)["messages"] if m["direction"] == "out"]
        if sent:
            break
        time.sleep(0.3)
    assert [m["type"] for m in sent] == ["template"]
    assert "Under review" in json.dumps(sent)
