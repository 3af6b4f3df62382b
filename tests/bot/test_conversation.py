"""Whole turns through the stand-in: a citizen writes, the channel hands it to the bot, replies come back."""

import asyncio

from rasa.core.channels.channel import UserMessage

from bot.whatsapp.privacy import sender_id
from tests.bot import meta

WA = "919812345678"
SERVICES = [
    {"title": f"Service number {i}", "payload": f'/apply_service{{"service":"s{i}"}}'} for i in range(12)
]


async def menu_bot(message: UserMessage) -> None:
    """A stand-in for the Rasa bot: answers every turn with a 12-item menu."""
    await message.output_channel.send_response(
        message.sender_id, {"text": "Which service?", "buttons": SERVICES}
    )


async def test_a_citizen_gets_a_reply_marked_read_with_typing(make_channel, standin, webhook_port):
    harness = await make_channel(bot=menu_bot, port=webhook_port)
    answer = await standin.inbound(**{"from": WA, "type": "text", "text": "नमस्ते"})
    assert answer["webhook_status"] == 200
    [reply] = await standin.outbound(WA)
    await harness.settle()
    rows = reply["body"]["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows[:9]] == [s["payload"] for s in SERVICES[:9]]
    inbound = next(m for m in await standin.conversation(WA) if m["direction"] == "in")
    assert inbound["status"] == "read" and "typing_at" in inbound
    assert [m.text for m in harness.heard] == ["नमस्ते"]


async def test_more_shows_the_next_page_without_a_bot_turn(make_channel, standin, webhook_port):
    harness = await make_channel(bot=menu_bot, port=webhook_port)
    await standin.inbound(**{"from": WA, "type": "text", "text": "services"})
    [first] = await standin.outbound(WA)
    more = first["body"]["interactive"]["action"]["sections"][0]["rows"][-1]
    assert more["title"] == "More…"
    await standin.inbound(**{"from": WA, "type": "list_reply", "id": more["id"], "title": more["title"]})
    second = (await standin.outbound(WA, 2))[1]
    await harness.settle()
    rows = second["body"]["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [s["payload"] for s in SERVICES[9:]]
    assert len(harness.heard) == 1
    await standin.inbound(
        **{"from": WA, "type": "list_reply", "id": rows[0]["id"], "title": rows[0]["title"]}
    )
    await standin.outbound(WA, 3)
    await harness.settle()
    assert harness.heard[-1].text == '/apply_service{"service":"s9"}'


async def test_a_retried_webhook_is_answered_once(make_channel, standin, webhook_port):
    harness = await make_channel(bot=menu_bot, port=webhook_port)
    first = await standin.inbound(**{"from": WA, "type": "text", "text": "hi"})
    await standin.inbound(**{"from": WA, "type": "text", "text": "hi", "wamid": first["wamid"]})
    await harness.settle()
    await asyncio.sleep(0.1)
    assert len([m for m in await standin.conversation(WA) if m["direction"] == "out"]) == 1
    assert len(harness.heard) == 1


async def test_a_corrupt_photo_reaches_the_bot_as_a_rejection(make_channel, standin, webhook_port):
    harness = await make_channel(port=webhook_port)
    await standin.send_media(WA, "image", b"\xff\xd8\xff broken", "image/jpeg")
    await harness.settle()
    assert [m.text for m in harness.heard] == ['/document_rejected{"reason":"corrupt"}']


async def test_statuses_of_our_replies_are_recorded(make_channel, standin, webhook_port):
    harness = await make_channel(bot=menu_bot, port=webhook_port)
    await standin.inbound(**{"from": WA, "type": "text", "text": "hi"})
    [reply] = await standin.outbound(WA)
    for _ in range(100):
        await harness.settle()
        if "read" in await harness.channel.deliveries.statuses(reply["wamid"]):
            break
        await asyncio.sleep(0.02)
    assert set(await harness.channel.deliveries.statuses(reply["wamid"])) == {"sent", "delivered", "read"}
    assert len(harness.heard) == 1


async def test_the_bot_can_write_first_to_a_known_citizen(make_channel, standin, webhook_port):
    harness = await make_channel(port=webhook_port)
    await standin.inbound(**{"from": WA, "type": "text", "text": "hi"})
    await harness.settle()
    push = harness.channel.get_output_channel()
    await push.send_response(
        sender_id("test-salt", meta.GENERAL, WA), {"text": "Your application was approved"}
    )
    [sent] = await standin.outbound(WA)
    assert sent["body"]["text"]["body"] == "Your application was approved"
    await push.send_response("wa-unknown", {"text": "nobody"})
