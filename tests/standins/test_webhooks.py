"""Webhooks the stand-in posts: Meta's envelope, a signature over the raw bytes, and message statuses."""

import base64
import hashlib
import hmac

from .conftest import CITIZEN, GENERAL, SECRET, say, send, text_message


async def test_inbound_text_is_signed_over_raw_bytes_in_metas_envelope(http, standin, receiver):
    answer = await say(http, standin, "नमस्ते")
    assert answer["webhook_status"] == 200
    assert answer["ack_ms"] >= 0
    delivery = receiver.deliveries[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), delivery.raw, hashlib.sha256).hexdigest()
    assert delivery.headers["X-Hub-Signature-256"] == expected
    assert b"\\u0928" in delivery.raw, "non-ASCII text arrives escaped, as Meta sends it"
    payload = delivery.payload
    assert payload["object"] == "whatsapp_business_account"
    change = payload["entry"][0]["changes"][0]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"]["phone_number_id"] == GENERAL
    assert value["metadata"]["display_phone_number"].isdigit()
    assert value["contacts"] == [{"profile": {"name": "Asha"}, "wa_id": CITIZEN}]
    message = value["messages"][0]
    assert message["from"] == CITIZEN
    assert message["id"] == answer["wamid"]
    assert message["timestamp"].isdigit()
    assert message["type"] == "text"
    assert message["text"] == {"body": "नमस्ते"}


async def test_forced_wamid_and_bot_answer_are_reported(http, standin, receiver):
    receiver.answer_status = 403
    answer = await say(http, standin, wamid="wamid.DUPLICATE1")
    assert answer == {"wamid": "wamid.DUPLICATE1", "webhook_status": 403, "ack_ms": answer["ack_ms"]}


async def test_interactive_replies_carry_metas_shapes(http, standin, receiver):
    await say(http, standin, type="button_reply", id='/choose_language{"language":"hi"}', title="हिंदी")
    await say(http, standin, type="list_reply", id="/apply", title="Apply", description="For a service")
    await say(http, standin, type="button", payload="track", text="Track")
    await say(http, standin, type="location", latitude=28.61, longitude=77.2, name="Delhi", address="CP")
    await say(http, standin, type="unsupported")
    messages = [d.payload["entry"][0]["changes"][0]["value"]["messages"][0] for d in receiver.deliveries]
    assert messages[0]["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": '/choose_language{"language":"hi"}', "title": "हिंदी"},
    }
    assert messages[1]["interactive"]["list_reply"]["description"] == "For a service"
    assert messages[2]["type"] == "button" and messages[2]["button"] == {"payload": "track", "text": "Track"}
    assert messages[3]["location"]["latitude"] == 28.61
    assert messages[4]["errors"][0]["code"] == 131051


async def test_inbound_image_becomes_media_the_bot_can_download(http, standin, receiver, auth):
    photo = b"\xff\xd8\xff\xe0 not really a jpeg"
    await say(
        http,
        standin,
        type="image",
        media_b64=base64.b64encode(photo).decode(),
        mime_type="image/jpeg",
        caption="Aadhaar front",
    )
    image = receiver.deliveries[-1].payload["entry"][0]["changes"][0]["value"]["messages"][0]["image"]
    assert image["mime_type"] == "image/jpeg"
    assert image["sha256"] == hashlib.sha256(photo).hexdigest()
    assert image["caption"] == "Aadhaar front"
    async with http.get(standin.graph(image["id"]), headers=auth) as response:
        url = (await response.json())["url"]
    async with http.get(url, headers=auth) as response:
        assert await response.read() == photo


async def test_username_only_sender(http, standin, receiver):
    answer = await say(http, standin, **{"from": None, "from_user_id": "IN.1234567890abcdef"})
    value = receiver.deliveries[-1].payload["entry"][0]["changes"][0]["value"]
    assert "from" not in value["messages"][0]
    assert value["messages"][0]["from_user_id"] == "IN.1234567890abcdef"
    assert value["contacts"][0]["user_id"] == "IN.1234567890abcdef"
    status, body = await send(http, standin, text_message(to="IN.1234567890abcdef"))
    assert status == 200, body
    assert answer["webhook_status"] == 200


async def test_bad_inbound_request_gets_a_clear_400(http, standin):
    async with http.post(
        f"{standin.url}/_standin/inbound", json={"from": CITIZEN, "phone_number_id": "1"}
    ) as r:
        assert r.status == 400
        assert "unknown phone_number_id" in (await r.json())["error"]


async def test_send_is_followed_by_signed_sent_delivered_read_statuses(http, standin, receiver):
    await say(http, standin)
    _, body = await send(http, standin, text_message())
    wamid = body["messages"][0]["id"]
    await receiver.wait_for(lambda r: [s["status"] for s in r.statuses()] == ["sent", "delivered", "read"])
    assert all(d.signature_valid for d in receiver.deliveries)
    sent = receiver.statuses()[0]
    assert sent["id"] == wamid
    assert sent["recipient_id"] == CITIZEN
    assert sent["timestamp"].isdigit()
    assert sent["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "type": "free_customer_service",
        "category": "service",
    }
    value = receiver.deliveries[-1].payload["entry"][0]["changes"][0]["value"]
    assert "messages" not in value and "contacts" not in value
    assert standin.api.conversations.get(wamid).status == "read"


async def test_batch_of_two_senders_arrives_in_one_signed_webhook(http, standin, receiver):
    batch = {
        "messages": [
            {"from": CITIZEN, "phone_number_id": GENERAL, "type": "text", "text": "Hi"},
            {"from": "919800000002", "phone_number_id": GENERAL, "type": "text", "text": "नमस्ते"},
        ]
    }
    async with http.post(f"{standin.url}/_standin/inbound/batch", json=batch) as response:
        answer = await response.json()
    assert answer["webhook_status"] == 200 and len(answer["wamids"]) == 2
    assert len(receiver.deliveries) == 1 and receiver.deliveries[0].signature_valid
    changes = receiver.deliveries[0].payload["entry"][0]["changes"]
    assert [c["value"]["messages"][0]["from"] for c in changes] == [CITIZEN, "919800000002"]
    assert [c["value"]["contacts"][0]["wa_id"] for c in changes] == [CITIZEN, "919800000002"]


async def test_redelivered_wamid_is_posted_again_but_recorded_once(http, standin, receiver):
    await say(http, standin, wamid="wamid.SAME")
    await say(http, standin, wamid="wamid.SAME")
    assert len(receiver.deliveries) == 2
    assert len(standin.api.conversations.since(CITIZEN, 0)) == 1


async def test_inbound_file_whatsapp_would_refuse_gets_a_clear_400(http, standin, receiver):
    body = {
        "from": CITIZEN,
        "phone_number_id": GENERAL,
        "type": "image",
        "mime_type": "image/gif",
        "media_b64": base64.b64encode(b"GIF89a").decode(),
    }
    async with http.post(f"{standin.url}/_standin/inbound", json=body) as response:
        assert response.status == 400
        assert "WhatsApp would not send this file" in (await response.json())["error"]
    assert receiver.deliveries == []


async def test_window_error_as_status_like_meta_today(http, receiver):
    from .conftest import make_settings, serving_standin

    async with serving_standin(make_settings(receiver.url, window_error="status")) as server:
        status, body = await send(http, server, text_message())
        assert status == 200, "Meta accepts the send and reports the closed window later"
        await receiver.wait_for(lambda r: len(r.statuses()) == 1)
        failed = receiver.statuses()[0]
        assert failed["id"] == body["messages"][0]["id"]
        assert failed["status"] == "failed"
        assert failed["errors"][0]["code"] == 131047
