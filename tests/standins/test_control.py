"""The control API: fault injection for retry logic, long-polling a conversation, and reset."""

import asyncio

import pytest

from .conftest import CITIZEN, say, send, text_message


async def inject(http, standin, code: int, count: int) -> None:
    """Queue a fault."""
    async with http.post(f"{standin.url}/_standin/faults", json={"code": code, "count": count}) as response:
        assert response.status == 200


@pytest.mark.parametrize("code, http_status", [(130429, 400), (131056, 400), (131047, 400), (500, 500)])
async def test_injected_fault_fails_the_next_sends_then_clears(http, standin, code, http_status):
    await say(http, standin)
    await inject(http, standin, code, 2)
    for _ in range(2):
        status, body = await send(http, standin, text_message())
        assert status == http_status
        assert body["error"]["code"] == (131000 if code == 500 else code)
    assert (await send(http, standin, text_message()))[0] == 200


async def test_unknown_fault_code_refused(http, standin):
    async with http.post(f"{standin.url}/_standin/faults", json={"code": 42, "count": 1}) as response:
        assert response.status == 400


async def test_pair_rate_limit_refuses_a_burst_to_one_citizen(http, standin):
    await say(http, standin)
    results = [(await send(http, standin, text_message()))[0] for _ in range(46)]
    assert results[:45] == [200] * 45
    status, body = await send(http, standin, text_message())
    assert (status, body["error"]["code"]) == (400, 131056)


async def test_long_poll_returns_as_soon_as_a_reply_is_sent(http, standin):
    first = await say(http, standin)
    async with http.get(f"{standin.url}/_standin/conversations/{CITIZEN}?after=0") as response:
        messages = (await response.json())["messages"]
    assert [(m["direction"], m["wamid"]) for m in messages] == [("in", first["wamid"])]
    after = messages[-1]["seq"]

    async def reply_later():
        await asyncio.sleep(0.3)
        await send(http, standin, text_message("Welcome"))

    task = asyncio.create_task(reply_later())
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.get(f"{standin.url}/_standin/conversations/{CITIZEN}?after={after}&wait=10") as response:
        messages = (await response.json())["messages"]
    await task
    assert 0.2 < loop.time() - started < 5
    assert len(messages) == 1
    assert messages[0]["direction"] == "out"
    assert messages[0]["body"] == text_message("Welcome")


async def test_long_poll_times_out_empty(http, standin):
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.get(f"{standin.url}/_standin/conversations/{CITIZEN}?after=0&wait=0.3") as response:
        assert (await response.json())["messages"] == []
    assert loop.time() - started >= 0.3


async def test_status_changes_are_followed_with_changed_after(http, standin, receiver):
    await say(http, standin)
    await send(http, standin, text_message())
    await receiver.wait_for(lambda r: len(r.statuses()) == 3)
    async with http.get(f"{standin.url}/_standin/conversations/{CITIZEN}?after=0") as response:
        body = await response.json()
    assert [m["status"] for m in body["messages"]] == ["delivered", "read"]
    async with http.get(
        f"{standin.url}/_standin/conversations/{CITIZEN}?changed_after={body['rev']}&wait=0"
    ) as r:
        assert (await r.json())["messages"] == []


async def test_reset_forgets_conversations(http, standin):
    await say(http, standin)
    async with http.post(f"{standin.url}/_standin/reset") as response:
        assert response.status == 200
    async with http.get(f"{standin.url}/_standin/conversations/{CITIZEN}") as response:
        assert (await response.json())["messages"] == []
    status, body = await send(http, standin, text_message())
    assert body["error"]["code"] == 131047, "after a reset the 24 h window is closed again"


async def test_control_api_refuses_callers_from_other_machines():
    from unittest import mock

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from standins.whatsapp.control_routes import loopback_only

    transport = mock.Mock()
    transport.get_extra_info.side_effect = (
        lambda name, default=None: ("10.1.2.3", 5555) if name == "peername" else default
    )
    request = make_mocked_request("POST", "/_standin/reset", transport=transport)

    async def handler(_request):
        return web.json_response({"reset": True})

    response = await loopback_only(request, handler)
    assert response.status == 403
