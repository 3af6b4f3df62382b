"""The channel counts what the dashboard shows: messages in and out, senders, turns, fallbacks, failed deliveries."""

from tests.bot import meta
from whatsapp_contract import meter

WA = "919812345678"
OTHER = "919800000002"


async def test_the_channel_counts_traffic_turns_fallbacks_and_failures_in_redis(make_channel, redis):
    async def bot(message):
        reply = {"text": "Sorry?", "utter_action": meter.FALLBACK_RESPONSE} if message.text == "xyzzy" else {
            "text": "Hello", "utter_action": "utter_greet"}  # fmt: skip
        await message.output_channel.send_response(message.sender_id, reply)

    harness = await make_channel(bot=bot)
    await harness.deliver(
        meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.m1", "hi"), meta.text(WA, "wamid.m2", "xyzzy"))
    )
    await harness.deliver(meta.inbound(meta.GENERAL, OTHER, meta.text(OTHER, "wamid.m3", "hi")))
    await harness.deliver(
        meta.inbound(meta.GENERAL, OTHER, meta.text(OTHER, "wamid.m3", "hi"))
    )  # Meta's retry
    failed = meta.status("wamid.out1", "failed", WA, [{"code": 131026, "title": "Message undeliverable"}])
    await harness.deliver(meta.statuses(meta.GENERAL, failed))
    await harness.deliver(meta.statuses(meta.GENERAL, failed))  # reported twice, counted once

    minute = meter.minute_of()
    counts = {}
    for m in (minute - 1, minute):
        for field, value in (await redis.hgetall(meter.minute_key(m))).items():
            counts[field.decode()] = counts.get(field.decode(), 0) + int(value)
    assert counts == {f"in:{meta.GENERAL}": 3, f"out:{meta.GENERAL}": 3}
    senders = [meter.senders_key(m, meta.GENERAL) for m in (minute - 1, minute)]
    assert await redis.pfcount(*senders) == 2
    day = {k.decode(): int(v) for k, v in (await redis.hgetall(meter.day_key(meter.day_of()))).items()}
    assert day == {
        f"turns:{meta.GENERAL}": 3,
        f"fallback:{meta.GENERAL}": 1,
        f"fail:{meta.GENERAL}:131026": 1,
    }
    assert await redis.ttl(meter.day_key(meter.day_of())) > 0
