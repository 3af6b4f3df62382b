"""Which inbound media the channel hands to the document store, and how large each may be.

Meta lets a citizen send a 100 MB Word file as a "document"; the back-office takes only JPEG and PNG photos and
PDFs (backoffice/documents/intake), and refuses anything larger than its own limits. The channel applies the same
limits before downloading, so nothing it would refuse anyway is ever fetched.
"""

import os

from whatsapp_contract.limits import MB, MEDIA_KINDS

# Audio, video and stickers are not documents an application can use, so they never reach the store.
DOCUMENT_KINDS = ("image", "document")


def accepted_sizes(environ=None) -> dict[str, int]:
    """The MIME types the document store takes, each with its largest size in bytes.

    The same variables as the back-office's intake (SEVA_MAX_IMAGE_BYTES, SEVA_MAX_PDF_BYTES), capped by Meta's own.
    """
    env = os.environ if environ is None else environ
    image = min(int(env.get("SEVA_MAX_IMAGE_BYTES", str(5 * MB))), MEDIA_KINDS["image"][1])
    pdf = min(int(env.get("SEVA_MAX_PDF_BYTES", str(10 * MB))), MEDIA_KINDS["document"][1])
    return {"image/jpeg": image, "image/png": image, "application/pdf": pdf}


def media_type(value: object) -> str:
    """A MIME type as Meta writes it, without parameters (`image/jpeg; charset=…`), lower case."""
    return str(value or "").split(";")[0].strip().lower()
