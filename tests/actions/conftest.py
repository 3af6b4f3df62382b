"""Fixtures for action tests: a real back-office on a free port, and a driver that plays the Rasa form loop."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import backoffice_api, catalog_source
from actions.application_form import ActionAskAnswer, ValidateApplicationForm
from actions.application_lifecycle import ActionFinishApplication, ActionStartApplication
from tests.actions.payments_double import TOKEN, PaymentsDouble
from tests.servers import ROOT, free_port, running, serving, standin_process

BACKOFFICE_PYTHON = ROOT / ".venv" / "bin" / "python"


@pytest.fixture(scope="session")
def backoffice_server(tmp_path_factory, redis_url) -> dict[str, str]:
    """The Flask back-office, migrated, on a temporary SQLite database, with the gateway stand-in beside it."""
    home = tmp_path_factory.mktemp("backoffice")
    port, gateway_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SEVA_HOME": str(ROOT),
        "DATABASE_URL": f"sqlite:///{home / 'seva.db'}",
        "BACKOFFICE_API_TOKEN": secrets.token_hex(8),
        "SECRET_KEY": secrets.token_hex(16),
        "SEVA_DOCUMENTS_DIR": str(home / "documents"),
        "REDIS_URL": redis_url,
        "HANDOVER_OFFICE_HOURS": "always",  # the handover's answers must not depend on the day the tests run
        "RAZORPAY_BASE_URL": f"http://127.0.0.1:{gateway_port}",
        "GATEWAY_WEBHOOK_URL": f"http://127.0.0.1:{port}/api/v1/payments/razorpay/webhook",
    }
    flask = [str(BACKOFFICE_PYTHON), "-m", "flask", "--app", "backoffice.app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    with (
        running([*flask, "run", "--port", str(port)], env, port, home / "server.log", timeout=60),
        standin_process("standins.gateway", env, port=gateway_port, log=home / "gateway.log", timeout=60),
    ):
        yield {
            "url": f"http://127.0.0.1:{port}",
            "token": env["BACKOFFICE_API_TOKEN"],
            "database": str(home / "seva.db"),
        }


@pytest.fixture(autouse=True)
async def _point_actions_at_backoffice(backoffice_server):
    """Every action talks to the test back-office; the catalog cache starts empty per test."""
    backoffice_api.backoffice.settings = backoffice_api.Settings(
        backoffice_server["url"], backoffice_server["token"], timeout=10
    )
    catalog_source.catalog_source._catalog = None
    yield
    await backoffice_api.backoffice.close()


@pytest.fixture
async def double():
    """The payments double (tests/actions/payments_double.py) on a free port, with the actions pointed at it."""
    fake = PaymentsDouble()
    async with serving(fake.app()) as fake.url:
        backoffice_api.backoffice.settings = backoffice_api.Settings(fake.url, TOKEN, timeout=5)
        await backoffice_api.backoffice.close()
        yield fake
        await backoffice_api.backoffice.close()


def upload_photo(server: dict[str, str], citizen: str) -> str:
    """Store a small JPEG for `citizen` through the documents API, as the channel does; return its id."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 120)).save(buffer, "JPEG")
    boundary = secrets.token_hex(8)
    parts = []
    for name, value in (("citizen", citizen), ("source", "whatsapp")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + buffer.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        server["url"] + "/api/v1/documents",
        data=b"".join(parts),
        headers={
            "Authorization": f"Bearer {server['token']}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())["id"]


class Conversation:
    """Plays what Rasa does around the actions: slots, the form loop, the question after each turn."""

    def __init__(self, citizen: str, language: str = "en", address: dict[str, str] | None = None):
        self.citizen = citizen
        self.address = address  # the channel's `whatsapp` metadata, if the citizen writes on WhatsApp
        self.slots: dict[str, Any] = {"language": language, "language_chosen": True}
        self.active = False
        self.said: list[dict[str, Any]] = []  # bot messages of the latest turn

    def tracker(self, text: str, intent: str, entities: dict[str, Any], confidence: float) -> Tracker:
        """A tracker whose latest message is this one."""
        message = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        }
        if self.address:
            message["metadata"] = {"whatsapp": self.address}
        return Tracker.from_dict(
            {
                "sender_id": self.citizen,
                "slots": dict(self.slots),
                "latest_message": message,
                "events": [{"event": "user", "text": text, "parse_data": message}],
                "active_loop": {"name": "application_form"} if self.active else {},
                "latest_action_name": "action_listen",
            }
        )

    async def run(self, action, tracker: Tracker) -> list[dict[str, Any]]:
        """Run one action, apply its slot events, keep what it said."""
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, DOMAIN)
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.said.extend(dispatcher.messages)
        return events

    async def say(
        self, text: str, intent: str = "inform", entities: dict | None = None, confidence: float = 0.99
    ):
        """One citizen message: to the form when it runs, else to the start action (`apply_service`)."""
        self.said = []
        entities = entities or {}
        if "language" in entities:
            self.slots["language"] = entities["language"]  # the slot mapping Rasa applies
        tracker = self.tracker(text, intent, entities, confidence)
        if not self.active:
            await self.run(ActionStartApplication(), tracker)
            if self.slots.get("form_ready"):
                await self.activate(tracker)
            return self.said
        await self.run(ValidateApplicationForm(), tracker)
        if self.slots.get("requested_slot") is None and self.slots.get("form_outcome"):
            self.active = False
            await self.run(ActionFinishApplication(), self.again(tracker))
            return self.said
        self.slots["requested_slot"] = "answer"
        await self.run(ActionAskAnswer(), self.again(tracker))
        return self.said

    async def activate(self, tracker: Tracker) -> None:
        """The form's first run after the rules start it: validation finds no answer yet, then it asks."""
        self.active = True
        self.slots["requested_slot"] = None
        await self.run(ValidateApplicationForm(), self.again(tracker))
        self.slots["requested_slot"] = "answer"
        await self.run(ActionAskAnswer(), self.again(tracker))

    def again(self, tracker: Tracker) -> Tracker:
        """The same latest message with the slots as they are now."""
        message = tracker.latest_message
        entities = {e["entity"]: e["value"] for e in message["entities"]}
        return self.tracker(
            message["text"], message["intent"]["name"], entities, message["intent"]["confidence"]
        )

    async def tap(self, payload_intent: str, **entities: Any) -> list[dict[str, Any]]:
        """Tap a button whose payload is `/payload_intent{entities}`."""
        text = "/" + payload_intent + (json.dumps(entities) if entities else "")
        return await self.say(text, payload_intent, entities, confidence=1.0)

    def responses(self) -> list[str]:
        """The response names of the latest turn."""
        return [m.get("response") or "text" for m in self.said]

    def last(self, response: str) -> dict[str, Any]:
        """The latest message of the turn sent as `response`."""
        return [m for m in self.said if m.get("response") == response][-1]


def _domain() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(ROOT / "domain.yml").read_text(encoding="utf-8"))


DOMAIN = _domain()
