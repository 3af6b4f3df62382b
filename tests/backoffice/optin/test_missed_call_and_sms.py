"""Opt-in by missed call and by SMS, end to end through the telephony, SMS and WhatsApp stand-ins."""

import dataclasses
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from backoffice.consent import notice
from backoffice.consent.models import ConsentEntry
from backoffice.extensions import db
from tests.backoffice.conftest import NUMBERS
from tests.backoffice.notifications.test_notifications import received
from tests.servers import free_port, standin_process

VERSION = notice.current()["version"]


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)


@pytest.fixture
def served(app, standin):
    """The test app on a real port (the stand-ins call it back), sending WhatsApp to the stand-in."""
    url, token = standin
    app.config.update(WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token, WHATSAPP_NUMBERS=NUMBERS,
                      TELEPHONY_WEBHOOK_SECRET=secrets.token_hex(8))  # fmt: skip
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def telephony(served):
    app, url = served
    settings = {"TELEPHONY_CALLBACK_URL": url + "/api/v1/telephony/missed-call",
                "TELEPHONY_WEBHOOK_SECRET": app.config["TELEPHONY_WEBHOOK_SECRET"]}  # fmt: skip
    with standin_process("standins.telephony", settings) as standin_url:
        yield standin_url


@pytest.fixture
def sms(served):
    app, url = served
    settings = {"SMS_INBOUND_URL": url + "/api/v1/sms/inbound", "SMS_STATUS_DELAY": "30"}
    with standin_process("standins.sms", settings) as standin_url:
        # Same credentials as the stand-in read from the environment (random in a fresh .env), only its address is new.
        app.config["SMS"] = dataclasses.replace(app.config["SMS"], base_url=standin_url)
        yield standin_url


def welcome_payload(standin, wa_id: str) -> dict:
    [message] = received(standin, wa_id)
    template = message["body"]["template"]
    assert template["name"] == "consent_welcome" and message["rendered"]["buttons"] == ["हाँ / Yes, I agree"]
    assert "/privacy" in message["rendered"]["text"]
    [button] = [c for c in template["components"] if c["type"] == "button"]
    payload = button["parameters"][0]["payload"]
    assert payload.startswith("/opt_in{")
    return json.loads(payload.removeprefix("/opt_in"))


def tap(api, citizen: str, entities: dict) -> dict:
    """What the bot's action posts when the citizen taps the welcome's button."""
    body = {"granted": True, "evidence": "wamid.TAP", "notice_version": entities["notice_version"],
            "optin_request": entities["optin_request"]}  # fmt: skip
    return api.post(f"/api/v1/citizens/{citizen}/consent", json=body).get_json()


def test_a_missed_call_brings_the_welcome_template_and_the_tap_records_consent_with_the_call(
    served, telephony, standin, api
):
    app, _ = served
    call = post_json(telephony + "/_standin/telephony/missed-call", {"from": "+91 98111 00077"})
    assert call["callback_status"] == 200
    entities = welcome_payload(standin, "919811100077")
    assert entities["notice_version"] == VERSION
    assert tap(api, "wa-missed-1", entities)["standing"] == {
        "updates": True,
        "reminders": True,
        "broadcasts": [],
    }
    with app.app_context():
        entry = db.session.query(ConsentEntry).filter_by(citizen_id="wa-missed-1", purpose="updates").one()
        assert (entry.channel, entry.evidence) == ("missed_call", f"call:{call['CallSid']} wamid:wamid.TAP")
    tap(api, "wa-missed-1", entities)  # the same button again: a plain WhatsApp consent, the call used once
    with app.app_context():
        channels = [e.channel for e in db.session.query(ConsentEntry).filter_by(purpose="updates")]
    assert channels == ["missed_call", "whatsapp"]


def signed(secret: str, fields: dict, age: int = 0) -> tuple[bytes, dict]:
    body = urlencode(fields).encode()
    timestamp = str(int(time.time()) - age)
    signature = (
        "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )
    return body, {"X-Telephony-Timestamp": timestamp, "X-Telephony-Signature": signature,
                  "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip


def test_forged_stale_and_replayed_missed_calls_send_nothing(served, standin, client):
    app, _ = served
    fields = {"CallSid": "abc123", "CallFrom": "09811100078", "CallType": "call-attempt"}
    body, headers = signed("not-the-secret", fields)
    assert client.post("/api/v1/telephony/missed-call", data=body, headers=headers).status_code == 401
    body, headers = signed(app.config["TELEPHONY_WEBHOOK_SECRET"], fields, age=3600)
    assert client.post("/api/v1/telephony/missed-call", data=body, headers=headers).status_code == 401
    assert client.post("/api/v1/telephony/missed-call", data=body).status_code == 401
    assert received(standin, "919811100078") == []
    body, headers = signed(app.config["TELEPHONY_WEBHOOK_SECRET"], fields)
    assert client.post("/api/v1/telephony/missed-call", data=body, headers=headers).get_json() == {
        "outcome": "requested"
    }
    assert client.post("/api/v1/telephony/missed-call", data=body, headers=headers).get_json() == {
        "outcome": "replayed"
    }
    assert len(received(standin, "919811100078")) == 1
    bad = signed(app.config["TELEPHONY_WEBHOOK_SECRET"], {**fields, "CallSid": "x2", "CallFrom": "12345"})
    assert client.post("/api/v1/telephony/missed-call", data=bad[0], headers=bad[1]).get_json() == {
        "outcome": "ignored"
    }


def sms_to(sms_url: str, mobile: str) -> list[str]:
    with urllib.request.urlopen(f"{sms_url}/_standin/sms/messages?to={mobile}", timeout=10) as response:
        return [m["Body"] for m in json.load(response)["messages"]]


def test_sms_start_is_answered_by_sms_and_confirmed_on_whatsapp_and_sms_stop_withdraws(
    served, sms, standin, api
):
    app, _ = served
    assert (
        post_json(sms + "/_standin/sms/inbound", {"from": "9811100088", "body": "start"})["forwarded_status"]
        == 200
    )
    [reply] = sms_to(sms, "9811100088")
    assert "/privacy" in reply and "WhatsApp" in reply and "व्हाट्सऐप" in reply
    entities = welcome_payload(standin, "919811100088")
    api.put(
        "/api/v1/citizens/wa-sms-1", json={"wa_id": "919811100088"}
    )  # the bot records where they write from
    assert tap(api, "wa-sms-1", entities)["standing"]["updates"] is True

    assert (
        post_json(sms + "/_standin/sms/inbound", {"from": "9811100088", "body": "STOP"})["forwarded_status"]
        == 200
    )
    assert api.get("/api/v1/citizens/wa-sms-1").get_json()["consent"] == {"updates": False, "reminders": False,
                                                                          "broadcasts": []}  # fmt: skip
    assert "no more messages" in sms_to(sms, "9811100088")[-1]
    with app.app_context():
        assert {e.channel for e in db.session.query(ConsentEntry).filter_by(granted=False)} == {"sms"}


def test_a_forged_sms_is_refused(served, client):
    body = urlencode({"SmsSid": "x", "From": "09811100089", "Body": "STOP"}).encode()
    headers = {"X-Sms-Timestamp": str(int(time.time())), "X-Sms-Signature": "sha256=" + "0" * 64,
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    assert client.post("/api/v1/sms/inbound", data=body, headers=headers).status_code == 401
