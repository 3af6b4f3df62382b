"""Checks an outbound `/messages` body the way Meta does, raising GraphError on the first refusal."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from whatsapp_contract import limits

from .errors import GraphError, invalid_param, missing_param, param_too_long
from .templates import TemplateRegistry

MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
MESSAGE_TYPES = {"text", "interactive", "template", "location", "contacts", "reaction", *MEDIA_TYPES}
INTERACTIVE_TYPES = {
    "button",
    "list",
    "order_details",
    "order_status",
    "flow",
    "cta_url",
    "location_request_message",
}
_WA_ID = re.compile(r"^\+?[0-9][0-9 \-()]{5,20}$")


@dataclass
class Outbound:
    """What the stand-in needs to know about an accepted message send."""

    to: str
    wa_id: str
    type: str
    is_template: bool


def _object(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise GraphError(100, None, message=f"(#100) Param {path} must be a JSON object.")
    return value


def _string(obj: dict, key: str, path: str, limit: int, *, required: bool = True, title: str = "") -> str:
    """Fetch a string field and check it against Meta's length limit.

    With `title` the refusal reads like Meta's interactive checks (code 131009), else like its
    parameter checks (code 100).
    """
    value = obj.get(key)
    if value is None or value == "":
        if required:
            if title:
                raise invalid_param(f"{title} length invalid. Min length: 1, Max length: {limit}")
            raise missing_param(path)
        return ""
    if not isinstance(value, str):
        raise GraphError(100, None, message=f"(#100) Param {path} must be a string.")
    if len(value) > limit:
        if title:
            raise invalid_param(f"{title} length invalid. Min length: 1, Max length: {limit}")
        raise param_too_long(path, limit)
    return value


def recipient_wa_id(to) -> str:
    """The WhatsApp id Meta reports for a `to` value: its digits, or a username-era user id as given."""
    if not isinstance(to, str) or not to.strip():
        raise missing_param("to")
    if _WA_ID.match(to.strip()):
        return re.sub(r"\D", "", to)
    if re.fullmatch(r"[A-Za-z]{2}\.[A-Za-z0-9._-]{4,128}", to):
        return to  # a business-scoped user id of a username-only user (2026)
    raise invalid_param(f"Invalid recipient: {to!r} is not a WhatsApp phone number or user id")


def validate_send(body: dict, media_exists: Callable[[str], bool], templates: TemplateRegistry) -> Outbound:
    """Check a message send and describe it; raise GraphError exactly where Meta would refuse."""
    if body.get("messaging_product") != "whatsapp":
        raise missing_param("messaging_product")
    if body.get("recipient_type", "individual") != "individual":
        raise invalid_param("recipient_type must be individual")
    # Username-era sends may name the user in `recipient` instead of `to`; `to` wins when both are given.
    target = body.get("to") or body.get("recipient")
    wa_id = recipient_wa_id(target)
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        raise GraphError(
            100, None, message=f"(#100) Param type must be one of {{{', '.join(sorted(MESSAGE_TYPES))}}}"
        )
    if kind not in body:
        raise missing_param(kind)
    content = _object(body[kind], kind)
    if kind == "text":
        _string(content, "body", "text['body']", limits.TEXT_BODY)
    elif kind in MEDIA_TYPES:
        _check_media(content, kind, media_exists)
    elif kind == "interactive":
        _check_interactive(content, media_exists)
    elif kind == "template":
        templates.check(content)
    elif kind == "location":
        for key in ("latitude", "longitude"):
            if not isinstance(content.get(key), int | float | str) or content.get(key) in ("", None):
                raise missing_param(f"location['{key}']")
    elif kind == "reaction":
        _string(content, "message_id", "reaction['message_id']", 128)
    elif kind == "contacts" and not isinstance(body["contacts"], list):
        raise GraphError(100, None, message="(#100) Param contacts must be an array.")
    return Outbound(to=target, wa_id=wa_id, type=kind, is_template=kind == "template")


def _check_media(content: dict, kind: str, media_exists: Callable[[str], bool]) -> None:
    media_id, link = content.get("id"), content.get("link")
    if not media_id and not link:
        raise missing_param(f"{kind}['id'] or {kind}['link']")
    if media_id and link:
        raise invalid_param(f"Only one of {kind}['id'] and {kind}['link'] may be given")
    if media_id and not media_exists(str(media_id)):
        raise invalid_param(f"Invalid media id {media_id}: no uploaded media has this id")
    if link and not str(link).startswith(("http://", "https://")):
        raise invalid_param(f"Param {kind}['link'] must be a valid URL")
    if kind in ("image", "document", "video") and "caption" in content:
        _string(content, "caption", f"{kind}['caption']", limits.CAPTION, required=False)
    if kind == "document" and "filename" in content:
        _string(content, "filename", "document['filename']", limits.DOCUMENT_FILENAME, required=False)


def _check_interactive(content: dict, media_exists: Callable[[str], bool]) -> None:
    kind = content.get("type")
    if kind not in INTERACTIVE_TYPES:
        if not kind:
            raise missing_param("interactive['type']")
        raise invalid_param(f"Interactive message type {kind!r} is not supported")
    if "footer" in content:
        _string(
            _object(content["footer"], "interactive['footer']"),
            "text",
            "interactive['footer']['text']",
            limits.FOOTER,
        )
    action = _object(content.get("action"), "interactive['action']")
    if kind == "button":
        _check_header(content, media_exists, allow_media=True)
        body = _object(content.get("body"), "interactive['body']")
        _string(body, "text", "interactive['body']['text']", limits.BUTTON_BODY)
        _check_buttons(action)
    elif kind == "list":
        _check_header(content, media_exists, allow_media=False)
        body = _object(content.get("body"), "interactive['body']")
        _string(body, "text", "interactive['body']['text']", limits.LIST_BODY)
        _check_list(action)
    elif kind == "order_details":
        body = _object(content.get("body"), "interactive['body']")
        _string(body, "text", "interactive['body']['text']", limits.BUTTON_BODY)
        _check_order(action)


def _check_header(content: dict, media_exists: Callable[[str], bool], *, allow_media: bool) -> None:
    if "header" not in content:
        return
    header = _object(content["header"], "interactive['header']")
    kind = header.get("type")
    if kind == "text":
        _string(header, "text", "interactive['header']['text']", limits.HEADER_TEXT)
    elif allow_media and kind in ("image", "document", "video"):
        _check_media(_object(header.get(kind), f"interactive['header']['{kind}']"), kind, media_exists)
    else:
        raise invalid_param(f"Header type {kind!r} is not allowed here")


def _check_buttons(action: dict) -> None:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= limits.MAX_BUTTONS:
        raise invalid_param(
            f"Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: {limits.MAX_BUTTONS}"
        )
    titles, ids = set(), set()
    for button in buttons:
        button = _object(button, "interactive['action']['buttons'][]")
        if button.get("type") != "reply":
            raise invalid_param("Button type must be reply")
        reply = _object(button.get("reply"), "interactive['action']['buttons'][]['reply']")
        title = _string(reply, "title", "title", limits.BUTTON_TITLE, title="Button title")
        button_id = _string(reply, "id", "id", limits.BUTTON_ID, title="Button id")
        if title in titles:
            raise invalid_param("Button title must be unique. Duplicate button title found: " + title)
        if button_id in ids:
            raise invalid_param("Button id must be unique. Duplicate button id found: " + button_id)
        titles.add(title)
        ids.add(button_id)


def _check_list(action: dict) -> None:
    _string(action, "button", "button", limits.LIST_BUTTON, title="Button text")
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise missing_param("interactive['action']['sections']")
    if len(sections) > limits.MAX_SECTIONS:
        raise invalid_param(f"Too many sections. Max allowed sections: {limits.MAX_SECTIONS}")
    row_ids, total = set(), 0
    for section in sections:
        section = _object(section, "interactive['action']['sections'][]")
        _string(
            section, "title", "title", limits.SECTION_TITLE, required=len(sections) > 1, title="Section title"
        )
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise missing_param("interactive['action']['sections'][]['rows']")
        total += len(rows)
        if total > limits.MAX_ROWS:
            raise invalid_param(f"Total row count exceed max allowed count: {limits.MAX_ROWS}")
        for row in rows:
            row = _object(row, "interactive['action']['sections'][]['rows'][]")
            _string(row, "title", "title", limits.ROW_TITLE, title="Row title")
            row_id = _string(row, "id", "id", limits.ROW_ID, title="Row id")
            _string(
                row,
                "description",
                "description",
                limits.ROW_DESCRIPTION,
                required=False,
                title="Row description",
            )
            if row_id in row_ids:
                raise invalid_param("Row ID must be unique. Duplicate row id found: " + row_id)
            row_ids.add(row_id)


def _amount(obj: dict, key: str, path: str, *, required: bool) -> int | None:
    amount = obj.get(key)
    if amount is None and not required:
        return None
    amount = _object(amount, path)
    value, offset = amount.get("value"), amount.get("offset")
    if not isinstance(value, int) or value < 0 or offset != 100:
        raise invalid_param(f"{path} must have an integer value and offset 100")
    return value


GATEWAYS = ("razorpay", "payu", "billdesk", "zaakpay")


def _check_payment_settings(settings: object) -> None:
    if not isinstance(settings, list) or not settings:
        raise missing_param("payment_settings")
    for index, setting in enumerate(settings):
        setting = _object(setting, f"payment_settings[{index}]")
        if setting.get("type") != "payment_gateway":
            raise invalid_param("payment_settings type must be payment_gateway")
        gateway = _object(setting.get("payment_gateway"), f"payment_settings[{index}].payment_gateway")
        if gateway.get("type") not in GATEWAYS:
            raise invalid_param(f"payment_gateway type must be one of {', '.join(GATEWAYS)}")
        name = gateway.get("configuration_name")
        if not isinstance(name, str) or not name:
            raise missing_param(f"payment_settings[{index}].payment_gateway.configuration_name")


def _check_order(action: dict) -> None:
    if action.get("name") != "review_and_pay":
        raise invalid_param("Order details action name must be review_and_pay")
    params = _object(action.get("parameters"), "interactive['action']['parameters']")
    ref = _string(params, "reference_id", "reference_id", limits.ORDER_REFERENCE_ID, title="reference_id")
    if not re.fullmatch(r"[A-Za-z0-9_\-.:/@#]+", ref):
        raise invalid_param("reference_id may hold only letters, digits and _-.:/@#")
    if params.get("type") not in ("digital-goods", "physical-goods"):
        raise invalid_param("Order type must be digital-goods or physical-goods")
    if params.get("currency") != "INR":
        raise invalid_param("Order currency must be INR")
    _check_payment_settings(params.get("payment_settings"))
    total = _amount(params, "total_amount", "total_amount", required=True)
    order = _object(params.get("order"), "interactive['action']['parameters']['order']")
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise missing_param("order['items']")
    items_total = 0
    for index, item in enumerate(items):
        item = _object(item, f"order.items[{index}]")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise missing_param(f"order.items[{index}].name")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise invalid_param(f"order.items[{index}].quantity must be a whole number above zero")
        items_total += _amount(item, "amount", f"order.items[{index}].amount", required=True) * quantity
    subtotal = _amount(order, "subtotal", "order.subtotal", required=False)
    if subtotal is not None and subtotal != items_total:
        raise invalid_param("order.subtotal must equal the sum of the items' amount times quantity")
    if subtotal is not None:
        extra = sum(_amount(order, k, f"order.{k}", required=False) or 0 for k in ("tax", "shipping"))
        discount = _amount(order, "discount", "order.discount", required=False) or 0
        if total != subtotal + extra - discount:
            raise invalid_param("total_amount must equal subtotal + tax + shipping - discount")


def validate_mark_read(body: dict, message_known: Callable[[str], bool]) -> None:
    """Check a mark-read (and typing indicator) request; the message must be one we received."""
    if body.get("messaging_product") != "whatsapp":
        raise missing_param("messaging_product")
    message_id = body.get("message_id")
    if not isinstance(message_id, str) or not message_id:
        raise missing_param("message_id")
    indicator = body.get("typing_indicator")
    if indicator is not None and (not isinstance(indicator, dict) or indicator.get("type") != "text"):
        raise invalid_param("typing_indicator type must be text")
    if not message_known(message_id):
        raise invalid_param(f"Invalid message_id {message_id}: no message with this id was received")
