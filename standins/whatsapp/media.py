"""Media objects held in memory, with Meta's upload limits and short-lived, signed download URLs."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from whatsapp_contract import limits

from .errors import GraphError


@dataclass
class MediaObject:
    """One uploaded or received file."""

    id: str
    content: bytes
    mime_type: str
    phone_number_id: str
    filename: str | None = None
    created: float = field(default_factory=time.time)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes, as Meta reports it."""
        return hashlib.sha256(self.content).hexdigest()


def check_upload(mime_type: str, size: int) -> None:
    """Refuse a file Meta would refuse: an unsupported type, or one over its kind's size limit."""
    kind = limits.media_kind(mime_type)
    if kind is None:
        raise GraphError(
            100,
            None,
            message="(#100) Param file must be a file with one of the following types: "
            + ", ".join(limits.all_media_types())
            + f". Received file of type '{mime_type}'.",
        )
    max_size = limits.MEDIA_KINDS[kind][1]
    if size > max_size:
        raise GraphError(
            131053,
            f"Media file size too big. Max file size for {kind} is {max_size} bytes, "
            f"this file is {size} bytes",
        )
    if size == 0:
        raise GraphError(131053, "Media file is empty")


class MediaStore:
    """All media by id; URLs carry an HMAC of (id, expiry) so they cannot be forged or kept alive."""

    def __init__(self, url_ttl: float):
        self.url_ttl = url_ttl
        self._key = secrets.token_bytes(32)
        self._objects: dict[str, MediaObject] = {}

    def add(
        self, content: bytes, mime_type: str, phone_number_id: str, filename: str | None = None
    ) -> MediaObject:
        """Store bytes and return the new media object (ids are numeric like Meta's)."""
        media_id = str(secrets.randbelow(9 * 10**15) + 10**15)
        obj = MediaObject(media_id, content, mime_type, phone_number_id, filename)
        self._objects[media_id] = obj
        return obj

    def get(self, media_id: str) -> MediaObject | None:
        """The media object with this id, if any."""
        return self._objects.get(media_id)

    def delete(self, media_id: str) -> bool:
        """Forget a media object; True if it existed."""
        return self._objects.pop(media_id, None) is not None

    def clear(self) -> None:
        """Forget every media object."""
        self._objects.clear()

    def url_query(self, media_id: str, now: float | None = None) -> str:
        """Query string of a download URL for this id that expires after the TTL."""
        expires = int((now or time.time()) + self.url_ttl)
        return f"mid={media_id}&ext={expires}&hash={self._sign(media_id, expires)}"

    def resolve_url(self, media_id: str, expires: str, signature: str) -> MediaObject | None:
        """The object a download URL points at, or None if it is forged, expired or gone."""
        if not expires.isdigit() or int(expires) < time.time():
            return None
        if not hmac.compare_digest(self._sign(media_id, int(expires)), signature):
            return None
        return self._objects.get(media_id)

    def _sign(self, media_id: str, expires: int) -> str:
        return hmac.new(self._key, f"{media_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]
