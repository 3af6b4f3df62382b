"""Parsing Meta's webhook payload shapes into inbound messages and statuses, and what the bot hears."""

import pytest

from bot.whatsapp.bot_input import text_for
from bot.whatsapp.inbound import MalformedPayload, parse_webhook
from tests.bot import meta

WA = "919812345678"


def only(payload):
    batch = parse_webhook(payload)
    assert len(batch.messages) == 1
    return batch.messages[0]


def test_text_message():
    message = only(meta.inbound(meta.GENERAL, WA, meta.text(WA, "wamid.1", "नमस्ते"), name="Asha"))
    assert (message.kind, message.said, message.wa_id, message.profile_name) == ("text", "नमस्ते", WA, "Asha")
    assert text_for(message) == "नमस्ते"


def test_typed_intent_is_not_passed_through_as_an_intent():
    message = only(
        meta.inbound(meta.GENERAL, WA, meta.text(WA, "w", '/document_received{"document_id":"7"}'))
    )
    assert not text_for(message).startswith("/")


def test_button_reply_and_list_reply_give_the_offered_payload():
    payload = '/choose_language{"language":"hi"}'
    assert (
        text_for(only(meta.inbound(meta.GENERAL, WA, meta.button_reply(WA, "w", payload, "हिंदी")))) == payload
    )
    assert text_for(
        only(meta.inbound(meta.GENERAL, WA, meta.list_reply(WA, "w", "/check_status", "Track")))
    ) == ("/check_status")


def test_template_quick_reply_gives_its_payload():
    quick = meta.message(WA, "w", "button", {"payload": "/opt_out", "text": "Stop"})
    assert text_for(only(meta.inbound(meta.GENERAL, WA, quick))) == "/opt_out"


def test_image_and_document_carry_their_media():
    image = only(meta.inbound(meta.GENERAL, WA, meta.media(WA, "w", "image", "55", "image/jpeg", "abc=")))
    assert (image.media.media_id, image.media.mime_type, image.media.sha256) == ("55", "image/jpeg", "abc=")
    pdf = meta.media(WA, "w", "document", "56", "application/pdf", filename="aadhaar.pdf", caption="ID")
    document = only(meta.inbound(meta.GENERAL, WA, pdf))
    assert (document.media.filename, document.media.caption) == ("aadhaar.pdf", "ID")


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("location", {"latitude": 28.61, "longitude": 77.2, "name": "India Gate", "address": "Rajpath"}),
        ("audio", {"id": "9", "mime_type": "audio/ogg; codecs=opus", "sha256": "x", "voice": True}),
        ("sticker", {"id": "9", "mime_type": "image/webp", "sha256": "x", "animated": False}),
        ("contacts", [{"name": {"formatted_name": "A"}}]),
    ],
)
def test_unreadable_kinds_become_unsupported_message(kind, content):
    message = only(meta.inbound(meta.GENERAL, WA, meta.message(WA, "w", kind, content)))
    assert text_for(message) == '/unsupported_message{"kind":"' + kind + '"}'


def test_meta_unsupported_type():
    raw = meta.message(WA, "w", "unsupported", {})
    raw["errors"] = [{"code": 131051, "title": "Message type unknown", "error_data": {"details": "x"}}]
    assert text_for(only(meta.inbound(meta.GENERAL, WA, raw))) == '/unsupported_message{"kind":"unsupported"}'


def test_reactions_get_no_answer():
    reaction = meta.message(WA, "w", "reaction", {"message_id": "wamid.x", "emoji": "👍"})
    assert text_for(only(meta.inbound(meta.GENERAL, WA, reaction))) is None


def test_username_only_sender_is_identified_by_user_id():
    payload = meta.inbound(
        meta.GENERAL,
        "",
        meta.text("", "w", "hi", user_id="IN.1502576394655843"),
        user_id="IN.1502576394655843",
    )
    message = only(payload)
    assert (message.wa_id, message.user_id, message.user_key) == (
        "",
        "IN.1502576394655843",
        "IN.1502576394655843",
    )
    assert message.profile_name == "Asha"


def test_status_only_payload():
    payload = meta.statuses(
        meta.GENERAL,
        meta.status("wamid.a", "delivered", WA),
        meta.status("wamid.b", "failed", WA, [{"code": 131047, "title": "Re-engagement message"}]),
    )
    batch = parse_webhook(payload)
    assert batch.messages == []
    assert [(s.wamid, s.status, s.error_codes) for s in batch.statuses] == [
        ("wamid.a", "delivered", ()),
        ("wamid.b", "failed", (131047,)),
    ]


def test_every_entry_and_change_of_a_batch_is_read():
    first = meta.inbound(meta.GENERAL, "911111111111", meta.text("911111111111", "w1", "a"))
    second = meta.inbound(meta.REVENUE, "922222222222", meta.text("922222222222", "w2", "b"))
    first["entry"].append(second["entry"][0])
    first["entry"][0]["changes"].append(
        meta.statuses(meta.GENERAL, meta.status("s", "read", WA))["entry"][0]["changes"][0]
    )
    batch = parse_webhook(first)
    assert [(m.phone_number_id, m.said) for m in batch.messages] == [(meta.GENERAL, "a"), (meta.REVENUE, "b")]
    assert len(batch.statuses) == 1


def test_broken_parts_are_skipped_and_non_objects_refused():
    payload = meta.inbound(meta.GENERAL, WA, meta.text(WA, "w", "ok"))
    payload["entry"][0]["changes"][0]["value"]["messages"] += [
        "junk",
        {"type": "text"},
        {"id": "x", "from": WA},
    ]
    payload["entry"].append("junk")
    assert [m.said for m in parse_webhook(payload).messages] == ["ok"]
    assert parse_webhook({"object": "page"}).messages == []
    for bad in ([], "x", 3, None):
        with pytest.raises(MalformedPayload):
            parse_webhook(bad)
