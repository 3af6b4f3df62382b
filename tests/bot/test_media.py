"""Inbound photos and documents: two-step download from the stand-in, checks, and the document store."""

import base64
import hashlib
import io
import json

from PIL import Image

from bot.whatsapp.media import digest_matches
from tests.bot import meta
from whatsapp_contract.identity import citizen_id

WA = "919812345678"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def b64_sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


async def send(harness, standin, kind, data, mime_type, wamid, **extra):
    media_id = await standin.upload(data, mime_type if mime_type != "image/webp" else "image/png")
    await harness.deliver(
        meta.inbound(
            meta.GENERAL, WA, meta.media(WA, wamid, kind, media_id, mime_type, b64_sha(data), **extra)
        )
    )
    return harness.heard[-1].text


async def test_a_photo_is_downloaded_and_stored(make_channel, standin, document_store):
    harness = await make_channel()
    data = png()
    heard = await send(harness, standin, "image", data, "image/png", "wamid.img")
    [(doc_id, stored)] = document_store.documents.items()
    expected = {"document_id": doc_id, "mime_type": "image/png", "filename": stored["filename"]}
    assert heard == "/document_received" + json.dumps(expected, separators=(",", ":"))
    assert stored["data"] == data and stored["source"] == "whatsapp"
    assert stored["citizen"] == citizen_id("test-salt", WA)  # the person's, whichever number it came to


async def test_a_pdf_document_keeps_its_filename(make_channel, standin, document_store):
    harness = await make_channel()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    heard = await send(
        harness, standin, "document", pdf, "application/pdf", "wamid.pdf", filename="राशन कार्ड.pdf"
    )
    assert heard.startswith('/document_received{"document_id":"1"') and "राशन कार्ड.pdf" in heard


async def test_a_corrupt_image_is_rejected_politely(make_channel, standin, document_store):
    harness = await make_channel()
    heard = await send(
        harness, standin, "image", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg", "wamid.bad"
    )
    assert heard == '/document_rejected{"reason":"corrupt"}'
    assert document_store.documents == {}


async def test_an_image_over_metas_5mb_is_too_large(make_channel, standin):
    harness = await make_channel()
    # Uploaded as a document (100 MB limit) so the stand-in holds it; the webhook says it is a photo.
    big = b"%PDF-" + bytes(5 * 1024 * 1024)
    media_id = await standin.upload(big, "application/pdf")
    await harness.deliver(
        meta.inbound(meta.GENERAL, WA, meta.media(WA, "wamid.big", "image", media_id, "image/jpeg"))
    )
    assert harness.heard[-1].text == '/document_rejected{"reason":"too_large"}'


async def test_an_unsupported_type_is_refused_without_downloading(make_channel, standin):
    harness = await make_channel()
    heard = await send(harness, standin, "image", png(), "image/webp", "wamid.webp")
    assert heard == '/document_rejected{"reason":"unsupported_type"}'


async def test_an_unknown_media_id_is_a_failed_download(make_channel, standin):
    harness = await make_channel()
    await harness.deliver(
        meta.inbound(meta.GENERAL, WA, meta.media(WA, "wamid.gone", "image", "1234", "image/png"))
    )
    assert harness.heard[-1].text == '/document_rejected{"reason":"download_failed"}'


def test_meta_sha256_is_checked_in_hex_or_base64():
    data = png()
    digest = hashlib.sha256(data).digest()
    assert digest_matches(digest, hashlib.sha256(data).hexdigest())
    assert digest_matches(digest, b64_sha(data))
    assert not digest_matches(digest, b64_sha(b"other"))
    assert not digest_matches(digest, hashlib.sha256(b"other").hexdigest())
    assert not digest_matches(digest, "not base64!")


async def test_an_unreachable_document_store_is_a_failed_download(make_channel, standin):
    harness = await make_channel(backoffice_url="http://127.0.0.1:9")
    heard = await send(harness, standin, "image", png(), "image/png", "wamid.nostore")
    assert heard == '/document_rejected{"reason":"download_failed"}'


def count_downloads(harness) -> list[str]:
    """Every media URL the channel downloads from now on."""
    fetched: list[str] = []
    graph = harness.channel.graph
    real = graph.download

    async def spy(url, max_bytes):
        fetched.append(url)
        return await real(url, max_bytes)

    graph.download = spy
    return fetched


async def test_a_word_file_is_refused_without_being_downloaded(make_channel, standin):
    """Meta allows 100 MB Word files; the document store takes only photos and PDFs, so none is fetched."""
    harness = await make_channel()
    fetched = count_downloads(harness)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    heard = await send(harness, standin, "document", b"PK\x03\x04 a word file", docx, "wamid.docx")
    assert heard == '/document_rejected{"reason":"unsupported_type"}' and fetched == []


async def test_the_graph_metadata_type_wins_over_the_webhooks_claim(make_channel, standin):
    harness = await make_channel()
    fetched = count_downloads(harness)
    media_id = await standin.upload(b"plain text, not a pdf", "text/plain")
    await harness.deliver(
        meta.inbound(meta.GENERAL, WA, meta.media(WA, "wamid.lie", "document", media_id, "application/pdf"))
    )
    assert harness.heard[-1].text == '/document_rejected{"reason":"unsupported_type"}' and fetched == []


async def test_a_pdf_over_the_document_stores_limit_is_refused_before_downloading(make_channel, standin):
    """11 MB is within Meta's 100 MB for documents but over the back-office's 10 MB for a PDF."""
    harness = await make_channel()
    fetched = count_downloads(harness)
    big = b"%PDF-1.4\n" + bytes(11 * 1024 * 1024)
    heard = await send(harness, standin, "document", big, "application/pdf", "wamid.bigpdf")
    assert heard == '/document_rejected{"reason":"too_large"}' and fetched == []
