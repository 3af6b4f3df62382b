"""Sending through the stand-in's /messages: Meta's success shape, and each of Meta's refusals."""

import pytest

from .conftest import CITIZEN, GENERAL, button_message, say, send, text_message


def buttons(*titles: str) -> dict:
    """A reply-button message with these titles."""
    return button_message("Choose a language / भाषा चुनें", [(f"b{i}", t) for i, t in enumerate(titles)])


def list_message(rows: list[dict], **action) -> dict:
    """A list message with one section holding `rows`."""
    return {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pick a service"},
            "action": {"button": "Services", "sections": [{"title": "Revenue", "rows": rows}], **action},
        },
    }


def rows(count: int, title: str = "Income certificate") -> list[dict]:
    """`count` list rows with distinct ids."""
    return [{"id": f"row{i}", "title": title, "description": "Apply online"} for i in range(count)]


async def test_text_send_answers_meta_success_shape(http, standin):
    await say(http, standin)
    status, body = await send(http, standin, text_message("नमस्ते"))
    assert status == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": CITIZEN, "wa_id": CITIZEN}]
    assert body["messages"][0]["id"].startswith("wamid.")
    assert standin.outbound[-1]["body"]["text"]["body"] == "नमस्ते"


@pytest.mark.parametrize(
    "headers, message",
    [
        ({}, "An active access token must be used"),
        ({"Authorization": "Bearer wrong"}, "Invalid OAuth access token"),
    ],
)
async def test_missing_or_wrong_token_refused_with_oauth_error(http, standin, headers, message):
    status, body = await send(http, standin, text_message(), headers=headers)
    assert status == 401
    assert body["error"]["code"] == 190
    assert body["error"]["type"] == "OAuthException"
    assert body["error"]["message"].startswith(message)
    assert body["error"]["fbtrace_id"]


async def test_unknown_phone_number_id_refused(http, standin):
    status, body = await send(http, standin, text_message(), number="999")
    assert status == 400
    assert body["error"]["code"] == 100
    assert body["error"]["error_subcode"] == 33
    assert "Object with ID '999' does not exist" in body["error"]["message"]


async def test_text_over_4096_characters_refused(http, standin):
    await say(http, standin)
    status, body = await send(http, standin, text_message("x" * 4097))
    assert status == 400
    assert body["error"]["code"] == 100
    assert "4096" in body["error"]["message"]
    status, _ = await send(http, standin, text_message("x" * 4096))
    assert status == 200


@pytest.mark.parametrize(
    "message, details",
    [
        (
            buttons("One", "Two", "Three", "Four"),
            "Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3",
        ),
        (buttons("A" * 21), "Button title length invalid. Min length: 1, Max length: 20"),
        (buttons("Same", "Same"), "Button title must be unique"),
        (list_message(rows(1, "R" * 25)), "Row title length invalid. Min length: 1, Max length: 24"),
        (list_message(rows(11)), "Total row count exceed max allowed count: 10"),
        (list_message(rows(1), button="B" * 21), "Button text length invalid. Min length: 1, Max length: 20"),
    ],
    ids=[
        "4-buttons",
        "21-char-title",
        "duplicate-titles",
        "25-char-row-title",
        "11-rows",
        "21-char-list-button",
    ],
)
async def test_interactive_limits_refused_with_131009(http, standin, message, details):
    await say(http, standin)
    status, body = await send(http, standin, message)
    assert status == 400
    assert body["error"]["code"] == 131009
    assert body["error"]["message"] == "(#131009) Parameter value is not valid"
    assert body["error"]["error_data"]["details"].startswith(details)
    assert not standin.outbound, "a refused message must not reach the outbound hook"


async def test_messages_at_the_limits_are_accepted(http, standin):
    await say(http, standin)
    assert (await send(http, standin, buttons("A" * 20, "B", "C")))[0] == 200
    assert (await send(http, standin, list_message(rows(10, "R" * 24))))[0] == 200


async def test_list_without_sections_refused(http, standin):
    await say(http, standin)
    message = list_message([])
    del message["interactive"]["action"]["sections"]
    status, body = await send(http, standin, message)
    assert status == 400
    assert body["error"]["code"] == 100


async def test_refusals_are_listed_by_the_control_api(http, standin):
    await say(http, standin)
    await send(http, standin, buttons("One", "Two", "Three", "Four"))
    async with http.get(f"{standin.url}/_standin/errors") as response:
        errors = (await response.json())["errors"]
    assert errors[-1]["error"]["code"] == 131009
    assert errors[-1]["path"] == f"/v21.0/{GENERAL}/messages"
    assert errors[-1]["request"]["interactive"]["type"] == "button"


async def test_free_form_send_outside_24h_window_refused_with_131047(http, standin):
    status, body = await send(http, standin, text_message())
    assert (status, body["error"]["code"]) == (400, 131047)
    await say(http, standin)
    assert (await send(http, standin, text_message()))[0] == 200
    async with http.post(
        f"{standin.url}/_standin/window", json={"wa_id": CITIZEN, "phone_number_id": GENERAL, "hours": 25}
    ):
        pass
    status, body = await send(http, standin, text_message())
    assert (status, body["error"]["code"]) == (400, 131047)


def template(name: str, code: str = "en", params: list[str] | None = None) -> dict:
    """A template send."""
    components = [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params or []]}]
    return {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "template",
        "template": {"name": name, "language": {"code": code}, "components": components},
    }


async def test_template_reaches_citizen_outside_window(http, standin):
    status, body = await send(http, standin, template("application_status_update", "hi", ["DL-123", "स्वीकृत"]))
    assert status == 200, body
    assert standin.outbound[-1]["rendered"]["text"] == "आपके आवेदन DL-123 की स्थिति: स्वीकृत।"


@pytest.mark.parametrize("name, code", [("no_such_template", "en"), ("application_status_update", "fr")])
async def test_unknown_template_refused_with_132001(http, standin, name, code):
    status, body = await send(http, standin, template(name, code, ["a", "b"]))
    assert status == 404
    assert body["error"]["code"] == 132001
    assert body["error"]["error_data"]["details"] == f"template name ({name}) does not exist in {code}"


async def test_template_with_wrong_parameter_count_refused_with_132000(http, standin):
    status, body = await send(http, standin, template("application_status_update", "en", ["only-one"]))
    assert (status, body["error"]["code"]) == (400, 132000)


def order(reference_id: str, total: int = 5000) -> dict:
    """A review-and-pay order_details message."""
    amount = {"value": 5000, "offset": 100}
    parameters = {
        "reference_id": reference_id,
        "type": "digital-goods",
        "currency": "INR",
        "payment_settings": [
            {"type": "payment_gateway", "payment_gateway": {"type": "razorpay", "configuration_name": "seva"}}
        ],
        "total_amount": {"value": total, "offset": 100},
        "order": {
            "status": "pending",
            "items": [{"name": "Income certificate fee", "amount": amount, "quantity": 1}],
            "subtotal": amount,
        },
    }
    return {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {
            "type": "order_details",
            "body": {"text": "Pay the fee"},
            "action": {"name": "review_and_pay", "parameters": parameters},
        },
    }


async def test_order_details_checked(http, standin):
    await say(http, standin)
    assert (await send(http, standin, order("SEVA-2026-0001")))[0] == 200
    status, body = await send(http, standin, order("R" * 36))
    assert (status, body["error"]["code"]) == (400, 131009)
    status, body = await send(http, standin, order("SEVA-2026-0002", total=4000))
    assert (status, body["error"]["code"]) == (400, 131009)


async def test_mark_read_with_typing_indicator(http, standin):
    earlier = await say(http, standin)
    inbound = await say(http, standin)
    read = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": inbound["wamid"],
        "typing_indicator": {"type": "text"},
    }
    assert await send(http, standin, read) == (200, {"success": True})
    assert standin.api.conversations.get(inbound["wamid"]).status == "read"
    assert standin.api.conversations.get(earlier["wamid"]).status == "read", "earlier messages are read too"
    status, body = await send(http, standin, read | {"message_id": "wamid.unknown"})
    assert (status, body["error"]["code"]) == (400, 131009)


async def test_media_message_needs_an_uploaded_id(http, standin):
    await say(http, standin)
    message = {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "document",
        "document": {"id": "1234567890", "filename": "certificate.pdf"},
    }
    status, body = await send(http, standin, message)
    assert (status, body["error"]["code"]) == (400, 131009)


async def test_username_only_citizen_is_reached_through_recipient(http, standin):
    user_id = "IN.asha_delhi_2026"
    await say(http, standin, **{"from": None, "from_user_id": user_id})
    message = {
        "messaging_product": "whatsapp",
        "recipient": user_id,
        "type": "text",
        "text": {"body": "नमस्ते"},
    }
    status, body = await send(http, standin, message)
    assert status == 200, body
    assert standin.outbound[-1]["body"]["recipient"] == user_id
