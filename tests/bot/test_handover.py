"""The channel during a handover (the bot stays silent) and after Meta's 131047 (template now, message on reply)."""

import json

from bot.whatsapp.privacy import sender_id
from tests.bot import meta
from whatsapp_contract.handover import RESUME_PAYLOAD, handover_key, held_entry, held_key, sent_key

WA = "919812345678"


def conversation(number: str = meta.GENERAL, wa: str = WA) -> str:
    return sender_id("test-salt", number, wa)


async def answering(message):
    await message.output_channel.send_text_message(message.sender_id, f"bot: {message.text}")


async def test_a_handed_over_citizen_reaches_the_officer_inbox_and_the_bot_stays_silent(
    make_channel, redis, document_store, standin, webhook_port
):
    harness = await make_channel(bot=answering, port=webhook_port)
    await redis.set(handover_key(conversation()), 7)
    await standin.inbound(**{"from": WA, "type": "text", "text": "my certificate has a wrong name"})
    await harness.settle()
    assert harness.heard == []
    [forwarded] = document_store.handed_over
    assert forwarded["conversation"] == conversation()
    assert (forwarded["text"], forwarded["kind"], forwarded["returns_to_bot"]) == (
        "my certificate has a wrong name", "text", False
    )  # fmt: skip
    assert [m for m in await standin.conversation(WA) if m["direction"] == "out"] == []


async def test_menu_and_stop_still_reach_the_bot_during_a_handover_and_menu_ends_it(
    make_channel, redis, document_store
):
    harness = await make_channel(bot=answering)
    await redis.set(handover_key(conversation()), 7)
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.m1", "menu")))
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.m2", "STOP")))
    assert [m.text for m in harness.heard] == ["menu", "STOP"]
    assert [(f["text"], f["returns_to_bot"]) for f in document_store.handed_over] == [
        ("menu", True), ("STOP", False)
    ]  # fmt: skip


async def test_a_flag_without_an_open_handover_is_dropped_and_the_bot_answers(
    make_channel, redis, document_store
):
    harness = await make_channel(bot=answering)
    await redis.set(handover_key(conversation()), 7)
    document_store.no_handover.add(conversation())
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.s1", "hello")))
    assert [m.text for m in harness.heard] == ["hello"]
    assert not await redis.exists(handover_key(conversation()))


async def test_other_citizens_are_answered_by_the_bot_as_usual(make_channel, redis, document_store):
    harness = await make_channel(bot=answering)
    await redis.set(handover_key(conversation(wa="919800000001")), 7)
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.o1", "hello")))
    assert [m.text for m in harness.heard] == ["hello"] and document_store.handed_over == []


async def test_a_reply_refused_with_131047_waits_behind_the_template_and_goes_out_when_the_citizen_taps_it(
    make_channel, redis, standin, webhook_port
):
    harness = await make_channel(bot=answering, port=webhook_port)
    # Delivered straight to the webhook: the stand-in has no message from this citizen, so its window is closed.
    await harness.deliver(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.w1", "status please")))
    [template] = await standin.outbound(WA)
    assert template["type"] == "template" and template["body"]["template"]["name"] == "resume_conversation"
    # (The mark-read of a message the stand-in never saw is refused too: not what this test is about.)
    assert [e["error"]["code"] for e in await standin.errors()].count(131047) == 1
    [held] = [json.loads(raw) for raw in await redis.lrange(held_key(conversation()), 0, -1)]
    assert held["body"]["text"]["body"] == "bot: status please"

    await standin.inbound(**{"from": WA, "type": "button", "payload": RESUME_PAYLOAD, "text": "Continue"})
    await harness.settle()
    sent = await standin.outbound(WA, count=2)
    assert sent[1]["type"] == "text" and sent[1]["body"]["text"]["body"] == "bot: status please"
    assert [m.text for m in harness.heard] == ["status please"]  # the tap itself asked the bot nothing
    assert await redis.llen(held_key(conversation())) == 0


async def test_a_closed_window_reported_by_a_failed_status_holds_the_remembered_message(
    make_channel, redis, standin
):
    harness = await make_channel()
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": WA, "type": "text",
            "text": {"body": "your certificate is ready"}}  # fmt: skip
    await redis.set(sent_key("wamid.gone"), held_entry(meta.GENERAL, body, "handover-message:3"))
    failed = meta.status("wamid.gone", "failed", WA, [{"code": 131047, "title": "Re-engagement message"}])
    await harness.deliver(meta.statuses(meta.GENERAL, failed))
    [template] = await standin.outbound(WA)
    assert template["body"]["template"]["name"] == "resume_conversation"
    [held] = [json.loads(raw) for raw in await redis.lrange(held_key(conversation()), 0, -1)]
    assert held == {"phone_number_id": meta.GENERAL, "body": body, "ref": "handover-message:3"}
