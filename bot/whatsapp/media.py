"""Take an inbound image or document: download it from Meta, check it, and hand it to the store."""

import asyncio
import base64
import binascii
import hashlib
import logging
import mimetypes

from bot.whatsapp import bot_input
from bot.whatsapp.document_store import DocumentRefused, DocumentStore, DocumentStoreUnavailable
from bot.whatsapp.graph import GraphClient, GraphError, MediaTooLarge
from bot.whatsapp.inbound import Media
from bot.whatsapp.limits import accepted_sizes, media_type

logger = logging.getLogger(__name__)

# The store's refusal codes, as the reasons the bot has answers for.
STORE_REASONS = {
    "corrupt": "corrupt",
    "encrypted": "encrypted",
    "too_large": "too_large",
    "unsupported_type": "unsupported_type",
    "checksum_mismatch": "download_failed",
}


def digest_matches(digest: bytes, expected: str) -> bool:
    """Whether a SHA-256 `digest` is the one Meta gave, which arrives as hex or as base64."""
    if not expected:
        return True
    if len(expected) == 64:
        return expected.lower() == digest.hex()
    try:
        return base64.b64decode(expected, validate=True) == digest
    except (binascii.Error, ValueError):
        return False


def filename_for(kind: str, media: Media, mime_type: str) -> str:
    """The citizen's filename for a document; a name made from the media id for a photo."""
    if media.filename:
        return media.filename
    extension = mimetypes.guess_extension(mime_type) or ""
    return f"whatsapp-{kind}-{media.media_id}{extension}"


async def take_document(
    graph: GraphClient, store: DocumentStore, kind: str, media: Media, citizen: str
) -> str:
    """Fetch, check and store one media message; return what the bot hears about it.

    The type and size are checked twice before any byte is fetched: as the webhook states them, and as the Graph
    API's media metadata (GET /<media-id>: mime_type, file_size) states them, so nothing the document store would
    refuse is downloaded.
    """
    sizes = accepted_sizes()
    if media_type(media.mime_type) not in sizes:
        return bot_input.document_rejected("unsupported_type")
    try:
        info = await graph.media_info(media.media_id)
        stored_type = media_type(info.get("mime_type") or media.mime_type)
        if stored_type not in sizes:
            logger.info("media %s is %s by its metadata; not downloaded", media.media_id, stored_type)
            return bot_input.document_rejected("unsupported_type")
        max_bytes = min(sizes[stored_type], sizes[media_type(media.mime_type)])
        if int(info.get("file_size") or 0) > max_bytes:
            return bot_input.document_rejected("too_large")
        data = await graph.download(str(info["url"]), max_bytes)
    except MediaTooLarge:
        return bot_input.document_rejected("too_large")
    except (GraphError, KeyError, ValueError) as exc:
        logger.warning("could not download media %s: %s", media.media_id, exc)
        return bot_input.document_rejected("download_failed")
    # A document may be 100 MB: hash it off the event loop so webhook acks never wait for it.
    digest = await asyncio.to_thread(lambda: hashlib.sha256(data).digest())
    if not digest_matches(digest, str(info.get("sha256") or media.sha256)):
        logger.warning(
            "media %s does not match Meta's sha256; treating it as a failed download", media.media_id
        )
        return bot_input.document_rejected("download_failed")
    mime_type = media.mime_type
    filename = filename_for(kind, media, mime_type)
    try:
        stored = await store.store(data, filename, mime_type, citizen, digest.hex())
    except DocumentRefused as refusal:
        return bot_input.document_rejected(STORE_REASONS.get(refusal.code, "corrupt"))
    except DocumentStoreUnavailable as exc:
        logger.error("the document store did not take media %s: %s", media.media_id, exc)
        return bot_input.document_rejected("download_failed")
    return bot_input.document_received(stored.id, stored.mime_type, filename)
