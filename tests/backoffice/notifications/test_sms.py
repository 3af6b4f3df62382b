"""SMS through the provider stand-in: what it accepts and refuses, and its signed inbound forward."""

import dataclasses
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from backoffice.notifications.sms import SmsError, SmsSettings, callback_is_genuine, send_sms
from tests.servers import free_port, standin_process


class _Inbox(BaseHTTPRequestHandler):
    """Records forwarded SMS (body and signature headers) as the back-office's webhook would receive them."""

    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers.get("X-Sms-Timestamp"), self.headers.get("X-Sms-Signature")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def inbound_receiver():
    server = HTTPServer(("127.0.0.1", free_port()), _Inbox)
    _Inbox.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1/sms/inbound"
    server.shutdown()


@pytest.fixture
def sms_url(tmp_path, inbound_receiver):
    settings = {"SMS_INBOUND_URL": inbound_receiver, "SMS_STATUS_DELAY": "0"}
    with standin_process("standins.sms", settings, log=tmp_path / "sms.log", timeout=20) as url:
        yield url


@pytest.fixture
def sms_app(app, sms_url):
    app.config["SMS"] = dataclasses.replace(app.config["SMS"], base_url=sms_url)
    with app.app_context():
        yield app


def _sent_to(sms_url, mobile):
    return httpx.get(f"{sms_url}/_standin/sms/messages", params={"to": mobile}).json()["messages"]


def test_an_otp_reaches_the_citizen_under_its_dlt_template(sms_app, sms_url):
    sid = send_sms("+91 98765 43210", "आपका कोड 481516 है / Your code is 481516", purpose="otp")
    [message] = _sent_to(sms_url, "9876543210")
    assert message["Sid"] == sid
    assert message["Body"].startswith("आपका कोड 481516")
    assert message["DltTemplateId"] == sms_app.config["SMS"].templates["otp"]


def test_the_provider_refuses_what_dlt_and_numbering_forbid(sms_app, sms_url):
    with pytest.raises(SmsError, match="Indian mobile"):
        send_sms("12345", "hello")
    with pytest.raises(SmsError, match="no DLT template"):
        send_sms("9876543210", "hello", purpose="marketing")
    settings = sms_app.config["SMS"]
    sms_app.config["SMS"] = dataclasses.replace(settings, templates={"status": "1107999999999999999"})
    with pytest.raises(SmsError, match="DltTemplateId is not a registered"):
        send_sms("9876543210", "hello")
    sms_app.config["SMS"] = dataclasses.replace(settings, api_token="wrong")
    with pytest.raises(SmsError, match="Authentication"):
        send_sms("9876543210", "hello")
    sms_app.config["SMS"] = dataclasses.replace(settings, base_url="http://127.0.0.1:1")
    with pytest.raises(SmsError, match="could not be reached"):
        send_sms("9876543210", "hello")
    assert _sent_to(sms_url, "9876543210") == []


def test_a_citizens_sms_is_forwarded_signed_and_a_forgery_or_replay_is_not_genuine(sms_app, sms_url):
    answer = httpx.post(
        f"{sms_url}/_standin/sms/inbound", json={"from": "9876543210", "body": "START"}
    ).json()
    assert answer["forwarded_status"] == 200
    [(body, timestamp, signature)] = _Inbox.received
    assert b"Body=START" in body and b"From=09876543210" in body
    assert callback_is_genuine(body, timestamp, signature)
    assert not callback_is_genuine(body.replace(b"START", b"STOP"), timestamp, signature)
    assert not callback_is_genuine(body, timestamp, None)
    assert not callback_is_genuine(body, timestamp, signature, now=time.time() + 3600)


def test_development_secrets_are_refused_with_a_real_provider():
    with pytest.raises(ValueError, match="SMS_API_TOKEN"):
        SmsSettings.from_env({"SMS_BASE_URL": "https://api.exotel.com"})
    settings = SmsSettings.from_env(
        {"SMS_BASE_URL": "https://api.exotel.com", "SMS_API_TOKEN": "t", "SMS_WEBHOOK_SECRET": "s"}
    )
    assert json.dumps(settings.templates)
