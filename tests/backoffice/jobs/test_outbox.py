"""The transactional outbox: an approval made while Redis is down still brings the citizen the certificate."""

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice.applications import workflow
from backoffice.applications.models import Application
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.jobs.after_commit import enqueue_after_commit, relay_unsent
from backoffice.jobs.models import OutboxTask
from tests.backoffice.conftest import REVENUE_NUMBER, add_user, consents
from tests.servers import ROOT, free_port, wait_for_port

WA_ID = "919800000707"
APPROVER = Actor("approver", "rev.approver", department="revenue")


class RedisServer:
    """A redis-server this test may stop and start again on the same port."""

    def __init__(self, workdir):
        self.port, self.workdir, self.process = free_port(), workdir, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_url(redis_server):
    """Overrides the session's Redis: this test stops its own."""
    return f"redis://127.0.0.1:{redis_server.port}/0"


def sent_documents(graph_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{graph_url}/_standin/conversations/{WA_ID}") as response:
        messages = json.load(response)["messages"]
    return [m for m in messages if m["direction"] == "out" and m["type"] == "document"]


def test_a_rolled_back_change_leaves_no_task_and_a_committed_one_keeps_it(app):
    with app.app_context():
        enqueue_after_commit(db.session(), "backoffice.no_such_task", 1)
        db.session.rollback()
        assert db.session.scalars(select(OutboxTask)).all() == []
        enqueue_after_commit(db.session(), "backoffice.no_such_task", 2)
        db.session.commit()  # the send fails (no such task): the row stays for the relay, with the reason
        [row] = db.session.scalars(select(OutboxTask)).all()
        assert row.task == "backoffice.no_such_task" and row.args == [2]
        assert row.sent_at is None and row.attempts == 1 and "no_such_task" in row.last_error
        # The relay leaves young rows to their own commit, and keeps trying the old ones in order.
        assert relay_unsent(db.session(), timedelta(minutes=5)) == 0
        row.created_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
        assert relay_unsent(db.session(), timedelta(minutes=5)) == 0
        assert db.session.get(OutboxTask, row.id).attempts == 2


@pytest.mark.slow
def test_approved_while_redis_is_down_the_certificate_is_delivered_once_it_is_back(
    tmp_path, workers, redis_server, monkeypatch
):
    from backoffice.demo import samples as demo

    env = {"SEVA_PKI_DIR": str(tmp_path / "pki"), "SEVA_VERIFY_URL": "http://127.0.0.1:5000/verify/",
           "OUTBOX_RELAY_SECONDS": "1", "OUTBOX_RELAY_AFTER_SECONDS": "0"}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    setup = workers(env, ISSUE_ON_APPROVAL=True)
    body = json.dumps({"phone_number_id": REVENUE_NUMBER, "from": WA_ID, "type": "text", "text": "status"})
    urllib.request.urlopen(urllib.request.Request(f"{setup.graph_url}/_standin/inbound", body.encode(),
                                                  {"Content-Type": "application/json"})).read()  # fmt: skip
    with setup.app.app_context():
        add_user("rev.approver", "approver", "revenue")
        application = demo.submitted_application("income_certificate", "wa-outbox", "9811177070", "en")
        citizen = application.citizen
        citizen.wa_id, citizen.phone_number_id = WA_ID, REVENUE_NUMBER
        consents(citizen.id)
        citizen.last_inbound_at = utcnow()
        workflow.transition(application, "start_review", APPROVER, notify=False)
        db.session.commit()
        application_id = application.id
    setup.start_worker()
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backoffice.worker", "beat", "--schedule",
         str(tmp_path / "beat-schedule"), "--loglevel", "WARNING"],
        cwd=ROOT, env=setup.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    setup.processes.append(beat)

    redis_server.stop()
    with setup.app.app_context():
        workflow.transition(db.session.get(Application, application_id), "approve", APPROVER)
        db.session.commit()  # the officer's approval stands although the broker is down
        assert db.session.get(Application, application_id).status == "approved"
        unsent = db.session.scalars(select(OutboxTask).where(OutboxTask.sent_at.is_(None))).all()
        assert "backoffice.certificates_tasks.issue_certificate" in {row.task for row in unsent}
    time.sleep(2)  # the worker and beat notice the outage
    redis_server.start()

    deadline, documents = time.monotonic() + 150, []
    while time.monotonic() < deadline and not documents:
        documents = sent_documents(setup.graph_url)
        time.sleep(0.5)
    assert documents, "the certificate never reached the citizen after Redis came back"
    with setup.app.app_context():
        assert db.session.get(Application, application_id).status == "issued"
        assert db.session.scalars(select(OutboxTask).where(OutboxTask.sent_at.is_(None))).all() == []
