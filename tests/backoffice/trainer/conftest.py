"""Fixtures of the trainer room: trainers, captured messages pushed through the real queue, a Rasa HTTP double."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from backoffice.extensions import db
from backoffice.trainer import capture
from backoffice.trainer.models import InboxItem
from tests.backoffice.conftest import add_user
from trainer_capture.contract import capture_entry, push


@pytest.fixture
def trainers(app):
    """Two NLU trainers, an administrator and an officer."""
    with app.app_context():
        add_user("asha.trainer", "nlu_trainer", None)
        add_user("ravi.trainer", "nlu_trainer", None)
        add_user("admin", "admin", None)
        add_user("rev.officer", "officer", "revenue")


@pytest.fixture
def queue(redis_url):
    """The capture queue on a real Redis (its own database), emptied before and after."""
    client = redis.Redis.from_url(redis_url.rsplit("/", 1)[0] + "/5")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def captured(app, queue):
    """`captured(text, **fields)`: queue an entry as the bot does and drain it into the inbox; returns its id."""
    counter = iter(range(1, 10_000))

    def make(text: str, reason: str = "fallback", **fields) -> int:
        fields.setdefault("message_id", f"wamid.{next(counter)}")
        fields.setdefault("intent", "apply_service")
        fields.setdefault("confidence", 0.41)
        push(
            queue,
            capture_entry(reason, text, fields.pop("conversation", "wa-0123456789abcdef0123"), **fields),
        )
        with app.app_context():
            capture.drain(queue)
            return db.session.scalar(select(func.max(InboxItem.id)))

    return make


class RasaDouble:
    """Answers Rasa's `PUT /model`, `GET /status` and `GET /conversations/<id>/tracker` as a Rasa server does.

    `processes` imitates SANIC_WORKERS: requests go to the processes in turn and a PUT loads only the one it reaches.
    """

    def __init__(self, token: str, refuse: bool = False, processes: int = 1):
        self.token, self.refuse = token, refuse
        self.loaded: list[str] = []
        self.events: list[dict] = []
        self.running = ["base.tar.gz"] * processes
        self._turn = itertools.count()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def _authorised(self) -> bool:
                if f"token={double.token}" not in self.path:
                    self.send_response(401)
                    self.end_headers()
                    return False
                return True

            def do_PUT(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not self._authorised():
                    return
                if double.refuse:
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(b'{"message":"Agent with name is not valid"}')
                    return
                double.loaded.append(body["model_file"])
                double.running[next(double._turn) % len(double.running)] = Path(body["model_file"]).name
                self.send_response(204)
                self.end_headers()

            def do_GET(self):  # noqa: N802
                if not self._authorised():
                    return
                if self.path.startswith("/status"):
                    process = next(double._turn) % len(double.running)
                    payload = json.dumps({"model_file": double.running[process]}).encode()
                else:
                    payload = json.dumps({"events": double.events}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rasa_doubles(app):
    """`rasa_doubles(n, refuse_last=False, processes=1)`: n Rasa HTTP doubles, configured as the app's instances."""
    made: list[RasaDouble] = []

    def make(n: int = 2, refuse_last: bool = False, processes: int = 1) -> list[RasaDouble]:
        app.config["RASA_TOKEN"] = "rasa-token"
        for index in range(n):
            made.append(RasaDouble("rasa-token", refuse=refuse_last and index == n - 1, processes=processes))
        app.config["RASA_INSTANCES"] = [d.url for d in made]
        return made

    yield make
    for double in made:
        double.close()
