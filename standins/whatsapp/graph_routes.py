"""HTTP routes that imitate Meta's Graph API: messages, media upload, media URL lookup and download."""

import hmac
import json

from aiohttp import web

from whatsapp_contract.limits import MEDIA_KINDS

from .cloud_api import CloudApi
from .errors import GraphError, invalid_param, invalid_token, missing_param, unknown_object
from .media import check_upload

VERSION = r"{version:v\d+\.\d+}"
CLOUD_API = web.AppKey("cloud_api", CloudApi)
_LARGEST_MEDIA = max(size for _, size in MEDIA_KINDS.values())


def _check_token(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else request.query.get("access_token", "")
    if not token:
        raise invalid_token(missing=True)
    expected = request.app[CLOUD_API].settings.access_token
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise invalid_token(missing=False)


@web.middleware
async def graph_errors(request: web.Request, handler):
    """Answer a GraphError with Meta's body, and remember the refusal for the control API."""
    try:
        return await handler(request)
    except GraphError as error:
        body = error.body()
        request.app[CLOUD_API].record_error(
            request.method, request.path, request.get("graph_body"), error, body
        )
        return web.json_response(body, status=error.http_status)


async def post_messages(request: web.Request) -> web.Response:
    """Send a message, or mark one read."""
    _check_token(request)
    api = request.app[CLOUD_API]
    phone_number_id = request.match_info["phone_number_id"]
    api.check_number(phone_number_id)
    try:
        body = json.loads(await request.read() or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GraphError(100, "Request body is not valid JSON", message="(#100) Invalid parameter") from exc
    request["graph_body"] = body
    return web.json_response(api.handle_messages_post(phone_number_id, body))


async def post_media(request: web.Request) -> web.Response:
    """Upload a file as multipart (`messaging_product`, `type`, `file`) and answer its id."""
    _check_token(request)
    api = request.app[CLOUD_API]
    phone_number_id = request.match_info["phone_number_id"]
    api.check_number(phone_number_id)
    if not request.content_type.startswith("multipart/"):
        raise missing_param("file")
    fields, content, part_type, filename = {}, None, "", None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if part.name == "file":
            part_type = part.headers.get("Content-Type", "")
            filename = part.filename
            content = await _read_capped(part)
        elif part.name:
            fields[part.name] = (await part.text()).strip()
    request["graph_body"] = {**fields, "file": filename}
    if fields.get("messaging_product") != "whatsapp":
        raise missing_param("messaging_product")
    if content is None:
        raise missing_param("file")
    mime_type = fields.get("type") or part_type
    if part_type and fields.get("type") and part_type.split(";")[0] != fields["type"]:
        raise invalid_param(f"type {fields['type']} does not match the file's Content-Type {part_type}")
    check_upload(mime_type, len(content))
    obj = api.media.add(content, mime_type, phone_number_id, filename)
    return web.json_response({"id": obj.id})


async def _read_capped(part) -> bytes:
    chunks, size = [], 0
    while chunk := await part.read_chunk(1 << 16):
        size += len(chunk)
        if size > _LARGEST_MEDIA:
            raise GraphError(131053, f"Media file size too big. Max file size is {_LARGEST_MEDIA} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_or_error(request: web.Request, method: str):
    _check_token(request)
    media_id = request.match_info["media_id"]
    obj = request.app[CLOUD_API].media.get(media_id)
    if obj is None:
        raise unknown_object(media_id, method)
    return obj


async def get_media_url(request: web.Request) -> web.Response:
    """Look up a media id: a short-lived download URL plus type, size and checksum."""
    api = request.app[CLOUD_API]
    obj = _media_or_error(request, "get")
    url = f"{request.scheme}://{request.host}/whatsapp_business/attachments/?{api.media.url_query(obj.id)}"
    return web.json_response(
        {
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": obj.mime_type,
            "sha256": obj.sha256,
            "file_size": len(obj.content),
            "id": obj.id,
        }
    )


async def delete_media(request: web.Request) -> web.Response:
    """Delete an uploaded media object."""
    obj = _media_or_error(request, "delete")
    request.app[CLOUD_API].media.delete(obj.id)
    return web.json_response({"success": True})


async def download_media(request: web.Request) -> web.Response:
    """Serve the bytes behind a media URL: same Bearer token required, refused once the URL expired."""
    _check_token(request)
    query = request.query
    obj = request.app[CLOUD_API].media.resolve_url(
        query.get("mid", ""), query.get("ext", ""), query.get("hash", "")
    )
    if obj is None:
        return web.Response(status=404, text="URL signature expired or invalid")
    return web.Response(body=obj.content, content_type=obj.mime_type)


async def get_payment(request: web.Request) -> web.Response:
    """Look up the payment of an order sent with `order_details` (Meta: confirm with this, never the webhook)."""
    _check_token(request)
    info = request.match_info
    answer = request.app[CLOUD_API].payments.lookup(
        info["phone_number_id"], info["configuration_name"], info["reference_id"]
    )
    return web.json_response(answer)


def add_routes(app: web.Application) -> None:
    """Register the Graph API routes on the app."""
    app.router.add_post(f"/{VERSION}/{{phone_number_id}}/messages", post_messages)
    app.router.add_post(f"/{VERSION}/{{phone_number_id}}/media", post_media)
    app.router.add_get(
        f"/{VERSION}/{{phone_number_id}}/payments/{{configuration_name}}/{{reference_id}}", get_payment
    )
    app.router.add_get(f"/{VERSION}/{{media_id}}", get_media_url)
    app.router.add_delete(f"/{VERSION}/{{media_id}}", delete_media)
    app.router.add_get("/whatsapp_business/attachments/", download_media)
