"""The trainer's whole loop in Chromium, every process real, on a tiny fixture bot (tests/e2e/trainer_fixture/).

A citizen's message through the WhatsApp stand-in falls back; Rasa's tracker store queues it redacted; the
worker's beat drains it into the inbox; a trainer labels it with the keyboard, exports (checked by `rasa data
validate`), trains and evaluates on the fixture's held-out split, promotes with Rasa's `PUT /model`; and the
same message now gets the right answer from the running Rasa, which was never restarted.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from backoffice.app import create_app
from backoffice.config import Config
from tests.backoffice.conftest import PASSWORD, add_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.servers import ROOT, free_port, start, stop, wait_for_port

FIXTURE = ROOT / "tests" / "e2e" / "trainer_fixture"
NUMBER = "100000000000001"
MESSAGE = "mera rashan patra 9811122233 gum ho gaya"
REDACTED = "mera rashan patra &lt;PHONE&gt; gum ho gaya"
DID_NOT_UNDERSTAND = "Sorry, I did not understand."
LOST_CARD = "We will help you replace your lost card."


class Loop:
    """The running processes' addresses and the citizen's side of the chat."""

    def __init__(self, env: dict[str, str], standin: str, backoffice: str, logs: Path):
        self.env, self.standin, self.backoffice, self.logs = env, standin, backoffice, logs

    def _call(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.standin + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=40) as response:
            return json.loads(response.read())

    def ask(self, citizen: str, text: str, timeout: float = 120) -> str:
        """Send `text` as the citizen and return the text of the bot's next reply."""
        after = max(
            (m["seq"] for m in self._call(f"/_standin/conversations/{citizen}?after=0&wait=0")["messages"]),
            default=0,
        )
        self._call(
            "/_standin/inbound", {"from": citizen, "phone_number_id": NUMBER, "type": "text", "text": text}
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self._call(f"/_standin/conversations/{citizen}?after={after}&wait=5")["messages"]:
                if message["direction"] == "out":
                    return json.dumps(message["body"], ensure_ascii=False)
        raise AssertionError(f"no reply to {text!r} within {timeout} s; see {self.logs}")


@pytest.fixture(scope="module")
def loop(redis_url, tmp_path_factory):
    """Redis, the stand-in, Rasa (WhatsApp channel, HTTP API) on the fixture's base model, the back-office and a worker with beat."""
    work = tmp_path_factory.mktemp("trainer-loop")
    bot = work / "bot"
    shutil.copytree(FIXTURE, bot)
    logs = work / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("rasa", "standin", "backoffice")}
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "SEVA_HOME": str(ROOT), "REDIS_URL": f"redis://{host}:{port}/6",
        "REDIS_HOST": host, "REDIS_PORT": port, "RASA_TRACKER_DB": "7", "RASA_LOCK_DB": "8",
        "RASA_TOKEN": secrets.token_hex(8), "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
        "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{ports['standin']}", "WHATSAPP_API_VERSION": "v21.0",
        "WHATSAPP_ACCESS_TOKEN": secrets.token_hex(16), "WHATSAPP_APP_SECRET": secrets.token_hex(16),
        "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(8), "WHATSAPP_NUMBERS": f"{NUMBER}:general",
        "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{ports['rasa']}/webhooks/whatsapp/webhook",
        "SEVA_ID_SALT": secrets.token_hex(8), "STANDIN_PORT": str(ports["standin"]), "STANDIN_STATUSES": "",
        "BACKOFFICE_URL": f"http://127.0.0.1:{ports['backoffice']}", "BACKOFFICE_API_TOKEN": secrets.token_hex(8),
        "DATABASE_URL": f"sqlite:///{work / 'seva.db'}", "SECRET_KEY": secrets.token_hex(16),
        "SEVA_DOCUMENTS_DIR": str(work / "documents"),
        "RASA_INSTANCES": f"http://127.0.0.1:{ports['rasa']}", "TRAINER_DRAIN_SECONDS": "1",
        "TRAINER_CONFIG": str(bot / "config.yml"), "TRAINER_DOMAIN": str(bot / "domain.yml"),
        "TRAINER_NLU_DIR": str(bot / "data" / "nlu"),
        "TRAINER_TRAINING_DATA": f"{bot / 'data' / 'nlu'} {bot / 'data' / 'rules'}",
        "TRAINER_HELDOUT": str(bot / "heldout.yml"), "TRAINER_MODELS_DIR": str(work / "models"),
        "TRAINER_BASE_MODEL": str(work / "models" / "base.tar.gz"),
        # One process behind Rasa's port: a `PUT /model` reaches one process (docs/trainer.md).
        "SANIC_WORKERS": "1",
    }  # fmt: skip
    rasa = [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "rasa"]
    subprocess.run(
        [*rasa, "train", "--config", env["TRAINER_CONFIG"], "--domain", env["TRAINER_DOMAIN"], "--data",
         *env["TRAINER_TRAINING_DATA"].split(), "--out", str(work / "models"), "--fixed-model-name", "base"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    flask = [str(ROOT / ".venv" / "bin" / "python"), "-m", "flask", "--app", "backoffice.app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    app = create_app(Config(environ=env))
    with app.app_context():
        add_user("asha.trainer", "nlu_trainer", None)
    procs = [
        start([*flask, "run", "--port", str(ports["backoffice"])], env, logs / "backoffice.log"),
        start([str(ROOT / ".venv" / "bin" / "python"), "-m", "standins.whatsapp"], env, logs / "standin.log"),
        start(
            [
                *rasa,
                "run",
                "--model",
                env["TRAINER_BASE_MODEL"],
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
        ),  # fmt: skip
        start(
            [
                str(ROOT / ".venv" / "bin" / "python"),
                "-m",
                "celery",
                "-A",
                "backoffice.worker",
                "worker",
                "-B",
                "--schedule",
                str(work / "beat-schedule"),
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
            ],
            env,
            logs / "worker.log",
        ),  # fmt: skip
    ]
    try:
        for port_ in ports.values():
            wait_for_port(port_, timeout=300)
        wait_for_model(f"{env['RASA_INSTANCES']}/status?token={env['RASA_TOKEN']}")
        yield Loop(
            env, f"http://127.0.0.1:{ports['standin']}", f"http://127.0.0.1:{ports['backoffice']}", logs
        )
    finally:
        stop(procs)


def wait_for_model(status_url: str, timeout: float = 300) -> None:
    """Wait until Rasa has loaded its model (its port opens before)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(status_url, timeout=10) as response:
                if json.loads(response.read()).get("model_file"):
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError("Rasa did not load its model")


def wait_for_text(page, url: str, text: str, timeout: float) -> None:
    """Reload `url` until `text` is on it (the worker's progress shows on reload)."""
    deadline = time.monotonic() + timeout
    while text not in page.content():
        assert time.monotonic() < deadline, f"{text!r} never appeared on {url}:\n{page.inner_text('main')}"
        time.sleep(1)
        page.goto(url)


@pytest.mark.slow
def test_a_misunderstood_message_is_labelled_trained_promoted_and_then_understood(loop):
    playwright = pytest.importorskip("playwright.sync_api")
    citizen = "919800000917"
    assert DID_NOT_UNDERSTAND in loop.ask(citizen, MESSAGE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = loop.backoffice
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/login")
        page.fill("#username", "asha.trainer")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/trainer/")

        wait_for_text(page, f"{base}/trainer/", REDACTED, timeout=60)
        assert "9811122233" not in page.content()
        page.screenshot(path=str(SCREENSHOTS / "trainer-inbox.png"), full_page=True)
        group = page.locator("form.trainer-group", has_text="rashan patra")
        group.locator("select.intent").select_option("report_lost_card")
        page.locator("body").click(position={"x": 5, "y": 5})  # focus leaves the list, so keys are shortcuts
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Labelled 1 message(s)")

        page.goto(f"{base}/trainer/models")
        page.click("button.export")
        wait_for_text(page, page.url, "1 examples written to data/nlu", timeout=300)
        exported = (Path(loop.env["TRAINER_NLU_DIR"]) / "trainer_hinglish.yml").read_text(encoding="utf-8")
        assert "mera rashan patra <PHONE> gum ho gaya" in exported and "inbox_item:" in exported

        page.goto(f"{base}/trainer/models")
        page.click("button.train")
        wait_for_text(page, page.url, "it may be promoted", timeout=900)
        assert "F1 per intent" in page.content() and "report_lost_card" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "trainer-round.png"), full_page=True)
        page.click("button.promote")
        wait_for_text(page, page.url, "Running on", timeout=300)
        browser.close()

    assert LOST_CARD in loop.ask(citizen, MESSAGE)
