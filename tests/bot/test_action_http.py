"""Rasa reaches the action server over kept-alive connections instead of one new connection per action."""

import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot import action_http
from tests.servers import serving


@pytest.fixture
async def action_server():
    peers: list = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        body = await request.json()
        if body.get("fail"):
            return web.json_response({"error": "no such action"}, status=404)
        return web.json_response({"events": [], "responses": [{"text": body["next_action"]}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    async with serving(app) as url:
        yield url, peers


async def test_rasas_own_request_opens_a_connection_per_action(action_server):
    url, peers = action_server
    endpoint = EndpointConfig(f"{url}/webhook")
    for n in range(10):
        await endpoint.request(json={"next_action": f"action_{n}"})
    assert len(set(peers)) == 10


async def test_kept_connections_serve_every_action_with_the_same_answers(action_server, monkeypatch):
    url, peers = action_server
    monkeypatch.setattr(EndpointConfig, "request", action_http.request)
    endpoint = EndpointConfig(f"{url}/webhook", headers={"X-Seva": "1"})
    answers = [await endpoint.request(json={"next_action": f"action_{n}"}) for n in range(10)]
    assert answers[3] == {"events": [], "responses": [{"text": "action_3"}]}
    assert len(set(peers)) == 1
    with pytest.raises(ClientResponseError) as refused:
        await endpoint.request(json={"fail": True})
    assert refused.value.status == 404
