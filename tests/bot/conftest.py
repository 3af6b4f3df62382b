"""Fixtures for the WhatsApp channel tests: the real Cloud API stand-in, a document-store test double,
and the channel mounted in a Sanic app whose "bot" records (and may answer) every UserMessage."""

import asyncio
import base64
import itertools
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from redis.asyncio import Redis
from sanic import Sanic

from bot.channels.whatsapp import WhatsAppInput
from bot.whatsapp.config import ChannelConfig
from bot.whatsapp.graph import RetryPolicy
from tests.bot import doubles, meta
from tests.servers import free_port, serving, standin_process

GRAPH_TOKEN = "test-graph-token"
NUMBERS = {meta.GENERAL: "general", meta.REVENUE: "revenue"}
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.02, max_delay=0.1)
_app_names = itertools.count()


class StandIn:
    """Async client for the stand-in's Graph API and `/_standin/` control API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session: aiohttp.ClientSession | None = None

    async def call(self, method: str, path: str, **kw) -> dict:
        async with self.session.request(method, self.url + path, **kw) as resp:
            return await resp.json(content_type=None)

    async def inbound(self, **message) -> dict:
        """A citizen sends a message: the stand-in opens the 24 h window and posts a signed webhook."""
        return await self.call("POST", "/_standin/inbound", json={"phone_number_id": meta.GENERAL, **message})

    async def conversation(self, chat: str) -> list[dict]:
        return (await self.call("GET", f"/_standin/conversations/{chat}?after=0"))["messages"]

    async def outbound(self, chat: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """Wait until at least `count` messages went out to `chat`; return them."""
        for _ in range(int(timeout / 0.05)):
            sent = [m for m in await self.conversation(chat) if m["direction"] == "out"]
            if len(sent) >= count:
                return sent
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} outbound messages to {chat}, got {sent}")

    async def errors(self) -> list[dict]:
        return (await self.call("GET", "/_standin/errors"))["errors"]

    async def fault(self, code: int, count: int) -> None:
        await self.call("POST", "/_standin/faults", json={"code": code, "count": count})

    async def upload(self, content: bytes, mime_type: str, filename: str = "file") -> str:
        """Upload media through the Graph API; return its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("file", content, filename=filename, content_type=mime_type)
        headers = {"Authorization": f"Bearer {GRAPH_TOKEN}"}
        return (await self.call("POST", f"/v21.0/{meta.GENERAL}/media", data=form, headers=headers))["id"]

    async def send_media(self, chat: str, kind: str, content: bytes, mime_type: str, **extra) -> dict:
        """A citizen sends a photo or file."""
        b64 = base64.b64encode(content).decode()
        return await self.inbound(
            **{"from": chat, "type": kind, "media_b64": b64, "mime_type": mime_type, **extra}
        )


@pytest.fixture(scope="session")
def webhook_port() -> int:
    """Where the stand-in posts webhooks; tests that need them serve the channel there."""
    return free_port()


@pytest.fixture(scope="session")
def standin_url(webhook_port, tmp_path_factory):
    """The real WhatsApp Cloud API stand-in, as a subprocess for the whole session."""
    settings = {
        "WHATSAPP_ACCESS_TOKEN": GRAPH_TOKEN,
        "WHATSAPP_APP_SECRET": meta.APP_SECRET,
        "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/webhooks/whatsapp/webhook",
        "WHATSAPP_NUMBERS": ",".join(f"{k}:{v}" for k, v in NUMBERS.items()),
        "STANDIN_STATUS_DELAY_MS": "10",
    }
    log = tmp_path_factory.mktemp("standin") / "standin.log"
    with standin_process("standins.whatsapp", settings, log=log) as url:
        yield url


@pytest.fixture
async def standin(standin_url):
    """The stand-in, reset to an empty state for this test."""
    api = StandIn(standin_url)
    api.session = aiohttp.ClientSession()
    await api.call("POST", "/_standin/reset")
    yield api
    await api.session.close()


@pytest.fixture
async def document_store():
    """TEST DOUBLE of the back-office document store, served on a free port."""
    double = doubles.DocumentStoreDouble()
    async with serving(double.app()) as double.url:
        yield double


@pytest.fixture
async def redis(redis_url):
    """An empty Redis database for this test."""
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.close()


class ChannelHarness:
    """The channel in a Sanic app on a real port; `heard` holds every UserMessage the bot got, in order."""

    def __init__(self, channel: WhatsAppInput, bot: Callable[[object], Awaitable[None]] | None) -> None:
        self.channel = channel
        self.heard: list = []
        self._bot = bot
        self.app = Sanic(f"whatsapp_test_{next(_app_names)}")
        self.app.blueprint(channel.blueprint(self._on_new_message), url_prefix="/webhooks/whatsapp")
        self._server = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""

    async def _on_new_message(self, message) -> None:
        self.heard.append(message)
        if self._bot is not None:
            await self._bot(message)

    async def serve(self, port: int) -> None:
        """Listen on `port`, as the Rasa server would."""
        self._server = await self.app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await self._server.startup()
        await self._server.after_start()  # the channel's start-up listener, as under `rasa run`
        self._client = aiohttp.ClientSession()
        self.url = f"http://127.0.0.1:{port}/webhooks/whatsapp/webhook"

    async def get(self, query: str) -> tuple[int, str, str]:
        """GET the webhook with a query string; return status, content type and text."""
        async with self._client.get(f"{self.url}?{query}") as resp:
            return resp.status, resp.headers.get("Content-Type", ""), await resp.text()

    async def post(self, body: bytes, headers: dict | None = None) -> int:
        """POST raw bytes to the webhook, as Meta would; return the status."""
        async with self._client.post(self.url, data=body, headers=headers or {}) as resp:
            await resp.read()
            return resp.status

    async def deliver(self, payload: dict) -> int:
        """POST a payload signed with the app secret, then wait for the channel to finish its work."""
        body = meta.raw(payload)
        status = await self.post(body, meta.signed_headers(body))
        await self.settle()
        return status

    async def settle(self) -> None:
        """Wait until the channel has handled everything it acknowledged."""
        await self.channel.inbox.join()

    async def close(self) -> None:
        await self._client.close()
        self._server.close()
        await self._server.wait_closed()
        for connection in list(self._server.connections):
            connection.close_if_idle()
        await self.channel.close()


@pytest.fixture
async def make_channel(redis, redis_url, standin_url, document_store):
    """Build a channel harness wired to the stand-in, the document-store double and a clean Redis."""
    harnesses = []

    async def make(bot=None, port: int | None = None, **overrides) -> ChannelHarness:
        settings = {
            "app_secret": meta.APP_SECRET,
            "access_token": GRAPH_TOKEN,
            "verify_token": "test-verify-token",
            "graph_url": standin_url,
            "numbers": NUMBERS,
            "redis_url": redis_url,
            "id_salt": "test-salt",
            "backoffice_url": document_store.url,
            "backoffice_token": doubles.TOKEN,
        } | overrides
        kwargs = {key: settings.pop(key) for key in ("on_window_closed",) if key in settings}
        channel = WhatsAppInput(ChannelConfig(**settings), retry=FAST_RETRY, **kwargs)
        harness = ChannelHarness(channel, bot)
        await harness.serve(port or free_port())
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        await harness.close()
