"""Fixtures for the WhatsApp stand-in: the real server on a free port and a webhook receiver that checks signatures."""

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from standins.whatsapp import Settings, create_app
from standins.whatsapp.graph_routes import CLOUD_API
from tests.servers import serving

TOKEN = "test-access-token"
SECRET = "test-app-secret"
GENERAL = "100000000000001"
REVENUE = "100000000000002"
CITIZEN = "919812345678"


@dataclass
class Delivery:
    """One webhook the receiver got."""

    raw: bytes
    headers: dict
    signature_valid: bool

    @property
    def payload(self) -> dict:
        """The parsed JSON body."""
        return json.loads(self.raw)


@dataclass
class WebhookReceiver:
    """A stand-in for the bot's webhook: records every post and answers `answer_status`."""

    url: str
    deliveries: list[Delivery] = field(default_factory=list)
    answer_status: int = 200
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def statuses(self) -> list[dict]:
        """Every status object received, in arrival order."""
        found = []
        for d in self.deliveries:
            for change in d.payload["entry"][0]["changes"]:
                found.extend(change["value"].get("statuses", []))
        return found

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        """Wait until `predicate(self)` holds, or fail."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            if loop.time() > deadline:
                raise AssertionError(f"webhooks never arrived; got {[d.payload for d in self.deliveries]}")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), 0.1)


@pytest.fixture
async def receiver():
    """A local webhook endpoint that verifies `X-Hub-Signature-256` over the raw bytes, as the bot must."""
    state = WebhookReceiver(url="")

    async def webhook(request: web.Request) -> web.Response:
        raw = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", ""))
        state.deliveries.append(Delivery(raw, dict(request.headers), valid))
        state.arrived.set()
        return web.Response(status=state.answer_status)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    async with serving(app) as url:
        state.url = f"{url}/webhook"
        yield state


@dataclass
class Standin:
    """A running stand-in: its base URL, its in-process state and what the outbound hook saw."""

    url: str
    app: web.Application
    outbound: list[dict]

    @property
    def api(self):
        """The CloudApi object behind the routes."""
        return self.app[CLOUD_API]

    def graph(self, path: str) -> str:
        """A Graph API URL on this stand-in."""
        return f"{self.url}/v21.0/{path}"


def make_settings(webhook_url: str, **overrides) -> Settings:
    """Test settings: known token and secret, fast statuses."""
    values = {"access_token": TOKEN, "app_secret": SECRET, "webhook_url": webhook_url, "status_delay": 0.01}
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def serving_standin(settings: Settings) -> AsyncIterator[Standin]:
    """Serve a stand-in in this process on a free loopback port for the block."""
    outbound: list[dict] = []
    app = create_app(settings, on_outbound=outbound.append)
    async with serving(app) as url:
        yield Standin(url, app, outbound)


@pytest.fixture
async def standin(receiver):
    """The stand-in, posting its webhooks to `receiver`."""
    async with serving_standin(make_settings(receiver.url)) as server:
        yield server


@pytest.fixture
async def http():
    """An HTTP client session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def auth() -> dict:
    """Headers carrying the right Bearer token."""
    return {"Authorization": f"Bearer {TOKEN}"}


async def say(http: aiohttp.ClientSession, standin: Standin, text: str = "Hi", **fields) -> dict:
    """A citizen sends a message through the control API; returns its answer."""
    body = {"from": CITIZEN, "phone_number_id": GENERAL, "profile_name": "Asha", "type": "text", "text": text}
    body.update(fields)
    async with http.post(f"{standin.url}/_standin/inbound", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def send(
    http: aiohttp.ClientSession,
    standin: Standin,
    body: dict,
    *,
    number: str = GENERAL,
    headers: dict | None = None,
) -> tuple[int, dict]:
    """POST to /messages with the right token unless `headers` says otherwise; returns (status, JSON)."""
    headers = {"Authorization": f"Bearer {TOKEN}"} if headers is None else headers
    async with http.post(standin.graph(f"{number}/messages"), json=body, headers=headers) as response:
        return response.status, await response.json()


def text_message(body: str = "Hello", to: str = CITIZEN) -> dict:
    """A minimal valid text send."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def button_message(text: str, replies: list[tuple[str, str]], footer: str | None = None) -> dict:
    """A reply-button send: `replies` are (id, title) pairs, in order."""
    interactive: dict = {
        "type": "button",
        "body": {"text": text},
        "action": {"buttons": [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in replies]},
    }
    if footer is not None:
        interactive["footer"] = {"text": footer}
    return {"messaging_product": "whatsapp", "to": CITIZEN, "type": "interactive", "interactive": interactive}
