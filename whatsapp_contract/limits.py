"""Meta's documented limits on message fields and media: the channel keeps within them, the stand-in enforces them.

One definition for both, so that what the channel sends and what the stand-in (and so every test) accepts cannot drift
apart.
"""

TEXT_BODY = 4096
CAPTION = 1024
BUTTON_BODY = 1024
FOOTER = 60
HEADER_TEXT = 60
MAX_BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
LIST_BODY = 4096
LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10
SECTION_TITLE = 24
ROW_TITLE = 24
ROW_ID = 200
ROW_DESCRIPTION = 72
ORDER_REFERENCE_ID = 35
DOCUMENT_FILENAME = 240

# MIME types accepted by media upload, and the largest file of each kind, in bytes.
MB = 1024 * 1024
MEDIA_KINDS = {
    "image": ({"image/jpeg", "image/png"}, 5 * MB),
    "document": (
        {
            "text/plain",
            "application/pdf",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        },
        100 * MB,
    ),
    "audio": ({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}, 16 * MB),
    "video": ({"video/mp4", "video/3gpp"}, 16 * MB),
    "sticker": ({"image/webp"}, 500 * 1024),
}


def media_kind(mime_type: str) -> str | None:
    """The media kind (image, document, ...) a MIME type belongs to, or None if Meta refuses it."""
    for kind, (types, _) in MEDIA_KINDS.items():
        if mime_type in types:
            return kind
    return None


def all_media_types() -> list[str]:
    """Every MIME type media upload accepts, for error messages."""
    return sorted(t for types, _ in MEDIA_KINDS.values() for t in types)
