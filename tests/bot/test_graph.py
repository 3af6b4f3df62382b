"""The Graph API client and reply sending against the real Cloud API stand-in: retries, limits, windows."""

import pytest

from bot.whatsapp.graph import GraphClient, GraphError, MediaTooLarge, RetryPolicy
from bot.whatsapp.http import LazySession
from bot.whatsapp.outbound import Recipient
from bot.whatsapp.pager import ListPager
from bot.whatsapp.replies import ReplySender
from tests.bot import meta
from tests.bot.conftest import FAST_RETRY, GRAPH_TOKEN

WA = "919812345678"
CITIZEN = Recipient(meta.GENERAL, wa_id=WA)
TEXT = {
    "messaging_product": "whatsapp",
    "recipient_type": "individual",
    "to": WA,
    "type": "text",
    "text": {"body": "hi"},
}


@pytest.fixture
async def graph(standin):
    session = LazySession()
    yield GraphClient(session, standin.url, "v21.0", GRAPH_TOKEN, FAST_RETRY)
    await session.close()


@pytest.fixture
async def window(standin):
    """The citizen wrote first, so free-form replies are allowed; returns the inbound wamid."""
    answer = await standin.inbound(**{"from": WA, "type": "text", "text": "Hi"})
    return answer["wamid"]


@pytest.fixture
async def replies(graph, redis):
    closed = []

    async def hook(window_closed):
        closed.append(window_closed)
        return False

    sender = ReplySender(graph, ListPager(redis), hook)
    sender.closed = closed
    return sender


async def test_a_send_is_delivered(graph, standin, window):
    wamid = await graph.send_message(meta.GENERAL, TEXT)
    [sent] = await standin.outbound(WA)
    assert sent["wamid"] == wamid and sent["body"]["text"]["body"] == "hi"


@pytest.mark.parametrize(("code", "count"), [(130429, 2), (131056, 1), (500, 2)])
async def test_rate_limits_and_server_errors_are_retried_until_delivered(graph, standin, window, code, count):
    await standin.fault(code, count)
    await graph.send_message(meta.GENERAL, TEXT)
    assert len(await standin.outbound(WA)) == 1
    assert len(await standin.errors()) == count


async def test_retries_are_bounded(graph, standin, window):
    await standin.fault(130429, 10)
    with pytest.raises(GraphError) as refused:
        await graph.send_message(meta.GENERAL, TEXT)
    assert refused.value.code == 130429
    assert len(await standin.errors()) == FAST_RETRY.attempts


async def test_other_errors_are_not_retried(graph, standin, window):
    await standin.fault(131026, 1)
    with pytest.raises(GraphError) as refused:
        await graph.send_message(meta.GENERAL, TEXT)
    assert refused.value.code == 131026 and len(await standin.errors()) == 1
    bad_token = GraphClient(LazySession(), standin.url, "v21.0", "wrong", FAST_RETRY)
    with pytest.raises(GraphError) as unauthorised:
        await bad_token.send_message(meta.GENERAL, TEXT)
    assert unauthorised.value.code == 190


async def test_connection_errors_are_retried_then_reported():
    session = LazySession()
    client = GraphClient(session, "http://127.0.0.1:9", "v21.0", "t", RetryPolicy(3, 0.01, 0.02))
    with pytest.raises(GraphError) as failed:
        await client.send_message(meta.GENERAL, TEXT)
    assert failed.value.code == 0 and failed.value.retryable
    await session.close()


async def test_mark_read_with_typing_indicator(graph, standin, window):
    await graph.mark_read(meta.GENERAL, window)
    [inbound] = await standin.conversation(WA)
    assert inbound["status"] == "read" and "typing_at" in inbound


async def test_two_step_media_download(graph, standin):
    media_id = await standin.upload(b"%PDF-1.4 hello", "application/pdf")
    info = await graph.media_info(media_id)
    assert info["file_size"] == 14
    assert await graph.download(info["url"], 100) == b"%PDF-1.4 hello"
    with pytest.raises(MediaTooLarge):
        await graph.download(info["url"], 10)


async def test_closed_window_is_handed_to_the_template_hook(replies, standin, window):
    await standin.call(
        "POST", "/_standin/window", json={"phone_number_id": meta.GENERAL, "wa_id": WA, "hours": 25}
    )
    sent = await replies.send(
        CITIZEN, {"text": "Your certificate is ready", "image": "https://example.org/c.png"}
    )
    assert sent == 0
    # Every part of the refused message is handed over, so none of it is lost.
    [text, image] = replies.closed
    assert text.recipient == CITIZEN and text.body["text"]["body"] == "Your certificate is ready"
    assert image.body["image"]["link"] == "https://example.org/c.png"
    assert [m for m in await standin.conversation(WA) if m["direction"] == "out"] == []


async def test_window_closed_log_never_shows_the_full_number(graph, redis, standin, window, caplog):
    await standin.fault(131047, 1)
    await ReplySender(graph, ListPager(redis)).send(CITIZEN, {"text": "hello"})
    assert "131047" in caplog.text and "5678" in caplog.text
    assert WA not in caplog.text


async def test_rendered_messages_pass_the_stand_ins_limits(replies, standin, window):
    long_titles = [
        {"title": f"Apply for certificate number {i} of the revenue department", "payload": f"/s{i}"}
        for i in range(7)
    ]
    messages = [
        {
            "text": "Choose / चुनें",
            "buttons": [{"title": "English", "payload": "/en"}, {"title": "हिंदी", "payload": "/hi"}],
        },
        {"text": "Three long ones", "buttons": long_titles[:3]},
        {"text": "Which service?", "buttons": long_titles},
        {
            "text": "Which of 23?",
            "buttons": [{"title": f"सेवा संख्या {i}", "payload": f"/s{i}"} for i in range(23)],
        },
        {"text": "Long notice. " * 800},
        {"text": "Long question. " * 100, "buttons": long_titles[:2]},
    ]
    for message in messages:
        await replies.send(CITIZEN, message)
    assert await standin.errors() == []
    sent = await standin.outbound(WA, 9)
    assert [m["type"] for m in sent] == ["interactive"] * 4 + ["text"] * 3 + ["text", "interactive"]


async def test_the_stand_in_enforces_what_the_renderer_avoids(graph, standin, window):
    four = [{"type": "reply", "reply": {"id": str(i), "title": f"B{i}"}} for i in range(4)]
    body = TEXT | {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "x"}, "action": {"buttons": four}},
    }
    body.pop("text")
    with pytest.raises(GraphError):
        await graph.send_message(meta.GENERAL, body)


async def test_documents_go_as_media_messages(replies, standin, window):
    media_id = await standin.upload(b"%PDF-1.4 certificate", "application/pdf")
    await replies.send(
        CITIZEN,
        {"custom": {"document": {"id": media_id, "filename": "income.pdf", "caption": "Your certificate"}}},
    )
    [sent] = await standin.outbound(WA)
    assert sent["type"] == "document"
    assert sent["body"]["document"] == {
        "id": media_id,
        "caption": "Your certificate",
        "filename": "income.pdf",
    }
