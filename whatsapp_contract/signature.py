"""Meta's `X-Hub-Signature-256` webhook signature: the stand-in makes it, the channel checks it in constant time."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header value Meta sends for `body`."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """True only when `header` is the HMAC-SHA256 of the raw `body` under `app_secret`."""
    if not app_secret or not header or not header.startswith(PREFIX):
        return False
    # Compare as bytes: compare_digest refuses non-ASCII str, and a forger controls the header.
    return hmac.compare_digest(
        sign(app_secret, body).encode(), header.strip().lower().encode("utf-8", "replace")
    )
