"""credentials.yml registers the channel with Rasa, configured from the environment only."""

import pytest
from rasa.core.channels.channel import register
from rasa.core.run import create_http_input_channels
from rasa.shared.exceptions import RasaException
from sanic import Sanic

from bot.channels.csc import CscChatInput
from bot.channels.whatsapp import WhatsAppInput
from tests.servers import ROOT

CREDENTIALS = str(ROOT / "credentials.yml")


def test_credentials_register_whatsapp_the_csc_chat_and_rest(monkeypatch):
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "from-the-environment")
    monkeypatch.setenv("WHATSAPP_NUMBERS", "100000000000009:water")
    monkeypatch.setenv("CSC_CHAT_JWT_KEY", "chat-key-from-the-environment")
    channels = create_http_input_channels(None, CREDENTIALS)
    assert sorted(c.name() for c in channels) == ["csc", "rest", "whatsapp"]
    csc = next(c for c in channels if isinstance(c, CscChatInput))
    assert csc.jwt_key == "chat-key-from-the-environment" and csc.socketio_path == "/socket.io"
    whatsapp = next(c for c in channels if isinstance(c, WhatsAppInput))
    assert whatsapp.config.app_secret == "from-the-environment"
    assert whatsapp.config.numbers == {"100000000000009": "water"}
    app = Sanic("registration_test")
    register(channels, app, route="/webhooks/")
    paths = {route.path for route in app.router.routes}
    assert "webhooks/whatsapp/webhook" in paths and "webhooks/rest/webhook" in paths


def test_the_server_refuses_to_start_without_an_app_secret(monkeypatch):
    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    with pytest.raises(RasaException, match="WHATSAPP_APP_SECRET is not set"):
        create_http_input_channels(None, CREDENTIALS)
