"""Which inbound media the channel hands to the document store: Meta's image and document kinds, with their caps."""

from whatsapp_contract.limits import MEDIA_KINDS

# Audio, video and stickers are not documents an application can use, so they never reach the store.
DOCUMENT_TYPES = {kind: MEDIA_KINDS[kind] for kind in ("image", "document")}
