"""The production action server refuses calls without the token Rasa sends, and keeps its health check open."""

import pytest
from sanic import Sanic

from bot.action_server import create_app

TOKEN = "t" * 32
CALL = {"next_action": "action_no_such", "sender_id": "wa-x", "tracker": {"sender_id": "wa-x", "slots": {}}}


@pytest.fixture(scope="module")
def app():
    Sanic.test_mode = True
    return create_app("actions", TOKEN)


def test_a_call_without_the_token_is_refused(app):
    _, response = app.test_client.post("/webhook", json=CALL)
    assert response.status == 403
    _, response = app.test_client.post("/webhook", json=CALL, headers={"Authorization": "Bearer wrong"})
    assert response.status == 403


def test_a_call_with_the_token_reaches_the_actions(app):
    _, listed = app.test_client.get("/actions", headers={"Authorization": f"Bearer {TOKEN}"})
    assert listed.status == 200 and any(a["name"].startswith("action_") for a in listed.json)
    _, health = app.test_client.get("/health")
    assert health.status == 200


def test_it_will_not_start_without_a_token():
    with pytest.raises(SystemExit, match="ACTION_SERVER_TOKEN"):
        create_app("actions", "")
