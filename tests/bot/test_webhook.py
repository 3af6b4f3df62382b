"""The webhook as Meta drives it: handshake, signatures, every payload shape, ordering and dedup."""

import asyncio
import json
import logging
import threading

from bot.whatsapp.privacy import sender_id
from tests.bot import meta
from whatsapp_contract.identity import citizen_id

WA = "919812345678"
OTHER = "919800000002"


async def test_verification_handshake(make_channel):
    harness = await make_channel()
    query = "hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444"
    status, content_type, text = await harness.get(query)
    assert (status, text) == (200, "1158201444")
    assert content_type.startswith("text/plain")


async def test_handshake_with_wrong_token_or_mode_is_refused(make_channel):
    harness = await make_channel()
    for query in (
        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1",
        "hub.challenge=1",
    ):
        status, _, text = await harness.get(query)
        assert status == 403 and "1" not in text


async def test_forged_and_unsigned_posts_are_refused_and_ignored(make_channel, redis):
    harness = await make_channel()
    body = meta.raw(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.forged", "hi")))
    forged = await harness.post(body, meta.signed_headers(body, secret="not-the-secret"))
    unsigned = await harness.post(body, {"Content-Type": "application/json"})
    await harness.settle()
    assert (forged, unsigned) == (403, 403)
    assert harness.heard == []
    # Nothing of the message was kept: no queued entry, no dedup marker, no address.
    assert await harness.channel.inbox.stream.backlog() == 0
    assert await redis.keys("seva:inbound:seen:*") == [] and await redis.keys("seva:wa:*") == []


async def test_malformed_json_with_a_valid_signature_is_a_400(make_channel):
    harness = await make_channel()
    for body in (b'{"object": "whatsapp_business_account", "entry": [', b"\xff\xfe", b"[1, 2]"):
        assert await harness.post(body, meta.signed_headers(body)) == 400
    assert harness.heard == []


async def test_text_reaches_the_bot_under_a_pseudonym_with_whatsapp_metadata(make_channel):
    harness = await make_channel()
    status = await harness.deliver(
        meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.t1", "नमस्ते", ts=1700000000))
    )
    assert status == 200
    [message] = harness.heard
    assert message.text == "नमस्ते"
    assert message.sender_id == sender_id("test-salt", meta.GENERAL, WA)
    assert WA not in message.sender_id
    assert message.input_channel == "whatsapp" and message.message_id == "wamid.t1"
    assert message.metadata == {
        "whatsapp": {
            "wa_id": WA,
            "user_id": "",
            "citizen": citizen_id("test-salt", WA),
            "phone_number_id": meta.GENERAL,
            "department": "general",
            "profile_name": "Asha",
            "wamid": "wamid.t1",
            "timestamp": "1700000000",
        }
    }
    assert message.output_channel.name() == "whatsapp"


async def test_one_person_writing_to_two_numbers_is_two_conversations_of_one_citizen(make_channel):
    harness = await make_channel()
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.n1", "Hi")))
    await harness.deliver(meta.inbound(meta.REVENUE, WA, meta.text(WA, "wamid.n2", "Hi")))
    general, revenue = harness.heard
    assert general.sender_id != revenue.sender_id  # each number's bot keeps its own context
    citizens = {m.metadata["whatsapp"]["citizen"] for m in harness.heard}
    assert citizens == {citizen_id("test-salt", WA)} and WA not in citizens.pop()


async def test_replies_give_the_bot_the_payload_it_offered(make_channel):
    harness = await make_channel()
    await harness.deliver(
        meta.inbound(
            meta.GENERAL,
            WA,
            meta.button_reply(WA, "wamid.b1", '/choose_language{"language":"hi"}', "हिंदी"),
            meta.list_reply(WA, "wamid.l1", "/check_status", "Track an application"),
        )
    )
    assert [m.text for m in harness.heard] == ['/choose_language{"language":"hi"}', "/check_status"]


async def test_location_and_unsupported_messages_become_unsupported_message(make_channel):
    harness = await make_channel()
    location = meta.message(WA, "wamid.loc", "location", {"latitude": 28.6, "longitude": 77.2})
    unsupported = meta.message(WA, "wamid.uns", "unsupported", {})
    unsupported["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    await harness.deliver(meta.inbound(meta.GENERAL, WA, location, unsupported))
    assert [m.text for m in harness.heard] == [
        '/unsupported_message{"kind":"location"}',
        '/unsupported_message{"kind":"unsupported"}',
    ]


async def test_statuses_are_recorded_once_and_never_answered(make_channel):
    harness = await make_channel()
    payload = meta.statuses(
        meta.GENERAL, meta.status("wamid.out1", "sent", WA), meta.status("wamid.out1", "delivered", WA)
    )
    assert await harness.deliver(payload) == 200
    await harness.deliver(payload)
    assert harness.heard == []
    recorded = await harness.channel.deliveries.statuses("wamid.out1")
    assert set(recorded) == {"sent", "delivered"}


async def test_a_failed_status_for_a_closed_window_goes_to_the_template_hook_once(make_channel, caplog):
    closed = []

    async def hook(window_closed):
        closed.append(window_closed)
        return False

    caplog.set_level(logging.INFO)
    harness = await make_channel(on_window_closed=hook)
    wamid = "wamid.HBgMOTE5ODEyMzQ1Njc4FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA="
    failed = meta.status(wamid, "failed", WA, [{"code": 131047, "title": "Re-engagement message"}])
    await harness.deliver(meta.statuses(meta.GENERAL, failed))
    await harness.deliver(meta.statuses(meta.GENERAL, failed))
    [window] = closed
    assert (window.recipient.wa_id, window.recipient.phone_number_id, window.wamid) == (
        WA,
        meta.GENERAL,
        wamid,
    )
    assert WA not in caplog.text and wamid not in caplog.text


async def test_a_batch_of_two_senders_keeps_each_senders_order(make_channel):
    finished = []

    async def slow_for_first_sender(message):
        # The first citizen's turns are slow; the second must not wait for them, nor overtake its own.
        if message.metadata["whatsapp"]["wa_id"] == WA:
            await asyncio.sleep(0.1)
        finished.append(message.text)

    harness = await make_channel(bot=slow_for_first_sender)
    mine = [meta.text(WA, "wamid.a1", "a1", ts=100), meta.text(WA, "wamid.a2", "a2", ts=101)]
    theirs = [meta.text(OTHER, "wamid.b1", "b1", ts=100), meta.text(OTHER, "wamid.b2", "b2", ts=102)]
    # Meta does not promise order inside a batch: the later message comes first here.
    payload = meta.inbound(meta.GENERAL, WA, *reversed(mine))
    payload["entry"].append(meta.inbound(meta.REVENUE, OTHER, *theirs)["entry"][0])
    await harness.deliver(payload)
    by_sender = {}
    for message in harness.heard:
        by_sender.setdefault(message.metadata["whatsapp"]["department"], []).append(message.text)
    assert by_sender == {"general": ["a1", "a2"], "revenue": ["b1", "b2"]}
    assert finished == ["b1", "b2", "a1", "a2"]


async def test_bot_turns_run_concurrently_up_to_a_bound(make_channel):
    running, peak = 0, 0

    async def slow_bot(message):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1

    harness = await make_channel(bot=slow_bot, max_turns=3)
    payload = meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.c0", "0"))
    for n in range(1, 8):
        citizen = f"9198000000{n:02d}"
        payload["entry"].append(
            meta.inbound(meta.GENERAL, citizen, meta.text(citizen, f"wamid.c{n}", "x"))["entry"][0]
        )
    await harness.deliver(payload)
    assert len(harness.heard) == 8 and peak == 3


async def test_a_duplicate_delivery_is_answered_once(make_channel):
    harness = await make_channel()
    payload = meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.dup", "hello"))
    first, again = await harness.deliver(payload), await harness.deliver(payload)
    assert (first, again) == (200, 200)
    assert [m.text for m in harness.heard] == ["hello"]


async def test_a_duplicate_is_answered_once_even_across_two_channel_processes(make_channel):
    one, two = await make_channel(), await make_channel()
    body = meta.raw(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.twice", "hello")))
    await asyncio.gather(one.post(body, meta.signed_headers(body)), two.post(body, meta.signed_headers(body)))
    await one.settle()
    await two.settle()
    assert len(one.heard) + len(two.heard) == 1


async def test_webhook_is_acknowledged_before_the_bot_runs(make_channel):
    release = threading.Event()  # the bot's turns run on a thread of their own

    async def blocked_bot(message):
        while not release.is_set():
            await asyncio.sleep(0.01)

    harness = await make_channel(bot=blocked_bot)
    body = meta.raw(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.slow", "hi")))
    status = await asyncio.wait_for(harness.post(body, meta.signed_headers(body)), timeout=2)
    assert status == 200
    release.set()
    await harness.settle()
    assert [m.text for m in harness.heard] == ["hi"]


async def test_unknown_phone_number_id_is_ignored_with_200(make_channel, caplog):
    harness = await make_channel()
    status = await harness.deliver(meta.inbound("999999999999999", WA, meta.text(WA, "wamid.x", "hi")))
    assert status == 200
    assert harness.heard == []
    assert "unknown phone_number_id 999999999999999" in caplog.text


async def test_username_only_sender_is_served_by_user_id(make_channel):
    harness = await make_channel()
    user = "IN.1502576394655843"
    await harness.deliver(
        meta.inbound(meta.GENERAL, "", meta.text("", "wamid.u1", "hi", user_id=user), user_id=user)
    )
    [message] = harness.heard
    assert message.sender_id == sender_id("test-salt", meta.GENERAL, user)
    assert message.metadata["whatsapp"]["user_id"] == user and message.metadata["whatsapp"]["wa_id"] == ""


async def test_redelivered_body_with_escaped_unicode_is_verified_on_raw_bytes(make_channel):
    harness = await make_channel()
    payload = meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.esc", "कृपया https://delhi.gov.in"))
    body = meta.raw(payload)
    assert b"\\u" in body and b"\\/" in body
    assert json.loads(body) == payload
    status = await harness.post(body, meta.signed_headers(body))
    await harness.settle()
    assert status == 200 and [m.text for m in harness.heard] == ["कृपया https://delhi.gov.in"]


async def test_webhooks_are_acknowledged_while_a_turn_hogs_the_cpu(make_channel):
    # Rasa's NLU and its synchronous Redis stores block the loop they run on; acks must not wait for them.
    release, hogged = threading.Event(), threading.Event()

    async def hogging_bot(message):
        if message.text == "first":
            release.wait(timeout=10)  # blocks the turn's event loop outright, as CPU-bound work does
            hogged.set()

    harness = await make_channel(bot=hogging_bot)
    first = meta.raw(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.hog1", "first")))
    assert await harness.post(first, meta.signed_headers(first)) == 200
    while not harness.heard:
        await asyncio.sleep(0.01)
    second = meta.raw(meta.inbound(meta.GENERAL, OTHER, meta.text(OTHER, "wamid.hog2", "second")))
    try:
        status = await harness.post(second, meta.signed_headers(second))
        acknowledged_during_the_turn = not hogged.is_set()
    finally:
        release.set()
    await harness.settle()
    assert status == 200 and acknowledged_during_the_turn
    assert sorted(m.text for m in harness.heard) == ["first", "second"]
