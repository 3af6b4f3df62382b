"""Media upload, URL lookup and download through the stand-in, with Meta's limits and the URL's expiry."""

import hashlib
import time

import aiohttp

from standins.whatsapp import media

from .conftest import GENERAL

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload_form(content: bytes, mime_type: str, filename: str = "file") -> aiohttp.FormData:
    """The multipart body Meta's media upload expects."""
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", mime_type)
    form.add_field("file", content, filename=filename, content_type=mime_type)
    return form


async def upload(http, standin, auth, content: bytes, mime_type: str) -> tuple[int, dict]:
    """POST a file to /media; returns (status, JSON)."""
    async with http.post(
        standin.graph(f"{GENERAL}/media"), data=upload_form(content, mime_type), headers=auth
    ) as r:
        return r.status, await r.json()


async def test_upload_lookup_and_download(http, standin, auth):
    status, body = await upload(http, standin, auth, PDF, "application/pdf")
    assert status == 200
    media_id = body["id"]
    async with http.get(standin.graph(media_id), headers=auth) as response:
        info = await response.json()
    assert info["messaging_product"] == "whatsapp"
    assert info["mime_type"] == "application/pdf"
    assert info["file_size"] == len(PDF)
    assert info["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert info["id"] == media_id
    async with http.get(info["url"]) as response:
        assert response.status == 401, "the download URL needs the Bearer token too"
    async with http.get(info["url"], headers=auth) as response:
        assert response.status == 200
        assert response.content_type == "application/pdf"
        assert await response.read() == PDF


async def test_download_url_expires_after_five_minutes(http, standin, auth, monkeypatch):
    _, body = await upload(http, standin, auth, PDF, "application/pdf")
    async with http.get(standin.graph(body["id"]), headers=auth) as response:
        url = (await response.json())["url"]

    class FiveMinutesLater:
        @staticmethod
        def time() -> float:
            return time.time() + 301

    monkeypatch.setattr(media, "time", FiveMinutesLater)
    async with http.get(url, headers=auth) as response:
        assert response.status == 404


async def test_unknown_media_id_refused(http, standin, auth):
    async with http.get(standin.graph("123456789"), headers=auth) as response:
        body = await response.json()
    assert response.status == 400
    assert body["error"]["code"] == 100
    assert body["error"]["error_subcode"] == 33


async def test_media_lookup_needs_token(http, standin):
    async with http.get(standin.graph("123456789")) as response:
        assert response.status == 401
        assert (await response.json())["error"]["code"] == 190


async def test_unsupported_type_refused(http, standin, auth):
    status, body = await upload(http, standin, auth, b"GIF89a", "image/gif")
    assert status == 400
    assert body["error"]["code"] == 100
    assert "image/gif" in body["error"]["message"]


async def test_image_over_5_mb_refused_with_131053(http, standin, auth):
    status, body = await upload(http, standin, auth, b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "image/jpeg")
    assert status == 400
    assert body["error"]["code"] == 131053
    status, _ = await upload(http, standin, auth, b"\xff\xd8" + b"0" * 1000, "image/jpeg")
    assert status == 200


async def test_uploaded_media_can_be_sent_and_fetched_from_control_api(http, standin, auth):
    from .conftest import CITIZEN, say, send

    await say(http, standin)
    _, body = await upload(http, standin, auth, PDF, "application/pdf")
    message = {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "document",
        "document": {"id": body["id"], "filename": "प्रमाणपत्र.pdf", "caption": "Your certificate"},
    }
    assert (await send(http, standin, message))[0] == 200
    async with http.get(f"{standin.url}/_standin/media/{body['id']}") as response:
        assert await response.read() == PDF
