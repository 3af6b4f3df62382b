"""Meta's documented limits on outbound message fields and inbound media, in one place."""

TEXT_BODY = 4096
CAPTION = 1024
BUTTON_BODY = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
LIST_BODY = 4096
LIST_BUTTON = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_ID = 200
ROW_DESCRIPTION = 72
DOCUMENT_FILENAME = 240

MB = 1024 * 1024
# Inbound media the channel hands to the document store: MIME types and Meta's size cap for each kind.
DOCUMENT_TYPES = {
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
}
