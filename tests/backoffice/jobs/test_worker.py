"""A real Celery worker on a real Redis delivers the notification of an officer's move to the citizen's phone."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest

from backoffice.app import create_app
from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.config import TestConfig as Settings
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from tests.backoffice.conftest import NUMBERS, REVENUE_NUMBER
from tests.servers import ROOT

WA_ID = "919800000099"


@pytest.fixture
def worker_setup(tmp_path, redis_url, standin):
    """An app with a file database and Redis as broker, and `celery -A backoffice.worker worker` on the same."""
    from flask_migrate import upgrade

    from backoffice.demo import samples as demo

    graph_url, graph_token = standin
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'seva.db'}", "REDIS_URL": redis_url,
           "SECRET_KEY": "worker-test", "SEVA_DOCUMENTS_DIR": str(tmp_path / "documents"),
           "WHATSAPP_GRAPH_URL": graph_url, "WHATSAPP_ACCESS_TOKEN": graph_token, "WHATSAPP_NUMBERS": NUMBERS,
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    settings = Settings(environ=env, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], SECRET_KEY="worker-test",
                        DOCUMENTS_DIR=env["SEVA_DOCUMENTS_DIR"])  # fmt: skip
    settings.CELERY = {**settings.CELERY, "task_always_eager": False, "broker_url": redis_url}
    app = create_app(settings)
    with app.app_context():
        upgrade()
        application = demo.submitted_application("income_certificate", "wa-worker", "9811199999", "en")
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id, citizen.opted_in = WA_ID, REVENUE_NUMBER, True
        citizen.last_inbound_at = utcnow() - timedelta(days=3)
        db.session.commit()
        application_id = application.id
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backoffice.worker", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    yield app, application_id, graph_url
    worker.terminate()
    worker.wait(timeout=20)


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
