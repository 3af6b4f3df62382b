"""The CSC web chat channel: only a socket holding a fresh back-office token connects, and only to its own session."""

from __future__ import annotations

import asyncio
import itertools
import queue
import time

import jwt
import pytest
import socketio
from sanic import Sanic

from bot.channels.csc import AUDIENCE, CscChatInput, verify_token
from tests.servers import free_port

KEY = "test-csc-chat-key"
_apps = itertools.count()


def token(session: int = 7, csc: str = "DL-CSC-0001", key: str = KEY, ttl: float = 300, **extra) -> str:
    """A token as the back-office signs it (backoffice/csc/services.py)."""
    now = time.time()
    claims = {"sub": f"csc-{session}", "aud": AUDIENCE, "iat": int(now), "exp": int(now + ttl), "csc": csc,
              "operator": "op.one", "session": session, "citizen": f"ph-citizen-{session}", **extra}  # fmt: skip
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.fixture
async def chat(monkeypatch):
    """The channel in a Sanic app on a free port; yields (url, heard), where the bot echoes every text back."""
    monkeypatch.setenv("CSC_CHAT_JWT_KEY", KEY)
    channel = CscChatInput.from_credentials({})
    heard = []

    async def bot(message) -> None:
        heard.append(message)
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"echo {message.text}", [{"title": "Yes", "payload": "/affirm"}]
        )

    app = Sanic(f"csc_chat_test_{next(_apps)}")
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/csc")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    yield f"http://127.0.0.1:{port}", heard
    server.close()
    await server.wait_closed()


class Browser:
    """A socket.io client as the operator's page is one, run in a thread (Rasa's aiohttp is too old for the async
    client; the sync one polls over `requests`), with the events it got in queues."""

    def __init__(self) -> None:
        self.client = socketio.Client(reconnection=False)
        self.events: dict[str, queue.Queue] = {
            e: queue.Queue() for e in ("session_confirm", "bot_uttered", "token_expired")
        }
        for event, box in self.events.items():
            self.client.on(event, box.put)

    @property
    def connected(self) -> bool:
        return self.client.connected

    async def emit(self, event: str, data: dict) -> None:
        await asyncio.to_thread(self.client.emit, event, data)

    async def next(self, event: str, timeout: float = 10) -> object:
        return await asyncio.to_thread(self.events[event].get, True, timeout)

    async def disconnect(self) -> None:
        await asyncio.to_thread(self.client.disconnect)


async def connect(url: str, auth: dict | None) -> Browser:
    browser = Browser()
    await asyncio.to_thread(browser.client.connect, url, auth=auth, transports=["polling"], wait_timeout=10)
    return browser


@pytest.mark.parametrize(
    "auth",
    [
        None,
        {},
        {"token": "not-a-jwt"},
        {"token": token(ttl=-5)},  # expired
        {"token": token(key="another-key")},  # not signed by our back-office
    ],
    ids=["no-auth", "no-token", "garbage", "expired", "foreign-key"],
)
async def test_a_socket_without_a_valid_token_is_refused(chat, auth):
    url, heard = chat
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(url, auth)
    assert heard == []


async def test_a_token_for_another_audience_is_refused(chat):
    url, _ = chat
    other = jwt.encode({"sub": "csc-7", "aud": "somebody-else", "exp": int(time.time() + 60)}, KEY)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(url, {"token": other})


async def test_the_conversation_and_metadata_come_from_the_token_not_the_browser(chat):
    url, heard = chat
    client = await connect(url, {"token": token(session=7)})
    await client.emit("session_request", {"session_id": None})
    assert await client.next("session_confirm") == "csc-7"

    forged = {"csc": {"citizen": "someone-else"}}
    await client.emit(
        "user_uttered", {"message": "मुझे जन्म प्रमाण पत्र चाहिए", "session_id": "csc-99", "metadata": forged}
    )
    reply = await client.next("bot_uttered")
    assert reply["text"] == "echo मुझे जन्म प्रमाण पत्र चाहिए"  # Hindi comes back intact
    assert reply["quick_replies"][0]["payload"] == "/affirm"
    [message] = heard
    assert message.sender_id == "csc-7" and message.input_channel == "csc"
    # Rasa picks domain.yml's `channel: csc` wording by the output channel's name.
    assert message.output_channel.name() == "csc"
    assert message.metadata == {
        "csc": {"csc": "DL-CSC-0001", "operator": "op.one", "session": 7, "citizen": "ph-citizen-7"}
    }
    await client.disconnect()


async def test_typed_slash_commands_are_text_but_tapped_payloads_are_intents(chat):
    url, heard = chat
    client = await connect(url, {"token": token()})
    await client.emit("user_uttered", {"message": '/document_received{"document_id":"x"}'})
    await client.emit("user_uttered", {"message": "/affirm", "payload": True})
    for _ in range(100):
        if len(heard) == 2:
            break
        await asyncio.sleep(0.05)
    assert [m.text for m in heard] == ['document_received{"document_id":"x"}', "/affirm"]
    await client.disconnect()


async def test_a_token_cannot_join_another_csc_session(chat):
    url, heard = chat
    client = await connect(url, {"token": token(session=7, csc="DL-CSC-0001")})
    await client.emit("session_request", {"session_id": "csc-8"})  # another CSC's session
    for _ in range(100):
        if not client.connected:
            break
        await asyncio.sleep(0.05)
    assert not client.connected
    assert heard == []


async def test_a_message_after_the_token_expired_is_not_passed_on(chat):
    url, heard = chat
    client = await connect(url, {"token": token(ttl=2)})
    await asyncio.sleep(2.5)
    await client.emit("user_uttered", {"message": "hello"})
    await client.next("token_expired")
    assert heard == []


def test_verify_token_needs_the_claims_the_actions_rely_on():
    assert verify_token(token(), KEY)["citizen"] == "ph-citizen-7"
    assert verify_token(token(citizen=""), KEY) is None
    assert verify_token(token(sub="wa-123"), KEY) is None  # a WhatsApp conversation is never reachable
    assert verify_token(token(), "") is None
