"""Tells a file's real type from its first bytes, whatever its name or declared MIME type says."""

import os

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
PDF = "application/pdf"
_EXTENSIONS = {
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".webp": "image", ".pdf": "pdf",
}  # fmt: skip


def sniff(data: bytes) -> str | None:
    """The MIME type of `data` judged by magic bytes, or None when it is not a type we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def family(mime_type: str) -> str:
    """ "image" or "pdf" (or the type itself when it is neither), to compare claims with contents."""
    if mime_type.startswith("image/"):
        return "image"
    return "pdf" if mime_type == PDF else mime_type


def claimed_family(declared_mime: str | None, filename: str | None) -> str | None:
    """The family the sender claims through the declared MIME type or, failing that, the file extension."""
    if declared_mime:
        return family(declared_mime.split(";")[0].strip().lower())
    if filename:
        return _EXTENSIONS.get(os.path.splitext(filename)[1].lower(), "other")
    return None
