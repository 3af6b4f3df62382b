"""Starts the whole stack for end-to-end tests: Redis, the action server, Rasa with the trained
model, the WhatsApp and CSC chat channels, and the Cloud API and SMS provider stand-ins, all on free ports."""

from __future__ import annotations

import itertools
import json
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bot.whatsapp.privacy import sender_id
from tests.servers import ROOT, free_port, standin_process, start, stop, wait_for_port

MODEL = ROOT / "models" / "seva.tar.gz"
GENERAL_NUMBER = "100000000000001"
REVENUE_OFFICER = "revenue.loop"  # signs in to the back-office in the tests of what follows a submission
# One counter for every test of the session, so no two tests ever share a chat (or a Rasa conversation).
_citizens = itertools.count(919800000100)


class Stack:
    """Handles on the running processes and the citizen-side helpers tests use."""

    def __init__(self, env: dict[str, str], standin_url: str, rasa_url: str, logs: Path):
        self.env = env
        self.standin_url = standin_url
        self.rasa_url = rasa_url
        self.logs = logs  # every process of the stack writes its log here

    def post(self, path: str, body: dict) -> dict:
        """POST JSON to the stand-in's control API."""
        request = urllib.request.Request(
            self.standin_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def get(self, path: str) -> dict:
        """GET JSON from the stand-in's control API."""
        with urllib.request.urlopen(self.standin_url + path, timeout=40) as response:
            return json.loads(response.read())

    def say(self, citizen: str, text: str, number: str = GENERAL_NUMBER) -> dict:
        """Send a text message as `citizen`, through a signed webhook."""
        return self.post(
            "/_standin/inbound", {"from": citizen, "phone_number_id": number, "type": "text", "text": text}
        )

    def tap(self, citizen: str, reply: dict, number: str = GENERAL_NUMBER) -> dict:
        """Tap a reply button or list row that the bot sent (as returned by `buttons_of`)."""
        return self.post("/_standin/inbound", {"from": citizen, "phone_number_id": number, **reply})

    def replies(self, citizen: str, after: int, expect: int = 1, timeout: float = 30.0) -> list[dict]:
        """Wait for at least `expect` outbound messages to `citizen` newer than sequence `after`."""
        deadline = time.monotonic() + timeout
        found: list[dict] = []
        cursor = after
        while len(found) < expect and time.monotonic() < deadline:
            batch = self.get(f"/_standin/conversations/{citizen}?after={cursor}&wait=5")["messages"]
            for message in batch:
                cursor = max(cursor, message["seq"])
                if message["direction"] == "out":
                    found.append(message)
        assert len(found) >= expect, f"expected {expect} replies, got {found}"
        return found

    def new_session(self, citizen: str, number: str = GENERAL_NUMBER) -> None:
        """Start a new Rasa session for `citizen`, as an hour of silence would."""
        conversation = sender_id(self.env["SEVA_ID_SALT"], number, citizen)
        request = urllib.request.Request(
            f"{self.rasa_url}/conversations/{conversation}/execute?token={self.env['RASA_TOKEN']}",
            data=json.dumps({"name": "action_session_start"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def last_seq(self, citizen: str) -> int:
        """The newest sequence number in the citizen's conversation (0 when empty)."""
        messages = self.get(f"/_standin/conversations/{citizen}?after=0&wait=0")["messages"]
        return max((m["seq"] for m in messages), default=0)


@pytest.fixture(scope="session")
def stack(redis_url, tmp_path_factory):
    """The running stack; skips nothing: a missing model is a setup error."""
    assert MODEL.exists(), "no trained model: run `make model` first"
    logs = tmp_path_factory.mktemp("logs")
    ports = {name: free_port() for name in ("rasa", "actions", "standin", "backoffice", "sms")}
    redis_host, redis_port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SEVA_HOME": str(ROOT),
        "REDIS_URL": redis_url,
        "REDIS_HOST": redis_host,
        "REDIS_PORT": redis_port,
        "RASA_TRACKER_DB": "1",
        "RASA_LOCK_DB": "2",
        "RASA_TOKEN": secrets.token_hex(8),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{ports['standin']}",
        "WHATSAPP_API_VERSION": "v21.0",
        "WHATSAPP_ACCESS_TOKEN": secrets.token_hex(16),
        "WHATSAPP_APP_SECRET": secrets.token_hex(16),
        "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(8),
        "WHATSAPP_NUMBERS": f"{GENERAL_NUMBER}:general,100000000000002:revenue",
        "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{ports['rasa']}/webhooks/whatsapp/webhook",
        "SEVA_ID_SALT": secrets.token_hex(8),
        "STANDIN_PORT": str(ports["standin"]),
        "STANDIN_STATUS_DELAY_MS": "50",
        "BACKOFFICE_URL": f"http://127.0.0.1:{ports['backoffice']}",
        "BACKOFFICE_API_TOKEN": secrets.token_hex(8),
        "DATABASE_URL": f"sqlite:///{logs / 'seva.db'}",
        "SECRET_KEY": secrets.token_hex(16),
        "SEVA_DOCUMENTS_DIR": str(logs / "documents"),
        # The gateway stand-in runs only beside the payment tests (`gateway_url`), on a port of its own.
        "RAZORPAY_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "SMS_STANDIN_PORT": str(ports["sms"]),
        "SMS_BASE_URL": f"http://127.0.0.1:{ports['sms']}",
        "SMS_STATUS_DELAY": "0",
        "CSC_CHAT_JWT_KEY": secrets.token_hex(24),
        "CSC_CHAT_URL": f"http://127.0.0.1:{ports['rasa']}",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",  # the back-office reads the CSC chat's history here
        # Officers answer handed-over conversations at any hour in these tests.
        "HANDOVER_OFFICE_HOURS": "always",
        "HANDOVER_SSE_SECONDS": "20",
    }
    flask = [str(ROOT / ".venv" / "bin" / "python"), "-m", "flask", "--app", "backoffice.app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    rasa_venv = ROOT / ".venv-rasa" / "bin"
    procs = [
        start([*flask, "run", "--port", str(ports["backoffice"])], env, logs / "backoffice.log"),
        start([str(ROOT / ".venv" / "bin" / "python"), "-m", "standins.whatsapp"], env, logs / "standin.log"),
        start([str(ROOT / ".venv" / "bin" / "python"), "-m", "standins.sms"], env, logs / "sms.log"),
        start(
            [
                str(rasa_venv / "rasa"),
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(ports["actions"]),
            ],
            env,
            logs / "actions.log",
        ),
        start(
            [
                str(rasa_venv / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--enable-api",
                "--auth-token",
                env["RASA_TOKEN"],
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
                "--port",
                str(ports["rasa"]),
            ],
            env,
            logs / "rasa.log",
        ),
    ]
    try:
        for port in ports.values():
            wait_for_port(port, timeout=240)
        # Rasa listens before its model is loaded (minutes on a busy machine); a webhook posted meanwhile
        # waits past the stand-in's 30 s. The model is in once the status route answers.
        status = f"http://127.0.0.1:{ports['rasa']}/status?token={env['RASA_TOKEN']}"
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(status, timeout=30) as response:
                    if json.loads(response.read()).get("model_id"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Rasa did not load its model in 300 s"
            time.sleep(1)
        yield Stack(env, f"http://127.0.0.1:{ports['standin']}", f"http://127.0.0.1:{ports['rasa']}", logs)
    finally:
        stop(procs)


@pytest.fixture(scope="session")
def worker(stack):
    """A Celery worker beside the stack: OCR, acknowledgements, receipts and notifications run for real."""
    env = {**stack.env, "OMP_THREAD_LIMIT": "1"}
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "celery", "-A", "backoffice.worker", "worker",
               "--pool", "solo", "--loglevel", "INFO"]  # fmt: skip
    proc = start(command, env, stack.logs / "worker.log")
    deadline = time.monotonic() + 60
    while "ready." not in (stack.logs / "worker.log").read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, "the Celery worker did not start"
        time.sleep(0.2)
    yield proc
    stop([proc])


@pytest.fixture(scope="session")
def gateway_url(stack, worker):
    """The gateway stand-in beside the stack (and its worker), where the stack's back-office expects it.

    The back-office reads `RAZORPAY_BASE_URL` and the development secrets it shares with the stand-in; the
    stand-in's webhooks go to the stack's back-office.
    """
    settings = {
        **stack.env,
        "GATEWAY_WEBHOOK_URL": stack.env["BACKOFFICE_URL"] + "/api/v1/payments/razorpay/webhook",
        "GATEWAY_RETRY_DELAYS": "0.5,1,2",
    }
    port = int(stack.env["RAZORPAY_BASE_URL"].rsplit(":", 1)[1])
    with standin_process("standins.gateway", settings, port=port, log=stack.logs / "gateway.log", timeout=60):
        yield stack.env["RAZORPAY_BASE_URL"]


@pytest.fixture(scope="session")
def office(stack):
    """The stack's back-office database, opened in this process, with an officer of the revenue department."""
    from backoffice.app import create_app
    from backoffice.config import Config
    from tests.backoffice.conftest import add_user

    app = create_app(Config(environ=stack.env))
    with app.app_context():
        add_user(REVENUE_OFFICER, "officer", "revenue")
    return app


@pytest.fixture
def citizen() -> str:
    """A fresh fictional mobile number per test."""
    return str(next(_citizens))
