"""Accepts or refuses one upload: size, checksum, real type, then a clean copy and page images for OCR."""

import hashlib
import hmac
from dataclasses import dataclass

from backoffice.documents.intake import images, limits, pdf
from backoffice.documents.intake.refusal import DocumentRefused
from backoffice.documents.intake.sniff import IMAGE_TYPES, claimed_family, family, sniff


@dataclass(frozen=True)
class AcceptedDocument:
    """A checked upload: its real type, the original's size and sha256, a metadata-free copy, page images."""

    mime_type: str
    size: int
    sha256: str
    content: bytes  # what to store (encrypted): cleaned image, or the original PDF
    pages: tuple[bytes, ...]  # what to OCR: the cleaned image, or one PNG per PDF page


def accept_upload(
    data: bytes, *, declared_mime: str | None = None, filename: str | None = None, sha256: str | None = None
) -> AcceptedDocument:
    """Check `data` against limits, `sha256` and its claimed type; raise DocumentRefused with a code if bad."""
    if not data:
        raise DocumentRefused("corrupt", "empty file")
    if len(data) > max(limits.MAX_IMAGE_BYTES, limits.MAX_PDF_BYTES):
        raise DocumentRefused("too_large", f"{len(data)} bytes")
    digest = hashlib.sha256(data).hexdigest()
    if sha256 and not hmac.compare_digest(digest, sha256.strip().lower()):
        raise DocumentRefused("checksum_mismatch", "sha256 differs from the one sent with the file")
    mime_type = sniff(data)
    if mime_type is None:
        raise DocumentRefused("unsupported_type", "not a JPEG, PNG, WebP or PDF file")
    claimed = claimed_family(declared_mime, filename)
    if claimed is not None and claimed != family(mime_type):
        # e.g. a PDF or a program named "photo.jpg": refuse rather than guess what the sender meant.
        raise DocumentRefused("unsupported_type", f"declared as {claimed} but the contents are {mime_type}")
    if mime_type in IMAGE_TYPES:
        if len(data) > limits.MAX_IMAGE_BYTES:
            raise DocumentRefused("too_large", f"image is over {limits.MAX_IMAGE_BYTES} bytes")
        clean = images.clean_image(data, mime_type)
        return AcceptedDocument(mime_type, len(data), digest, clean, (clean,))
    return AcceptedDocument(mime_type, len(data), digest, data, tuple(pdf.rasterise(data)))
